"""Question analysis: expected answer types, framing split from the focus, typed spans."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from assistant.answer_types import asked_counter, asked_types, spans_of, stated_types
from assistant.decision import FEATURES, WEIGHTS_FILE, load_model
from assistant.evidence import is_heading, table_row_in_words, typed_evidence
from assistant.framing import split_framing
from assistant.question import Question, Term, indicator_form, indicator_wordings
from ingest.years import years_in

TYPES = [
    ("2025年黄埔区高新技术企业目标是多少家？", ("count",)),
    ("技术合同成交额是多少亿元？", ("amount",)),
    # 规模 is money or a head count: a figure of any kind
    ("研究院的在校研究生规模要求是多少？", ("count",)),
    ("母基金的规模有多大？", ("count",)),
    # 叫什么名字 names a thing, and a person only after a role
    ("联盟搭的小程序叫什么名字？", ("name",)),
    ("联盟秘书长（个人）叫什么名字？", ("person",)),
    ("新型研发机构靠技术服务挣了多少钱，帮扶了多少家企业？", ("amount", "count")),
    ("研发投入占GDP的比重是多少？", ("share",)),
    # 多久 asks a span of time, not a date
    ("从动工到投产用了多久？", ("duration",)),
    # 「如何处理」 asks how; its 何处 is no place
    ("对考核不合格的孵化器会如何处理？", ("measure",)),
    # capital and 钱 are money however the question is worded
    ("运营公司的注册资本是多少？", ("amount",)),
    ("区财政投在科技上的钱有多少？", ("amount",)),
    ("广州的科研产出份额是多少？", ("share",)),
    ("2019年广州在自然指数科研城市排名中位列第几？", ("rank",)),
    ("“广深港”科技集群在全球创新指数中的得分是多少？", ("score",)),
    # the ranking the question is placed in asks no rank
    ("广州在自然指数科研城市排名中的得分是多少？", ("score",)),
    ("创交会是从哪一年开始办的？", ("date",)),
    ("联盟的秘书长单位是哪家？", ("organisation",)),
    ("联盟秘书长是谁？", ("person",)),
    ("被聘为秘书长的是哪一位？", ("person",)),
    ("王桂林是什么职务？", ("title",)),
    ("中新广州知识城位于哪里？", ("place",)),
    ("创交会设置了哪些展区？", ("list",)),
    ("交易中心要建设哪“三大平台”？", ("list",)),
    # 哪一家: one body, asked by name
    ("院士作为院长领衔共建的是哪一家新型研发机构？", ("organisation",)),
    ("企业如何申请研发补助？", ("measure",)),
    # a count in 万, 千 or 百 (多少万家, 几千家) is a count; 「好几年」「前几名」 ask none
    ("科技创新企业总数要突破多少万家？", ("count",)),
    ("广州有几千家高新技术企业？", ("count",)),
    ("财政科技投入连着好几年大涨，每年涨了百分之几？", ("share",)),
    ("规划提出到2025年要进到前几名？", ("rank",)),
    ("新型研发机构协同创新联盟的宗旨是什么？", ("name",)),
    ("广州有几家新型研发机构进入高水平创新研究院梯队，占全省多大比重？", ("count", "share")),
    # a clause that states a value (全国第六) asks nothing; 哪一年的排名 dates the ranking
    ("广州高新区综合排名跃升到全国第六，是哪一年的排名结果？", ("date",)),
    ("研发投入强度达到5.71%，这是哪一年的数据？", ("date",)),
    # a modifier may stand between 哪家 and a class noun; a firm is no typed organisation
    ("这个研究院是依托哪家科研单位建设的？", ("organisation",)),
    ("这只基金由哪家基金管理机构负责管理？", ("organisation",)),
    ("联盟准备给成员提供哪几类服务平台？", ("list",)),
    # 由谁 asks for a person when a person's post is named, not a body's (秘书长单位)
    ("领导小组的组长由谁担任？", ("person",)),
    ("联盟秘书长单位由谁担任？", ("organisation",)),
    # a body's class noun asked by name (哪家单位) stays a body after a post (秘书长角色)
    ("在联盟里充当秘书长角色的是哪家单位？", ("organisation",)),
    ("担任理事长的是哪个机构？", ("organisation",)),
    ("交易中心是2020年9月几号揭牌的？", ("date",)),
    # money asked by its noun (多少贷款, 多少税)
    ("资金池带动了几家合作银行、累计放了多少贷款？", ("count", "amount")),
    ("技术合同登记了多少项，免了多少税？", ("count", "amount")),
    # with a modifier between (多少支持经费: 支 of 支持 is no counter)
    ("攻关项目给了多少支持经费？", ("amount",)),
    ("今年拿到多少财政资金？", ("amount",)),
    ("派出了多少支队伍？", ("count",)),
    # a bank or a school is a body like a 单位
    ("资金池是和哪家银行合作的？", ("organisation",)),
    ("这个实验室依托哪所学校建设？", ("organisation",)),
    ("世界最大的那家飞行汽车工厂是谁家的？", ("organisation",)),  # 谁家: whose, a firm
    ("联盟成立大会在什么地方召开？", ("place",)),
    ("纵向项目里国家级的占了多少项？", ("count",)),
    # 多 before an adjective of size (多高, 多快) asks a figure; after a ……率 a share
    ("这条特高压线路的电压到底多高，有具体数字吗？", ("count",)),
    ("这台发动机的推力有多重？", ("count",)),
    ("风电中心的装机容量能有多大？", ("count",)),
    ("资金池放出去的贷款，坏账率有多高？", ("share",)),
    ("应用基础研究比重要推到多高的水平？", ("share",)),
    # a bare 多少 asked of a stated whole is a part of it, in the whole's unit
    ("全市2646亿元的技术合同成交额里，新型研发机构贡献了多少？", ("amount",)),
    ("这2646亿元当中，有多少来自高校？", ("amount",)),
    ("黄埔区2109家高企中有多少是科技型中小企业？", ("count",)),
    ("全市技术合同成交额预计2646亿元，这里面高校贡献了多少？", ("amount",)),
    ("新型研发机构贡献了多少？", ("count",)),
    # a verb of money with a bare 多少, or money with a short modifier, asks an amount
    ("我们想向合作银行贷款，单笔最多能贷多少？", ("amount",)),
    ("一个项目最多能补多少？", ("amount",)),
    ("每家机构一年能拿到多少技术性收入？", ("amount",)),
    ("有多少支持资金？", ("amount",)),
    # profit and sales are money as income is (多少利润, 多少销售额)
    ("这些联盟一年创造了多少利润？", ("amount",)),
    ("成果产业化带来多少销售额？", ("amount",)),
    ("多少企业获投资？", ("count",)),
    # a share or an amount named as a noun before a rank asked is what is ranked
    ("“十三五”期间，黄埔区研发投入占GDP的比重在全市排第几？", ("rank",)),
    ("研发投入占GDP的比重是多少？在全市排第几？", ("share", "rank")),
]


@pytest.mark.parametrize(("question", "expected"), TYPES, ids=[q for q, _ in TYPES])
def test_expected_answer_types(question: str, expected: tuple[str, ...]) -> None:
    assert asked_types(question) == expected


FRAMED = [
    ("照联盟成立大会上公布的数据，广州有多少家新型研发机构？", "广州有多少家"),
    ("据2023年6月联盟成立大会的介绍，广州新型研发机构中有多少位行业领军人才？", "广州新型研发机构"),
    ("截至“十三五”末，黄埔区有多少家高新技术企业？", "黄埔区有多少家"),
    ("作为规划基期，2020年黄埔区技术合同成交额是多少？", "2020年黄埔区"),
    ("根据《黄埔区、广州开发区科技创新“十四五”规划》，上市高企数目标是多少？", "上市高企"),
    ("从全国来看，广州高新技术企业总数排第几？", "广州高新技术企业"),
    ("按照市科技局的说法，2019年有哪些重点工作？", "2019年有哪些"),
    ("工作总结提到，广州有几家国家重点实验室？", "广州有几家"),
    ("联盟由哪家单位牵头筹建，报道里是怎么写的？", "联盟由哪家单位牵头筹建"),
    # a courtesy before the question is not part of it, nor what follows it
    ("请问，根据《黄埔区规划》，黄埔区有多少家孵化器？", "黄埔区有多少家"),
    ("我想了解一下，2020年黄埔区技术合同成交额是多少？", "2020年黄埔区"),
    ("我司想知道，高新技术企业有哪些支持政策？", "高新技术企业"),
    # so is who asks
    ("我们是一家做新材料的企业，黄埔区有哪些新材料扶持政策？", "黄埔区有哪些"),
    # in its own sentence, and with a source before it or after it
    ("我们是一家科技型小企业。据羊城晚报对2024年的回顾，广州有多少家孵化器？", "广州有多少家"),
    ("根据羊城晚报的报道，我们是一家科技型小企业。广州有多少家孵化器？", "广州有多少家"),
    # 按 opens a source like 按照: its plan period is not the year asked
    ("按黄埔区科技创新“十四五”规划，到2030年排名要冲进前几？", "到2030年"),
    # 在 places a question in a source or an event
    ("在国家科学技术奖励大会上，广州获奖项目里由广州单位牵头的有几项？", "广州获奖项目"),
    ("在黄埔区“十四五”目标表里，2025年技术合同成交额是多少？", "2025年技术合同"),
    # an official title runs long; it is one unit of the framing however long it is
    (
        "据《关于进一步加快促进科技创新推动高质量发展的若干政策措施——广州市科学技术局"
        "2023年修订稿》，2016年全市有多少家孵化器？",
        "2016年全市",
    ),
]


@pytest.mark.parametrize(("question", "core_start"), FRAMED, ids=[q for q, _ in FRAMED])
def test_framing_is_split_from_the_focus(question: str, core_start: str) -> None:
    framed = split_framing(question)
    assert framed.framing, question
    assert framed.core.startswith(core_start), framed


def test_hearsay_is_a_framing() -> None:
    framed = split_framing("听说联盟成立大会上讲了，广州有多少家新型研发机构？")
    assert framed.core == "广州有多少家新型研发机构？"
    told = split_framing("联盟成立大会上讲过，广州有多少家新型研发机构？")
    assert told.core == "广州有多少家新型研发机构？"


def test_the_whole_city_is_asked_only_where_no_district_is() -> None:
    from assistant.question import asks_of_whole_city

    assert asks_of_whole_city("到2025年，广州全市的技术合同成交额目标是多少？")
    assert not asks_of_whole_city("黄埔是不是全市第一个研发投入强度过5%的区？")
    assert not asks_of_whole_city("广州的技术合同成交额是多少？")  # 广州 alone may be a setting
    assert asks_of_whole_city("整个广州市的技术合同成交额是多少？")
    assert asks_of_whole_city("广州整个城市每万人有几件发明专利？")
    assert asks_of_whole_city("广州全城有多少家孵化器？")
    assert asks_of_whole_city("广州整个市到2025年研发投入强度要到多少？")


def test_a_source_may_be_introduced_by_the_body_that_issued_it() -> None:
    """「市科技局在…中，」 is a source; 「黄埔区在…中，」 is the entity asked about."""
    issued = split_framing("市科技局在2019年工作安排中，提出科技创新企业总数要突破多少万家？")
    assert issued.framing == ("市科技局在2019年工作安排中",)
    assert split_framing("黄埔区在全国高新区中，综合排名第几？").framing == ()


@pytest.mark.parametrize(
    "question",
    [
        "听说广州要建国内第一条12英寸智能传感器生产线，是哪家公司在做？",
        "据说市里设了一只环港科大（广州）科技成果转化母基金，规模多大？",
        "据悉黄埔区引进了一批战略科学家，有多少名？",
    ],
)
def test_what_the_asker_heard_is_the_topic_not_a_framing(question: str) -> None:
    """With no source named and no verb of saying, the clause after 听说/据说/据悉 is what the
    question goes on to ask about: peeled off, it would leave 「是哪家公司在做」."""
    assert split_framing(question).framing == ()


@pytest.mark.parametrize(
    "question",
    [
        "广州新型研发机构中，有多少位行业领军人才？",  # a locative clause is the entity, not framing
        "对于中小企业，有哪些扶持政策？",
        "在全省占多大比重？",
        "2025年黄埔区高新技术企业目标是多少家？",
        "我是谁？",
        "我们是一家什么样的企业才能申请？",  # who asks is the question here
        # 在…里/中/上 placing the question in a population, a list or a topic, not a source
        "在风险补偿资金池获贷的企业里，第一次贷到款的大概占几成？",
        "在“自然指数—科研城市”排名中，广州的科研产出份额是多少？",
        "在科研项目验收上，规划有啥改革？",
    ],
)
def test_questions_without_framing_keep_their_whole_text(question: str) -> None:
    assert split_framing(question).core == question


@pytest.mark.parametrize(
    ("question", "text", "answers"),
    [
        # a unit of measure asked must be the figure's unit: 「2号文件」 has no 平方公里
        ("合作区的规划面积有多少平方公里？", "实施方案作为大湾区办2号文件获省批复印发。", False),
        ("孵化面积有多少万平方米？", "孵化面积超过1000万平方米", True),
        ("示范基地要达到几星级？", "推动国家新型工业化产业示范基地达到五星级水平", True),
        # a modifier may stand between 多少 and the unit; a counter there counts (颗卫星)
        ("累计吸引了多少参观人次？", "累计发布一万多个创新创业成果", False),
        ("把多少颗卫星送上了轨道？", "已成功将26颗卫星送入预定轨道", True),
        # people asked by a bare 多少 are counted 名/位/人: 36家 or 80% counts no 观众; the
        # people must end the noun (多少院士专家工作站 counts 工作站)
        ("创交会每届能吸引多少观众到场？", "将成果转化基地从原来的36家增至66家", False),
        ("创交会每届能吸引多少观众到场？", "每年有超过80%的参展项目与新兴产业密切相关", False),
        ("创交会每届能吸引多少观众到场？", "累计吸引观众超过30万人次", True),
        ("广州一共建了多少院士专家工作站？", "全市已建成院士专家工作站124家", True),
        # 「每万人」 is what a figure is per, no count of people
        ("有多少人？", "每万人发明专利拥有量125件", False),
        # a bare 多少 asked of a stated whole (近80家…中) counts in the whole's counter
        ("全市近80家新型研发机构中，有多少纳入了省级序列？", "其中14家纳入省级序列", True),
        ("全市近80家新型研发机构中，有多少纳入了省级序列？", "占全省的70%", False),
    ],
)
def test_an_asked_unit_of_measure_must_be_the_figures_unit(
    question: str, text: str, answers: bool
) -> None:
    counter = asked_counter(question)
    assert bool(spans_of(text, "count", counter)) is answers, (counter, text)


def test_a_firm_may_be_named_by_its_brand_as_what_it_is_or_before_its_product() -> None:
    from assistant.answer_types import brand_subjects

    assert [s.text for s in brand_subjects("亿航智能作为广州低空经济的代表企业,成为…")] == [
        "亿航智能"
    ]
    assert [s.text for s in brand_subjects("中科宇航“力箭一号”运载火箭已将57颗卫星…")] == [
        "中科宇航"
    ]
    assert brand_subjects("广州作为国家中心城市,…") == []  # a place


def test_a_site_a_thing_is_built_at_is_a_place() -> None:
    text = "全球首家超快动力电池专业工厂在巨湾技研南沙总部基地建成投产;"
    assert [s.text for s in spans_of(text, "place")] == ["巨湾技研南沙总部基地"]
    assert spans_of("将创交会成果转化基地从原来的36家增至66家", "place") == []


def test_a_city_or_a_country_is_a_place_without_a_suffix() -> None:
    text = "参照北京协同院模式，联合以色列、新加坡的高校。"
    assert [s.text for s in spans_of(text, "place")] == ["北京", "以色列", "新加坡"]


def test_a_span_of_time_is_neither_a_year_nor_a_month_of_a_date() -> None:
    text = "自2016 年运作以来，仅用时10个月，连续三年增长，2020年9月揭牌，历时3个多月。"
    assert [s.text for s in spans_of(text, "duration")] == ["10个月", "三年", "3个多月"]


def test_a_part_of_a_date_counts_nothing() -> None:
    """A bare 「多少」 takes any number, but not the 6 and 2 of 「6月2日」."""
    assert spans_of("6月2日，成立大会在天河基地召开。", "count") == []
    assert [s.text for s in spans_of("从业人员共计 1130 人", "count")] == ["1130 人"]


def test_a_rough_count_is_read_whole() -> None:
    """「数十个」 is not 十个, 「上万家」 not 万家: the document says "some tens"."""
    text = "每年都有数十个国家和地区的百余个项目参展，与上万家企业对接。"
    assert [s.text for s in spans_of(text, "count")] == ["数十个", "百余个", "上万家"]


def test_a_venue_where_something_is_held_is_a_place() -> None:
    text = "成立大会在广州(国际)科技成果转化天河基地召开。"
    assert [s.text for s in spans_of(text, "place")] == ["广州(国际)科技成果转化天河基地"]


def test_one_written_in_characters_is_no_count() -> None:
    """「形成一个优中选优的良性循环」: 一个 is "a"; a statistic is written in digits (1个)."""
    assert spans_of("形成一个优中选优的良性循环", "count") == []
    assert [s.text for s in spans_of("建成1个国家级平台", "count")] == ["1个"]


def test_a_basis_of_counting_opened_by_an_is_no_framing() -> None:
    """「按每万人口计算的…」 says how the asked figure is counted, not where it is read."""
    framed = split_framing("按每万人口计算的高价值发明专利，到2025年要达到几件？")
    assert framed.framing == ()
    assert split_framing("按规划，到2025年要达到几件？").framing == ("按规划",)


def test_a_plan_named_as_a_title_gives_no_years_beside_a_year_written_out() -> None:
    """「“十四五”发展目标表里…2030年目标值」: the plan names the table, 2030 is asked; a plan
    named as a time (「十三五末」) is asked beside a later part's year."""
    from assistant.question import periods_asked

    assert periods_asked("“十四五”发展目标表里，研发投入强度2030年的目标值是多少？") == []
    assert periods_asked("按“十四五”规划，2030年的目标是多少？") == []
    assert periods_asked("十三五末排第几？规划希望2025年进入前几位？") == ["十三五"]
    assert periods_asked("“十四五”规划里研发投入强度的目标是多少？") == ["十四五"]


