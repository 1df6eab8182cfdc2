"""The one place the served objects are wired (store, searcher, assistant, indexer).

The UI and the API get the same instances, so there is one index snapshot, one embedding
model and one assistant per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.answer import Assistant
from assistant.config import AssistantSettings
from ui.uploads import UploadResult, ingest_upload
from vectorstore.index import SearchIndex
from vectorstore.search import HybridSearcher
from vectorstore.service import open_store
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore


@dataclass(frozen=True)
class UploadIndexer:
    """Uploads and deletes through the same checks and indexing path as the UI upload."""

    store: ChunkStore
    data_dir: Path

    def ingest_upload(self, source: Path, original_name: str, max_bytes: int) -> UploadResult:
        return ingest_upload(source, original_name, self.store, self.data_dir, max_bytes)

    def delete(self, doc_id: str) -> bool:
        return self.store.delete_document(doc_id)


@dataclass(frozen=True)
class ServingApp:
    settings: StoreSettings
    store: ChunkStore
    searcher: HybridSearcher
    assistant: Assistant
    indexer: UploadIndexer


def open_serving_app(
    settings: StoreSettings | None = None, answers: AssistantSettings | None = None
) -> ServingApp:
    """Everything `serve` needs, from the environment unless given (tests pin the mode)."""
    settings = settings or StoreSettings.from_env()
    store = open_store(settings)
    searcher = HybridSearcher(SearchIndex(store), store.embeddings)
    assistant = Assistant(searcher, answers or AssistantSettings.from_env())
    return ServingApp(settings, store, searcher, assistant, UploadIndexer(store, settings.data_dir))
