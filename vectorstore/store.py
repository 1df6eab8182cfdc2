"""Chroma-backed chunk store with a document registry and per-document atomic replacement.

Every chunk record is keyed by its chunk id plus the version (file hash + catalog metadata)
of its document. Replacing a document writes the new version's records first, then appends
a registration (the commit point), then deletes superseded versions, so a crash or a kill at
any moment leaves one complete version searchable. Concurrent writers are safe: on one
machine they take turns on the data dir's writer lock (vectorstore/writelock.py); across
machines sharing a Chroma server the append-only registry protocol (vectorstore/registry.py)
keeps the newest complete version of every document.

Chroma's embedded client caches index state per process and fails ("Error finding id") when
another process has changed the collection since; reads that fail that way reopen the client
and retry, and writers reopen it once they hold the lock.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import chromadb
import numpy as np
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings

from ingest.chunking import Chunk, retrieval_text
from ingest.policy import effective_status
from vectorstore import registry
from vectorstore.embeddings import CachedEmbeddings, embedding_identity
from vectorstore.errors import (
    EmbeddingModelMismatch,
    StoreCorrupt,
    StoreError,
    StoreUnavailable,
    WriteNotSettled,
)
from vectorstore.facts import FactStore
from vectorstore.faultpoints import reached
from vectorstore.readonly import private_copy
from vectorstore.registry import Registration
from vectorstore.scope import PUBLIC
from vectorstore.settings import StoreSettings
from vectorstore.writelock import writer_lock

if TYPE_CHECKING:  # annotations only: the ingest pipeline (pypdf, loaders) costs ~0.4 s to import
    from ingest.pipeline import ProcessedDocument

CHUNK_COLLECTION = "policy_qa_chunks"
REGISTRY_COLLECTION = "policy_qa_documents"
# Registry writes after which Chroma saves its vector index (see _open_registry_collection).
REGISTRY_SYNC_THRESHOLD = 2
WRITE_BATCH = 128
# The registry holds metadata only; Chroma wants a vector per record, so each gets this one.
_REGISTRY_VECTOR = [1.0]
# A writer whose version concurrent writers keep deleting re-writes it this often, then gives up.
WRITE_ATTEMPTS = 3


@dataclass(frozen=True)
class DocumentRecord:
    """A registered document: what citations and the document library show."""

    doc_id: str
    title: str
    publisher: str
    date: str
    period: str
    year: int | None  # None: the document states no year (stored as 0 in Chroma metadata)
    doc_type: str
    version: str
    chunk_count: int
    table_rows: int
    chars: int
    disabled: bool = False  # kept in the library, never searched, cited or counted
    # Policy metadata (ingest/policy.py): guessed at ingest, admin edits listed in `edited`
    # (comma-separated field names) survive re-ingest. Older registrations read as "".
    doc_number: str = ""
    issuer: str = ""
    effective_from: str = ""
    effective_to: str = ""
    status: str = ""
    superseded_by: str = ""
    source_url: str = ""
    edited: str = ""
    collection: str = PUBLIC  # who may see it (vectorstore.scope)
    original: str = ""  # the kept source file's name in the data dir (vectorstore.originals)

    @property
    def doc_key(self) -> str:
        return f"{self.doc_id}@{self.version}"

    @property
    def validity(self) -> str:
        """The status readers see today (现行有效/已失效/被替代/征求意见稿)."""
        return effective_status(
            self.status, self.effective_to, self.superseded_by, edited_fields(self.edited)
        )


@dataclass(frozen=True)
class LoadedVersion:
    """One complete version of a document as a reader needs it: records, vectors, text."""

    registration: Registration
    record: DocumentRecord
    chunks: list[Chunk]
    vectors: np.ndarray  # float32, one row per chunk, in chunk order
    text: str


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the store, with its document's version key."""

    chunk: Chunk
    doc_key: str


def record_id(chunk: Chunk, version: str) -> str:
    return f"{chunk.id}-{version}"


def _version(processed: ProcessedDocument) -> str:
    """The file's bytes, its catalog metadata and the chunks ingest made of it.

    Editing the file or its catalog entry makes a new version, and so does an ingest change
    that cuts the same file differently (new chunk ids, sections or pages): an index built by
    older code is then re-registered from cached vectors instead of staying stale forever.
    """
    meta = json.dumps(asdict(processed.meta), sort_keys=True, ensure_ascii=False)
    chunks = "\n".join(
        f"{c.id}|{c.section}|{c.kind}|{c.page}|{c.paragraph}" for c in processed.chunks
    )
    digest = f"{processed.document.sha256}\n{meta}\n{chunks}"
    return hashlib.sha256(digest.encode()).hexdigest()[:16]