def test_a_number_with_a_counter_is_a_count_not_a_year() -> None:
    """「超过 2000 家」 would otherwise date its sentence to the year 2000."""
    assert years_in("新增高新技术企业超过 2000 家，总数突破 1.1 万家") == set()
    assert years_in("从 2015 年的 1919 家增加至2018的水平") == {2015, 2018}


def test_typed_spans_tell_a_rank_from_a_score_and_a_year_from_a_count() -> None:
    text = "“广深港”科技集群连续5年位居全球第2位，得分12.5分，2020年服务企业5438家，占比70%。"
    assert [s.text for s in spans_of(text, "rank")] == ["第2位"]
    assert [s.text for s in spans_of(text, "score")] == ["12.5分"]
    assert [s.text for s in spans_of(text, "count", "家个所")] == ["5438家"]
    assert [s.text for s in spans_of(text, "share")] == ["70%"]
    assert not spans_of("科技集群位居全球第2位。", "score")
    assert [s.type for s in stated_types("位居全球第2位")] == ["rank"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("邀请中山大学、华南理工大学参加", ["中山大学", "华南理工大学"]),
        (
            "由广州市科技局指导，大湾区科技创新服务中心牵头筹建",
            ["广州市科技局", "大湾区科技创新服务中心"],
        ),
        ("以广东高航知识产权运营有限公司为发起单位", ["广东高航知识产权运营有限公司"]),
        # a description ending in a class word is not a name; a bare class word is none
        ("建设有国际影响力的风投创投中心", ["风投创投中心"]),
        ("争取合作银行翻番", []),
    ],
)
def test_an_organisation_span_is_the_name_without_what_is_done_with_it(
    text: str, names: list[str]
) -> None:
    spans = spans_of(text, "organisation")
    assert [s.text for s in spans] == names
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_a_body_the_question_names_is_not_the_answer_to_who_runs_it() -> None:
    asked = Question(
        text="广州国际技术交易服务中心的运营主体是谁？",
        kind="figure",
        terms=(Term("运营", 1.0),),
        years=frozenset(),
        types=("organisation",),
        core="广州国际技术交易服务中心的运营主体是谁？",
    )
    text = "交易中心由广东高航知识产权运营有限公司运营。"
    found = [s.text for s in typed_evidence(asked, text, False).spans]
    assert found == ["广东高航知识产权运营有限公司"]


