"""Extractive answers on the real corpus: figures, tables, lists, measures, conflicts, refusals."""

from __future__ import annotations

import pytest

from assistant.answer import Answer, Assistant
from assistant.config import AssistantSettings
from assistant.followup import rewrite_by_rule
from assistant.question import MAX_QUESTION_CHARS
from evals.dataset import normalize_for_match
from vectorstore.search import HybridSearcher


@pytest.fixture(scope="module")
def assistant(searcher: HybridSearcher) -> Assistant:
    return Assistant(searcher, AssistantSettings())


def _contains(text: str, expected: str) -> bool:
    return normalize_for_match(expected) in normalize_for_match(text)


def assert_answers(answer: Answer, *expected: str) -> None:
    """Every expected string is in the answer and in some cited passage; quotes are verbatim."""
    assert not answer.refused, answer.text
    assert answer.mode == "extractive"
    for value in expected:
        assert _contains(answer.text, value), (value, answer.text)
        assert any(_contains(c.passage.text, value) for c in answer.citations), value
    for citation in answer.citations:
        assert citation.quote and citation.quote in citation.passage.text
        assert f"[{citation.n}]" in answer.text
        assert answer.text.count(f"《{citation.passage.title}》") == 1  # each source named once


ANSWERABLE = [
    # figures
    ("广州超算中心用户总数同比增长了多少？", ("25%",)),
    ("全市现有新型研发机构多少家？", ("近80家",)),
    ("广州科技创新母基金落地了多少只子基金？", ("42只",)),
    # 「21项成果获国家科学技术奖」: the items that won the award count it
    ("2018年广州共获得多少项国家科学技术奖？", ("21 项",)),
    ("据2018年工作总结，当年技术合同登记了多少项？", ("12138 项",)),
    # 「20项产业链创新联合体攻关项目」: a long name that ends in the asked head counts it
    ("广州一共安排了多少个攻关项目来推进产业链创新联合体？", ("20项",)),
    ("2018年广州技术合同成交额是多少？", ("719",)),
    ("粤港澳大湾区（粤穗）开放基金每年投入的金额是多少？", ("8000",)),
    # tables: the 2020 value and the 2025 target
    ("黄埔区上市高企数2020年是多少，2025年目标是多少？", ("43", "60")),
    ("黄埔区科技型中小企业备案数2025年的目标值是多少家？", ("3000",)),
    ("黄埔区高层次人才2020年有多少人，2025年要达到多少？", ("1099", "1700")),
    ("黄埔区每万人拥有高价值发明专利数的目标是多少？", ("50", "75")),
    # entities
    ("新型研发机构协同创新联盟的秘书长单位是哪家？", ("大湾区科技创新服务中心",)),
    # a post named (秘书长) and a body asked by its class noun (哪家单位)
    ("协同创新联盟里扮演秘书长角色的是哪家单位？", ("大湾区科技创新服务中心",)),
    # 区里 is the district the asker names, with or without 区 (「我们是黄埔的…企业」)
    ("我们是黄埔的一家生物医药企业，区里设立的科技信贷风险补偿资金池规模多大？", ("2000万元",)),
    # 预计 is a modal, no attribute: 「预计要有多少家」 asks the target
    ("到“十四五”期末，全区完成备案的科技型中小企业预计要有多少家？", ("3000家",)),
    # 占多大比例 is answered by a percentage that writes no 比例, however many framings stack
    (
        "从2018年的情况看，我们是第一次贷款的科技型小企业，想了解资金池的获贷企业里首次获贷企业占多大比例？",
        ("36%",),
    ),
    # a spoken verb split by 了 (落了地) is the deed the sentence writes whole (转化落地)
    ("创交会这些年一共促成了多少个项目真正落了地？", ("600多个",)),
    # the money quantity asked is the one the sentence names (销售收入)
    ("产学研技术创新联盟的成果产业化后产生了多少销售收入？", ("300 亿元",)),
    ("广州市科协的“一中心”指的是什么？", ("广州国际技术交易服务中心",)),
    ("哪家广州企业是eVTOL行业内全球首个三证齐全的企业？", ("亿航智能",)),
    # lists
    ("创交会设置了哪些展区？", ("智能健康与生物医药", "军民融合")),
    (
        "广州市科协以哪“一会展”“一中心”“一站点”为支撑？",
        ("中国创新创业成果交易会", "院士专家工作站"),
    ),
    # measures
    ("企业加大研发投入有哪些支持政策？", ("加计扣除",)),
    ("黄埔区对科技型中小企业融资有哪些支持措施？", ("科技保险",)),
    # temporal
    ("2024年广州在自然指数科研城市全球排名第几？", ("第8位",)),
    ("广州高新技术企业总数从2015年到2018年增长了多少？", ("1919", "1.1万")),
    # a spoken word (沾边, which jieba's dictionary tags a place) is no name the corpus lacks
    ("创交会的参展项目里有多大比例跟战略性新兴产业沾边？", ("80%",)),
    ("市科技局对新型研发机构今后的发力方向提了五个方面的功能，分别是哪五个？", ("金融赋能",)),
    ("广东省新一代通信与网络创新研究院请的首席科学家是谁？", ("邬江兴",)),
    # 届 counts only sessions: 「已举办6届」 answers however the asker words the rest
    ("创交会从开办到现在一共办过几届了？", ("6届",)),
    # money 「投在…上」 is what a budget calls …投入
    ("“十三五”期间黄埔区财政投在科技上的钱有多少？", ("72.67亿元",)),
    # the deed asked (在建) is stated by another verb of building (打造)
    ("听说广州有国内第一条12英寸智能传感器及特色工艺生产线，是哪家公司在建？", ("增芯科技",)),
    # a 「——NAME。」 item's title names it; the sentences after it say what it does, and a
    # city needs no suffix to be a place (参照北京协同院模式)
    ("广东粤港澳大湾区协同创新研究院借鉴的是哪里的模式？", ("北京",)),
    # 「比上一年」 names the base of the change asked after the level, no year's addition
    ("2018年广州超算中心的用户有多少家？比上一年增长了多少？", ("3000家", "25%")),
]


@pytest.mark.parametrize(("question", "expected"), ANSWERABLE, ids=[q for q, _ in ANSWERABLE])
def test_answers_hold_the_expected_figure_or_name(
    assistant: Assistant, question: str, expected: tuple[str, ...]
) -> None:
    assert_answers(assistant.ask(question), *expected)


@pytest.mark.parametrize(
    ("question", "first_line"),
    [
        ("广州科技创新母基金落地了多少只子基金？", "42只[1]"),  # count
        ("2018年广州技术合同成交额是多少亿元？", "[1]"),  # amount
        ("黄埔区技术合同成交额2025年的目标是多少？", "2025年目标值 800亿元"),  # table row
        # who: the clause naming the asked deed (牵头筹建), not the 指导 clause before it
        ("广州市新型研发机构协同创新联盟由谁牵头筹建？", "大湾区科技创新服务中心牵头筹建"),
        # 多高 asks a measure, answered by its unit (千伏)
        ("黄埔规划提到的南方电网特高压多端柔性直流工程，电压有多高？", "800千伏"),
    ],
)
def test_span_questions_lead_with_the_direct_answer(
    assistant: Assistant, question: str, first_line: str
) -> None:
    answer = assistant.ask(question)
    lead = answer.text.splitlines()[0]
    assert first_line in lead and lead.endswith("[1]"), answer.text
    assert answer.direct_answer == lead
    assert not lead.startswith("- 「")


def test_a_table_row_is_stated_in_words_and_quoted_raw_in_its_citation(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("黄埔区上市高企数2020年是多少，2025年目标是多少？")
    assert "2020年完成值 43家" in answer.text and "2025年目标值 60家" in answer.text
    assert " | " not in answer.text
    row = next(c for c in answer.citations if c.passage.chunk.kind == "table_row")
    assert row.quote == row.passage.text


def test_headings_and_lead_ins_are_never_quoted(assistant: Assistant) -> None:
    for question in (
        "“两个率先”指的是什么？",
        "黄埔区如何提升高新技术企业自主创新能力？",
    ):
        answer = assistant.ask(question)
        for citation in answer.citations:
            quote = " ".join(citation.quote.split())
            assert not quote.endswith(("：", ":")), quote
            assert quote != " ".join(citation.passage.section.split(" > ")[-1].split()), quote


def test_a_heading_asked_about_is_answered_by_its_children(assistant: Assistant) -> None:
    answer = assistant.ask("2019年广州市科技局有哪些重点工作安排？")
    assert not answer.refused
    items = [c.quote for c in answer.citations]
    assert len(items) >= 5 and items[0].startswith("（一）"), answer.text
    assert all("2019 年重点工作安排 > " in c.passage.section for c in answer.citations)
    assert all(c.quote in c.passage.text for c in answer.citations)


def test_the_lead_in_is_always_the_same(assistant: Assistant) -> None:
    for question in ("创交会设置了哪些展区？", "企业加大研发投入有哪些支持政策？"):
        assert assistant.ask(question).text.startswith("根据已收录的文档：\n")


def test_a_rank_only_entity_asked_for_its_score_is_refused_saying_what_is_stated(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("“广深港”科技集群在全球创新指数中的得分是多少？")
    assert answer.refused, answer.text
    assert answer.text.startswith("文档只给出了排名（第2位），没有给出得分"), answer.text
    assert answer.direct_answer is None
    assert all(c.quote in c.passage.text for c in answer.citations)


def test_a_plan_period_is_answered_from_the_next_plans_review(assistant: Assistant) -> None:
    """The 2021–2025 plan's 「发展回顾」 reports on 十三五 as a whole, also in sentences that
    do not repeat 「“十三五”期间」; a single year inside that period is not stated there."""
    period = assistant.ask("“十三五”期间黄埔区获得了几项中国标准创新贡献奖一等奖？")
    assert_answers(period, "2项")
    assert period.citations[0].passage.doc_id.startswith("003_")
    one_year = assistant.ask("2019年黄埔区获得了几项中国标准创新贡献奖一等奖？")
    assert one_year.refused, one_year.text


def test_a_framed_question_answers_like_the_plain_one(assistant: Assistant) -> None:
    plain = assistant.ask("广州新型研发机构中有多少位行业领军人才？")
    framed = assistant.ask(
        "据2023年6月联盟成立大会的介绍，广州新型研发机构中有多少位行业领军人才？"
    )
    assert_answers(plain, "30余人")
    assert_answers(framed, "30余人")
    assert framed.direct_answer == plain.direct_answer


def test_a_2000_character_question_is_answered_and_its_analysis_timed(
    assistant: Assistant,
) -> None:
    import random

    rng = random.Random(7)
    noise = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(MAX_QUESTION_CHARS - 20))
    answer = assistant.ask("广州超算中心用户总数同比增长了多少？" + noise)
    assert answer.text and answer.mode == "extractive"
    assert "analyse" in answer.timings_ms and answer.timings_ms["analyse"] >= 0
    assert set(answer.to_json()) >= {"direct_answer", "timings_ms", "refused", "citations"}


@pytest.mark.parametrize("length", [40, pytest.param(MAX_QUESTION_CHARS, marks=pytest.mark.slow)])
def test_random_characters_are_refused(assistant: Assistant, length: int) -> None:
    """Text that names nothing the documents speak of gets no answer, however long."""
    import random

    rng = random.Random(length)
    noise = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(length))
    assert assistant.ask(noise).refused


def test_an_enumeration_opened_by_the_lead_is_quoted_whole_and_in_order(
    assistant: Assistant,
) -> None:
    """「建设……“三大平台”：建立发布平台……；」 continues in the next two clauses."""
    answer = assistant.ask("按照中国科协工作要求，交易中心要建设哪三大平台？")
    text = normalize_for_match(answer.text)
    positions = [text.find(name) for name in ("发布平台", "运营平台", "赋能平台")]
    assert -1 not in positions and positions == sorted(positions), answer.text


def test_measure_questions_give_several_distinct_measures(assistant: Assistant) -> None:
    answer = assistant.ask("黄埔区对科技型中小企业融资有哪些支持措施？")
    quotes = [c.quote for c in answer.citations]
    assert len(quotes) >= 3 and len(set(quotes)) == len(quotes)


