"""The scale-out path: ChunkStore over HttpClient to a real `chroma run` server.

Each test starts its own server (about 3 s) on a free port and a temporary path, so the
collections start empty and a test may stop and restart its server.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings

from tests.chroma_server import ChromaServer, chroma_cli
from tests.conftest import make_settings
from tests.helpers import free_port
from tests.test_store import DOC_A, DOC_A_CHANGED, DOC_B, ingest, process, write_doc
from vectorstore.errors import StoreUnavailable
from vectorstore.index import SearchIndex
from vectorstore.search import HybridSearcher
from vectorstore.service import open_store
from vectorstore.settings import StoreSettings
from vectorstore.store import CHUNK_COLLECTION, ChunkStore

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(chroma_cli() is None, reason="the chroma CLI is not installed"),
]


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    with ChromaServer(tmp_path / "chroma-server") as server:
        yield server


@pytest.fixture
def server_settings(tmp_path: Path, chroma_server: ChromaServer) -> StoreSettings:
    # The data dir still holds the embedding cache and the BM25 index.
    return make_settings(tmp_path / "data", **chroma_server.env)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    write_doc(root, "a.txt", DOC_A)
    write_doc(root, "b.txt", DOC_B)
    return root


def raw_records(server: ChromaServer) -> list[dict]:
    client = chromadb.HttpClient(
        host=server.host, port=server.port, settings=Settings(anonymized_telemetry=False)
    )
    return list(
        client.get_collection(CHUNK_COLLECTION).get(include=["metadatas"])["metadatas"] or []
    )


def search(store: ChunkStore, query: str, k: int = 3) -> list[str]:
    return [p.text for p in HybridSearcher(SearchIndex(store), store.embeddings).search(query, k)]


def assert_names_server(error: StoreUnavailable, server: ChromaServer, operation: str) -> None:
    where = f"{server.host}:{server.port}"
    assert where in error.message_zh and where in error.message_en, operation
    assert re.search(r"[\u4e00-\u9fff]", error.message_zh), operation
    assert "Chroma" in error.message_en, operation


def test_server_store_adds_replaces_and_deletes(
    corpus: Path, server_settings: StoreSettings, chroma_server: ChromaServer
) -> None:
    store = open_store(server_settings)
    assert not (server_settings.data_dir / "chroma").exists()  # really not embedded
    processed = process(corpus)
    assert ingest(store, corpus) == {"a.txt": True, "b.txt": True}
    assert {r.doc_id: r.chunk_count for r in store.documents()} == {
        k: len(v.chunks) for k, v in processed.items()
    }
    assert len(raw_records(chroma_server)) == sum(len(v.chunks) for v in processed.values())
    assert any("十亿元" in t for t in search(store, "风险补偿资金池规模"))
    assert any("两万人" in t for t in search(store, "新型研发机构从业人员有多少"))

    # Unchanged: nothing written, nothing embedded.
    again = open_store(server_settings)
    assert ingest(again, corpus) == {"a.txt": False, "b.txt": False}
    assert again.embeddings.misses == 0

    # Replace: exactly the new version's records remain.
    write_doc(corpus, "a.txt", DOC_A_CHANGED)
    new = process(corpus)["a.txt"]
    assert store.upsert_document(new) is True
    key = store.document("a.txt").doc_key  # type: ignore[union-attr]
    records_a = [m for m in raw_records(chroma_server) if m["doc_id"] == "a.txt"]
    assert len(records_a) == len(new.chunks) and {m["doc_key"] for m in records_a} == {key}
    assert any("海洋科技创新平台" in t for t in search(store, "南沙海洋科技平台"))
    assert not any("两万人" in t for t in search(store, "新型研发机构从业人员 两万人", k=10))

    # Delete.
    assert store.delete_document("a.txt") is True
    assert store.document("a.txt") is None
    assert not [m for m in raw_records(chroma_server) if m["doc_id"] == "a.txt"]
    assert [r.doc_id for r in store.documents()] == ["b.txt"]


def test_server_stopped_then_restarted(
    corpus: Path, server_settings: StoreSettings, chroma_server: ChromaServer
) -> None:
    store = open_store(server_settings)
    ingest(store, corpus)
    searcher = HybridSearcher(SearchIndex(store), store.embeddings)
    assert searcher.search("风险补偿资金池", 3)

    chroma_server.stop()
    doc_b = process(corpus)["b.txt"]
    operations = {
        "heartbeat": store.heartbeat,
        "documents": store.documents,
        "search": lambda: searcher.search("风险补偿资金池", 3),
        "delete": lambda: store.delete_document("b.txt"),
        "upsert": lambda: store.upsert_document(doc_b),
    }
    for name, operation in operations.items():
        with pytest.raises(StoreUnavailable) as caught:
            operation()
        assert_names_server(caught.value, chroma_server, name)

    # Same port, same path: the very same objects work again.
    chroma_server.start()
    store.heartbeat()
    assert [r.doc_id for r in store.documents()] == ["a.txt", "b.txt"]
    assert any("十亿元" in p.text for p in searcher.search("风险补偿资金池", 3))
    write_doc(corpus, "a.txt", DOC_A_CHANGED)
    new = process(corpus)["a.txt"]
    assert store.upsert_document(new) is True
    records_a = [m for m in raw_records(chroma_server) if m["doc_id"] == "a.txt"]
    assert len(records_a) == len(new.chunks)


def test_no_server_at_open_is_store_unavailable(tmp_path: Path) -> None:
    port = free_port()  # nothing listens here
    settings = make_settings(tmp_path / "data", CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(port))
    with pytest.raises(StoreUnavailable) as caught:
        open_store(settings)
    where = f"127.0.0.1:{port}"
    assert where in caught.value.message_zh and where in caught.value.message_en
