"""The registry's Chroma index is saved at (almost) every write, so a new process does not
replay the whole registry when it first reads it (vectorstore/store.py,
_open_registry_collection): new indexes are created that way, older ones are updated on open,
and what they hold is unchanged."""

from __future__ import annotations

from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings

from tests.conftest import make_settings
from vectorstore.service import open_store
from vectorstore.store import REGISTRY_COLLECTION, REGISTRY_SYNC_THRESHOLD


def _sync_threshold(data_dir: Path) -> int:
    client = chromadb.PersistentClient(
        path=str(data_dir / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    configuration = client.get_collection(REGISTRY_COLLECTION).configuration_json
    return int(configuration["hnsw"]["sync_threshold"])


def test_a_new_index_saves_its_registry_at_every_write(tmp_path: Path) -> None:
    open_store(make_settings(tmp_path))
    assert _sync_threshold(tmp_path) == REGISTRY_SYNC_THRESHOLD


def test_an_older_index_is_updated_on_open_and_keeps_its_entries(tmp_path: Path) -> None:
    client = chromadb.PersistentClient(
        path=str(tmp_path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    old = client.get_or_create_collection(REGISTRY_COLLECTION, embedding_function=None)
    old.add(ids=["entry-1"], embeddings=[[1.0]], metadatas=[{"doc_id": "a"}], documents=["x"])
    assert old.configuration_json["hnsw"]["sync_threshold"] == 1000  # Chroma's default
    del client, old

    store = open_store(make_settings(tmp_path))
    assert store.registry_state() == ("entry-1",)
    assert _sync_threshold(tmp_path) == REGISTRY_SYNC_THRESHOLD