def test_documents_of_different_years_show_every_value_and_warn(assistant: Assistant) -> None:
    answer = assistant.ask("广州在自然指数科研城市中的排名是多少？")
    assert not answer.refused
    assert _contains(answer.text, "第10位") and _contains(answer.text, "第8位")
    assert len({c.passage.doc_id for c in answer.citations}) >= 2
    assert any(w.startswith("不同年份文档中的数值不同") and "2024年" in w for w in answer.warnings)


def test_a_named_year_answers_from_that_years_document_first(assistant: Assistant) -> None:
    answer = assistant.ask("2024年广州在自然指数科研城市全球排名第几？")
    assert answer.citations[0].passage.document.year == 2024


OUT_OF_CORPUS = [
    "深圳前海2025年高新技术企业目标是多少？",
    "黄埔区2035年研发投入强度目标是多少？",
    "上海浦东新区2025年研发投入目标是多少？",
    "广州对入选“菁英计划”的博士每人奖励多少万元？",
    "广州市人才绿卡的办理需要交多少钱？",
    "2017年广州在自然指数科研城市中排第几？",
]


@pytest.mark.parametrize("question", OUT_OF_CORPUS)
def test_out_of_corpus_questions_are_refused(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.refused, answer.text
    assert answer.text.startswith(("已收录的文档中没有找到", "文档只给出了", "文档提到了"))
    if answer.citations:
        assert "可能相关" in answer.text
        assert all(c.quote in c.passage.text for c in answer.citations)


def test_follow_up_carries_the_previous_subject(assistant: Assistant) -> None:
    history = [("黄埔区上市高企数2020年是多少？", "43家")]
    answer = assistant.ask("那2025年的目标呢？", history)
    assert "上市高企" in answer.standalone_question and "2025" in answer.standalone_question
    assert_answers(answer, "60")


@pytest.mark.parametrize(
    "question",
    [
        "交易中心下一步要建设哪“三大平台”？",
        # the full name retrieves the centre's other passages, not the next chunk: it is read
        # from the document's outline
        "广州国际技术交易服务中心下一步要建设哪“三大平台”？",
    ],
)
def test_a_list_reads_an_enumeration_on_into_the_next_chunk(
    assistant: Assistant, question: str
) -> None:
    """「建设……“三大平台”：建立发布平台……；」 ends one chunk; its items go on in the next,
    which repeats it. The items follow the opening sentence, in order."""
    answer = assistant.ask(question)
    assert_answers(answer, "发布平台", "运营平台", "赋能平台")
    quotes = [c.quote for c in answer.citations]
    opening = next(i for i, q in enumerate(quotes) if "“三大平台”：" in q)
    assert "建立运营平台" in quotes[opening + 1] and "建立赋能平台" in quotes[opening + 2]


def test_follow_up_pronoun_is_replaced() -> None:
    history = [("广州国际技术交易服务中心是什么时候揭牌的？", "2020年9月")]
    assert (
        rewrite_by_rule("它的运营主体是谁？", history) == "广州国际技术交易服务中心的运营主体是谁？"
    )
    assert rewrite_by_rule(
        "那2024年呢？", [("2018年广州在自然指数科研城市中排第几？", "")]
    ).startswith("2024年广州")
    assert rewrite_by_rule("创交会设置了哪些展区？", history) == "创交会设置了哪些展区？"


@pytest.mark.parametrize("question", ["", "   \n\t "])
def test_empty_question_gets_a_bilingual_message(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.refused and "请输入" in answer.text and "Please" in answer.text
    assert answer.citations == ()


def test_long_questions_are_truncated_and_control_characters_ignored(assistant: Assistant) -> None:
    answer = assistant.ask(
        "广州超算中心\x00用户总数同比增长了多少？" + "。" * (MAX_QUESTION_CHARS + 50)
    )
    assert any("截断" in w for w in answer.warnings)
    assert _contains(answer.text, "25%")


def test_stream_yields_text_then_the_answer(assistant: Assistant) -> None:
    items = list(assistant.ask_stream("创交会设置了哪些展区？"))
    final = items[-1]
    assert isinstance(final, Answer)
    assert "".join(i for i in items[:-1] if isinstance(i, str)) == final.text


def test_json_contract(assistant: Assistant) -> None:
    data = assistant.ask("全市现有新型研发机构多少家？").to_json()
    assert set(data) == {
        "question",
        "answer",
        "mode",
        "refused",
        "warnings",
        "citations",
        "timings_ms",
        "direct_answer",
    }
    citation = data["citations"][0]
    contract = {"n", "doc_id", "title", "date", "section", "page", "text", "quote"}
    added = {"doc_type", "doc_number", "status"}  # policy metadata (issue 14), additive
    added |= {"paragraph", "link"}  # where the quote stands in the original file (issue 14)
    assert set(citation) == contract | added
    assert citation["status"] == "现行有效" and citation["doc_type"] in ("plan", "news")
    assert citation["quote"] in citation["text"]


@pytest.mark.parametrize(
    ("question", "attribute"),
    [
        # jieba glues 中 to 瞪羚 (「规划中瞪羚企业」), a word the corpus never holds
        ("黄埔区“十四五”规划中瞪羚企业到2025年的目标是多少家？", "瞪羚 企业"),
        # 企业 after 哪家 is the kind of answer; what is asked of it stands before
        ("大湾区第一条12英寸芯片生产线是哪家企业建成的？", "芯片 生产线"),
        # 没什么 / 不怎么 do not ask: the question word is the later 多少
        ("我们是没什么经验的初创团队，风险补偿资金池撬动了多少银行贷款？", "银行贷款"),
        ("我们公司不怎么懂政策，黄埔区高新技术企业有多少家？", "高新技术 企业"),
        # what is counted is the noun after the modifier's 的, not the modifier
        ("黄埔区要建成几个具有全球影响力的产业集群？", "产业 集群"),
        # a plan period says when, like a year; a topic put first stands in its own clause
        ("新认定的孵化器，天河区在“十四五”末有几家？", "孵化器"),
        # 金额 only says "a figure of money": what is asked stands before its 的
        ("广州科技信贷风险补偿资金池每年投入的金额是多少？", "补偿 资金"),
        # a place opening the counted name belongs to the name
        ("广州有几家广东省重点实验室？", "重点 实验室"),
        # after 由, what is asked of the body is the deed that follows it
        ("广州科技成果产业化引导基金由哪家机构托管？", "托管"),
        # jieba tags 法律顾问 as a person's name; before a class noun it is a role
        ("新型研发机构协同创新联盟的法律顾问单位是哪家？", "法律顾问 单位"),
        # a Latin gloss restates the term before it: the term is asked
        ("广州的科研产出份额（Share）是多少？", "份额"),
        # 水平 after the question word only says "a figure of" what stands before it
        ("黄埔区高新技术企业的数量发展到什么水平？", "高新技术 企业"),
        # so does 数量 right after a noun: the nouns before it are what is counted
        ("规划给黄埔区瞪羚企业数量定的2025年目标是多少家？", "瞪羚 企业"),
        ("广州在英国《自然》杂志评出的全球科研城市榜单里排第几？", "全球 科研城市"),
        # a verb right before a measure says which measure it is
        ("首台套装备的保费资助比例是多少？", "资助 比例"),
        # the next question word opens the next ask (多少个领军… is not read as 个领)
        ("广州遴选了哪些类别、多少个创业领军团队？", "类别"),
        # a modifier pointing back at the subject tells nothing apart
        ("慧眼大设施是国内第几个同类设施？", "设施"),
        # who leads (由…牵头的) is not what is counted
        ("广州获奖项目里由广州单位牵头的有几项？", "项目"),
        ("黄埔区的科研平台中由龙头企业建设的有多少个？", "科研 平台"),
        # the members of a counted set are named by the noun its count is written with
        ("新型研发机构的五大功能分别是哪五项？", "功能"),
        ("市科技局对新型研发机构提了五个方面的功能，分别是哪五个？", "功能"),
        # a modal before a verb of reaching (计划做到) plans the figure: 计划 is not asked
        ("黄埔区高新技术企业到2025年计划做到多少家？", "高新技术 企业"),
        ("技术合同成交额到2025年打算冲到多少？", "成交额"),
    ],
)
def test_the_asked_attribute_survives_segmentation_slips(
    assistant: Assistant, question: str, attribute: str
) -> None:
    analysed, _ = assistant.candidates(question)
    assert analysed.attribute == attribute


def test_a_quoted_name_is_found_whatever_dash_joins_its_words(assistant: Assistant) -> None:
    """The documents write 「自然指数—科研城市」 and 「自然指数-科研城市」; a question may use
    either dash, and the passage is about the name all the same."""
    for dash in ("-", "—", "–", "·"):
        analysed, weighed = assistant.candidates(f"广州在“自然指数{dash}科研城市”排名第几？")
        assert not analysed.unknown_names
        assert weighed and "自然指数" in weighed[0].sentence.passage.text, dash


def test_an_abbreviated_attribute_is_found_where_the_documents_spell_it_out(
    assistant: Assistant,
) -> None:
    """高企 is how people say 高新技术企业; the documents write it out. A word the documents
    use as it is (产业) gets no other spelling."""
    analysed, candidates = assistant.candidates("获贷企业中高企占多少？")
    assert [t.spellings for t in analysed.attribute_terms] == [("高新技术企",)]
    assert "高新技术企业占" in candidates[0].sentence.text
    assert candidates[0].features["attribute"] == 1.0
    common, _ = assistant.candidates("黄埔区要建成几个具有全球影响力的产业集群？")
    assert all(t.spellings == () for t in common.attribute_terms)


def test_a_place_name_must_be_a_word_of_the_documents(assistant: Assistant) -> None:
    """jieba tags 建国 in 「要建国内」 a place; the documents hold those characters only across
    two words (组建|国际), so it is no name the answer must be about. 南沙 is (南沙区)."""
    heard = "听说广州要建国内第一条12英寸智能传感器及特色工艺生产线，是哪家公司在做？"
    assert assistant.candidates(heard)[0].names == ()
    answer = assistant.ask(heard)
    assert not answer.refused and "增芯科技" in answer.text
    assert "南沙" in assistant.candidates("南沙有多少家高新技术企业？")[0].names


def test_the_askers_own_situation_told_first_asks_nothing(assistant: Assistant) -> None:
    """「我们公司从海外引进了几名高端人才，」: there 几名 is "a few"; the policy is asked."""
    question = "我们公司从海外引进了几名高端人才，黄埔对他们的个税有没有补贴？"
    assert "count" not in assistant.candidates(question)[0].types
    answer = assistant.ask(question)
    assert not answer.refused and "个人所得税进行补贴" in answer.text


def test_a_later_part_left_open_is_refused_saying_what_is_stated(assistant: Assistant) -> None:
    """The first part's figure is reported, and the part the documents leave open named."""
    answer = assistant.ask("2018年广州技术合同认定登记了多少项？2017年登记了多少项？")
    assert answer.refused
    assert answer.text.startswith("文档只回答了前一问（12138 项），没有给出“2017年登记了多少项”。")


def test_a_change_from_a_named_year_needs_that_years_figure(assistant: Assistant) -> None:
    """「比2023年多了多少」 is answered by both years' figures; with one alone, say which."""
    one = assistant.ask("据羊城晚报报道，广州2024年新培养的技术经理人比2023年多了多少？")
    assert one.refused and one.direct_answer is None
    assert one.text.startswith("文档只给出了2024年的数值（2000名），没有给出2023年的"), one.text
    both = assistant.ask("广州2018年的技术合同成交额比2017年多了多少？")
    assert not both.refused and "357" in both.text and "719" in both.text, both.text


def test_a_later_part_asking_a_subset_is_answered_only_where_the_subset_is_named(
    assistant: Assistant,
) -> None:
    """「其中…」 marks a subset; the subset's own words must be written (an abbreviation,
    国高企, in its full spelling). 其中 itself names nothing."""
    left_open = assistant.ask("2018年广州技术合同成交额有多少？其中技术转让类合同占了几成？")
    assert left_open.refused
    assert left_open.text.startswith("文档只回答了前一问（719 亿元）"), left_open.text
    stated = assistant.ask(
        "黄埔区规划里说到2025年全区高新技术企业要发展到多少家？其中规上的国高企要多少家？"
    )
    assert not stated.refused and "800家" in stated.text, stated.text


@pytest.mark.parametrize(
    "question",
    [
        "新型研发机构技术性收入是多少，较上年多了多少？",
        "新型研发机构的技术性收入有多少？跟上一年比多了多少？",
    ],
)
def test_a_change_left_open_is_refused_saying_the_level(
    assistant: Assistant, question: str
) -> None:
    """「比上一年多了多少」 asks a change as 「增长了多少」 does: the level (19.79亿元) is half
    an answer, and the refusal says it."""
    answer = assistant.ask(question)
    assert answer.refused
    assert answer.text.startswith("文档只回答了前一问（19.79亿元），没有给出“"), answer.text


def test_a_firm_asked_may_be_named_by_the_brand_that_opens_a_sentence(
    assistant: Assistant,
) -> None:
    """「艾目易成功研制国内唯一的手术机器人定位系统」: the brand, with no suffix, is the firm
    that did it; a place or a whole opening a sentence (「全市…」「广州…」) is none."""
    answer = assistant.ask("国内唯一的那款手术机器人定位系统是哪家公司做出来的？")
    assert not answer.refused and "艾目易" in answer.text
    from assistant.answer_types import brand_subjects

    assert [s.text for s in brand_subjects("艾目易成功研制国内唯一的手术机器人定位系统;")] == [
        "艾目易"
    ]
    assert brand_subjects("全市成功举办创新创业大赛") == []
    assert brand_subjects("广州推动8家合作银行累计放款") == []


def test_universities_asked_are_named_by_their_universities(assistant: Assistant) -> None:
    """高校 are named 中山大学, 华南理工大学: a series of those answers 「哪些高校」."""
    answer = assistant.ask("在穗高校院所科技成果转移转化试点邀请了哪些高校和科研机构参加？")
    assert not answer.refused and "中山大学" in answer.text


def test_platforms_asked_are_listed_not_looked_up_as_bodies(assistant: Assistant) -> None:
    """A platform's name ends in 平台 or 加速营, which no suffix of a body marks: 「哪些平台」
    asks for a list, and the plan's series answers it."""
    answer = assistant.ask("黄埔区围绕PNP国际化垂直孵化平台具体要建哪些平台？")
    assert not answer.refused and "独角兽企业加速营" in answer.text


def test_the_others_asked_are_not_named_by_a_series_of_the_ones_said(
    assistant: Assistant,
) -> None:
    """「文远知行、小马智行等6家」 names only the two the question sets aside."""
    others = "除了文远知行和小马智行，另外那几家成功上市的高科技企业分别是哪几家？"
    _, candidates = assistant.candidates(others)
    assert not any("等6家" in c.sentence.text for c in candidates)
    _, listed = assistant.candidates("2024年广州有哪些高科技企业成功上市？")
    assert any("等6家" in c.sentence.text for c in listed)


def test_a_clause_asking_only_a_measure_measures_the_topic_before_it(
    assistant: Assistant,
) -> None:
    """「…母基金，规模有多大」 asks what 「…母基金规模有多大」 asks: the topic stands first in
    its own clause."""
    for question in (
        "广州设了一只环港科大（广州）科技成果转化母基金，规模有多大？",
        "广州设了一只环港科大（广州）科技成果转化母基金规模有多大？",
    ):
        answer = assistant.ask(question)
        assert not answer.refused and answer.direct_answer.startswith("10亿元"), question
    split = assistant.candidates("黄埔区的瞪羚企业，数量有多少？")[0]
    whole = assistant.candidates("黄埔区的瞪羚企业数量有多少？")[0]
    assert split.attribute == whole.attribute


def test_an_abbreviation_is_not_an_unknown_name_but_a_typo_is(assistant: Assistant) -> None:
    """广马 stands in order inside 广州国际马拉松, so it is an abbreviation, not a name the
    corpus lacks; 黄浦区 (for 黄埔区) has a character no corpus name holds there."""
    abbreviated, _ = assistant.candidates("广马上的“创新方阵”由谁领衔？")
    assert "广马" not in abbreviated.names and abbreviated.unknown_names == ()
    misspelt, _ = assistant.candidates("黄浦区2025年高新技术企业目标是多少家？")
    assert misspelt.unknown_names == ("黄浦区",)


def test_a_verb_tagged_a_place_is_no_unknown_place_but_a_place_form_is(
    assistant: Assistant,
) -> None:
    """jieba's dictionary tags 入盟 (join the alliance) a place; a word the corpus never
    writes counts as a place it lacks only in a place's form (松山湖, 东莞)."""
    joined = assistant.ask("在联盟成立大会上，首批入盟的新型研发机构一共是几家？")
    assert not joined.refused and joined.direct_answer == "38家[1]", joined.text
    elsewhere, _ = assistant.candidates("东莞松山湖高新区2020年的研发投入强度是多少？")
    assert elsewhere.unknown_names == ("东莞", "松山湖")


def test_only_a_passage_about_the_quoted_name_can_answer(assistant: Assistant) -> None:
    """The plan's table states a 2025 target for 每万人拥有高价值发明专利数, and its review the
    2020 value of 每万人发明专利拥有量. Asked for the latter's target, the row of the other
    indicator is not an answer, however many words they share."""
    answer = assistant.ask("“每万人发明专利拥有量”2025年的目标值是多少件？")
    assert answer.refused, answer.text
    stated = assistant.ask("“每万人发明专利拥有量”是多少件？")
    assert not stated.refused and "125" in (stated.direct_answer or ""), stated.text


@pytest.mark.parametrize(
    ("spoken", "written"),
    [
        ("创交会是啥时候开始办的？", "创交会是什么时候开始办的？"),
        ("企业咋申请研发补助？", "企业怎么申请研发补助？"),
    ],
)
def test_spoken_question_words_ask_what_written_ones_ask(
    assistant: Assistant, spoken: str, written: str
) -> None:
    said, _ = assistant.candidates(spoken)
    wrote, _ = assistant.candidates(written)
    assert said.types == wrote.types and said.attribute == wrote.attribute
    assert said.text == spoken  # what the user reads is never rewritten


def test_a_figure_by_another_indicator_is_refused_unless_the_attribute_is_the_askers_own_word(
    assistant: Assistant,
) -> None:
    """The plan names 地区生产总值 only as the base of a ratio; the 800亿元 beside it is the
    技术合同成交额. Asked in words no document uses (挣了多少钱), the documents cannot tell
    one figure from another by the word, and the amount that is there still answers."""
    gdp = assistant.ask("黄埔区的地区生产总值是多少亿元？")
    assert gdp.refused and "800" not in (gdp.direct_answer or ""), gdp.text
    earned = assistant.ask("新型研发机构靠技术服务一年能挣多少钱？")
    assert not earned.refused and "19.79亿元" in (earned.direct_answer or ""), earned.text


@pytest.mark.parametrize(
    ("unanswerable", "answerable", "figure"),
    [
        # A figure the question states names the whole it means; a part of it is not stated.
        ("在那18场成果对接会和路演活动中，成果对接会占了几场？",
         "交易中心举办了多少场成果对接会和路演活动？", "18场"),
        ("黄埔区那91名战略科学家里有几位是外籍科学家？", "黄埔区引进了多少名战略科学家？", "91名"),
        # The measure word says what is counted: launches are not satellites.
        ("中科宇航的力箭一号总共发射了几次？", "力箭一号把多少颗卫星送入了轨道？", "57颗"),
        # A rate of change is not a level.
        ("广州研发经费投入较上年提高了几个百分点？", "全市研发经费投入占GDP的比重是多少？", "3.12%"),
        # The modifier says which 比例 is meant.
        ("规上工业企业研发费用的补助比例是多少？", "规上工业企业设立研发机构的比例提高到了多少？", "45%"),
        # An indicator inside a longer name (新型研发机构协同创新联盟) is not what is asked.
        ("新型研发机构协同创新联盟首批成员中有几家龙头企业？", "新型研发机构协同创新联盟首批成员包含几家新型研发机构？", "38家"),
        # A cut-off date dates the figure asked, unlike a source's date.
        ("截至2016年底，广州新型研发机构有多少家？", "截至2023年6月，广州现有各类新型研发机构有多少家？", "80家"),
        # 「较2015年翻一番」 compares with 2015; it states no 2015 figure.
        ("2015年那会儿黄埔区有多少家各类研发机构？", "黄埔区各类研发机构共有多少家？", "1130家"),
        # A number in quotation marks (“123”科技创新空间布局) is part of a name.
        ("“十四五”期间黄埔区每年区级财政科技投入计划多少？", "黄埔区区财政科技投入超过了多少？", "72.67亿元"),
        # A change asked of a figure the question gives is not answered by another level.
        ("881.72亿元的全市研发经费投入比前一年增加了多少？", "广州超算中心的用户总数超过多少家？", "3000家"),
        # 「子基金实缴规模超260亿元」 is the sub-funds' size, not the fund's own
        ("广州科技创新母基金的总规模是多少？", "广州科技创新母基金的子基金实缴规模有多大？", "260亿元"),
        # 「规模200亿元的…转化基金和规模60亿元的…母基金」 size two other funds
        ("黄埔区规划里提到的天使母基金总规模有多大？", "粤港澳大湾区科技成果转化基金的规模是多少？", "200亿元"),
        # 数量 asks how many: neither an amount, nor 百年, nor 「一批」 counts members
        ("广州市科协的会员数量是多少？", "广州科技创新母基金的子基金数量是多少？", "42只"),
    ],
)  # fmt: skip
def test_a_neighbouring_figure_does_not_answer_a_question_it_does_not_fit(
    assistant: Assistant, unanswerable: str, answerable: str, figure: str
) -> None:
    """Each pair shares its entity and its passage; only what is asked differs."""
    refused = assistant.ask(unanswerable)
    assert refused.refused and refused.direct_answer is None, refused.text
    answered = assistant.ask(answerable)
    assert not answered.refused and figure in (answered.direct_answer or ""), answered.text


def test_a_cut_off_date_is_asked_and_a_sources_date_is_not(assistant: Assistant) -> None:
    cut_off, _ = assistant.candidates("截至2019年底，广州技术合同成交额达到了多少？")
    assert cut_off.as_of == {2019} and not cut_off.years
    sourced, _ = assistant.candidates("据2023年6月联盟成立大会的介绍，广州技术合同成交额是多少？")
    assert not sourced.as_of


def test_figures_the_question_states_must_be_stated_by_the_passage(assistant: Assistant) -> None:
    """Framing counts (「在那18场活动中」), a cited title does not (its figures name a document)."""
    framed, _ = assistant.candidates("在那18场活动中，路演有几场？")
    assert "18场" in framed.names
    titled, _ = assistant.candidates("据《关于推进5个重点产业集群发展的意见》，有几条措施？")
    assert not [n for n in titled.names if any(ch.isdigit() for ch in n)]
    untitled, _ = assistant.candidates("关于推进5个重点产业集群发展，有几条措施？")
    assert "5个" in untitled.names


def test_a_list_of_counted_members_needs_their_names(assistant: Assistant) -> None:
    """「那26家…分别是哪些」 gives the count: a sentence restating it lists no member."""
    _, counted = assistant.candidates("2018年新增的26家新三板挂牌企业分别是哪些？")
    assert not [c for c in counted if "新三板挂牌企业 26 家" in c.sentence.text]
    _, plain = assistant.candidates("2018年新增了多少家新三板挂牌企业？")
    assert any("新三板挂牌企业 26 家" in c.sentence.text for c in plain)
    _, spelled = assistant.candidates("中山大学获批的两大基础科学中心项目分别是哪些？")
    assert not [c for c in spelled if "、" not in c.sentence.text]  # 两大 gives the count too
    _, named = assistant.candidates("2018年入选《财富》未来全球企业50强的是哪几家广州企业？")
    assert any(c.features["type_match"] == 1.0 and "、" in c.sentence.text for c in named)


def test_a_year_the_plans_table_has_no_column_for_is_said_to_be_missing(
    assistant: Assistant,
) -> None:
    """The 「“十四五”」 of 「“十四五”规划的目标表」 names the table: 2030 is the year asked, and
    the row's 2025 target is only the nearest year."""
    answer = assistant.ask(
        "黄埔区“十四五”规划的目标表中，每万人拥有高价值发明专利数2030年的目标值是多少？"
    )
    assert answer.refused
    assert answer.text.startswith("已收录的文档中没有找到2030年的数值"), answer.text


@pytest.mark.parametrize(
    "question",
    [
        # the count is given; no sentence names the members
        "那8家合作银行分别叫什么名字？",
        # the role is still to be filled: 「尽快遴选…受托管理机构」
        "引导基金的受托管理机构最后选的是哪一家？",
        # a role's holder asked by 叫什么; the documents name no 科协 主席
        "广州市科协的现任主席叫什么？",
        # a company's legal representative is a person's role: no body answers it
        "交易中心的法人代表是谁？",
        # a body answers only next to the deed asked of it (受托管理, 运营): the sentence that
        # sets the fund up, or says what the 天河基地 supports, names other bodies
        "科技成果产业化引导基金最后交给哪家机构受托管理？",
        "天河基地是由哪家单位负责运营的？",
        # 由谁 with a person's post (组长) asks for a person; the group is only to be set up
        "科技创新工作领导小组的组长由谁担任？",
        # the ranking is stated (全国第六); the year it was reached is not
        "广州高新区综合排名跃升到全国第六，是哪一年的排名结果？",
        # a day asked: 「自2020年9月份揭牌成立以来」 gives the month only
        "交易中心是2020年9月几号揭牌的？",
        # an area asked (知识城): 「广州科学城…拥有各类高端研发机构超1000家」 is another's
        "中新广州知识城目前拥有多少家高端研发机构？",
        # the whole asked (全广州市): 「全区…立项资金达5.78亿元,占全市一半以上」 is a part of it
        "仅2020年，全广州市科技型中小企业获批的省重点领域研发计划立项资金总共是多少亿元？",
        # 「——中科院自动化所…研究院。依托中科院自动化研究所,…」 is another item's sentence
        "广东粤港澳大湾区硬科技创新研究院是依托哪家科研单位建设的？",
        # a total asked: 「24名两院院士在广州市创建院士专家工作站」 counts those that did it
        "截至2021年，在广州工作的两院院士总共有多少位？",
        # 国际标准: only 国家标准 and 行业标准 are counted
        "成立大会上提到广州新型研发机构已形成一批标准，其中国际标准累计有多少项？",
        # an area in 平方公里 is not given; 「2号文件」 is a number of something else
        "我们想在广州穗港智造合作区选址建厂，这个合作区的规划面积有多少平方公里？",
        # 「其中14家纳入…序列，占全省的70%」 is the share of those 14, not of all 80
        "广州近80家新型研发机构，占全省新型研发机构总数的比例是多少？",
        # a kind of firm with no target (瞪羚): 高新技术企业数量达2600家 is another kind's
        "规划给黄埔区瞪羚企业数量定的2025年目标是多少家？",
        # a kind of member (外籍) the composing count does not name
        "科技创新专家咨询委员会有多少位外籍成员？",
        # visits (人次) asked: 「累计发布一万多个创新创业成果」 counts results
        "创交会历届累计吸引了多少参观人次？",
        # one field's part asked: 「聚焦…、集成电路、…等重点产业,…经费达2900万元」 is the
        # whole series'
        "我们是集成电路企业，想知道2024年20项产业链创新联合体攻关项目里集成电路领域拿了多少经费？",
        # a level asked (市级) of a whole broken down by other levels (国家级, 省部级)
        "新型研发机构承担的纵向项目中市级的有多少项？",
        # a post asked of a body (理事长单位): 「…担任秘书长单位」 is another post
        "广州市新型研发机构协同创新联盟的理事长单位由哪家机构担任？",
        # a level and its change asked: 「在校大学生165万人」 states no change
        "广州在校大学生有多少人，比前一年增加了百分之几？",
        # the count given, then 「，它们分别是哪几家」: 「拥有8家广东省机器人骨干企业」 names none
        "黄埔区那8家广东省机器人骨干企业，它们分别是哪几家？",
        # a value reached asked: 「力争到 2020 年…突破 25 万家」「力争…打造超过20项」 are targets
        "截至2020年底，广州科技创新企业总数实际有多少万家了？",
        "黄埔区现在已经建成多少项具有唯一性与颠覆性的学科专业？",
        # an exact figure asked: 「数十个国家和地区」 gives it roughly
        "创交会每年参展的项目来自多少个国家和地区？请给出准确数字。",
        # the same part asked after 「…中，」
        "20项产业链创新联合体攻关项目中，人工智能领域分到了多少经费？",
        # a district asked within the city's whole: 国家级26家 is no district's count
        "全市的335家孵化器中黄埔区有多少家？",
        # one year's whole asked: 「自2020年9月份揭牌成立以来…」 is a running total
        "广州国际技术交易服务中心2021年全年促成了多少项技术成果转化交易？",
        "交易中心2021年这一年促成的技术交易金额有多少？",
        # 哪家银行 asks for a bank: 「推动8家合作银行…」 counts them
        "科技信贷风险补偿资金池具体是跟哪家银行合作的？",
        # a district named without 区 (黄埔) is the scope: the city report's pool is the city's
        "我们企业在黄埔，区里那个科技信贷风险补偿资金池到现在一共撬动了多少银行贷款？",
        # the whole city asked: the district plan's 2025 target row is the district's
        "到2025年，广州全市的技术合同成交额目标是多少？",
        # the whole city said otherwise (整个广州, 广州整个城市): 125件 is the district's
        "按规划，到2025年整个广州的技术合同成交额要做到多少亿元？",
        "广州整个城市平均每万人有几件发明专利？",
        # a part of a stated whole (2646亿元 里) is counted in its unit: 近80家 is no amount
        "2646亿元的技术合同成交额中，新型研发机构贡献了多少？",
        "全市技术合同成交额预计2646亿元，这里面新型研发机构做了多少贡献？",
        # the 2019 plan asked: 「一、2018 年主要工作成效」's 「提高至 45%」 was done in 2018
        "按2019年工作安排，规上工业企业里设研发机构的比例目标是多少？",
        # a figure per member asked (平均每家, 单笔): the documents write totals only
        "平均每家新型研发机构的技术性收入有多少钱？",
        "按联盟的数据，新型研发机构平均每家能服务多少家企业？",
        # a later cut-off asked: 「截至2022年底，…从业人员共计1万余人」 is 2022's count
        "截至2023年底，广州新型研发机构里的从业人员总共多少人？",
        # the rank of a figure the question states is written beside it: 「科技创新指数稳居
        # 全国经开区第一」 ranks something else
        "黄埔区每万人发明专利拥有量125件，这在全国经开区里排第几？",
        # a fund named after the asker's verb (找…投资): 177个 are 广州科技创新母基金's
        "公司打算找粤港澳大湾区科技成果转化基金投资，这只基金投了多少个项目了？",
        "市财政一共给新型研发机构协同创新联盟拨了多少钱？",
        # a later part asking of the first part's figure is answered only beside it: 「…全国总
        # 决赛初创企业组第一名」 ranks no 335家, and 「总数突破 1.1 万家，居全国第三」 ranks the
        # total, not the 2000 added
        "全市科技企业孵化器有多少家？这个数在全国排第几？",
        "广州新增高新技术企业多少家？新增数量全国城市排第几？",
        # money asked of a part whose first line states no amount
        "创交会累计发布了多少个创新创业成果？背后的资金有多少？",
        # a fund named in full: 「…环港科大(广州)…母基金…投资额已达2300万元」 is another fund's
        "粤港澳大湾区科技成果转化基金到目前已经投资了多少个项目、投了多少钱？",
        # a yearly intake asked: 「在校研究生规模不低于200人」 is the number enrolled
        "中国社会科学院大学黄埔研究院每年招收多少名博士留学生？",
        # a total held asked: 「2024年新培养技术经理人近2000名」 is what one year added
        "截至2024年底，广州技术经理人总数是多少？",
        "广州现有技术经理人多少名？",
        "全市一共有多少位技术经理人？",
        # the total asked in its own clause after a clause that sets the year's addition
        "2024年广州新培养了技术经理人，那技术经理人目前一共有多少名？",
        # a size asked (容量多大) that the plan never gives: 「加快建设GE海上风电中心」
        "GE海上风电中心的装机容量有多大？",
        # profit asked: 「产生销售收入 300 亿元」 is sales, another money quantity
        "全市产学研技术创新联盟实现成果产业化后带来了多少利润？",
        "产学研技术创新联盟的成果产业化，一共赚了多少利润？",
        # 项目 asked: 「带动12个投资主体参与项目投资」 counts 投资主体, and names 项目 elsewhere
        "环港科大（广州）科技成果转化母基金一共投了多少个港科大（广州）的项目？",
        # the whole asked, its gloss in brackets: 「首批成员单位包含38家新型研发机构」 is a part
        "新型研发机构协同创新联盟首批成员单位（包括企业、金融机构在内）一共有多少家？",
        # which ones asked of a count the question states: 「培育1-2家…企业」 names none
        "黄埔规划提出要培育1-2家对全球产业格局有重要影响的企业，具体是哪两家？",
        # 外国 is written 外籍: 「在穗工作的外籍人才…增长40%」 gives no head count, and the 490
        # 人 of 国家重大人才工程 are not the foreign talents
        "目前在广州工作的外国人才总共有多少人？",
        # 区里 is the district the asker names (黄埔区): the city's pool is no district's
        "我们是黄埔区的科技企业，想知道区里的科技信贷风险补偿资金池撬动银行贷款多少亿元？",
        # 当年 is the framing's year (2019): a 2024 report's 2646亿元 is not that year's target
        "按市科技局2019年的工作安排，当年全市技术合同成交额要达到多少？",
        # 「文远知行、小马智行等6家」 names two of the six asked
        "去年广州那6家成功上市的高科技企业，它们分别是哪些？",
        # a later part asks of its own year or of a subset (其中…) no answering sentence writes
        "2018年广州技术合同认定登记了多少项？2017年登记了多少项？",
        "中国社会科学院大学黄埔研究院的在校研究生规模至少要有多少人？其中博士生有多少？",
        # 这当中, 这里面 open a subset as 其中 does; the subset is told by its own word (境外)
        "创交会累计促成了多少个项目转化落地？这当中境外的项目有多少个？",
        # banks asked by name: 「推动8家合作银行…」 names none
        "我们打算申请科技信贷风险补偿资金池的贷款，可以去哪几家合作银行办理？",
        # the class asked first (「…的银行分别是哪些」); 「资金池撬动银行贷款」 names no bank
        "参与资金池合作的银行分别是哪些？",
        "科技信贷风险补偿资金池撬动的银行是哪几家？",
        # one item's share or a ceiling asked: 「实施20项…项目,支持经费达2900万元」 is the total
        "我们想牵头参加产业链创新联合体攻关，单个项目最多能拿到多少经费支持？",
        # 多少资助 asks an amount: 「…资助管理办法…等4项…政策文件」 gives none; 「好几年」 says
        # "several years", it asks no count 「连续6年」 could answer
        "按《广州市概念验证中心资助管理办法(试行)》最多能拿多少资助？",
        "黄埔区的财政科技投入连着好几年大涨，每年到底涨了百分之几？",
        # the state now asked: 「推动…示范基地达到五星级水平」 is a plan's aim
        "黄埔区的国家新型工业化产业示范基地目前是几星级？",
        # a rank asked within a scope ranks the topic the clause before names (成交额, 发明专利),
        # which no rank sentence ranks
        "技术合同成交额2646亿的那个数，在全国能排到第几？",
        "每万人发明专利125件那个，在全市排第几？",
        # the province or the nation asked of in its own right: 「全市现有…近80家，居全省第一」
        # is the city's count
        "全省现在一共有多少家新型研发机构？",
        "全国的新型研发机构有多少家？",
        # 认缴 asked, 实缴 written: 缴规模 is no form of 认缴 the PDF lost a character of
        "科技创新母基金落地的42只子基金，认缴规模一共多大？",
        # the figure the question gives (8000万) is not what it asks (the city's share of it)
        "粤穗开放基金一年投8000万，其中市里出多少？",
        # 研究院 inside 空天信息研究院 is another institute, not the one the passage named before
        "广东粤港澳大湾区硬科技创新研究院是依托哪家科研单位建设的？",
        # 多高 asks a figure: 「…在电机功率密度…做到了世界第一」 gives none, and no sentence
        # gives a 坏账率
        "夸克电驱2.0的电机功率密度到底有多高？",
        "科技信贷风险补偿资金池那些贷款的坏账率有多高？",
        # an attribute no text names (注册资本) still needs a figure about what is asked:
        # 「…涉及金额35.71亿元」 measures the deals
        "广州国际技术交易服务中心运营公司的注册资本是多少？",
        "交易中心那家运营公司的注册资本有多少亿元？",
        # people asked by a bare 多少: 「超过80%的参展项目」「36家」 count none of them
        "创交会每届能吸引多少观众到场？",
        # 哪一位 asks a person: the documents name the 秘书长单位, no 秘书长
        "在新型研发机构协同创新联盟成立大会上被聘为秘书长的是哪一位？",
        # a fact stated, then the wider whole asked in the one asking clause
        "广州新型研发机构数量排全省第一，那全广东一共有多少家新型研发机构？",
        # a post is the body's named in the clause before: 「…实验室加紧筹建，…研究院启动
        # 建设，邬江兴院士获聘首席科学家」 is the institute's chief scientist
        "南方海洋科学与工程广东省实验室请了谁当首席科学家？",
        # an attribute no text names (博士, 租金减免): the figure's clause must name a topic
        # word as rare as the question's, not only a common one (企业, 广州)
        "广州新型研发机构的从业人员里，具有博士学位的有多少人？",
        "我们想把工厂搬进广州穗港智造合作区，园区对入驻企业有租金减免吗？能减多少？",
        # 「5 亿元以上工业企业」 bounds a class of firms: no amount any of them gets
        "我们是一家规模以上工业企业，按广州的政策新设研发机构能拿到多少补助？",
    ],
)
def test_what_the_documents_do_not_give_is_refused(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.refused and answer.direct_answer is None, answer.text


def test_a_name_asked_is_answered_by_a_name_written_by_what_it_names(
    assistant: Assistant,
) -> None:
    """「…叫什么名字」 asks a thing's name (not a person's, unless after a role): the answer is a
    name the text writes (“湾创产学研”), by the thing it names."""
    named = assistant.ask("联盟上线的那个产学研小程序叫什么名字？")
    assert not named.refused and "湾创产学研" in named.text, named.text
    unnamed = assistant.ask("广州实验室那款全球首个瘤内注射药物的名称是什么？")
    assert unnamed.refused, unnamed.text


def test_a_total_is_no_answer_to_a_figure_per_member(assistant: Assistant) -> None:
    """「平均每家…服务多少家企业」 asks each one's share of 「服务企业5438家」: the refusal says
    the documents give the total, and which."""
    answer = assistant.ask("按联盟的数据，新型研发机构平均每家能服务多少家企业？")
    assert answer.refused and "5438家" in answer.text and "平均或单个" in answer.text
    whole = assistant.ask("按联盟的数据，新型研发机构一共服务了多少家企业？")
    assert not whole.refused and "5438家" in (whole.direct_answer or ""), whole.text


def test_a_spoken_word_for_size_asks_the_size(assistant: Assistant) -> None:
    """「盘子有多大」「体量多大」 ask a fund's 规模: the first line states it."""
    answer = assistant.ask("粤港澳大湾区科技成果转化基金的盘子有多大？")
    assert "200亿元" in (answer.direct_answer or ""), answer.text
    assert "60亿元" in (assistant.ask("中科院科技成果转化母基金体量多大？").direct_answer or "")


def test_until_when_is_not_what_is_asked(assistant: Assistant) -> None:
    """「到…为止」 says until when, like 截至: what is counted is 创交会's 届."""
    answer = assistant.ask("创交会从2015年开始，到广州市科协写这份材料为止办了几届？")
    assert not answer.refused and "6届" in (answer.direct_answer or ""), answer.text


@pytest.mark.parametrize(
    ("question", "direct"),
    [
        # an approximation, and a range's lower end, stay with the figure
        ("全市现有新型研发机构多少家？", "近80家"),
        ("黄埔区科创板上市公司占全市的比重？", "八成以上"),
        ("黄埔区传统产业要打造几个产业基础集群？", "2-3个"),
        # 「4 亿元规模的资金池」 describes the pool; the loans are what it states
        ("广州的科技信贷风险补偿资金池撬动了多少银行贷款？", "突破 100 亿元"),
        # 「孵化器335家（国家级26家）」: the figure right after the asked kind
        ("2018年广州的科技企业孵化器中国家级的有几家？", "26家"),
        # one type asked twice: a figure for each part
        ("广州新型研发机构去年承担的纵向项目有多少项？其中国家级项目有几项？", "592项，147项"),
        # 近几年 asks nothing; a bare 多少 is answered by a share too
        ("近几年来穗工作的外籍人才增长了多少？", "40%"),
        # both ends of a change; a paragraph's lead-in (「“十三五”期间，…深入实施…」) ranks first
        # on shared words, the sentence after it holds the figures
        ("“十三五”期间黄埔区研发投入强度从多少提高到了多少？", "3.7%，5.71%"),
        # a series' figure is picked by its own name (特等奖1项、一等奖5项); things named
        # together (国家级和省级创新平台) get a figure each; 1万余人 is one number
        ("“十三五”期间黄埔区一共拿了多少项国家科学技术奖一等奖？", "5项"),
        ("依托省级新型研发机构建成的国家级和省级创新平台各有多少个？", "27个，95个"),
        ("截至2022年底广州新型研发机构从业人员有多少人？", "1万余人"),
        # a time put first (「6月2日，…联盟成立大会在…召开」) belongs to the clause after it
        ("新型研发机构协同创新联盟是哪天揭牌成立的？", "6月2日"),
    ],
)  # fmt: skip
def test_the_first_line_states_the_figure_as_the_document_bounds_it(
    assistant: Assistant, question: str, direct: str
) -> None:
    answer = assistant.ask(question)
    assert not answer.refused and answer.direct_answer == f"{direct}[1]", answer.text


def test_a_few_pointed_at_is_no_question_and_a_foreign_country_no_place(
    assistant: Assistant,
) -> None:
    """「这几年」 is a span of time (not 「几年」 asked), 外国 a place seen from the speaker."""
    analysed, _ = assistant.candidates("在广州工作的外国人才这几年增加了多少？")
    assert analysed.counter == "" and "外国" not in analysed.names
    asked, _ = assistant.candidates("广州科技创新母基金用了几年落地这些子基金？")
    assert asked.counter == "年"
    sized, _ = assistant.candidates("天使母基金的总规模有多大？")
    assert "规模" in sized.attribute.split()


def test_a_district_asked_is_the_scope_of_the_answer(assistant: Assistant) -> None:
    """A district is a scope however often its own plan names it: the city's pool is not
    黄埔区's, while 黄埔区's plan answers for 黄埔区."""
    analysed, _ = assistant.candidates("黄埔区的信贷风险补偿资金池一共撬动了多少银行贷款？")
    assert "黄埔区" in analysed.names
    refused = assistant.ask("黄埔区的信贷风险补偿资金池一共撬动了多少银行贷款？")
    assert refused.refused and refused.direct_answer is None, refused.text
    answered = assistant.ask("黄埔区各类研发机构共有多少家？")
    assert not answered.refused and answered.direct_answer == "1130家[1]", answered.text


def test_a_body_the_question_names_must_be_named_by_the_answering_document(
    assistant: Assistant,
) -> None:
    """中山大学's two projects are not named anywhere; 华南理工大学's 「“分子聚集发光”…项目」 and
    the plan's 「国家纳米科学中心、…」 series name other bodies' projects. A body named by its
    short form (交易中心) is found in the document that defines it."""
    analysed, candidates = assistant.candidates(
        "中山大学获批的两大基础科学中心项目分别叫什么名字？"
    )
    assert analysed.body_docs is not None
    assert all(c.sentence.passage.doc_id in analysed.body_docs for c in candidates)
    refused = assistant.ask("中山大学获批的两大基础科学中心项目分别叫什么名字？")
    assert refused.refused, refused.text
    named = assistant.ask("华南理工大学承担的基础科学中心项目叫什么名字？")
    assert not named.refused and "分子聚集发光" in named.text, named.text
    short = assistant.ask("交易中心下一步要建设哪“三大平台”？")
    assert not short.refused and "发布平台" in short.text, short.text
    unnamed, _ = assistant.candidates("广州新型研发机构有多少家？")
    assert unnamed.body_docs is None


def test_a_size_is_said_not_given_and_a_shortened_owner_keeps_its_size(
    assistant: Assistant,
) -> None:
    """The refusal names what is not given (规模, 专家工作站的数量); 母基金 shortens the name
    of the fund 「规模60亿元的中科院科技成果转化母基金」 sizes."""
    own = assistant.ask("广州科技创新母基金的总规模是多少？")
    assert own.text.startswith("文档只给出了金额（260亿元），没有给出规模。"), own.text
    total = assistant.ask("广州的院士专家工作站一共建了多少个？")
    assert total.text.startswith("文档提到了相关内容，但没有给出专家工作站的数量。"), total.text
    shortened = assistant.ask("黄埔区设立的母基金规模是多少？")
    assert not shortened.refused and "60亿元" in (shortened.direct_answer or ""), shortened.text


def test_a_dictionary_noun_keeps_the_characters_a_glued_word_would_lose(
    assistant: Assistant,
) -> None:
    """会员 (never in the corpus) keeps its 会; 中瞪羚 (jieba's glue) loses its 中."""
    member, _ = assistant.candidates("广州市科协的会员数量是多少？")
    assert member.attribute == "会员"
    glued, _ = assistant.candidates("规划中瞪羚企业到2025年的目标是多少家？")
    assert "瞪羚" in glued.attribute and "中瞪羚" not in glued.attribute


def test_a_short_name_a_document_defines_stands_for_the_full_name(assistant: Assistant) -> None:
    """「广州国际技术交易服务中心（以下简称交易中心）」: later sentences say 交易中心, and one of them
    names the operator; the direct answer is the clause holding a body's name."""
    analysed, candidates = assistant.candidates("广州国际技术交易服务中心的运营主体是谁？")
    assert ("交易中心", "广州国际技术交易服务中心") in analysed.aliases
    assert "运营主体" in candidates[0].sentence.text
    answer = assistant.ask("广州国际技术交易服务中心的运营主体是谁？")
    assert not answer.refused and "有限公司" in (answer.direct_answer or ""), answer.text


def test_a_lead_in_holding_no_figure_gives_way_to_a_sentence_that_does(
    assistant: Assistant,
) -> None:
    """The lead-in ranks first on shared words; the candidate about as much about the question
    that holds the asked type next to the asked attribute leads instead. A figure of a
    sentence about something else (much less of the question named) does not."""
    _, candidates = assistant.candidates("“十三五”期间黄埔区研发投入强度从多少提高到了多少？")
    assert candidates[0].features["type_match"] == 1.0 and "3.7%" in candidates[0].sentence.text
    refused = assistant.ask("想申请广州市概念验证中心的资助，一个中心最高能拿多少钱？")
    assert refused.refused, refused.text


def test_a_district_is_read_whatever_stands_before_it(assistant: Assistant) -> None:
    """「期间黄埔区」「和黄埔区」: the name is the two characters before 区; 「黄埔区区级」 names one
    district; a question that also asks of the city (广州市…和黄埔区…) has two scopes."""
    for question in (
        "“十三五”期间黄埔区有多少家孵化器？",
        "黄埔区区级财政科技投入超过了多少亿元？",
    ):
        analysed, _ = assistant.candidates(question)
        assert analysed.names == ("黄埔区",), analysed.names
    both, _ = assistant.candidates("资金池的规模，广州市2018年工作总结和黄埔区规划分别怎么说？")
    assert "黄埔区" not in both.names


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        # a part a text introduces as contained (成员单位包含38家新型研发机构)
        ("新型研发机构协同创新联盟首批的成员单位总共有几家？", None),
        # the subject of a deed (10家…工作站主持和参与了…), or a count of another noun (专利数百项)
        ("广州的院士专家工作站一共建了多少个？", None),
        # the same counts answer what they count
        ("联盟首批成员单位里一共有多少家新型研发机构？", "38家"),
        ("有多少家院士专家工作站主持和参与了标准制定？", "10家"),
        # a kind of the asked noun the question does not say (「科创板上市企业5家」)
        ("黄埔区的上市企业一共有多少家？", None),
        ("黄埔区科创板上市企业一共有多少家？", "5家"),
        # a deed the question names in other words (推动…落地 / 促成…转化落地)
        ("创交会历年一共推动了多少个项目落地？", "600多个"),
    ],
)  # fmt: skip
def test_a_total_asked_is_not_answered_by_a_part(
    assistant: Assistant, question: str, figure: str | None
) -> None:
    answer = assistant.ask(question)
    if figure is None:
        assert answer.refused and answer.direct_answer is None, answer.text
    else:
        assert not answer.refused and figure in (answer.direct_answer or ""), answer.text


@pytest.mark.parametrize("question", ["王桂林担任什么职务？", "王桂林的职务是啥？"])
def test_a_persons_posts_are_the_titles_written_before_the_name(
    assistant: Assistant, question: str
) -> None:
    """Official documents introduce a speaker by post: 「广州市政协副主席、市科技局局长王桂林指出」."""
    answer = assistant.ask(question)
    assert answer.direct_answer == "广州市政协副主席、市科技局局长[1]", answer.text


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        # 高企 is written out as 高新技术企业 where the documents count them; 上市高企 and
        # 规模以上国家高新技术企业 are narrower indicators
        ("黄埔区有多少家高企？", "2109家"),
        ("黄埔区高企2025年目标是多少家？", "2600家"),
        ("黄埔区上市高企有多少家？", "43家"),
        ("黄埔区规模以上国家高新技术企业数量2025年目标是多少家？", "800家"),
        # the plan's 高价值 row is not 每万人发明专利拥有量, which its review states
        ("“十三五”末黄埔区每万人发明专利拥有量是多少件？", "125件"),
        # 比重, 占比 and 比例 name one measure; a 2025 target gives way to the row that writes
        # 2020 out; 「2020年实际做到了」 asks how, 实际 is no attribute
        ("截至2020年，黄埔区全社会基础与应用基础研究经费在研发经费里占多大比重？", "8.47%"),
        ("目标表里，基础与应用基础研究经费占研发经费的比例，2020年实际做到了百分之几？", "8.47%"),
        # …额 is an amount (交易额), not a count of 交易
        ("交易中心揭牌以来促成的技术成果转化交易涉及金额多少？", "35.71亿元"),
        # 「听说…上讲了，」 is a source, like 据…介绍
        ("听说联盟成立大会上讲了，广州现在大概有多少家新型研发机构？在全省排第几？", "近80家，第一"),
        # a measure noun (打算, 支持的安排) beside a figure asked says what the figure is for
        ("社科大那个黄埔研究院，在校研究生规模打算搞到多少人？", "不低于200人"),
        # a range is stated whole, also where it describes the noun after it
        ("按规划对基础研究经费长期稳定支持的安排，应用基础研究所占比重要推到多高？", "20%-30%"),
        # the end of a change asked: 「从原来的36家增至66家」
        ("为落实“科创中国”三年行动计划，创交会的成果转化基地扩充到了多少家？", "66家"),
        ("创交会成果转化基地原来有多少家？", "36家"),
        # each part's counter counts its own figure, also when 、 parts the asks
        ("2019年广州打算遴选多少家创新标杆企业、跟踪服务多少家高精尖企业？", "100 家，200 家"),
        # each part's attribute stops at 、; a money noun asks an amount; no figure twice
        ("广州新型研发机构过去一年的技术性收入有多少、一共服务了多少家企业？", "19.79亿元，5438家"),
        ("市里4亿元的科技信贷风险补偿资金池带动了几家合作银行、累计放了多少贷款？", "8 家，超 100 亿元"),
        ("广州技术合同成交额2018年大概多少？2017年又是多少？", "719 亿元"),
        # a total of a kind written as a 、-run of its classes is stated whole; one class
        # asked is given alone
        ("“十三五”期间黄埔区一共拿了多少国家科学技术奖？", "特等奖1项、一等奖5项、二等奖16项"),
        ("“十三五”期间黄埔区拿了几项国家科学技术奖一等奖？", "5项"),
        # an addition asked is the 新… figure, a total the 累计 one; a clause of only
        # 「累计 166 家」 goes on about the subject of the figure before it
        ("2024年广州新培养技术经理人多少名？", "近2000名"),
        ("截至2018年，广州产学研技术创新联盟累计有多少家？", "166 家"),
        ("2018年广州新增了多少家产学研技术创新联盟？", "26 家"),
        # a title the question sets aside (除总文《…》外) is no name the answer must be about
        (
            "按广州科技成果转化“1+N”政策体系，除总文《广州市进一步促进科技成果转化若干措施》外，"
            "作为“N”的配套政策文件有几项？",
            "4项",
        ),
        # 「多少万家」 counts in 万; 「力争到 2020 年，…突破 25 万家」: the time clause dates the
        # clause after it; 「市科技局在…工作安排中，」 is a source, and its year no year asked
        ("市科技局在2019年工作安排中，提出科技创新企业总数要在哪一年突破多少万家？", "2020 年"),
        ("广州科技创新企业总数力争到哪一年突破25万家？", "2020 年"),
        # the district asked, the city as its whole: the district plan answers
        ("黄埔区2025年技术合同成交额目标是多少？", "800亿元"),
        # a unit says what a figure measures: 千伏 a voltage
        ("南方电网特高压多端柔性直流工程的电压等级是多少？", "800千伏"),
        # the fund named in full is found in the sentence that sizes it
        ("设立规模多大的粤港澳大湾区科技成果转化基金？", "200亿元"),
        # 「第几极」 asks an ordinal of 极; 「前几名」 a rank, not a count of people
        ("黄埔区要打造中国集成电路第几极核心区？", "第三极"),
        ("广州高新区的全国综合排名在“十三五”末升到了第几？规划提出到2025年要进到前几名？", "前5"),
        # the total for all items asked is the total
        ("2024年20项产业链创新联合体攻关项目一共支持了多少经费？", "2900万元"),
        # 个 said of people counts them as 名; 「表2.1」 labels a table, it states no figure
        ("广州2024年一年里新带出来多少个技术经理人？", "近2000名"),
        ("按照表2.1所列的黄埔区科技创新“十四五”发展目标，2025年技术合同成交额的目标值是多少？", "800"),
        # 「有多大规模」 is 「规模多大」: the fund's size is its amount; the state now asked of
        # 「从原来的36家增至66家」 is the change's end; a time word may part owner and measure
        ("广州专门设的环港科大成果转化母基金有多大规模？", "10亿元"),
        ("想了解创交会成果转化基地现在的规模，目前一共有多少家？", "66家"),
        # the noun after the counter is the one asked (卫星), also with a modifier and 的
        ("中科宇航的“力箭一号”已经把多少颗卫星送上了轨道？", "57颗"),
        ("环港科大（广州）科技成果转化母基金带动了多少个投资主体？", "12个"),
        ("联盟首批成员单位里有多少家新型研发机构？", "38家"),
    ],
)  # fmt: skip
def test_the_first_line_gives_the_indicator_and_measure_asked(
    assistant: Assistant, question: str, figure: str
) -> None:
    """Not a narrower indicator, whatever name the measure goes by, for the year asked."""
    answer = assistant.ask(question)
    assert not answer.refused and figure in (answer.direct_answer or ""), answer.text


