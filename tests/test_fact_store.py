"""facts.sqlite: facts live and die with their document; a failed replace changes nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import ingest.facts
from ingest.facts import Fact, extract_facts, extraction_fingerprint
from ingest.indicators import indicator_key
from ingest.pipeline import ProcessedDocument, process_paths
from tests.conftest import make_settings
from vectorstore.facts import FactStore, conflicts, series
from vectorstore.service import open_store

PLAN = "003_d7285df370a477b8.txt"
NEWS_2023 = "000_0e5a863861ba855e.txt"


@pytest.fixture
def store(tmp_path: Path) -> FactStore:
    return FactStore.in_dir(tmp_path)


def test_synonyms_share_a_key_and_scopes_stay_apart(
    store: FactStore, processed_corpus: dict[str, ProcessedDocument]
) -> None:
    assert indicator_key("研发经费投入占GDP比重") == indicator_key("全社会研发投入(R&D)占GDP的比重")
    assert indicator_key("全社会研究与开发投入(R&D)占地区生产总值(GDP)的比重") == (
        "研发经费投入占GDP比重"
    )
    assert indicator_key("新增高新技术企业") != indicator_key("高新技术企业数量")
    # OCR reads the dash of 「自然指数—科研城市」 as 一; numerals (十一五, 第一) stay
    assert indicator_key("自然指数一科研城市排名") == indicator_key("自然指数—科研城市排名")
    assert indicator_key("十一五期间专利数") != indicator_key("十五期间专利数")
    for doc in processed_corpus.values():
        store.sync(doc, "v1")
    by_synonym = store.query("全社会研发投入(R&D)占GDP的比重")
    assert by_synonym == store.query("研发经费投入占GDP比重")
    series = {(s.fact.scope, s.fact.period, s.fact.kind, s.fact.value) for s in by_synonym}
    assert ("广州市", "2022", "share", 3.12) in series
    assert ("黄埔区、广州开发区", "2025", "target", 6.0) in series
    assert ("黄埔区、广州开发区", "2020", "share", 5.71) in series
    assert not any(scope == "广州市" and value == 6.0 for scope, _, _, value in series)
    only_city = store.query("研发经费投入占GDP比重", scope="广州市")
    assert only_city and {s.fact.scope for s in only_city} == {"广州市"}


def test_replace_is_atomic_and_delete_removes_the_document(
    store: FactStore, processed_corpus: dict[str, ProcessedDocument]
) -> None:
    plan = processed_corpus[PLAN]
    assert store.sync(plan, "v1") is True
    assert store.sync(plan, "v1") is False  # same version: nothing rebuilt
    before = store.query(doc_ids=[PLAN])
    assert len(before) == len(extract_facts(plan)) > 100

    good = extract_facts(plan)[:3]
    broken = dataclasses.replace(good[0], value=None)  # violates NOT NULL mid-insert
    with pytest.raises(Exception, match="NOT NULL"):
        store.replace_document(PLAN, "v2", [*good, broken], plan.meta.title, plan.meta.date)
    assert store.query(doc_ids=[PLAN]) == before
    assert store.version(PLAN) == f"v1+{extraction_fingerprint()}"

    assert store.replace_document(PLAN, "v2", good, plan.meta.title, plan.meta.date) == 3
    assert [s.fact for s in store.query(doc_ids=[PLAN])] == sorted(
        good, key=lambda f: (f.scope, f.period, f.kind, f.doc_id, f.start)
    )
    assert store.delete_document(PLAN) is True
    assert store.query(doc_ids=[PLAN]) == [] and store.version(PLAN) is None
    assert store.delete_document(PLAN) is False


def test_sourced_facts_carry_title_and_date(
    store: FactStore, processed_corpus: dict[str, ProcessedDocument]
) -> None:
    store.sync(processed_corpus[NEWS_2023], "v1")
    (contracts,) = store.query("技术合同成交额")
    assert contracts.title == "广州市新型研发机构协同创新联盟揭牌成立"
    assert contracts.date == "2023-06-02"
    assert contracts.as_dict()["quote"] == "全市技术合同成交额预计达2646亿元"


DOC = "广州市科技工作报告\n\n2020 年，全市技术合同成交额达到 {value} 亿元，居全国第三。\n"


def test_facts_are_rebuilt_with_their_document_in_the_chunk_store(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "report.txt").write_text(DOC.format(value=1500), encoding="utf-8")
    chunks = open_store(make_settings(tmp_path / "data"))

    def indexed() -> ProcessedDocument:
        (doc,) = process_paths([corpus])
        assert isinstance(doc, ProcessedDocument)
        chunks.upsert_document(doc)
        return doc

    indexed()
    (first,) = chunks.facts.query("技术合同成交额")
    assert (first.fact.value, first.fact.period, first.fact.scope) == (1500.0, "2020", "广州市")
    assert len(chunks.facts.query("", doc_ids=["report.txt"])) == 2  # the figure and its rank

    (corpus / "report.txt").write_text(DOC.format(value=1600), encoding="utf-8")
    indexed()
    assert [s.fact.value for s in chunks.facts.query("技术合同成交额")] == [1600.0]

    assert chunks.delete_document("report.txt") is True
    assert chunks.facts.query("", doc_ids=["report.txt"]) == []


def test_an_index_built_before_facts_existed_gets_them_on_the_next_ingest(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "report.txt").write_text(DOC.format(value=1500), encoding="utf-8")
    (doc,) = process_paths([corpus])
    assert isinstance(doc, ProcessedDocument)
    chunks = open_store(make_settings(tmp_path / "data"))
    assert chunks.upsert_document(doc) is True
    (tmp_path / "data" / "facts.sqlite").unlink()  # as if indexed by an older version

    reopened = open_store(make_settings(tmp_path / "data"))
    assert reopened.upsert_document(doc) is False  # chunks unchanged, not re-embedded …
    assert [s.fact.value for s in reopened.facts.query("技术合同成交额")] == [
        1500.0
    ]  # … facts back


def _fact_fields() -> set[str]:
    return {f.name for f in dataclasses.fields(Fact)}


def test_stored_facts_round_trip_every_field(
    store: FactStore, processed_corpus: dict[str, ProcessedDocument]
) -> None:
    doc = processed_corpus[NEWS_2023]
    store.sync(doc, "v1")

    def order(fact: Fact) -> tuple[str, int, int, float]:
        return (fact.chunk_id, fact.start, fact.end, fact.value)

    stored = sorted((s.fact for s in store.query()), key=order)
    assert stored == sorted(extract_facts(doc), key=order)
    assert set(store.query()[0].as_dict()) == _fact_fields() | {"title", "date"}


def test_conflicts_never_cross_scopes_or_kinds(
    store: FactStore, processed_corpus: dict[str, ProcessedDocument]
) -> None:
    for doc in processed_corpus.values():
        store.sync(doc, "v1")
    everything = store.query()
    lines = series(everything)
    assert all(len({s.fact.scope for s in line}) == 1 for line in lines.values())
    intensity = {scope for key, scope in lines if key == "研发经费投入占GDP比重"}
    assert intensity == {"广州市", "黄埔区、广州开发区"}
    assert not conflicts(store.query("研发经费投入占GDP比重"))  # 3.12% vs the 6% target: rows
    found = conflicts(everything)
    for first, other in found:
        a, b = first.fact, other.fact
        assert (a.indicator, a.scope, a.period, a.kind, a.unit) == (
            b.indicator,
            b.scope,
            b.period,
            b.kind,
            b.unit,
        )
        assert a.value != b.value
    # The plan itself states two 2020 counts of national incubators (table 14, text 16).
    assert any(
        {first.fact.value, other.fact.value} == {14.0, 16.0}
        and first.fact.indicator == "国家级科技企业孵化器数量"
        for first, other in found
    )


def test_new_extraction_rules_rebuild_the_facts_of_unchanged_documents(
    store: FactStore,
    processed_corpus: dict[str, ProcessedDocument],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    news = processed_corpus[NEWS_2023]
    assert store.sync(news, "v1") is True
    assert store.sync(news, "v1") is False
    monkeypatch.setattr(ingest.facts, "EXTRACTION_RULES", "a later revision")
    extraction_fingerprint.cache_clear()
    try:
        assert store.sync(news, "v1") is True
    finally:
        monkeypatch.undo()
        extraction_fingerprint.cache_clear()
