"""Chroma-backed chunk store with a document registry and per-document atomic replacement.

Every chunk record is keyed by its chunk id plus the version (file hash) of its document,
and the registry names each document's current version. Replacing a document writes the
new version's records first, then flips the registry entry (the commit point), then deletes
the old records, so a crash at any moment leaves one complete version searchable.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import chromadb
from chromadb.config import Settings

from ingest.chunking import Chunk, retrieval_text
from ingest.pipeline import ProcessedDocument
from vectorstore.embeddings import CachedEmbeddings, embedding_identity
from vectorstore.errors import EmbeddingModelMismatch, StoreUnavailable
from vectorstore.facts import FactStore
from vectorstore.settings import StoreSettings

CHUNK_COLLECTION = "policy_qa_chunks"
REGISTRY_COLLECTION = "policy_qa_documents"
WRITE_BATCH = 128
# A wide HNSW search beam: with Chroma's default (100) the tail of the top-40 candidates
# differed between processes, so the same question could get a different answer in the
# CLI and the UI. At this corpus size the search is then exhaustive and repeatable.
DENSE_EF_SEARCH = 1000
# The registry holds metadata only; Chroma wants a vector per record, so each gets this one.
_REGISTRY_VECTOR = [1.0]


@dataclass(frozen=True)
class DocumentRecord:
    """A registered document: what citations and the document library show."""

    doc_id: str
    title: str
    publisher: str
    date: str
    period: str
    year: int
    doc_type: str
    version: str
    chunk_count: int
    table_rows: int
    chars: int

    @property
    def doc_key(self) -> str:
        return f"{self.doc_id}@{self.version}"


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the store, with its document's version key."""

    chunk: Chunk
    doc_key: str


def record_id(chunk: Chunk, version: str) -> str:
    return f"{chunk.id}-{version}"