def test_headings_and_lead_ins_are_recognised() -> None:
    assert is_heading("2.加快高新技术企业自主创新能力提升。")
    assert is_heading("十、保障措施")
    assert is_heading("科技创新工作主要表现为“两个率先”“三个一批”“四个突破”：")
    assert is_heading("某某指南", title="某某指南")
    assert not is_heading("我市有 21 项成果获国家科学技术奖，占全省获奖总数的 47%。")


def test_a_table_row_reads_in_words_with_its_unit() -> None:
    row = (
        "表2.1 黄埔区、广州开发区科技创新“十四五”发展目标 | 科技成果转化 | "
        "7 技术合同成交额(亿元): 2020年完成值 619; 2025年目标值 800; 指标属性 预期性"
    )
    assert table_row_in_words(row) == (
        "技术合同成交额：2020年完成值 619亿元，2025年目标值 800亿元（预期性指标）"
    )


def test_the_shipped_decision_model_loads_and_weighs_its_features() -> None:
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    model = load_model()
    strong = {f: 1.0 for f in FEATURES} | {"heading": 0.0, "similarity": 0.9}
    weak = {f: 0.0 for f in FEATURES} | {"similarity": 0.7, "rank": 0.1}
    assert model.probability(strong) >= model.threshold > model.probability(weak)


