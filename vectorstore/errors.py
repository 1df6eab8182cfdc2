"""Store errors a person reads, in Chinese and English."""

from __future__ import annotations

from ingest.errors import BilingualError


class StoreError(BilingualError):
    """Base class of the store's errors: `str(error)` is the bilingual message."""


class StoreUnavailable(StoreError):
    """The Chroma server cannot be reached, or the local data dir cannot be used."""


class EmbeddingModelMismatch(StoreError):
    """The index was built with another embedding model; its vectors are not comparable."""


class EmptyIndex(StoreError):
    """Nothing has been ingested yet, so every question would come back empty."""


class WriterBusy(StoreError):
    """Another process held the data dir's writer lock for longer than we may wait."""


class StoreCorrupt(StoreError):
    """The embedded index database is damaged; the message says how to recover."""


class WriteNotSettled(StoreError):
    """Concurrent writers kept removing this writer's version; nothing was lost, retry later."""
