"""What answers add on the real corpus: conflicts within a document, missing years, typo hints,
and no verbatim repeat for a follow-up that adds nothing."""

from __future__ import annotations

import pytest

from assistant.amend import SAME_AS_BEFORE, SAME_EVIDENCE, not_repeated
from assistant.answer import Answer, Assistant
from assistant.config import AssistantSettings
from assistant.conflicts import StatementIndex, indicator_key
from assistant.extractive import Extract
from assistant.hints import NameHints
from assistant.year_gaps import asked_year
from evals.dataset import normalize_for_match
from vectorstore.search import HybridSearcher

PLAN = "003_d7285df370a477b8.txt"


@pytest.fixture(scope="module")
def assistant(searcher: HybridSearcher) -> Assistant:
    return Assistant(searcher, AssistantSettings())


def _holds(text: str, value: str) -> bool:
    return normalize_for_match(value) in normalize_for_match(text)


def _cited(answer: Answer, value: str) -> bool:
    return any(_holds(c.quote, value) for c in answer.citations)


def test_indicator_key_ignores_counting_words_but_not_qualifiers() -> None:
    assert indicator_key("上市高企数(家)") == indicator_key("上市高企累计")
    assert indicator_key("国家级孵化器数量(家)") == indicator_key("国家级孵化器")
    # 高价值 makes it another indicator (每万人发明专利拥有量 125件 vs 高价值 50件).
    assert indicator_key("每万人拥有高价值发明专利数(件)") != indicator_key("每万人发明专利拥有量")


def test_the_plan_conflicts_are_the_ones_found_by_reading_it(searcher: HybridSearcher) -> None:
    """Every pair of one document's statements with one indicator/period and two values."""
    snapshot = searcher.index.snapshot()
    statements = StatementIndex()
    pairs = set()
    for doc_id in snapshot.documents:
        found = statements.of_document(snapshot, doc_id)
        for a in found:
            for b in found:
                if a.same_indicator(b) and a.value < b.value:
                    pairs.add((doc_id, a.year, a.shown, b.shown))
    assert pairs == {(PLAN, 2020, "42家", "43家"), (PLAN, 2020, "14家", "16家")}


@pytest.mark.parametrize(
    ("question", "table_value", "body_value", "body_quote"),
    [
        ("黄埔区2020年上市高企数是多少？", "43家", "42家", "上市高企累计42家"),
        ("黄埔区上市高企累计有多少家？", "43家", "42家", "上市高企累计42家"),
        ("2020年黄埔区国家级孵化器有多少家？", "14家", "16家", "国家级孵化器16家"),
        ("黄埔区国家级孵化器数量2020年完成值是多少？", "14家", "16家", "国家级孵化器16家"),
    ],
)
def test_a_conflict_within_one_document_shows_both_values_and_warns(
    assistant: Assistant, question: str, table_value: str, body_value: str, body_quote: str
) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    warning = next(w for w in answer.warnings if w.startswith("同一文档内数值不一致"))
    assert table_value in warning and body_value in warning and "表2.1" in warning
    assert "发展成就" in warning  # where the body text states it
    assert _holds(answer.text, table_value) and _holds(answer.text, body_value)
    assert _cited(answer, body_quote) and any(
        c.passage.chunk.kind == "table_row" for c in answer.citations
    )
    for citation in answer.citations:
        assert citation.quote in citation.passage.text
        assert f"[{citation.n}]" in answer.text


def test_agreeing_table_and_text_raise_no_warning(assistant: Assistant) -> None:
    answer = assistant.ask("黄埔区2020年高新技术企业有多少家？")
    assert not any(w.startswith("同一文档内") for w in answer.warnings), answer.warnings


def test_asked_year_skips_the_years_that_date_a_source() -> None:
    assert asked_year("2019年广州在自然指数科研城市中排第几？") == 2019
    assert asked_year("据2023年6月联盟成立大会的介绍，新型研发机构有多少家？") is None
    assert asked_year("2018年和2019年的排名分别是多少？") is None
    assert asked_year("2019年有哪些重点工作安排？") is None  # no value asked


def test_a_missing_year_is_admitted_first_with_the_nearest_years(assistant: Assistant) -> None:
    history = [("2018年广州在自然指数科研城市中排第几？", "第25位")]
    answer = assistant.ask("那2019年呢？", history)
    assert answer.refused
    first = answer.text.split("\n")[0]
    assert first.startswith("已收录的文档中没有找到2019年的数值；最接近的年份是：")
    assert "2018年 第25位[" in first and "2022年 第10位[" in first
    for n in (1, 2, 3):
        if f"[{n}]" in first:
            assert answer.citations[n - 1].quote