def test_a_cut_off_keeps_the_answer_of_a_sentence_dated_by_its_own_section(
    assistant: Assistant,
) -> None:
    """「截至2018年底，」 is a cut-off: the 2018 report's sentence under its 2019 heading still
    answers as it does without the framing (a year the sentence itself dates it by only
    replaces its report's year when that year is asked, not as a cut-off)."""
    plain = assistant.ask("广州重点研发项目申报还需要交纸质材料吗？")
    framed = assistant.ask("截至2018年底，广州重点研发项目申报还需要交纸质材料吗？")
    assert not framed.refused and "零上门" in framed.text and "零上门" in plain.text, framed.text


def test_a_total_since_a_year_is_the_reports_not_that_years(assistant: Assistant) -> None:
    """「自 2016 年正式运作以来……累计」 in the 2018 report answers 「截至2018年累计…」: no
    missing 2018 value is admitted."""
    answer = assistant.ask("科技信贷风险补偿资金池截至2018年累计为多少家科技型中小企业发放了贷款？")
    assert not answer.refused and "1300" in (answer.direct_answer or ""), answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # 「…，这是哪一年的评价结果」 points back at the stated fact: no attribute of its own
        ("黄埔区有8家国家级科技企业孵化器被科技部评为优秀（A类），这是哪一年的评价结果？", "2020年"),
        # 地方 names the kind of answer; 节点 is what is asked
        ("“123”科技创新空间布局里作为节点的三个地方分别是哪里？", "生物岛"),
        ("规划希望国家新型工业化产业示范基地达到几星级？", "五星级"),
        ("广州新型研发机构累计形成了多少项行业标准？", "159项"),
        # the deed asked is stated in other words: 获聘 for 受聘, 依托…建设 for 靠…来建
        ("谁受聘为广东省新一代通信与网络创新研究院的首席科学家？", "邬江兴"),
        ("航空轮胎动力学大科学装置是靠哪家机构来建的？", "长春应化所"),
        # a post held by a body (秘书长单位) is no person's; the area asked is named
        ("联盟秘书长单位由谁担任？", "大湾区科技创新服务中心"),
        ("科学城那块的高端研发机构大概有多少家？", "超1000家"),
        ("交易中心是几月揭牌的？", "2020年9月"),
        # a user's quotes may hold their own wording of a name (科学研究和技术服务业)
        ("黄埔区那边“科研和技术服务”这个行业，2020年营收总共多少亿来着？", "231亿元"),
        # one plan period is when, like a year: the review's sentence leaves it to its paragraph
        ("据该规划，黄埔区“十三五”期间一共引进了多少名战略科学家？", "91名"),
        # the part itself, and a share of the whole asked as such
        ("2020年黄埔区科技型中小企业获批的省重点领域研发计划立项资金有多少？", "5.78亿元"),
        ("黄埔区科创板上市企业有几家，占全市多大份额？", "八成"),
        ("目前一共有多少名两院院士在广州市创建了院士专家工作站？", "24名"),
        # a document's gloss (地区生产总值(GDP)) makes the two wordings one; the plan's review
        # states the period asked (十三五) for the sentences under it
        ("“十三五”这五年里，黄埔区R&D经费占地区生产总值的比例是从多少升到多少的？", "3.7%，5.71%"),
        # a bare head after a count (8家单位) refers back to the kind asked (建站单位)
        ("关于院士专家工作站的建站单位，有几家建有国家重点实验室？", "8家"),
        # a unit of measure asked (千伏); a verb inside the owner's name (转化) keeps it one name
        ("规划里提到的南方电网特高压多端柔性直流工程是多少千伏来着？", "800千伏"),
        ("关于科技金融，黄埔设立的大湾区科技成果转化基金规模有多大？", "200亿元"),
        # a cut-off framing's plan period (截至“十三五”期末) is the period asked; a cited title's
        # (《…“十四五”规划》) is not
        ("据《黄埔区、广州开发区科技创新“十四五”规划》，截至“十三五”期末，全区研发投入强度达到了多少？", "5.71%"),
        # a share asked of a whole (在全省占) is written after 占 and the whole, with no 比例
        ("2018年广州地区入选国家重大人才工程的人数在全省占多大比例？", "66%"),
        # 榜单 only says "a list of" what stands before it (全球科研城市)
        ("据广州市科技局2018年工作总结，广州在英国《自然》杂志评出的全球科研城市榜单里排第几？", "第 25 位"),
        # a later part that the lead's figure does not answer is answered by a sentence of
        # the same document holding a figure by that part's attribute
        ("根据市科协2021年的介绍，已有多少位两院院士在广州建了院士专家工作站？这些工作站一共引进了多少人才？", "500余名"),
        # 领域 after 哪些 is the kind of answer: the centres counted before it are asked
        ("规划要支持的那5个省级制造业创新中心都涉及哪些领域？", "智能家电"),
        # a development zone (开发区) is a scope: the city's 14家 is not the zone's
        ("开发区有几家研究院进了广东省高水平创新研究院建设序列？", "8家"),
        # 多久 is answered by a span of time (10个月), not refused for want of a date
        ("黄埔那个5G滤波器项目从开工到试产花了多长时间？", "10个月"),
        # a name jieba does not know (海鸥 is a bird) is the subject whose posts are asked; a
        # later post may be a bare role (党支部书记、董事长)
        ("秦海鸥在大湾区科技创新服务中心是什么职务？", "党支部书记、董事长"),
        # what a body is composed of (「由…19位战略科技人才组成的…委员会」) counts its members
        ("黄埔区科技创新专家咨询委员会有几名委员？", "19位"),
        # a total asked with the deed's verb morpheme (送上天 for 「送入预定轨道」) is that deed's
        ("力箭一号一共把多少颗卫星送上天了？", "57颗"),
        # the whole series' figure answers for the whole
        ("2024年的产业链创新联合体攻关项目一共支持了多少经费？", "2900万元"),
        # 「50 亿元规模的…基金」: a head after an amount is bare, no other kind of 规模
        ("市政府同意设立的科技成果产业化引导基金，财政出资规模是多大？", "50 亿元"),
        # a level asked beside a change: the level answers its own part
        ("广州超算中心的用户大概有多少家？比上年涨了多少？", "3000家"),
        # 哪几环 asks for a list; 几环 is no term and no place
        ("规划要构建的一体化股权投资链包括哪几环？", "天使投资"),
        # the direct answer is the clause stating the deed asked (依托)
        ("广东粤港澳大湾区国家纳米科技创新研究院是依托哪家科研单位建设的？", "依托国家纳米科学中心"),
        # a section named (“123”…布局) with one child's term (节点) asks inside that child; the
        # generic counter (3个) is the user's, the plan writes 3大节点
        ("“123”科技创新空间布局里的3个节点分别是哪几个？", "穗港智造合作区"),
        # the whole asked (全市): 「全区…居全市第一」 opens with the district's whole
        ("根据新型研发机构协同创新联盟成立大会上的介绍，广州全市研发投入有多少？", "881.72亿元"),
        # a running total since a year (「自2015年起已举办6届」) is dated by its 2021 document
        ("创交会办到2021年一共办了多少届？", "6届"),
        # a lead-in holding no figure (「二是研发投入强度有待提高」) gives way to a sentence
        # closer in meaning that holds both figures, though it words the indicator otherwise
        ("按王桂林的讲话，广州全市研发投入多少钱？研发投入强度又是多少？", "3.12%"),
        # the speaker cited (王桂林) is quoted by one document: the district plan's 6% is not
        # what he said
        ("按王桂林局长的说法，广州全社会研发投入占地区生产总值的比重是多少？", "3.12%"),
        # the cut-off the sentence writes is the one asked
        ("截至2022年底，广州新型研发机构里的从业人员总共多少人？", "1万余人"),
        # 全市 is the whole the district is ranked in, not another whole's sentence
        # (「全区研发R&D经费投入占GDP比重…居全市第一」); 首个…的区域 says what was done first
        ("“十三五”期间，黄埔区研发投入占GDP的比重在全市排第几？", "第一[1]"),
        # a cited title naming both parts of a work report (…2018年工作总结和2019年工作安排)
        # places the answer in neither
        (
            "据《强化科技创新引领 推动高质量发展 共建粤港澳大湾区国际科技创新中心——广州市科学技术局"
            "2018年工作总结和2019年工作安排》，2018年底，广州省级新型研发机构总数达到多少家？",
            "50家",
        ),
        ("我们想对接粤港澳大湾区科技成果转化基金，它的规模是多少？", "200亿元"),
        # the giver (财政, 政府) before a verb of giving is no attribute: the money is asked
        ("广州那20项产业链创新联合体攻关项目，政府总共拨了多少钱？", "2900万元"),
        # money asked in a word for money (资金) is the amount the first line states beside the
        # first part's figure (「…促成600多个项目转化落地，涉及金额近500亿元」)
        ("创交会这些年一共促成了多少个项目转化落地？牵涉的资金大概有多少？", "近500亿元"),
        # a site a thing is built at (在…基地建成投产) answers where
        ("全球首家超快动力电池专业工厂建在哪？", "南沙总部基地"),
        # a firm named by its brand, as what it is or before its product
        ("广州哪家企业是eVTOL行业全球首个三证齐全的？", "亿航智能"),
        ("“力箭一号”火箭是哪家公司造的？", "中科宇航"),
        # 上市公司 is the class the plan writes 上市企业: its documents are not only those
        # that write 上市公司
        ("黄埔区有几家科创板上市公司？", "5家"),
        # 「占了多少项」 asks a count (a counter follows), not a share
        ("新型研发机构承担的纵向项目当中，省部级的占了多少项？", "218项"),
        # the share's subject is what the sentence names most of (「同类」 is the asker's word)
        ("纳入省级高水平创新研究院建设序列的广州新型研发机构，在全省同类机构里占多大比重？", "70%"),
        # the whole is named otherwise (广州全市 asked, 「约占广州市60%」 written)
        ("按产值算，黄埔区生物医药在广州全市里能占到几成？", "60%"),
        # the target asked is answered by the target set
        ("广州科技创新企业总数力争到2020年突破多少万家？", "25 万家"),
        # a rough count is stated whole (上万家, not 万家)
        ("联盟打算和多少家高企、科技型中小企业进行预匹配？", "上万家"),
        # a venue is a place: 「…成立大会在…天河基地召开」
        ("广州市新型研发机构协同创新联盟的成立大会是在什么地方开的？", "天河基地"),
        # a count with a counter (「超过 2000 家」) is no year 2000 that would date the sentence
        ("截至2018年，广州高新技术企业总数突破了多少家？", "1.1 万家"),
        # 「，工作站共引入人才500余名」 opens a chunk: the chunk before names 院士专家工作站 in
        # full, and 规模 asked of a count is the count
        ("据广州市科协介绍，院士专家工作站目前累计引进的人才规模有多大？", "500余名"),
        ("院士专家工作站吸引来的人才大概多少人？", "500余名"),
        # 贷款 asked, 放款 written: 「引导银行…为近1.2万家科技企业放款超1500亿元」
        ("科技信贷风险补偿资金池一共帮近1.2万家科技企业从银行拿到多少贷款？", "1500亿元"),
        # the plan's PDF text lost 羚 (「瞪企业124家」): the corpus's form is searched and matched
        ("“瞪羚”企业在黄埔有多少家？", "124家"),
        ("黄埔那边高成长的瞪羚企业大概有几家？", "124家"),
        # a table row of another indicator leads by its caption's words; the sentence after
        # it names as much of the question in its own words and holds the count
        ("黄埔区、广州开发区“十三五”末每万人拥有发明专利有几件？", "125件"),
        ("黄埔区、广州开发区在十三五末每万人拥有的发明专利是多少件？", "125件"),
        ("广州高新技术企业总数突破1.1万家，在全国排第几？", "第三"),
        # 「到这份材料发出时」 says until when; 「到2018年」 a total as of 2018, which the 2018
        # report states without writing the year by it
        ("创交会是哪一年开始举办的？到这份材料发出时一共办了几届？", "6届"),
        # 「在广州各区里」 is the scope a rank is taken in, no word of the part's own
        ("黄埔区“十三五”末研发投入占GDP比重是多少？在广州各区里排名第几？", "居全市第一"),
        # a title in 《》 names the document asked by name (「总文《…若干措施》」)
        ("科技成果转化“1+N”政策体系中的总文件叫什么名字？", "广州市进一步促进科技成果转化若干措施"),
        ("广州出台的科技成果转化总文件叫啥？", "广州市进一步促进科技成果转化若干措施"),
        ("4亿元的科技信贷风险补偿资金池哪一年正式运作？到2018年备案的企业超过多少家？", "1.3 万家"),
        ("按2024年的报道，科技信贷风险补偿资金池累计带动银行给科技企业发放了多少贷款？", "1500亿元"),
    ],
)  # fmt: skip
def test_questions_in_users_wordings_are_answered(
    assistant: Assistant, question: str, expected: str
) -> None:
    answer = assistant.ask(question)
    assert not answer.refused and expected in answer.text, answer.text


