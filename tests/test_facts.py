"""Fact extraction on the bundled corpus: every figure with its scope, period, kind and span."""

from __future__ import annotations

from collections import Counter

import pytest

from ingest.facts import Fact, display_value, extract_facts
from ingest.figures import find_figures
from ingest.periods import year_before
from ingest.pipeline import ProcessedDocument

PLAN = "003_d7285df370a477b8.txt"
NEWS_2023 = "000_0e5a863861ba855e.txt"
NEWS_2024 = "002_eb9130060e5878d8.txt"
REPORT_2018 = "004_1da18392a39b6ff1.txt"
HUANGPU = "黄埔区、广州开发区"


@pytest.fixture(scope="module")
def facts(processed_corpus: dict[str, ProcessedDocument]) -> dict[str, list[Fact]]:
    return {doc_id: extract_facts(doc) for doc_id, doc in processed_corpus.items()}


def _one(facts: list[Fact], quote_part: str, value: float) -> Fact:
    found = [f for f in facts if quote_part in f.quote and f.value == value]
    assert len(found) == 1, (quote_part, value, found)
    return found[0]


def test_every_quote_is_the_chunks_text_at_the_span(
    facts: dict[str, list[Fact]], processed_corpus: dict[str, ProcessedDocument]
) -> None:
    for doc_id, doc_facts in facts.items():
        chunks = {chunk.id: chunk for chunk in processed_corpus[doc_id].chunks}
        assert doc_facts
        for fact in doc_facts:
            assert chunks[fact.chunk_id].text[fact.start : fact.end] == fact.quote
            assert fact.quote and fact.scope and fact.period.isdigit()


def test_table_rows_give_the_2020_actual_and_the_2025_target(
    facts: dict[str, list[Fact]], processed_corpus: dict[str, ProcessedDocument]
) -> None:
    rows = {c.id for c in processed_corpus[PLAN].chunks if c.kind == "table_row"}
    table = [f for f in facts[PLAN] if f.chunk_id in rows]
    assert len(rows) == 17 and len(table) == 34
    assert Counter(f.chunk_id for f in table) == {row: 2 for row in rows}
    assert {(f.period, f.kind) for f in table} == {
        ("2020", "actual"),
        ("2020", "share"),
        ("2025", "target"),
    }
    assert {f.scope for f in table} == {HUANGPU}
    contracts = sorted(
        (f.period, f.value, f.unit) for f in table if f.indicator == "技术合同成交额"
    )
    assert contracts == [("2020", 619.0, "亿元"), ("2025", 800.0, "亿元")]
    intensity = {f.period: f for f in table if f.indicator == "研发经费投入占GDP比重"}
    assert (intensity["2020"].value, intensity["2020"].kind) == (5.71, "share")
    assert (intensity["2025"].value, intensity["2025"].kind) == (6.0, "target")


def test_period_is_the_year_the_value_refers_to(facts: dict[str, list[Fact]]) -> None:
    staff = _one(facts[NEWS_2023], "从业人员", 10000)  # 截至2022年底 … 1万余人
    assert (staff.period, staff.unit, staff.qualifier) == ("2022", "人", "余")
    contracts = _one(facts[NEWS_2023], "技术合同成交额", 2646)  # 预计达2646亿元
    assert (contracts.period, contracts.kind) == ("2022", "forecast")
    institutes = _one(facts[NEWS_2023], "新型研发机构近80家", 80)  # 截至目前 = when written
    assert institutes.period == "2023"
    # “十三五”期间 opens the plan's review: its undated figures are 2020 values …
    enterprises = _one(facts[PLAN], "高新技术企业2109家", 2109)
    assert (enterprises.period, enterprises.kind, enterprises.scope) == ("2020", "actual", HUANGPU)
    # … and 由3.7%提高到5.71% starts at the beginning of that five-year period.
    assert _one(facts[PLAN], "由3.7%", 3.7).period == "2015"
    target = _one(facts[PLAN], "技术合同成交额达到800亿元", 800)  # 到2025年 …
    assert (target.period, target.kind) == ("2025", "target")
    # 从 2017 年的 357 亿元翻番至 2018 年的 719 亿元: each value takes its own year.
    assert _one(facts[REPORT_2018], "从 2017 年的 357", 357).period == "2017"
    assert _one(facts[REPORT_2018], "翻番至 2018 年的 719", 719).period == "2018"
    # 比2019年底增长40%: 2019 is the baseline, the growth is the document's year.
    growth = _one(facts[NEWS_2024], "增长40%", 40)
    assert (growth.period, growth.kind, growth.unit) == ("2024", "growth", "%")
    # 2019 年重点工作安排: plans under that heading are 2019 targets.
    plans = [f for f in facts[REPORT_2018] if f.kind == "target"]
    assert plans and {f.period for f in plans} <= {"2019", "2020"}