@pytest.mark.parametrize(
    ("question", "stated"),
    [
        ("2024年广州在自然指数科研城市中排第几？", "第8位"),
        # two years in one sentence (「从2017年的357亿元翻番至2018年的719亿元」)
        ("2017年广州的技术合同成交额是多少亿元？", "357"),
        # a sentence under 「三、2019 年重点工作安排」 is of 2019, naming no year itself
        ("2019年广州打算让风险补偿资金池的放贷累计达到多少？", "150"),
    ],
)
def test_a_stated_year_is_not_called_missing(
    assistant: Assistant, question: str, stated: str
) -> None:
    answer = assistant.ask(question)
    assert "年的数值；最接近的年份" not in answer.text, answer.text
    assert _holds(answer.text, stated)


def test_nearest_years_are_of_the_asked_indicator_place_and_unit(assistant: Assistant) -> None:
    answer = assistant.ask("2023年黄埔区技术合同成交额是多少亿元？")
    first = answer.text.split("\n")[0]
    assert answer.refused and first.startswith("已收录的文档中没有找到2023年的数值"), answer.text
    assert "800亿元" in first  # the plan's own 2025 target
    assert "2646" not in first  # the city-wide figure is another place's value


def test_a_missing_target_year_lists_only_targets(assistant: Assistant) -> None:
    answer = assistant.ask("黄埔区2035年研发投入强度目标是多少？")
    assert answer.refused and answer.text.startswith("已收录的文档中没有找到"), answer.text
    first = answer.text.split("\n")[0]
    assert "5.71" not in first and "5%" not in first  # actual values are no target


def test_a_misspelt_place_gets_the_corrected_question(assistant: Assistant) -> None:
    answer = assistant.ask("黄浦区2025年高新技术企业目标是多少家？")
    assert answer.refused
    assert "您是不是要问：黄埔区2025年高新技术企业目标是多少家？" in answer.text


def test_hints_only_name_what_the_documents_contain(searcher: HybridSearcher) -> None:
    snapshot = searcher.index.snapshot()
    hints = NameHints()
    assert hints.suggest("广州大学黄浦研究院在哪里？", snapshot) == "广州大学黄埔研究院在哪里？"
    assert (
        hints.suggest("广州国际技术交易服物中心是什么时候揭牌的？", snapshot)
        == "广州国际技术交易服务中心是什么时候揭牌的？"
    )
    # Names the corpus has, or names with no neighbour in it, get no hint.
    assert hints.suggest("黄埔区2025年高新技术企业目标是多少家？", snapshot) is None
    assert hints.suggest("天河区的孵化器有多少家？", snapshot) is None
    # 「南地区」 is part of 华南地区, no name; 「年广州市」 is no name either.
    assert hints.suggest("南莎区有哪些政策？", snapshot) is None
    assert hints.suggest("2024年广州市科技局的财政预算是多少？", snapshot) is None
    # Verbs and particles are no part of a name; two known names side by side are no typo.
    assert hints.suggest("黄埔区规上高技术制造业产值在全市占多少？", snapshot) is None
    assert hints.suggest("广州市科技局认为全市还存在哪些短板？", snapshot) is None
    assert hints.suggest("黄埔区有几家，广州全市后来有几家？", snapshot) is None
    assert hints.suggest("中山大学获批的两大基础科学中心项目叫什么？", snapshot) is None


def test_a_follow_up_that_adds_nothing_does_not_repeat_the_answer() -> None:
    extract = Extract("根据已收录的文档，\n- 「甲」[1]（《文》）", (), False, ())
    asked = "黄埔区2020年技术合同成交额是多少？"
    same = not_repeated(extract, asked, [(asked, extract.text)])
    assert same.text.startswith(SAME_AS_BEFORE) and same.text != extract.text
    assert "「甲」[1]" in same.text
    # Another question answered by the same passages keeps its whole answer, marked.
    other = not_repeated(extract, "黄埔区2025年技术合同成交额目标是多少？", [(asked, extract.text)])
    assert other.text == f"{SAME_EVIDENCE}\n{extract.text}"
    assert not_repeated(extract, asked, [(asked, "别的回答")]) is extract


def test_a_repeated_follow_up_is_answered_briefly(assistant: Assistant) -> None:
    first = assistant.ask("黄埔区2020年技术合同成交额是多少？")
    again = assistant.ask("那2020年呢？", [("黄埔区2020年技术合同成交额是多少？", first.text)])
    assert again.text != first.text
    assert again.text.startswith(SAME_AS_BEFORE) and _holds(again.text, "619")