def test_a_word_the_corpus_lost_a_character_of_is_matched_in_the_corpus_form(
    assistant: Assistant,
) -> None:
    """The plan writes 「瞪企业124家」: 瞪羚 is found there and searched in that form; a word
    the corpus writes whole somewhere (企业) has no other form."""
    question = assistant._analyse("黄埔区瞪羚企业有多少家？")
    term = next(t for t in question.terms if t.text == "瞪羚")
    assert term.match("瞪企业124家") == 1.0
    assert "瞪企业" in question.query
    assert all("瞪企业" not in t.spellings for t in question.terms if t.text == "企业")


@pytest.mark.parametrize(
    ("question", "asking"),
    [("黄埔区的科创板上市公司在全市占多大比例？", "占多大"), ("广州在全国排第几名？", "第几名")],
)
def test_a_question_word_glued_to_a_neighbour_is_no_key_term(
    assistant: Assistant, question: str, asking: str
) -> None:
    """The tokenizer glues 多大 to 占 and 第几 to 名: such a token asks, and as a key term it
    would weigh as a rare word no answering sentence holds."""
    assert asking not in [t.text for t in assistant._analyse(question).terms]


def test_a_total_written_after_an_addition_answers_for_the_noun_before_it(
    assistant: Assistant,
) -> None:
    """「新增省级新型研发机构5家，总数达到50家」: the clause of 总数 and a figure goes on about
    the 研发机构 named before it (总数 counts no other noun), and the addition is no total."""
    from assistant.evidence import typed_evidence

    asked = assistant._analyse("截至2018年底，广州的省级新型研发机构一共有多少家？")
    text = "新增省级新型研发机构5家，总数达到50家，增量与总量全省第一。"
    assert [s.text for s in typed_evidence(asked, text, False).spans] == ["50家"]