def _connect(settings: StoreSettings) -> chromadb.ClientAPI:
    chroma_settings = Settings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        path = settings.data_dir / "chroma"
        if settings.read_only:
            path = private_copy(path)
        else:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except StoreError:
        raise
    except Exception as error:  # chromadb raises many types for one cause: no store to talk to
        if is_corruption(error):
            raise corrupt(settings, error) from error
        raise unavailable(settings, error) from error


def is_corruption(error: BaseException) -> bool:
    """SQLite's words for a damaged or truncated database file."""
    text = str(error).lower()
    return any(
        phrase in text
        for phrase in ("malformed", "not a database", "file is encrypted", "database corrupt")
    )


def corrupt(settings: StoreSettings, error: BaseException) -> StoreCorrupt:
    where = settings.data_dir / "chroma"
    return StoreCorrupt(
        f"索引数据库损坏（{where / 'chroma.sqlite3'}）：请运行 policy-qa check --repair，"
        f"或删除 {where} 后重新运行 policy-qa ingest",
        f"the index database is damaged ({type(error).__name__}: {error}); run "
        f"`policy-qa check --repair`, or delete {where} and run `policy-qa ingest` again",
    )


def unavailable(settings: StoreSettings, error: BaseException) -> StoreUnavailable:
    """The bilingual message for a store that cannot be used, naming where it was looked for."""
    if settings.chroma_host:
        where = f"{settings.chroma_host}:{settings.chroma_port}"
        return StoreUnavailable(
            f"无法连接 Chroma 服务器 {where}，请确认服务已启动（{type(error).__name__}）",
            f"cannot reach the Chroma server at {where}; is it running? "
            f"({type(error).__name__}: {error})",
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
        self._lock = threading.RLock()
        self.model_name, self.dimension = embedding_identity(embeddings)
        # The registry state right after this object's last write: a SearchIndex over this
        # store refreshes at once for its own process's writes instead of in the background.
        self.last_written_state: tuple[str, ...] | None = None
        self._facts: FactStore | None = None
        self._open()
        self._seen_state = self.registry_state()

    @property
    def facts(self) -> FactStore:
        """The fact table, rebuilt with each document; opened on first use so that reads of a
        read-only data dir never need to create it."""
        if self._facts is None:
            self._facts = FactStore.in_dir(self.settings.data_dir)
        return self._facts

    def _open(self) -> None:
        self._client = _connect(self.settings)
        self._chunks = self._guard(self._open_chunk_collection)
        self._registry = self._guard(self._open_registry_collection)

    def reopen(self) -> None:
        """Drop this process's cached view of an embedded store and open it again.

        Chroma shares one client state per path in a process; removing it makes the next
        client load what other processes have written since.
        """
        with self._lock:
            if not self.settings.chroma_host:
                identifier = SharedSystemClient._get_identifier_from_settings(
                    self._client.get_settings()
                )
                SharedSystemClient._identifier_to_system.pop(identifier, None)
                SharedSystemClient._identifier_to_refcount.pop(identifier, None)
            self._open()

    def _guard(self, operation: Callable[[], Any]) -> Any:
        """Run a Chroma call, turning connection failures into a clear StoreUnavailable."""
        try:
            return operation()
        except StoreError:
            raise
        except Exception as error:
            if is_corruption(error):
                raise corrupt(self.settings, error) from error
            if _is_connection_error(error) or isinstance(error, OSError):
                raise unavailable(self.settings, error) from error
            raise

    def _read(self, operation: Callable[[], Any]) -> Any:
        """A read that survives another process's write: on a Chroma error, reopen and retry."""
        try:
            return self._guard(operation)
        except StoreError:
            raise
        except Exception:
            self.reopen()
            return self._guard(operation)

    def _open_chunk_collection(self) -> Any:
        collection = self._client.get_or_create_collection(
            CHUNK_COLLECTION,
            embedding_function=None,
            metadata={"embedding_model": self.model_name, "dimension": self.dimension or 0},
            configuration={"hnsw": {"space": "cosine"}},
        )
        stored_model = (collection.metadata or {}).get("embedding_model")
        if stored_model and stored_model != self.model_name:
            raise EmbeddingModelMismatch(
                f"索引是用嵌入模型 {stored_model} 建立的，当前配置的是 {self.model_name}；"
                "请改回原模型，或删除索引目录后重新导入",
                f"the index was built with embedding model {stored_model} but {self.model_name} "
                "is configured; switch back, or delete the index and ingest again",
            )
        return collection

    def _open_registry_collection(self) -> Any:
        """The registry, with its (one-dimensional) vector index saved at every write.

        Chroma replays every write since its last save of a collection's vector index when a
        process first reads the collection, and saves only every `sync_threshold` writes
        (1000 by default). The registry (one entry per document version, with its full text)
        stayed below that, so every new process replayed all of it: 3 s at 500 documents.
        An index made before this setting is updated here once.
        """
        collection = self._client.get_or_create_collection(
            REGISTRY_COLLECTION,
            embedding_function=None,
            configuration={"hnsw": {"sync_threshold": REGISTRY_SYNC_THRESHOLD}},
        )
        hnsw = (collection.configuration_json or {}).get("hnsw") or {}
        if hnsw.get("sync_threshold") != REGISTRY_SYNC_THRESHOLD:
            collection.modify(configuration={"hnsw": {"sync_threshold": REGISTRY_SYNC_THRESHOLD}})
        return collection

    # -- registry -------------------------------------------------------------------------

    def registry_state(self) -> tuple[str, ...]:
        """Ids of all registry entries: entries are append-only, so any change shows here."""
        got = self._read(lambda: self._registry.get(include=[]))
        return tuple(sorted(got["ids"]))

    def registrations(self) -> dict[str, list[Registration]]:
        """Every document's registrations, newest first."""
        got = self._read(lambda: self._registry.get(include=["metadatas"]))
        entries = [
            registry.parse(entry, meta or {})
            for entry, meta in zip(got["ids"], got["metadatas"] or [], strict=True)
        ]
        return registry.by_document(entries)

    def record_count(self, doc_key: str) -> int:
        got = self._read(lambda: self._chunks.get(where={"doc_key": doc_key}, include=[]))
        return len(got["ids"])

    def is_complete(self, registration: Registration) -> bool:
        return self.record_count(registration.doc_key) == registration.chunk_count

    def current(self, doc_id: str) -> Registration | None:
        """The document's newest complete registration (maybe a tombstone), or None."""
        entries = self.registrations().get(doc_id, [])
        return registry.current(entries, self.is_complete)

    def documents(self) -> list[DocumentRecord]:
        """Current documents (registered and with all their records), sorted by doc id."""
        records = []
        for entries in self.registrations().values():
            chosen = registry.current(entries, self.is_complete)
            if chosen is not None and not chosen.deleted:
                records.append(record_of(chosen))
        return sorted(records, key=lambda record: record.doc_id)

    def document(self, doc_id: str) -> DocumentRecord | None:
        chosen = self.current(doc_id)
        if chosen is None or chosen.deleted:
            return None
        return record_of(chosen)

    def document_text(self, doc_id: str) -> str:
        """The cleaned text of a document (what chunk offsets index into)."""
        chosen = self.current(doc_id)
        return self.registration_text(chosen) if chosen and not chosen.deleted else ""

    def registration_text(self, registration: Registration) -> str:
        got = self._read(
            lambda: self._registry.get(ids=[registration.entry_id], include=["documents"])
        )
        documents = got["documents"] or []
        return documents[0] or "" if documents else ""

    def is_current(self, processed: ProcessedDocument) -> bool:
        record = self.document(processed.doc_id)
        return record is not None and record.version == _version(processed)

    # -- writes ---------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The data dir's writer lock, then a fresh view of an embedded store.

        A writer must not apply its records to an embedded index state that is older than
        another process's last write, or persisting it could drop that write's vectors.
        """
        if self.settings.read_only:
            raise unavailable(self.settings, PermissionError("the data dir is read-only"))
        with self._lock, writer_lock(self.settings.data_dir, self.settings.lock_timeout_s):
            if not self.settings.chroma_host and self.registry_state() != self._seen_state:
                self.reopen()  # another process wrote since we looked: load its changes first
            try:
                yield
            finally:
                self.last_written_state = self._seen_state = self.registry_state()

    def upsert_document(
        self,
        processed: ProcessedDocument,
        progress: Callable[[int], None] | None = None,
        collection: str | None = None,
        original: str = "",
    ) -> bool:
        """Index a document unless this exact version is already current; True if written.

        `collection` None keeps the document's collection (public for a new one); `original`
        names its kept source file. An unchanged document whose cleanup was interrupted (a
        writer killed after its commit point) gets that cleanup now.
        """
        version = _version(processed)
        entries = self.registrations().get(processed.doc_id, [])
        now = registry.current(entries, self.is_complete)
        if now is not None and not now.deleted and now.version == version:
            changes = {"original": original} if original else {}
            if collection is not None:
                changes["collection"] = collection
                self.facts.set_collection(processed.doc_id, collection)  # hidden before shown
            with self.writing():
                if len(entries) > 1:
                    self.cleanup(processed.doc_id)
                self._restate(processed.doc_id, changes)
                self.facts.sync(processed, version)
            return False
        kept = _carried(now)
        if collection is not None:
            kept["collection"] = collection
        # The derived rows' collection is set before they exist: never visible to the wrong scope.
        self.facts.set_collection(processed.doc_id, kept["collection"])
        kept["original"] = original or kept["original"]

        def advance(count: int) -> None:
            if progress is not None:
                progress(count)
            reached("embedding")

        vectors = self.embeddings.embed_documents(
            [retrieval_text(c) for c in processed.chunks], advance
        )
        with self.writing():
            for _ in range(WRITE_ATTEMPTS):
                entries = self.registrations().get(processed.doc_id, [])
                now = registry.current(entries, self.is_complete)
                if now is not None and not now.deleted and now.version == version:
                    self.cleanup(processed.doc_id)
                    self.facts.sync(processed, version)
                    return False  # another writer registered this very version meanwhile
                self._write_chunks(processed, version, vectors)
                reached("registry-switch")
                seq = registry.next_seq(entries)
                mine = self._register(processed, version, seq, now, kept)
                reached("cleanup")
                self.cleanup(processed.doc_id)
                now = self.current(processed.doc_id)
                if now is not None and now.order >= mine.order:
                    self.facts.sync(processed, version)
                    return True
        raise WriteNotSettled(
            f"文档 {processed.doc_id} 的新版本被并发写入反复覆盖，旧版本仍完整可用，请重试",
            f"concurrent writers kept superseding the new version of {processed.doc_id}; "
            "the previous version is intact, try again",
        )

    def _write_chunks(
        self, processed: ProcessedDocument, version: str, vectors: Sequence[Sequence[float]]
    ) -> None:
        doc_key = f"{processed.doc_id}@{version}"
        chunks = processed.chunks
        for begin in range(0, len(chunks), WRITE_BATCH):
            if begin:
                reached("store-write")
            batch = chunks[begin : begin + WRITE_BATCH]

            def write(batch: Sequence[Chunk] = batch, begin: int = begin) -> None:
                self._chunks.upsert(
                    ids=[record_id(c, version) for c in batch],
                    embeddings=[list(v) for v in vectors[begin : begin + len(batch)]],
                    documents=[c.text for c in batch],
                    metadatas=[_chunk_metadata(c, doc_key) for c in batch],
                )

            self._guard(write)

    def _register(
        self,
        processed: ProcessedDocument,
        version: str,
        seq: int,
        previous: Registration | None = None,
        kept: dict[str, Any] | None = None,
    ) -> Registration:
        """Append this version's registration (the commit point); never modifies an entry.

        `kept` carries status fields over from the previous version (see `_carried`).
        Metadata an admin edited on `previous` is kept too: an edit wins over what ingest
        guesses from the new text.
        """
        meta = processed.meta
        policy = meta.policy
        record = DocumentRecord(
            doc_id=processed.doc_id,
            title=meta.title,
            publisher=meta.publisher,
            date=meta.date,
            period=meta.period,
            year=meta.year or None,
            doc_type=meta.doc_type,
            version=version,
            chunk_count=len(processed.chunks),
            table_rows=processed.table_rows,
            chars=len(processed.cleaned),
            **(kept if kept is not None else _carried(None)),
            doc_number=policy.doc_number,
            issuer=policy.issuer,
            effective_from=policy.effective_from,
            effective_to=policy.effective_to,
            status=policy.status,
            superseded_by=policy.superseded_by,
            source_url=policy.source_url,
        )
        return self._append(_with_edits(asdict(record), previous), processed.cleaned, seq)

    def _append(self, fields: dict[str, Any], text: str, seq: int) -> Registration:
        token = registry.new_token()
        entry = registry.entry_id(fields["doc_id"], seq, token)
        meta = {
            **fields,
            # Chroma metadata holds no None: an unknown year is stored as 0, read back as None.
            "year": fields.get("year") or 0,
            "seq": seq,
            "token": token,
            "deleted": bool(fields.get("deleted")),
        }
        self._guard(
            lambda: self._registry.add(
                ids=[entry], embeddings=[_REGISTRY_VECTOR], documents=[text], metadatas=[meta]
            )
        )
        return registry.parse(entry, meta)

    def cleanup(self, doc_id: str) -> None:
        """Delete what the current registration supersedes (never the current version)."""
        entries = self.registrations().get(doc_id, [])
        keep = registry.current(entries, self.is_complete)
        if keep is None:
            return
        plan = registry.superseded(entries, keep)
        if plan.doc_keys:
            where = {"doc_key": {"$in": list(plan.doc_keys)}}
            self._guard(lambda: self._chunks.delete(where=where))
        if plan.entry_ids:
            self._guard(lambda: self._registry.delete(ids=list(plan.entry_ids)))

    def delete_document(self, doc_id: str) -> bool:
        """Remove a document and its chunks (a tombstone registration); False if not registered."""
        with self.writing():
            entries = self.registrations().get(doc_id, [])
            now = registry.current(entries, self.is_complete)
            if now is None or now.deleted:
                return False
            tombstone = {**_record_fields({"doc_id": doc_id}), "deleted": True}
            self._append(tombstone, "", registry.next_seq(entries))
            self.cleanup(doc_id)
            self.facts.delete_document(doc_id)
        return True

    def set_disabled(self, doc_id: str, disabled: bool) -> bool:
        """Disable (kept, never cited) or enable a document; False if it is not registered.

        The status is a new registration of the same version (records untouched), so it is
        atomic and every reader, also on another machine, sees it with the registry change.
        """
        with self.writing():
            if not self._restate(doc_id, {"disabled": disabled}):
                return False
            self.facts.set_hidden(doc_id, disabled)
        return True

    def set_collection(self, doc_id: str, collection: str) -> bool:
        """Move a document to another collection; False if it is not registered.

        The fact table learns the new collection first when it narrows who may see the
        document, last when it widens it, so no moment shows its figures to a wrong caller;
        a new registration of the same version makes the change atomic for searches.
        """
        with self.writing():
            now = self.current(doc_id)
            if now is None or now.deleted:
                return False
            self.facts.set_collection(doc_id, collection)
            return self._restate(doc_id, {"collection": collection})

    def _restate(self, doc_id: str, changes: Mapping[str, Any]) -> bool:
        """Re-register the current version with `changes` (records untouched) when they change
        anything; False if the document is not registered. Call while holding `writing()`."""
        entries = self.registrations().get(doc_id, [])
        now = registry.current(entries, self.is_complete)
        if now is None or now.deleted:
            return False
        fields = asdict(record_of(now))
        if any(fields[name] != value for name, value in changes.items()):
            self._append(
                fields | dict(changes), self.registration_text(now), registry.next_seq(entries)
            )
            self.cleanup(doc_id)
        return True

    def set_policy(self, doc_id: str, changes: Mapping[str, str]) -> DocumentRecord | None:
        """Store an admin's metadata edit (checked by the caller); None if not registered.

        Like disabling, it is a new registration of the same version, atomic for every reader;
        the edited fields are marked so a later re-ingest keeps them.
        """
        with self.writing():
            entries = self.registrations().get(doc_id, [])
            now = registry.current(entries, self.is_complete)
            if now is None or now.deleted:
                return None
            record = record_of(now)
            edited = edited_fields(record.edited) | set(changes)
            fields = asdict(record) | dict(changes) | {"edited": ",".join(sorted(edited))}
            self._append(fields, self.registration_text(now), registry.next_seq(entries))
            self.cleanup(doc_id)
            return DocumentRecord(**fields)

    def delete_entries(self, entry_ids: Sequence[str]) -> None:
        """Remove registry entries (for repairs; writers only ever delete superseded ones)."""
        if entry_ids:
            self._guard(lambda: self._registry.delete(ids=list(entry_ids)))

    def delete_records(self, doc_keys: Sequence[str]) -> None:
        """Remove all records of these versions (for repairs; writers use the registry rules)."""
        if doc_keys:
            where = {"doc_key": {"$in": list(doc_keys)}}
            self._guard(lambda: self._chunks.delete(where=where))

    # -- reads ----------------------------------------------------------------------------

    def load_version(self, registration: Registration) -> LoadedVersion | None:
        """Records, vectors and text of a registered version; None if its records are incomplete."""
        got = self._read(
            lambda: self._chunks.get(
                where={"doc_key": registration.doc_key},
                include=["documents", "metadatas", "embeddings"],
            )
        )
        if len(got["ids"]) != registration.chunk_count:
            return None
        order = sorted(range(len(got["ids"])), key=lambda i: int(got["metadatas"][i]["ordinal"]))
        vectors = np.asarray(got["embeddings"], dtype=np.float32)
        return LoadedVersion(
            registration,
            record_of(registration),
            [_chunk_from(got["documents"][i], got["metadatas"][i]) for i in order],
            vectors[order] if order else np.zeros((0, self.dimension or 0), dtype=np.float32),
            self.registration_text(registration),
        )

    def record_keys(self) -> dict[str, int]:
        """How many chunk records each version (doc key) has, current or not."""
        got = self._read(lambda: self._chunks.get(include=["metadatas"]))
        counts: dict[str, int] = {}
        for meta in got["metadatas"] or []:
            counts[meta["doc_key"]] = counts.get(meta["doc_key"], 0) + 1
        return counts

    def current_chunks(self) -> list[StoredChunk]:
        """Every chunk of every document's current version, in document order."""
        keys = [record.doc_key for record in self.documents()]
        if not keys:
            return []
        got = self._read(
            lambda: self._chunks.get(
                where={"doc_key": {"$in": keys}}, include=["documents", "metadatas"]
            )
        )
        stored = [
            StoredChunk(_chunk_from(text, meta), meta["doc_key"])
            for text, meta in zip(got["documents"], got["metadatas"], strict=True)
        ]
        return sorted(stored, key=lambda s: (s.chunk.doc_id, s.chunk.ordinal))

    def heartbeat(self) -> None:
        """Raise StoreUnavailable if the store cannot be reached right now."""
        self._guard(self._client.heartbeat)


def record_of(registration: Registration) -> DocumentRecord:
    """The document record a (non-tombstone) registration describes."""
    return DocumentRecord(**_record_fields(registration.meta))


def _carried(registration: Registration | None) -> dict[str, Any]:
    """What a new version keeps of the current one: a disabled document stays disabled
    (replacing a withdrawn policy's file must not bring it back into answers until an admin
    enables it), and its collection and kept original stay until changed."""
    if registration is None or registration.deleted:
        return {"disabled": False, "collection": PUBLIC, "original": ""}
    record = record_of(registration)
    return {
        "disabled": record.disabled,
        "collection": record.collection,
        "original": record.original,
    }


def edited_fields(edited: str) -> set[str]:
    """The field names an admin has set, from a record's `edited` marker."""
    return {name for name in edited.split(",") if name}


def _with_edits(fields: dict[str, Any], previous: Registration | None) -> dict[str, Any]:
    """A new version's record fields, with the previous version's admin-edited values."""
    if previous is None or previous.deleted:
        return fields
    before = asdict(record_of(previous))
    edited = edited_fields(before["edited"])
    return (
        fields
        | {name: before[name] for name in edited if name in before}
        | {"edited": before["edited"]}
    )


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
        "page": chunk.page,
        "paragraph": chunk.paragraph,
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
        page=int(meta.get("page", 0)),  # indexes built before pages were kept have none
        paragraph=int(meta.get("paragraph", 0)),
    )


def _record_fields(meta: Mapping[str, Any]) -> dict[str, Any]:
    names = DocumentRecord.__dataclass_fields__
    fields = {
        name: meta.get(
            name, "" if name not in {"year", "chunk_count", "table_rows", "chars"} else 0
        )
        for name in names
    }
    return fields | {
        "year": int(fields["year"] or 0) or None,
        "disabled": bool(fields["disabled"]),
        "collection": fields["collection"] or PUBLIC,  # registered before collections: public
    }


def _is_connection_error(error: BaseException) -> bool:
    text = f"{type(error).__name__} {error}".lower()
    return any(
        word in text for word in ("connect", "connection", "timeout", "refused", "unreachable")
    )
