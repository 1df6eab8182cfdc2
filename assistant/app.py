"""The composition root: the one place that builds the product's objects and wires them.

`open_app(settings)` returns an `App` whose parts are built on first use, so a command pays
only for what it touches (`policy-qa docs` never loads BM25 or the assistant). The CLI, the
web UI, the HTTP API, the eval suite and the tools all start here; nothing else combines a
store with a searcher, an assistant or the indexer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from assistant.settings import Settings

if TYPE_CHECKING:  # the parts are imported when first built: `policy-qa config` stays instant
    from assistant.answer import Assistant
    from assistant.measures import MeasureFinder
    from assistant.query_log import QueryLog
    from vectorstore.indexer import Indexer
    from vectorstore.search import FusionConfig, HybridSearcher
    from vectorstore.store import ChunkStore


class App:
    """Settings, store, searcher, assistant, indexer and query log of one process, each built
    once."""

    def __init__(
        self,
        settings: Settings,
        require_documents: bool = False,
        fusion: FusionConfig | None = None,
    ) -> None:
        self.settings = settings
        self._require_documents = require_documents
        self._fusion = fusion
        # Gradio and the HTTP API call in from several threads: each part is built only once.
        self._lock = threading.RLock()
        self._parts: dict[str, Any] = {}

    @property
    def store(self) -> ChunkStore:
        return cast("ChunkStore", self._part("store", self._open_store))

    @property
    def searcher(self) -> HybridSearcher:
        return cast("HybridSearcher", self._part("searcher", self._open_searcher))

    @property
    def assistant(self) -> Assistant:
        return cast("Assistant", self._part("assistant", self._open_assistant))

    @property
    def indexer(self) -> Indexer:
        return cast("Indexer", self._part("indexer", self._open_indexer))

    @property
    def query_log(self) -> QueryLog:
        """Where every answered question is logged (the assistant's callers share it)."""
        return cast("QueryLog", self._part("query_log", self._open_query_log))

    @property
    def measures(self) -> MeasureFinder:
        return cast("MeasureFinder", self._part("measures", self._open_measures))

    def _part(self, name: str, build: Callable[[], object]) -> object:
        with self._lock:
            if name not in self._parts:
                self._parts[name] = build()
            return self._parts[name]

    def _open_store(self) -> ChunkStore:
        from vectorstore.errors import EmptyIndex
        from vectorstore.service import open_store

        store = open_store(self.settings.store)
        if self._require_documents and not store.documents():
            data_dir = self.settings.store.data_dir
            raise EmptyIndex(
                f"索引为空（{data_dir}），请先运行 policy-qa ingest 导入文档",
                f"the index at {data_dir} is empty; run `policy-qa ingest` first",
            )
        return store

    def _open_searcher(self) -> HybridSearcher:
        from vectorstore.index import SearchIndex
        from vectorstore.search import HybridSearcher

        store = self.store
        return HybridSearcher(SearchIndex(store), store.embeddings, self._fusion)

    def _open_assistant(self) -> Assistant:
        from assistant.answer import Assistant

        assistant = Assistant(self.searcher, self.settings.llm)
        assistant.on_answer = self.query_log.record  # UI, API and CLI answers: logged once, here
        return assistant

    def _open_query_log(self) -> QueryLog:
        from assistant.query_log import DisabledQueryLog, QueryLog

        wanted, store = self.settings.query_log, self.settings.store
        # Read-only mode writes nothing in the data dir, the log included.
        kind = QueryLog if wanted.enabled and not store.read_only else DisabledQueryLog
        return kind.in_dir(store.data_dir, wanted.retention_days)

    def _open_measures(self) -> MeasureFinder:
        """The catalogue with the store's cached embeddings (no Chroma needed to rank)."""
        from assistant.measures import MeasureFinder
        from vectorstore.measures import MeasureStore
        from vectorstore.service import open_embeddings

        with self._lock:
            store = self._parts.get("store")
        embeddings = store.embeddings if store is not None else open_embeddings(self.settings.store)
        return MeasureFinder(MeasureStore.in_dir(self.settings.store.data_dir), embeddings)

    def _open_indexer(self) -> Indexer:
        from vectorstore.indexer import Indexer

        return Indexer(self.store, self.settings.web.upload_max_bytes)


def open_app(
    settings: Settings, require_documents: bool = False, fusion: FusionConfig | None = None
) -> App:
    """The product over `settings`; with `require_documents`, an empty index is a clear error."""
    return App(settings, require_documents, fusion)