def test_a_refusal_does_not_call_a_figure_the_question_gives_what_is_missing(
    assistant: Assistant,
) -> None:
    """「每年8000万，…出多少」: 8000 stands where an attribute would; the refusal must not say
    「没有给出8000的数量」."""
    answer = assistant.ask("粤穗开放基金一年投8000万，其中市里出多少？")
    first = answer.text.splitlines()[0]
    assert answer.refused and "没有给出" in first and "8000的" not in first, first


def test_a_money_quantity_asked_where_another_is_given_is_refused_saying_which(
    assistant: Assistant,
) -> None:
    """Profit asked, sales given (「产生销售收入 300 亿元」): the refusal says what is given."""
    answer = assistant.ask("全市产学研技术创新联盟的成果产业化带来了多少利润？")
    assert answer.refused
    assert answer.text.splitlines()[0] == "文档只给出了销售收入（300 亿元），没有给出利润。"


def test_a_yearly_amount_is_no_total_since_a_start(assistant: Assistant) -> None:
    """「每年投入 8000 万元」 is what each year adds: a total asked (累计) is not answered by it,
    and a yearly amount asked still is."""
    from assistant.answer_types import spans_of
    from assistant.figure_kinds import flow_for_stock

    text = "与省科技厅共同设立粤港澳大湾区（粤穗）开放基金，每年投入 8000 万元，共同支持粤港澳地区基础研究。"
    (span,) = spans_of(text, "amount")
    total = assistant._analyse("粤穗开放基金设立以来累计投入了多少？")
    yearly = assistant._analyse("粤穗开放基金每年投入多少？")
    assert flow_for_stock(total, text, span)
    assert not flow_for_stock(yearly, text, span)


