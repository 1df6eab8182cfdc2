"""A restarted process loads the snapshot's documents from the data dir, not from Chroma, and
reads from Chroma exactly the documents whose version changed since (by another process or
through a shared Chroma server)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests import test_chroma_server, test_store
from tests.chroma_server import ChromaServer, chroma_cli
from tests.conftest import make_settings
from tests.test_store import DOC_A_CHANGED, ingest, write_doc
from vectorstore import saved_versions
from vectorstore.index import SearchIndex, Snapshot
from vectorstore.registry import Registration
from vectorstore.service import open_embeddings
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore, LoadedVersion

REPO = Path(__file__).resolve().parents[1]
# The same fixtures as there: two small documents; a `chroma run` server of the test's own.
corpus = test_store.corpus
chroma_server = test_chroma_server.chroma_server


class CountingStore(ChunkStore):
    """The real store, noting which documents a snapshot had to read back from Chroma."""

    def __init__(self, settings: StoreSettings) -> None:
        self.read_from_chroma: list[str] = []
        super().__init__(settings, open_embeddings(settings))

    def load_version(self, registration: Registration) -> LoadedVersion | None:
        self.read_from_chroma.append(registration.doc_id)
        return super().load_version(registration)


def assert_same(loaded: Snapshot, built: Snapshot) -> None:
    assert loaded.chunks == built.chunks
    assert loaded.row_ids == built.row_ids
    assert np.array_equal(loaded.vectors, built.vectors)
    assert loaded.documents == built.documents
    assert all(loaded.text_of(d) == built.text_of(d) for d in built.documents)


def test_restart_loads_saved_versions_instead_of_reading_chroma(
    corpus: Path, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "data")
    writer = CountingStore(settings)
    ingest(writer, corpus)
    built = SearchIndex(writer).snapshot()
    assert sorted(writer.read_from_chroma) == ["a.txt", "b.txt"]

    restarted = CountingStore(settings)
    index = SearchIndex(restarted)
    loaded = index.snapshot()
    assert restarted.read_from_chroma == []
    assert index.lexical_rebuilds == 0 and index.versions_saves == 0
    assert_same(loaded, built)


def test_damaged_saved_versions_are_ignored_and_rewritten(corpus: Path, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    writer = CountingStore(settings)
    ingest(writer, corpus)
    built = SearchIndex(writer).snapshot()
    vectors = settings.data_dir / "snapshot" / "vectors.npy"
    vectors.write_bytes(vectors.read_bytes()[:-8] + b"\x00" * 8)

    restarted = CountingStore(settings)
    index = SearchIndex(restarted)
    assert_same(index.snapshot(), built)
    assert sorted(restarted.read_from_chroma) == ["a.txt", "b.txt"]
    assert index.versions_saves == 1
    saved_versions.load(settings.data_dir / "snapshot")  # sound again


def test_another_process_change_is_the_only_document_read_again(
    corpus: Path, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "data")
    ingest(CountingStore(settings), corpus)
    SearchIndex(CountingStore(settings)).snapshot()
    saved = saved_versions.saved_state(settings.data_dir / "snapshot")

    write_doc(corpus, "a.txt", DOC_A_CHANGED)
    other_process = (
        "import sys; from pathlib import Path; from tests.conftest import make_settings; "
        "from tests.test_store import ingest; from vectorstore.service import open_store; "
        "ingest(open_store(make_settings(Path(sys.argv[1]))), Path(sys.argv[2]))"
    )
    subprocess.run(
        [sys.executable, "-c", other_process, str(settings.data_dir), str(corpus)],
        cwd=REPO,
        check=True,
        timeout=300,
    )

    restarted = CountingStore(settings)
    assert restarted.registry_state() != saved  # the saved versions are stale now
    snapshot = SearchIndex(restarted).snapshot()
    assert restarted.read_from_chroma == ["a.txt"]
    assert "南沙区" in snapshot.text_of("a.txt") and "十亿元" in snapshot.text_of("b.txt")
    assert saved_versions.saved_state(settings.data_dir / "snapshot") == snapshot.state


@pytest.mark.server
@pytest.mark.skipif(chroma_cli() is None, reason="the chroma CLI is not installed")
def test_replica_of_a_chroma_server_refreshes_only_what_another_writer_changed(
    corpus: Path, tmp_path: Path, chroma_server: ChromaServer
) -> None:
    writer = CountingStore(make_settings(tmp_path / "writer", **chroma_server.env))
    ingest(writer, corpus)
    replica_settings = make_settings(tmp_path / "replica", **chroma_server.env)
    live = SearchIndex(CountingStore(replica_settings), background=False)
    live.snapshot()

    write_doc(corpus, "a.txt", DOC_A_CHANGED)
    ingest(writer, corpus)

    restarted = CountingStore(replica_settings)
    snapshot = SearchIndex(restarted).snapshot()
    assert restarted.read_from_chroma == ["a.txt"]
    assert "南沙区" in snapshot.text_of("a.txt")
    live.store.read_from_chroma.clear()  # type: ignore[attr-defined]
    assert "南沙区" in live.snapshot().text_of("a.txt")
    assert live.store.read_from_chroma == ["a.txt"]  # type: ignore[attr-defined]