def test_an_indicator_named_one_way_is_found_under_its_other_wordings() -> None:
    """研发投入强度 and 全社会研发投入(R&D)占GDP的比重 are one indicator (the synonym file);
    新增高新技术企业 is not 高新技术企业数量, although it contains its wording."""
    intensity = indicator_wordings("到2025年，黄埔区研发投入强度要达到多少？")
    row = indicator_form("全社会研发投入(R&D)占GDP的比重：2020年完成值 5.71%，2025年目标值 6%")
    assert any(w.lower() in row for w in intensity)
    new_firms = indicator_wordings("2018年广州新增高新技术企业多少家？")
    assert new_firms and not any(w in indicator_form("高新技术企业总数") for w in new_firms)
    assert indicator_wordings("广州的登记数是多少？") == ()
    # a wording with capitals (GDP) is found in the question like any other
    assert "研发投入强度" in indicator_wordings("研发经费投入占GDP比重是多少？")
    row_chunk = (
        "表2.1 黄埔区科技创新发展目标 | 科技成果转化 | 4 全社会研发投入(R&D)占GDP的比重(%): "
        "2020年完成值 5.71; 2025年目标值 6; 指标属性 预期性"
    )
    asked = Question(
        "到2025年，黄埔区研发投入强度要达到多少？",
        "figure",
        (Term("投入强度", 1.0),),
        frozenset({2025}),
        types=("share",),
        attribute="强度",
        attribute_terms=(Term("强度", 1.0),),
        indicator_wordings=intensity,
    )
    assert typed_evidence(asked, row_chunk, True).attribute == 1.0
    assert typed_evidence(replace(asked, indicator_wordings=()), row_chunk, True).attribute == 0.0