@pytest.mark.parametrize(
    "question",
    [
        "黄埔区国家级创客空间的数量在全市各区中排第几？",  # 国家级孵化器…居全市第一
        "广州新型研发机构的技术性收入在全省排第几？",  # 新型研发机构近80家，居全省第一
        "黄埔区瞪羚企业数量在全国经开区排第几？",  # 瞪羚: 全国高新区前四
        "广州的新型研发机构数量在全国排第几？",  # 全国经开区榜首, 全国第六 of 广州高新区
    ],
)
def test_a_rank_of_another_topic_or_group_is_refused(assistant: Assistant, question: str) -> None:
    """A rank ranks one topic within one group: 「居全市第一」 of 孵化器 says nothing of 创客空间,
    and 全国高新区前四 is no rank among 全国经开区."""
    answer = assistant.ask(question)
    assert answer.refused, answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("黄埔区瞪羚企业数量在全国高新区中排第几？", "前四"),  # 「…连续5年居全国高新区前四;」
        ("截至2018年底，广州高新技术企业总量在全国排第几？", "第三"),  # topic two clauses back
        ("航空轮胎动力学大科学装置在国内是第几个同类装置？", "首个"),  # topic after the rank
    ],
)
def test_a_rank_of_the_asked_topic_and_group_answers(
    assistant: Assistant, question: str, expected: str
) -> None:
    answer = assistant.ask(question)
    assert_answers(answer, expected)
    assert (answer.direct_answer or "").startswith(expected), answer.direct_answer


