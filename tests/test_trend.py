"""Trend and comparison answers: a cited table from the fact table, one scope per series."""

from __future__ import annotations

import pytest

from assistant.answer import Assistant
from assistant.config import AssistantSettings
from assistant.question import Question, compact
from assistant.trend import Row, asked_indicator, asked_scope, computed, is_trend_question
from evals.dataset import normalize_for_match
from ingest.facts import Fact, display_value
from vectorstore.facts import FactStore
from vectorstore.search import HybridSearcher
from vectorstore.settings import StoreSettings


def _question(text: str) -> Question:
    return Question(text, "other", (), frozenset(), core=text)


def _fact(period: str, value: float, kind: str = "actual", unit: str = "亿元") -> Fact:
    return Fact("d", "c", "技术合同成交额", "技术合同成交额", "广州市", period, value, unit, kind, "",
                0, 1, "x")  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "广州技术合同成交额这些年是怎么变的？",
        "黄埔区技术合同成交额和目标相比怎么样？",
        "2018年和2024年广州的自然指数排名分别是多少？",
        "高新技术企业总数从2015年到2018年增长了多少？",
    ],
)
def test_trend_questions_are_recognised(text: str) -> None:
    assert is_trend_question(_question(text))


@pytest.mark.parametrize("text", ["2018年广州技术合同成交额是多少？", "黄埔区有哪些重点实验室？"])
def test_single_figure_questions_are_not_trends(text: str) -> None:
    assert not is_trend_question(_question(text))


def test_the_most_specific_indicator_name_wins() -> None:
    names = ["高新技术企业", "规模以上高新技术企业数量", "技术合同成交额"]
    asked = _question("黄埔区规模以上国家高新技术企业这几年有什么变化？")
    assert asked_indicator(asked, names) == "规模以上高新技术企业数量"
    assert asked_indicator(_question("广州的营商环境这几年有什么变化？"), names) is None


def test_scope_words() -> None:
    assert asked_scope(_question("广州开发区技术合同成交额的变化")) == "黄埔区、广州开发区"
    assert asked_scope(_question("全市技术合同成交额的变化")) == "广州市"
    assert asked_scope(_question("技术合同成交额的变化")) == ""


def test_computed_changes_are_labelled_from_first_to_last_value() -> None:
    rows = [Row(_fact("2017", 357), None), Row(_fact("2018", 719), None)]  # type: ignore[arg-type]
    assert computed(rows) == ["广州市：2017年至2018年变化 +362亿元（+101.4%）"]
    ranks = [Row(_fact("2018", 25, "rank", "位"), None), Row(_fact("2024", 8, "rank", "位"), None)]  # type: ignore[arg-type]
    assert computed(ranks) == ["广州市：2018年至2024年排名上升17位"]
    target = [Row(_fact("2020", 619), None), Row(_fact("2025", 800, "target"), None)]  # type: ignore[arg-type]
    assert computed(target) == ["广州市：2020年数值为2025年目标值的77.4%"]


@pytest.fixture(scope="module")
def assistant(searcher: HybridSearcher) -> Assistant:
    return Assistant(searcher, AssistantSettings())


def test_a_trend_is_a_cited_table_of_every_period(assistant: Assistant) -> None:
    answer = assistant.ask("广州技术合同成交额这些年是怎么变的？")
    assert not answer.refused
    text = normalize_for_match(answer.text)
    for value in ("357", "719", "2646"):
        assert value in text, answer.text
    assert "计算所得" in answer.text
    assert len(answer.citations) >= 3
    for citation in answer.citations:
        assert citation.quote in citation.passage.text
        assert f"[{citation.n}]" in answer.text


def test_a_named_scope_keeps_other_scopes_out(assistant: Assistant) -> None:
    """黄埔区's series never borrows 广州市's values, and the reverse."""
    huangpu = assistant.ask("黄埔区技术合同成交额和目标相比怎么样？")
    assert "619" in huangpu.text and "800" in huangpu.text
    assert "357" not in huangpu.text and "广州市 |" not in huangpu.text
    city = assistant.ask("广州全市技术合同成交额这些年怎么变化？")
    assert "619" not in city.text and "黄埔区" not in city.text


def test_a_comparison_with_a_scope_no_document_names_is_refused(assistant: Assistant) -> None:
    """No table compares 黄埔区 with 深圳南山区: the series of 黄埔区 alone is no answer."""
    answer = assistant.ask("黄埔区的国家级孵化器数量和深圳南山区相比，谁多？")
    assert answer.refused, answer.text
    assert not assistant.ask("黄埔区的国家级孵化器数量这几年怎么变化？").refused


def test_a_change_from_the_year_before_needs_that_years_value(assistant: Assistant) -> None:
    """「同比」 asks the change from the year before: 2017 and 2018 are stated, so 2018's
    change is in the table; for 2022 (2646亿元) no 2021 value is, and the table of other
    years is no answer."""
    assert not assistant.ask("2018年广州技术合同成交额比上年增长了多少？").refused
    for question in (
        "2022年广州技术合同成交额比上年增长了多少？",
        "技术合同成交额预计达2646亿元，这个数同比增长了多少？",
    ):
        answer = assistant.ask(question)
        assert answer.refused, answer.text


def test_a_comparison_with_a_years_target_no_document_sets_admits_it(
    assistant: Assistant,
) -> None:
    """The plan sets 2025 targets: a 2030 target is not there, and the nearest is named."""
    answer = assistant.ask("黄埔区科学研究和技术服务业营业总收入和2030年目标相比怎么样？")
    assert answer.refused and "没有找到2030年" in answer.text and "405" in answer.text
    assert not assistant.ask("黄埔区科学研究和技术服务业营业总收入和2025年目标相比怎么样？").refused


@pytest.mark.slow  # asks about every indicator stated for two scopes
def test_no_warning_pairs_values_of_two_scopes(
    assistant: Assistant, indexed_settings: StoreSettings
) -> None:
    """Every indicator stated for two or more scopes, asked without a scope: a cross-year
    warning, if any, never sets one scope's value against another's."""
    facts = FactStore.in_dir(indexed_settings.data_dir).query()
    scopes_of: dict[str, dict[str, set[str]]] = {}
    for sourced in facts:
        fact = sourced.fact
        shown = compact(display_value(fact)).lstrip("近约超过")
        scopes_of.setdefault(fact.indicator, {}).setdefault(fact.scope, set()).add(shown)
    shared = {key: by_scope for key, by_scope in scopes_of.items() if len(by_scope) >= 2}
    assert len(shared) >= 3
    for indicator, by_scope in shared.items():
        answer = assistant.ask(f"{indicator}是多少？")
        for warning in answer.warnings:
            if not warning.startswith("不同年份文档中的数值不同"):
                continue
            named = [
                s for s, values in by_scope.items() if any(v in compact(warning) for v in values)
            ]
            assert len(named) <= 1, (indicator, warning)
