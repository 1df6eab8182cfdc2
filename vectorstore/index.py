"""The searchable snapshot: current chunks from the store plus a BM25 index kept in step.

The BM25 index lives beside the Chroma data (in the data dir, also when Chroma is a
server) and is rebuilt whenever the set of current chunks changes, or when its files
are found corrupt.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ingest.chunking import Chunk
from vectorstore.lexical import LexicalIndex, LexicalIndexCorrupt, fingerprint_of
from vectorstore.store import ChunkStore, DocumentRecord

log = logging.getLogger(__name__)


@dataclass
class Snapshot:
    """Current documents and chunks, by id, as of the last refresh."""

    documents: dict[str, DocumentRecord] = field(default_factory=dict)
    chunks: dict[str, Chunk] = field(default_factory=dict)
    by_doc: dict[str, list[Chunk]] = field(default_factory=dict)
    lexical: LexicalIndex | None = None
    keys: tuple[str, ...] = ()


class SearchIndex:
    """Keeps a Snapshot in step with the store; cheap to check, rebuilt only on change."""

    def __init__(self, store: ChunkStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._snapshot = Snapshot()
        self.lexical_rebuilds = 0

    @property
    def lexical_dir(self) -> Path:
        return self.store.settings.data_dir / "bm25"

    def snapshot(self) -> Snapshot:
        """The current snapshot, refreshed first if documents were added, replaced or removed."""
        documents = {record.doc_id: record for record in self.store.documents()}
        keys = tuple(sorted(record.doc_key for record in documents.values()))
        with self._lock:
            if keys != self._snapshot.keys:
                self._snapshot = self._build(documents, keys)
            return self._snapshot

    def _build(self, documents: dict[str, DocumentRecord], keys: tuple[str, ...]) -> Snapshot:
        stored = self.store.current_chunks()
        chunks = {item.chunk.id: item.chunk for item in stored}
        by_doc: dict[str, list[Chunk]] = {}
        for item in stored:
            by_doc.setdefault(item.chunk.doc_id, []).append(item.chunk)
        titles = {doc_id: record.title for doc_id, record in documents.items()}
        lexical = self._lexical_for([item.chunk for item in stored], titles) if stored else None
        return Snapshot(documents, chunks, by_doc, lexical, keys)

    def _lexical_for(self, chunks: list[Chunk], titles: dict[str, str]) -> LexicalIndex:
        """Load the persisted BM25 index if it matches these chunks, else rebuild and save it."""
        wanted = fingerprint_of([chunk.id for chunk in chunks], titles)
        if self.lexical_dir.exists():
            try:
                loaded = LexicalIndex.load(self.lexical_dir)
                if loaded.fingerprint == wanted:
                    return loaded
            except LexicalIndexCorrupt as error:
                log.warning("BM25 index unusable, rebuilding / BM25 索引损坏，正在重建: %s", error)
        built = LexicalIndex.build(chunks, titles)
        self.lexical_rebuilds += 1
        try:
            built.save(self.lexical_dir)
        except OSError as error:
            log.warning("BM25 index kept in memory only / BM25 索引无法写入磁盘: %s", error)
        return built