def test_a_table_row_of_another_indicator_holds_no_answer() -> None:
    """Every value of a row belongs to its one indicator: the 高新技术企业数量 row holds no
    count of 瞪羚企业, however many of the asked words (企业, 2025年目标) it shares."""
    row_chunk = (
        "表2.1 黄埔区科技创新发展目标 | 科技赋能产业 | 10 高新技术企业数量(家): "
        "2020年完成值 2109; 2025年目标值 2600; 指标属性 预期性"
    )
    asked = Question(
        "黄埔区瞪羚企业到2025年的目标是多少家？",
        "figure",
        (Term("瞪羚", 8.0), Term("企业", 1.0)),
        frozenset({2025}),
        types=("count",),
        counter="家",
        attribute="瞪羚 企业",
        attribute_terms=(Term("瞪羚", 8.0), Term("企业", 1.0)),
    )
    assert typed_evidence(asked, row_chunk, True).type_share == 0.0
    own = replace(
        asked,
        attribute="高新技术企业",
        attribute_terms=(Term("高新技术企业", 5.0),),
    )
    evidence = typed_evidence(own, row_chunk, True)
    assert evidence.type_share == 1.0 and "2600家" in [s.text for s in evidence.spans]


@pytest.mark.parametrize(
    ("sentence", "attribute", "answers"),
    [
        # the amount stands by another indicator: the asked one is only a ratio's base
        (
            "研发投入占地区生产总值比重为3.5%,高新技术企业达2600家,技术合同成交额达800亿元。",
            "生产总值",
            False,
        ),
        ("全区地区生产总值达到3500亿元,技术合同成交额达到800亿元。", "生产总值", True),
        # the same, with a count and another wording of the sentence
        ("新增孵化器12家,累计培育瞪羚企业124家。", "瞪羚", True),
        ("新增孵化器12家,其中国家级4家。", "瞪羚", False),
    ],
)
def test_a_figure_counts_only_in_the_clause_of_the_asked_attribute(
    sentence: str, attribute: str, answers: bool
) -> None:
    """A 「多少亿元」 question needs the amount of what it asks about: a number written by
    another indicator is a neighbouring figure, not an answer of the asked type."""
    asked = Question(
        f"黄埔区的{attribute}是多少？",
        "figure",
        (Term(attribute, 5.0),),
        frozenset(),
        types=("amount",) if "元" in sentence else ("count",),
        attribute=attribute,
        attribute_terms=(Term(attribute, 5.0),),
    )
    evidence = typed_evidence(asked, sentence, False)
    assert (evidence.type_share == 1.0) is answers
    assert bool(evidence.spans) is answers


