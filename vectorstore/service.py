"""Wiring: settings -> embeddings (cached) -> Chroma store -> search index -> hybrid searcher."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from ingest.pipeline import FailedFile, IngestOutcome, ProcessedDocument
from vectorstore.embeddings import CachedEmbeddings, EmbeddingCache, make_embeddings
from vectorstore.errors import (
    EmbeddingModelMismatch,
    EmptyIndex,
    StoreCorrupt,
    StoreError,
    StoreUnavailable,
)
from vectorstore.index import SearchIndex
from vectorstore.readonly import for_reading, private_copy
from vectorstore.search import FusionConfig, HybridSearcher
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore, unavailable

IndexStatus = Literal["indexed", "unchanged", "error"]
# Errors of the store itself rather than of one document: they end the run (exit code 2).
_STORE_UNUSABLE = (StoreUnavailable, StoreCorrupt, EmbeddingModelMismatch)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexResult:
    """What happened to one file during `policy-qa ingest`."""

    outcome: IngestOutcome
    status: IndexStatus
    error: str = ""


def open_embeddings(settings: StoreSettings) -> CachedEmbeddings:
    """The configured model behind the on-disk cache; an unusable data dir is a StoreUnavailable."""
    cache_path = settings.data_dir / "embedding_cache.sqlite"
    try:
        if settings.read_only:
            cache_path = private_copy(cache_path)
        else:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        cache = EmbeddingCache(cache_path)
    except OSError as error:
        raise unavailable(settings, error) from error
    return CachedEmbeddings(make_embeddings(settings), cache)


def open_store(settings: StoreSettings, embeddings: CachedEmbeddings | None = None) -> ChunkStore:
    """The store; a data dir we may not write is opened read-only (writes then fail clearly)."""
    settings = for_reading(settings)
    return ChunkStore(settings, embeddings or open_embeddings(settings))


def open_searcher(
    settings: StoreSettings, fusion: FusionConfig | None = None, require_documents: bool = False
) -> HybridSearcher:
    """A searcher over the store; with `require_documents`, an empty index is a clear error."""
    store = open_store(settings)
    if require_documents and not store.documents():
        raise EmptyIndex(
            f"索引为空（{settings.data_dir}），请先运行 policy-qa ingest 导入文档",
            f"the index at {settings.data_dir} is empty; run `policy-qa ingest` first",
        )
    return HybridSearcher(SearchIndex(store), store.embeddings, fusion)


def index_outcomes(
    store: ChunkStore,
    outcomes: Iterable[IngestOutcome],
    progress_for: Callable[[ProcessedDocument], Callable[[int], None] | None] | None = None,
) -> Iterator[IndexResult]:
    """Index each processed document; a failing document is reported and the rest go on."""
    for outcome in outcomes:
        if isinstance(outcome, FailedFile):
            yield IndexResult(outcome, "error", str(outcome.error))
            continue
        progress = progress_for(outcome) if progress_for else None
        try:
            written = store.upsert_document(outcome, progress)
        except _STORE_UNUSABLE:
            raise  # no later file could be indexed either: the caller reports it once
        except Exception as error:  # one document's failure must not stop the others
            _discard_unregistered(store, outcome.doc_id)
            yield IndexResult(outcome, "error", _index_error(outcome.doc_id, error))
            continue
        yield IndexResult(outcome, "indexed" if written else "unchanged")


def _discard_unregistered(store: ChunkStore, doc_id: str) -> None:
    """Delete the records a failed write of `doc_id` left: versions no registration names.

    Under the writer lock no other writer on this data dir is between writing and registering;
    records are listed before registrations, so a version registered meanwhile is kept. If this
    fails too, `policy-qa check --repair` removes the leftovers later.
    """
    try:
        with store.writing():
            keys = store.record_keys()
            registered = {
                entry.doc_key for entries in store.registrations().values() for entry in entries
            }
            store.delete_records(
                [key for key in keys if key.rpartition("@")[0] == doc_id and key not in registered]
            )
    except Exception as error:  # the original failure is what the user must see
        log.warning("could not remove partial records of %s: %s", doc_id, error)


def _index_error(doc_id: str, error: Exception) -> str:
    if isinstance(error, StoreError):
        return f"{doc_id}: {error}"
    detail = f"{type(error).__name__}: {error}"[:300]
    return f"{doc_id}: 写入索引失败（{detail}）/ indexing failed ({detail})"