def _version(processed: ProcessedDocument) -> str:
    """The file's bytes and its catalog metadata: editing either makes a new version."""
    meta = json.dumps(asdict(processed.meta), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{processed.document.sha256}\n{meta}".encode()).hexdigest()[:16]


def _connect(settings: StoreSettings) -> chromadb.ClientAPI:
    chroma_settings = Settings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(
            path=str(settings.data_dir / "chroma"), settings=chroma_settings
        )
    except Exception as error:  # chromadb raises many types for one cause: no store to talk to
        raise unavailable(settings, error) from error


def unavailable(settings: StoreSettings, error: BaseException) -> StoreUnavailable:
    """The bilingual message for a store that cannot be used, naming where it was looked for."""
    if settings.chroma_host:
        where = f"{settings.chroma_host}:{settings.chroma_port}"
        return StoreUnavailable(
            f"无法连接 Chroma 服务器 {where}，请确认服务已启动（{type(error).__name__}）",
            f"cannot reach the Chroma server at {where}; is it running? ({type(error).__name__}: {error})",
        )
    return StoreUnavailable(
        f"无法使用索引目录 {settings.data_dir}（{type(error).__name__}）",
        f"cannot use the index directory {settings.data_dir} ({type(error).__name__}: {error})",
    )


class ChunkStore:
    """Chunks (dense vectors + text + metadata) and the document registry, in Chroma."""

    def __init__(self, settings: StoreSettings, embeddings: CachedEmbeddings) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self._lock = threading.Lock()
        self._client = _connect(settings)
        self.facts = FactStore.in_dir(settings.data_dir)  # facts are rebuilt with their document
        self.model_name, self.dimension = embedding_identity(embeddings)
        self._chunks = self._guard(self._open_chunk_collection)
        self._registry = self._guard(
            lambda: self._client.get_or_create_collection(
                REGISTRY_COLLECTION, embedding_function=None
            )
        )

    def _guard(self, operation: Callable[[], Any]) -> Any:
        """Run a Chroma call, turning connection failures into a clear StoreUnavailable."""
        try:
            return operation()
        except (EmbeddingModelMismatch, StoreUnavailable):
            raise
        except Exception as error:
            if _is_connection_error(error) or isinstance(error, OSError):
                raise unavailable(self.settings, error) from error
            raise

    def _open_chunk_collection(self) -> Any:
        collection = self._client.get_or_create_collection(
            CHUNK_COLLECTION,
            embedding_function=None,
            metadata={"embedding_model": self.model_name, "dimension": self.dimension or 0},
            configuration={"hnsw": {"space": "cosine", "ef_search": DENSE_EF_SEARCH}},
        )
        if (collection.configuration.get("hnsw") or {}).get("ef_search", 0) < DENSE_EF_SEARCH:
            collection.modify(configuration={"hnsw": {"ef_search": DENSE_EF_SEARCH}})
        stored_model = (collection.metadata or {}).get("embedding_model")
        if stored_model and stored_model != self.model_name:
            raise EmbeddingModelMismatch(
                f"索引是用嵌入模型 {stored_model} 建立的，当前配置的是 {self.model_name}；"
                "请改回原模型，或删除索引目录后重新导入",
                f"the index was built with embedding model {stored_model} but {self.model_name} "
                "is configured; switch back, or delete the index and ingest again",
            )
        return collection

    # -- registry -------------------------------------------------------------------------

    def documents(self) -> list[DocumentRecord]:
        """Registered documents, sorted by doc id."""
        got = self._guard(lambda: self._registry.get(include=["metadatas"]))
        records = [DocumentRecord(**_record_fields(meta)) for meta in got["metadatas"] or []]
        return sorted(records, key=lambda record: record.doc_id)

    def document(self, doc_id: str) -> DocumentRecord | None:
        got = self._guard(lambda: self._registry.get(ids=[doc_id], include=["metadatas"]))
        metas = got["metadatas"] or []
        return DocumentRecord(**_record_fields(metas[0])) if metas else None

    def document_text(self, doc_id: str) -> str:
        """The cleaned text of a document (what chunk offsets index into)."""
        got = self._guard(lambda: self._registry.get(ids=[doc_id], include=["documents"]))
        documents = got["documents"] or []
        return documents[0] if documents else ""

    def is_current(self, processed: ProcessedDocument) -> bool:
        record = self.document(processed.doc_id)
        return record is not None and record.version == _version(processed)

    # -- writes ---------------------------------------------------------------------------

    def upsert_document(
        self, processed: ProcessedDocument, progress: Callable[[int], None] | None = None
    ) -> bool:
        """Index a document unless this exact version is already current; True if written."""
        if self.is_current(processed):
            self.facts.sync(processed, _version(processed))
            return False
        with self._lock:
            version = _version(processed)
            vectors = self.embeddings.embed_documents(
                [retrieval_text(c) for c in processed.chunks], progress
            )
            self._write_chunks(processed, version, vectors)
            self._commit(processed, version)
            self.facts.sync(processed, version)
            self._delete_other_versions(processed.doc_id, f"{processed.doc_id}@{version}")
        return True

    def _write_chunks(
        self, processed: ProcessedDocument, version: str, vectors: Sequence[Sequence[float]]
    ) -> None:
        doc_key = f"{processed.doc_id}@{version}"
        chunks = processed.chunks
        for begin in range(0, len(chunks), WRITE_BATCH):
            batch = chunks[begin : begin + WRITE_BATCH]
            self._guard(
                lambda batch=batch, begin=begin: self._chunks.upsert(
                    ids=[record_id(c, version) for c in batch],
                    embeddings=[list(v) for v in vectors[begin : begin + len(batch)]],
                    documents=[c.text for c in batch],
                    metadatas=[_chunk_metadata(c, doc_key) for c in batch],
                )
            )

    def _commit(self, processed: ProcessedDocument, version: str) -> None:
        meta = processed.meta
        record = DocumentRecord(
            doc_id=processed.doc_id,
            title=meta.title,
            publisher=meta.publisher,
            date=meta.date,
            period=meta.period,
            year=meta.year or 0,
            doc_type=meta.doc_type,
            version=version,
            chunk_count=len(processed.chunks),
            table_rows=processed.table_rows,
            chars=len(processed.cleaned),
        )
        self._guard(
            lambda: self._registry.upsert(
                ids=[processed.doc_id],
                embeddings=[_REGISTRY_VECTOR],
                documents=[processed.cleaned],
                metadatas=[asdict(record)],
            )
        )

    def _delete_other_versions(self, doc_id: str, keep_key: str) -> None:
        where = {"$and": [{"doc_id": doc_id}, {"doc_key": {"$ne": keep_key}}]}
        self._guard(lambda: self._chunks.delete(where=where))

    def delete_document(self, doc_id: str) -> bool:
        """Remove a document and all its chunks; False if it was not registered."""
        with self._lock:
            if self.document(doc_id) is None:
                return False
            self._guard(lambda: self._registry.delete(ids=[doc_id]))
            self._guard(lambda: self._chunks.delete(where={"doc_id": doc_id}))
            self.facts.delete_document(doc_id)
        return True

    # -- reads ----------------------------------------------------------------------------

    def current_chunks(self) -> list[StoredChunk]:
        """Every chunk of every document's current version, in document order."""
        keys = [record.doc_key for record in self.documents()]
        if not keys:
            return []
        got = self._guard(
            lambda: self._chunks.get(
                where={"doc_key": {"$in": keys}}, include=["documents", "metadatas"]
            )
        )
        stored = [
            StoredChunk(_chunk_from(text, meta), meta["doc_key"])
            for text, meta in zip(got["documents"], got["metadatas"], strict=True)
        ]
        return sorted(stored, key=lambda s: (s.chunk.doc_id, s.chunk.ordinal))

    def dense_search(
        self, vector: Sequence[float], n: int, doc_keys: Sequence[str]
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the nearest current chunks, best first."""
        if not doc_keys or n <= 0:
            return []
        got = self._guard(
            lambda: self._chunks.query(
                query_embeddings=[list(vector)],
                n_results=n,
                where={"doc_key": {"$in": list(doc_keys)}},
                include=["metadatas", "distances"],
            )
        )
        metas, distances = got["metadatas"][0], got["distances"][0]
        return [
            (meta["chunk_id"], 1.0 - distance)
            for meta, distance in zip(metas, distances, strict=True)
        ]

    def heartbeat(self) -> None:
        """Raise StoreUnavailable if the store cannot be reached right now."""
        self._guard(self._client.heartbeat)


def _chunk_metadata(chunk: Chunk, doc_key: str) -> dict[str, Any]:
    return {
        "chunk_id": chunk.id,
        "doc_id": chunk.doc_id,
        "doc_key": doc_key,
        "section": chunk.section,
        "start": chunk.start,
        "end": chunk.end,
        "tokens": chunk.tokens,
        "kind": chunk.kind,
        "ordinal": chunk.ordinal,
    }


def _chunk_from(text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        id=meta["chunk_id"],
        doc_id=meta["doc_id"],
        text=text,
        section=meta["section"],
        start=int(meta["start"]),
        end=int(meta["end"]),
        tokens=int(meta["tokens"]),
        kind=meta["kind"],
        ordinal=int(meta["ordinal"]),
    )


def _record_fields(meta: dict[str, Any]) -> dict[str, Any]:
    names = DocumentRecord.__dataclass_fields__
    return {
        name: meta.get(
            name, "" if name not in {"year", "chunk_count", "table_rows", "chars"} else 0
        )
        for name in names
    }


def _is_connection_error(error: BaseException) -> bool:
    text = f"{type(error).__name__} {error}".lower()
    return any(
        word in text for word in ("connect", "connection", "timeout", "refused", "unreachable")
    )