def test_each_part_of_a_multi_part_question_ties_its_own_figure() -> None:
    """「吸引了多少名院士参与？涉及金额多少？」: the amount stands by 金额, the second part's
    attribute, not by 院士; a figure by neither is still a neighbouring one."""
    asked = Question(
        "创交会吸引了多少名院士参与？涉及金额多少？",
        "figure",
        (Term("院士", 5.0), Term("金额", 3.0)),
        frozenset(),
        types=("count", "amount"),
        counter="名",
        attribute="院士",
        attribute_terms=(Term("院士", 5.0),),
        part_attributes=((Term("金额", 3.0),),),
    )
    text = "创交会吸引20多名院士参与，促成127项成果落地转化，涉及金额66.28亿元。"
    evidence = typed_evidence(asked, text, False)
    assert evidence.type_share == 1.0
    assert {s.text for s in evidence.spans} >= {"20多名", "66.28亿元"}
    single = replace(asked, part_attributes=())
    assert typed_evidence(single, text, False).type_share == 0.5
    elsewhere = "创交会吸引20多名院士参与，促成127项成果落地转化，新增投资超过66.28亿元。"
    assert typed_evidence(asked, elsewhere, False).type_share == 0.5


def test_a_speaker_is_a_person_named_after_a_post() -> None:
    from assistant.answer_types import officials_in

    assert officials_in("广州市政协副主席、市科技局局长王桂林指出，近年来") == ["王桂林"]
    assert officials_in("院士专家工作站") == []  # 院士 before 专家工作站 names no one