def test_a_clause_citing_a_source_is_not_what_is_counted(assistant: Assistant) -> None:
    """「…创新标杆企业，按市科技局2019年的工作安排，打算挑多少家」: 工作 in the source clause is
    no attribute; the count of 创新标杆企业 answers."""
    answer = assistant.ask("我们想申报创新标杆企业，按市科技局2019年的工作计划，打算选多少家？")
    assert_answers(answer, "100 家")
    assert (answer.direct_answer or "").startswith("100 家"), answer.direct_answer


def test_a_term_asked_in_its_short_form_names_the_passage_that_spells_it_out(
    assistant: Assistant,
) -> None:
    """个税 is how people say 个人所得税: a passage writing the full form names what is asked,
    so the policy is quoted instead of 「没有找到」."""
    answer = assistant.ask("从海外来的高端人才，交个税这块有啥说法？")
    assert_answers(answer, "个人所得税")


def test_an_amount_sizing_one_fund_answers_for_that_fund_only(assistant: Assistant) -> None:
    """「设立规模200亿元的…转化基金和规模60亿元的中科院…母基金,不少于2000万元规模的…资金池」:
    each amount is the size of the noun written with it; 和 before 规模 joins no pair."""
    answer = assistant.ask("中科院科技成果转化母基金有多少钱？")
    assert (answer.direct_answer or "").startswith("60亿元"), answer.text
    paid_in = assistant.ask("那只200亿元的粤港澳大湾区科技成果转化基金，第一期到位多少资金？")
    assert paid_in.refused, paid_in.text  # not the 资金池's 2000万元