def test_scope_comes_from_the_sentence_before_the_document(facts: dict[str, list[Fact]]) -> None:
    # A 广州市 work report naming 广州开发区 as the subject of a rank.
    zone = _one(facts[REPORT_2018], "广州开发区在国家级经济技术开发区", 1)
    assert (zone.scope, zone.kind, zone.unit) == (HUANGPU, "rank", "位")
    # A place named as the yardstick (约占广州市60%, 占全省的70%) is not the subject.
    assert _one(facts[PLAN], "约占广州市60%", 60).scope == HUANGPU
    assert _one(facts[NEWS_2023], "占全省的70%", 70).scope == "广州市"
    # 全区 resolves through the plan's own place.
    assert _one(facts[PLAN], "全区各类高层次人才达1700人", 1700).scope == HUANGPU


def test_overlapping_chunks_do_not_duplicate_facts(
    facts: dict[str, list[Fact]], processed_corpus: dict[str, ProcessedDocument]
) -> None:
    for doc_id, doc_facts in facts.items():
        chunks = {chunk.id: chunk for chunk in processed_corpus[doc_id].chunks}
        places = [
            (chunks[f.chunk_id].start + f.start, f.period, f.value)
            for f in doc_facts
            if chunks[f.chunk_id].kind == "text"
        ]
        assert len(places) == len(set(places)), doc_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("总数突破 1.1 万家", [(11000.0, "家", "")]),
        ("在校大学生165万人", [(1650000.0, "人", "")]),
        ("新增高新技术企业超过 2000 家", [(2000.0, "家", "超过")]),
        ("工作站共引入人才500余名", [(500.0, "人", "余")]),
        ("2000多亿元规模的基金", [(2000.0, "亿元", "多")]),
        ("占全省获奖项目近八成", [(80.0, "%", "近")]),
        ("居全国第三", [(3.0, "位", "")]),
        ("连续5年居全国高新区前四", [(4.0, "位", "前")]),
        ("连续7年居全市首位", [(1.0, "位", "")]),
        ("力争 3-5 年内突破", []),
        ("应用基础研究比重达到20%-30%的国际一流水平", []),
        ("仅用时10个月", []),
        ("12英寸芯片生产线", []),
        ("第十三届中国创新创业大赛", []),
        ("成为全球通用自动驾驶公司第一股", []),
        ("产品TH-F120填补空白", []),
    ],
)
def test_figures_in_official_wording(text: str, expected: list[tuple[float, str, str]]) -> None:
    assert [(f.value, f.unit, f.qualifier) for f in find_figures(text)] == expected


def test_baseline_and_start_years_do_not_date_a_figure() -> None:
    assert year_before("外籍人才数量比2019年底增长") is None
    assert year_before("自2015年起已举办") is None
    assert year_before("截至2022年底，从业人员共计") == (2022, "2022年底")
    assert year_before("“十三五”末，") == (2020, "十三五”末")
    assert year_before("截至目前，全市现有", now=2023) == (2023, "截至目前")


def test_display_value_reads_like_the_document(facts: dict[str, list[Fact]]) -> None:
    assert display_value(_one(facts[NEWS_2023], "新型研发机构近80家", 80)) == "近80家"
    assert display_value(_one(facts[NEWS_2024], "居全国第三", 3)) == "第3位"
    assert display_value(_one(facts[NEWS_2023], "881.72", 881.72)) == "881.72亿元"
