"""The searchable snapshot: current chunks, their vectors and a BM25 index, all in memory.

Why in memory: Chroma's embedded client is not safe across processes for HNSW queries (a
reader failed with "Error finding id" after another process's ingest until restarted). A
snapshot therefore reads Chroma only by `get` (records, metadata, vectors) when the registry
changes, and dense search is exact cosine over the snapshot's vectors (numpy; ~1 ms for the
bundled 422 chunks, ~40 ms for 40k): the same ranking as the exhaustive HNSW beam it
replaces, with no Chroma call per question. Chroma stays the store of record.

Refreshing only what changed: a document whose current version is unchanged keeps its loaded
chunks and vectors; only new versions are read. A snapshot always holds exactly one complete
version of each document, so it never mixes versions. Disabled documents are left out here,
and `snapshot()` hands each caller a view of its collections only (vectorstore.scope): the
one filter every search, answer and 可能相关 list goes through.

No stall after a change: the first snapshot of a process is built before it answers; after
that, a change noticed by another process's write is built in a background thread while the
previous snapshot keeps serving (the BM25 rebuild takes seconds), and swapped in when ready.
Writes made through this process's own store are visible at once.

The BM25 index lives beside the Chroma data (in the data dir, also when Chroma is a server);
it is loaded when its fingerprint matches the chunks, else rebuilt and saved (never saved in
read-only mode).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np

from ingest.chunking import Chunk
from vectorstore import saved_versions
from vectorstore.lexical import ChineseTokenizer, LexicalIndex, LexicalIndexCorrupt, fingerprint_of
from vectorstore.registry import Registration
from vectorstore.registry import current as current_registration
from vectorstore.scope import Scope, current_scope
from vectorstore.store import ChunkStore, DocumentRecord, LoadedVersion, record_of

log = logging.getLogger(__name__)
# After a failed background refresh, wait this long before trying again.
RETRY_AFTER_S = 1.0
# Marks a snapshot built while a writer was mid-change: never equal to a real registry state.
UNSETTLED = "\x00unsettled"


@dataclass
class Snapshot:
    """Current documents, chunks, vectors and BM25, by id, as of one registry state."""

    documents: dict[str, DocumentRecord] = field(default_factory=dict)
    chunks: dict[str, Chunk] = field(default_factory=dict)
    by_doc: dict[str, list[Chunk]] = field(default_factory=dict)
    lexical: LexicalIndex | None = None
    keys: tuple[str, ...] = ()
    state: tuple[str, ...] | None = None
    versions: dict[str, LoadedVersion] = field(default_factory=dict)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    row_ids: tuple[str, ...] = ()
    rows_of_doc: dict[str, slice] = field(default_factory=dict)
    # True for a view of some collections: `lexical` still indexes every document's chunks.
    partial: bool = False

    @property
    def tokenizer(self) -> ChineseTokenizer:
        """The tokenizer BM25 uses here, so term weights split text the same way."""
        return self.lexical.tokenizer if self.lexical else ChineseTokenizer()

    def text_of(self, doc_id: str) -> str:
        version = self.versions.get(doc_id)
        return version.text if version else ""

    def dense_search(self, vector: list[float], n: int, doc_ids: set[str]) -> list[str]:
        """Chunk ids of the `n` nearest chunks by cosine, within `doc_ids`; ties by chunk id."""
        if n <= 0 or not self.row_ids or not doc_ids:
            return []
        query = np.asarray(vector, dtype=np.float32)
        query /= np.linalg.norm(query) or 1.0
        if len(doc_ids) == len(self.documents):
            rows = np.arange(len(self.row_ids))
            scores = self.vectors @ query  # no row selection: copying 64 MB costs more than this
        else:
            rows = np.concatenate(
                [np.arange(len(self.row_ids))[self.rows_of_doc[d]] for d in sorted(doc_ids)]
            )
            scores = self.vectors[rows] @ query
        if n < len(rows):  # keep the n best and everything tied with the n-th
            threshold = np.partition(scores, len(rows) - n)[len(rows) - n]
            best = np.flatnonzero(scores >= threshold)
        else:
            best = np.arange(len(rows))
        order = sorted(best, key=lambda i: (-scores[i], self.row_ids[rows[i]]))
        return [self.row_ids[rows[i]] for i in order[:n]]


Derived = TypeVar("Derived")


class PerSnapshot(Generic[Derived]):
    """A value derived from a snapshot's documents, kept per document set.

    Callers of different collections get different snapshots (`SearchIndex.snapshot`), and
    their questions interleave on one Assistant: one shared slot would let one caller read a
    value another caller's documents built. Each document set keeps its own value here, and a
    caller only ever gets the value of the snapshot it passes.
    """

    def __init__(self, build: Callable[[Snapshot], Derived], size: int = 3) -> None:
        self._build = build
        self._size = size
        self._values: dict[tuple[str, ...], Derived] = {}
        self._lock = threading.Lock()

    def get(self, snapshot: Snapshot) -> Derived:
        with self._lock:
            found = self._values.get(snapshot.keys)
        if found is not None:
            return found
        built = self._build(snapshot)
        with self._lock:
            self._values[snapshot.keys] = built
            while len(self._values) > self._size:
                del self._values[next(iter(self._values))]
        return built


class SearchIndex:
    """Keeps a Snapshot in step with the store; cheap to check, refreshed only on change."""

    def __init__(self, store: ChunkStore, background: bool = True) -> None:
        self.store = store
        self.background = background
        self._lock = threading.Lock()  # held for a whole build: one build at a time
        self._worker_lock = threading.Lock()  # held for an instant: starting the worker
        self._snapshot = Snapshot()
        self._worker: threading.Thread | None = None
        self._failed_at = 0.0
        self.lexical_rebuilds = 0
        self.versions_saves = 0
        self._saved_unusable = False
        self.refreshes = 0
        self._views: dict[tuple[tuple[str, ...] | None, Scope], Snapshot] = {}
        self._views_lock = threading.Lock()

    @property
    def lexical_dir(self) -> Path:
        return self.store.settings.data_dir / "bm25"

    @property
    def versions_dir(self) -> Path:
        return self.store.settings.data_dir / "snapshot"

    def snapshot(self) -> Snapshot:
        """The newest consistent snapshot of the caller's collections; another process's change
        is built in the background."""
        return self._view(self._whole(), current_scope())

    def _whole(self) -> Snapshot:
        state = self.store.registry_state()
        current = self._snapshot
        if state == current.state:
            return current
        if current.state is None or not self.background or self._written_here(state):
            return self.refresh(state)
        self._start_worker(state)
        return current

    def _view(self, whole: Snapshot, scope: Scope) -> Snapshot:
        """`whole` itself when the scope sees all of it, else a cached view of the scope's part."""
        if all(scope.allows(record.collection) for record in whole.documents.values()):
            return whole
        key = (whole.state, scope)
        with self._views_lock:
            view = self._views.get(key)
            if view is None:
                view = _restricted(whole, scope)
                self._views = {k: v for k, v in self._views.items() if k[0] == whole.state}
                self._views[key] = view
        return view

    def refresh(self, state: tuple[str, ...] | None = None) -> Snapshot:
        """Bring the snapshot up to date now, in this thread (the whole one: for writers)."""
        with self._lock:
            state = state if state is not None else self.store.registry_state()
            if state != self._snapshot.state:
                self._snapshot = self._build(state, self._snapshot)
                self.refreshes += 1
            return self._snapshot

    def _written_here(self, state: tuple[str, ...]) -> bool:
        """True right after this process's own store wrote: its caller expects to see it."""
        return self.store.last_written_state == state

    def _start_worker(self, state: tuple[str, ...]) -> None:
        with self._worker_lock:
            busy = self._worker is not None and self._worker.is_alive()
            if busy or time.monotonic() - self._failed_at < RETRY_AFTER_S:
                return
            self._worker = threading.Thread(
                target=self._refresh_in_background, args=(state,), daemon=True
            )
            self._worker.start()

    def _refresh_in_background(self, state: tuple[str, ...]) -> None:
        try:
            self.refresh(state)
        except Exception as error:  # keep serving the old snapshot; retry later
            self._failed_at = time.monotonic()
            log.warning("索引刷新失败，继续使用旧快照 / index refresh failed: %s", error)

    def wait_for_refresh(self, timeout: float) -> None:
        """Block until a running background refresh ends (tests and benchmarks use this)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    def _build(self, state: tuple[str, ...], previous: Snapshot) -> Snapshot:
        known = previous.versions if previous.state is not None else self._saved_versions()
        versions: dict[str, LoadedVersion] = {}
        settled = True
        for doc_id, entries in self.store.registrations().items():
            loaded = self._load_current(entries, known.get(doc_id))
            if loaded is not None and loaded.record.disabled:
                continue  # kept in the library, never searched, quoted or cited
            if loaded is None and doc_id in previous.versions and not entries[0].deleted:
                # A writer removed the version we were reading (a newer one is on its way):
                # keep serving the previous complete one and look again on the next question.
                loaded, settled = previous.versions[doc_id], False
            if loaded is not None:
                versions[doc_id] = loaded
        if settled:
            self._save_versions(versions, state)
        return self._assemble(state if settled else (*state, UNSETTLED), versions)

    def _saved_versions(self) -> dict[str, LoadedVersion]:
        """What an earlier process saved; documents whose version changed since are read anew."""
        if not self.versions_dir.exists():
            return {}
        try:
            return saved_versions.load(self.versions_dir)
        except saved_versions.SavedVersionsUnusable as error:
            log.warning(
                "saved snapshot unusable, reading Chroma / 快照缓存损坏，改读索引: %s", error
            )
            self._saved_unusable = True
            return {}

    def _save_versions(self, versions: dict[str, LoadedVersion], state: tuple[str, ...]) -> None:
        if self.store.settings.read_only:
            return
        if not self._saved_unusable and saved_versions.saved_state(self.versions_dir) == state:
            return
        try:
            saved_versions.save(self.versions_dir, versions, state)
            self.versions_saves += 1
            self._saved_unusable = False
        except OSError as error:
            log.warning("snapshot kept in memory only / 快照无法写入磁盘: %s", error)

    def _load_current(
        self, entries: list[Registration], previous: LoadedVersion | None
    ) -> LoadedVersion | None:
        """The newest complete version, reusing what the previous snapshot already loaded."""
        loaded: dict[str, LoadedVersion | None] = {}

        def complete(registration: Registration) -> bool:
            key = registration.doc_key
            if previous is not None and previous.registration.doc_key == key:
                loaded[key] = previous
            elif key not in loaded:
                loaded[key] = self.store.load_version(registration)
            return loaded[key] is not None

        chosen = current_registration(entries, complete)
        if chosen is None or chosen.deleted:
            return None
        version = loaded[chosen.doc_key]
        # A status change re-registers the same records: the reused version takes its record.
        return version if version is None else replace(version, record=record_of(chosen))

    def _assemble(self, state: tuple[str, ...], versions: dict[str, LoadedVersion]) -> Snapshot:
        documents = {doc_id: v.record for doc_id, v in sorted(versions.items())}
        by_doc = {doc_id: v.chunks for doc_id, v in sorted(versions.items())}
        chunks = {c.id: c for doc_chunks in by_doc.values() for c in doc_chunks}
        rows: list[str] = []
        rows_of_doc: dict[str, slice] = {}
        vectors: list[np.ndarray] = []
        for doc_id, version in sorted(versions.items()):
            rows_of_doc[doc_id] = slice(len(rows), len(rows) + len(version.chunks))
            rows += [c.id for c in version.chunks]
            if len(version.chunks):
                vectors.append(version.vectors)
        # No rows (every document deleted): an empty matrix.
        matrix = np.concatenate(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True) if len(rows) else 1.0
        matrix = (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32, copy=False)
        titles = {doc_id: record.title for doc_id, record in documents.items()}
        all_chunks = [c for doc_chunks in by_doc.values() for c in doc_chunks]
        lexical = self._lexical_for(all_chunks, titles) if all_chunks else None
        keys = tuple(sorted(record.doc_key for record in documents.values()))
        return Snapshot(
            documents,
            chunks,
            by_doc,
            lexical,
            keys,
            state,
            versions,
            matrix,
            tuple(rows),
            rows_of_doc,
        )

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
        if self.store.settings.read_only:
            return built
        try:
            built.save(self.lexical_dir)
        except OSError as error:
            log.warning("BM25 index kept in memory only / BM25 索引无法写入磁盘: %s", error)
        return built


def _restricted(whole: Snapshot, scope: Scope) -> Snapshot:
    """The part of `whole` a scope may see: its documents, chunks and vector rows.

    The BM25 index is shared (rebuilding it per scope would cost seconds); searches of a
    partial snapshot pass it the allowed chunk ids, and drop any other hit.
    """
    versions = {
        doc_id: version
        for doc_id, version in whole.versions.items()
        if scope.allows(version.record.collection)
    }
    documents = {doc_id: whole.documents[doc_id] for doc_id in versions}
    by_doc = {doc_id: whole.by_doc[doc_id] for doc_id in versions}
    rows: list[str] = []
    rows_of_doc: dict[str, slice] = {}
    picked: list[np.ndarray] = []
    positions = np.arange(len(whole.row_ids))
    for doc_id in sorted(versions):
        part = positions[whole.rows_of_doc[doc_id]]
        rows_of_doc[doc_id] = slice(len(rows), len(rows) + len(part))
        rows += [whole.row_ids[i] for i in part]
        picked.append(part)
    taken = np.concatenate(picked) if picked else np.zeros(0, dtype=np.int64)
    return Snapshot(
        documents,
        {c.id: c for chunks in by_doc.values() for c in chunks},
        by_doc,
        whole.lexical,
        tuple(sorted(record.doc_key for record in documents.values())),
        whole.state,
        versions,
        whole.vectors[taken] if len(taken) else np.zeros((0, 0), dtype=np.float32),
        tuple(rows),
        rows_of_doc,
        partial=True,
    )