def test_a_count_written_as_the_size_of_another_noun_is_not_the_asked_ones(
    assistant: Assistant,
) -> None:
    """「…开展国际和港澳台博士留学生培养,在校研究生规模不低于200人」: 200人 sizes 在校研究生, the
    noun of its own clause, not the 博士留学生 the clause before names; asked of 研究生 it answers."""
    students = assistant.ask("社科大黄埔研究院准备招多少名港澳台和国际博士留学生？")
    assert students.refused, students.text
    whole = assistant.ask("中国社会科学院大学黄埔研究院在校研究生规模多大？")
    assert (whole.direct_answer or "").startswith("不低于200人"), whole.text


@pytest.mark.parametrize(
    "question",
    [
        "黄埔区2109家高新技术企业，在全国高新区里能排第几？",  # topic stated in the clause before
        "黄埔区研发投入强度5.71%，在广东全省排第几？",  # 居全市第一: another scope
        "2018年广州高新技术企业总数超过1.1万家，这个数量在广东省内排第几？",  # 居全国第三
    ],
)
def test_a_rank_asked_after_a_stated_figure_needs_that_topic_and_group(
    assistant: Assistant, question: str
) -> None:
    """The clause before a rank may state what is ranked; the scope may carry its place
    (广东全省, 广东省内): neither 瞪羚's 全国高新区前四 nor 全市第一 nor 全国第三 answers."""
    answer = assistant.ask(question)
    assert answer.refused, answer.text


def test_a_colloquial_rank_ask_and_a_first_to_do_are_told_apart(assistant: Assistant) -> None:
    """排老几 asks a rank as 排第几 does; 「全市首个…突破5%的区域」 is the first to do something,
    no place in a ranking, so 居全市第一 answers 排第几."""
    colloquial = assistant.ask("2018年广州高企总数突破了多少家？在全国排老几？")
    assert_answers(colloquial, "1.1 万家", "第三")
    position = assistant.ask("黄埔区研发投入强度5.71%，在全市各区排第几？")
    assert (position.direct_answer or "").startswith("第一"), position.text


def test_a_post_holder_is_named_before_a_verb_of_opinion(assistant: Assistant) -> None:
    """「在…中心党支部书记、董事长秦海鸥看来，…」: 看来 (as 认为, 坦言) follows the name a post
    is written with, as 指出 and 表示 do."""
    answer = assistant.ask("大湾区科技创新服务中心的董事长是谁？")
    assert_answers(answer, "秦海鸥")


def test_a_turnover_asked_as_a_trading_scale_is_the_contract_turnover(
    assistant: Assistant,
) -> None:
    """交易规模 of technology contracts is how people say 技术合同成交额: the table row answers."""
    answer = assistant.ask("黄埔区技术合同交易规模到2025年要达到多少？")
    assert_answers(answer, "800亿元")


def test_a_part_asked_of_a_stated_whole_is_counted_only_where_the_part_is_named(
    assistant: Assistant,
) -> None:
    """「…一万多名从业人员当中，博士有多少人」: the whole is stated, a part asked; a figure is
    the part's only where its clause names what sets the part apart (研发人员 7000余人),
    not 1万余人 of the whole nor 5438家 of served firms."""
    doctors = assistant.ask("新型研发机构一万多名从业人员当中，有博士学位的有多少人？")
    assert doctors.refused, doctors.text
    researchers = assistant.ask("新型研发机构一万多名从业人员当中，研发人员有多少？")
    assert (researchers.direct_answer or "").startswith("7000余人"), researchers.text
    national = assistant.ask("新型研发机构592项纵向项目中，国家级项目有多少项？")
    assert (national.direct_answer or "").startswith("147项"), national.text


def test_an_addition_asked_is_answered_only_by_a_figure_written_as_one(
    assistant: Assistant,
) -> None:
    """「新增了多少家孵化器」: 「全市共有…335家（国家级26家、…培育单位41家）」 are totals (a part
    in brackets after 共有 too) and 「5家…获A类评级」 no addition; 「新增…超过 2000 家」 is one."""
    incubators = assistant.ask("据市科技局2018年总结，全市当年新增科技企业孵化器多少家？")
    assert incubators.refused, incubators.text
    firms = assistant.ask("2018年广州新增了多少家高新技术企业？")
    assert (firms.direct_answer or "").startswith("超过 2000 家"), firms.text


def test_the_members_of_a_set_counted_before_分别是啥_are_asked(assistant: Assistant) -> None:
    """「…今后要着力抓的五项功能，分别是啥」 asks the members of the 功能 counted (not 着力): the
    sentence naming the 「五大功能」 answers."""
    answer = assistant.ask("王桂林讲新研机构今后要着力抓的五项功能，分别是啥？")
    assert_answers(answer, "技术供给", "金融赋能")


def test_a_count_before_a_verb_counts_the_noun_before_the_verb(assistant: Assistant) -> None:
    """「几家企业建有市级以上的…研究开发中心」: 企业 is counted, and the 的 modifies what they
    have: 「15家企业建有…」 answers, though 研究开发中心 is written after another count."""
    answer = assistant.ask(
        "院士专家工作站建站单位当中，几家企业建有市级以上的工程技术研究开发中心？"
    )
    assert (answer.direct_answer or "").startswith("15家"), answer.text


def test_a_named_persons_body_is_the_one_in_the_posts_before_the_name(
    assistant: Assistant,
) -> None:
    """「天科雅…公司董事长苏震波，…，广东埃文低碳科技股份有限公司副总经理兼总工程师高国辉，…」:
    each person's body is written in the posts before the name (来自 is no deed of its own),
    and a part asking the person's posts is answered by them (秦 + 海鸥 is one name)."""
    gao = assistant.ask("高国辉来自哪家企业？")
    assert (gao.direct_answer or "").startswith("广东埃文低碳科技股份有限公司"), gao.text
    su = assistant.ask("苏震波是哪家公司的？")
    assert (su.direct_answer or "").startswith("广东天科雅生物医药科技股份有限公司"), su.text
    qin = assistant.ask("秦海鸥是哪家单位的？担任什么职务？")
    assert_answers(qin, "大湾区科技创新服务中心", "董事长")


def test_each_part_asking_a_level_needs_that_levels_figure(assistant: Assistant) -> None:
    """「纵向项目592项，其中国家级147项，省部级218项」: a later part asking 市级 is not stated;
    one asking 省部级 is, and each part's figure is its own level's."""
    city = assistant.ask("新型研发机构的纵向项目里，国家级有几项？市级又有几项？")
    assert city.refused and "147项" in city.text, city.text
    both = assistant.ask("新型研发机构的纵向项目里，国家级有几项？省部级又有几项？")
    assert (both.direct_answer or "").startswith("147项，218项"), both.text


def test_which_one_body_is_no_list_and_needs_a_name(assistant: Assistant) -> None:
    """「哪一家新型研发机构」 asks for one body by name (not a list of 一 item): 「吸引张伯礼、…、
    叶甜春等领军人才作为院长领衔共建了一批高水平新型研发机构」 names none."""
    answer = assistant.ask("贺福初院士作为院长领衔共建的，是哪一家新型研发机构？")
    assert answer.refused, answer.text


def test_a_bodys_own_size_is_not_its_parts_size_named_elsewhere_in_the_question(
    assistant: Assistant,
) -> None:
    """「…母基金本身的规模」 asks the fund's own size: 「子基金实缴规模超260亿元」 sizes its
    sub-funds, though the asker's clause before names 子基金 too."""
    answer = assistant.ask("我们想成为子基金的管理人，广州科技创新母基金本身的总规模是多少？")
    assert answer.refused, answer.text


def test_all_kinds_asked_is_not_answered_by_one_levels_figure(assistant: Assistant) -> None:
    """「各类研发机构」 asks every kind together: 「累计建成国家级企业研发机构40家」 counts one
    level only; 「各类研发机构共1130家」 counts them all."""
    target = assistant.ask("依照黄埔区“十四五”规划，到2025年区内各类研发机构总数要达到多少家？")
    assert target.refused, target.text
    stated = assistant.ask("黄埔区“十三五”末各类研发机构共有多少家？")
    assert (stated.direct_answer or "").startswith("1130家"), stated.text


def test_a_figure_in_a_clause_after_the_attributes_own_figure_counts_something_else(
    assistant: Assistant,
) -> None:
    """「“两院”院士 97 人，490 人入选国家重大人才工程」: 院士 has its figure in its own clause;
    the next clause names none of it and counts who 入选; 「，累计 166 家」 would go on."""
    added = assistant.ask("2018年来穗工作的两院院士新增了多少位？")
    assert added.refused, added.text
    platforms = assistant.ask("黄埔区培育的国际合作项目及平台有多少家？")
    assert (platforms.direct_answer or "").startswith("40家"), platforms.text
    # 「…19位战略科技人才组成的…委员会,集聚各类高层次人才总量达1099人」: the members are
    # counted where they compose the committee, not by the talents of the clause after
    members = assistant.ask("黄埔区科技创新专家咨询委员会由多少名委员组成？")
    assert (members.direct_answer or "").startswith("19位"), members.text


def test_one_years_own_figure_is_not_a_count_over_a_longer_stretch(assistant: Assistant) -> None:
    """「2018年全年取得了多少件」 asks that year alone: 「一年多来，…PCT 专利 37 件」 counts
    over more than a year; asked over the same stretch, it answers."""
    year = assistant.ask("创新创业领军团队2018年全年取得了多少件PCT专利？")
    assert year.refused, year.text
    assert "PCT专利" in year.text  # as the question writes it, not as it is matched (pct)
    stretch = assistant.ask("一年多来创新创业领军团队取得了多少件PCT专利？")
    assert (stretch.direct_answer or "").startswith("37 件"), stretch.text
