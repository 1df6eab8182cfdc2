"""Building blocks of the store: settings -> embeddings (cached) -> Chroma store.

Only the composition root (`assistant.app.open_app`) combines them with a searcher, an
assistant and the indexer; tests use them to open a store on a data dir of their own.
"""

from __future__ import annotations

from vectorstore.embeddings import CACHE_FILENAME, CachedEmbeddings, EmbeddingCache, make_embeddings
from vectorstore.readonly import for_reading, private_copy
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore, unavailable


def open_embeddings(settings: StoreSettings) -> CachedEmbeddings:
    """The configured model behind the on-disk cache; an unusable data dir is a StoreUnavailable."""
    cache_path = settings.data_dir / CACHE_FILENAME
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
