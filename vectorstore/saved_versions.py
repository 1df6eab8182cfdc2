"""The loaded document versions of a snapshot, saved in the data dir for the next process.

Why: a process used to read every chunk, vector and text back from Chroma when it started
(one `get` per document, vectors as Python lists): seconds at 100 documents, tens of seconds
at 500. What a snapshot loaded is written here once per registry change (derived data only;
Chroma stays the store of record), and a starting process reads it in one go.

Invalidation: each saved version keeps the registry entry it was loaded for. A registry entry
is never modified (vectorstore/registry.py), so a saved version is reused only while its very
registration is still the document's current one; any other document is read from Chroma.
That is also how a replica whose Chroma server another process updated refreshes only what
changed. Files are checksummed: damaged ones are ignored (and rewritten), never trusted.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ingest.chunking import Chunk
from vectorstore import registry
from vectorstore.atomic_dir import changed_files, checksums, write_dir_atomically
from vectorstore.store import LoadedVersion, record_of

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
_MANIFEST = "manifest.json"
_DOCUMENTS = "documents.json"
_VECTORS = "vectors.npy"


class SavedVersionsUnusable(Exception):
    """The saved versions are missing, damaged or from another format: read Chroma instead."""


def save(directory: Path, versions: Mapping[str, LoadedVersion], state: tuple[str, ...]) -> None:
    """Write `versions` (doc id -> version) as of registry `state`, replacing what is there."""

    def write(target: Path) -> None:
        documents, matrices, row = [], [], 0
        for _, version in sorted(versions.items()):
            documents.append(
                {
                    "entry_id": version.registration.entry_id,
                    "meta": dict(version.registration.meta),
                    "rows": [row, row + len(version.chunks)],
                    "text": version.text,
                    "chunks": [asdict(chunk) for chunk in version.chunks],
                }
            )
            if len(version.chunks):
                matrices.append(np.asarray(version.vectors, dtype=np.float32))
            row += len(version.chunks)
        matrix = np.concatenate(matrices) if matrices else np.zeros((0, 0), dtype=np.float32)
        np.save(target / _VECTORS, matrix, allow_pickle=False)
        (target / _DOCUMENTS).write_text(json.dumps(documents, ensure_ascii=False), "utf-8")
        manifest = {
            "format_version": FORMAT_VERSION,
            "registry_state": list(state),
            "files": checksums(target),
        }
        (target / _MANIFEST).write_text(json.dumps(manifest), "utf-8")

    write_dir_atomically(directory, write)


def saved_state(directory: Path) -> tuple[str, ...] | None:
    """The registry state the saved versions were written for, or None if there are none."""
    try:
        manifest = json.loads((Path(directory) / _MANIFEST).read_text("utf-8"))
        return tuple(manifest["registry_state"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load(directory: Path) -> dict[str, LoadedVersion]:
    """The saved versions by doc id; SavedVersionsUnusable if anything is missing or damaged."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / _MANIFEST).read_text("utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise SavedVersionsUnusable(f"{directory}: format {manifest.get('format_version')!r}")
        changed = changed_files(directory, manifest["files"])
        if changed:
            raise SavedVersionsUnusable(f"{directory}: {changed[0]} changed since it was saved")
        matrix = np.load(directory / _VECTORS, allow_pickle=False)
        documents = json.loads((directory / _DOCUMENTS).read_text("utf-8"))
        versions = {}
        for saved in documents:
            registration = registry.parse(saved["entry_id"], saved["meta"])
            chunks = [Chunk(**fields) for fields in saved["chunks"]]
            start, stop = saved["rows"]
            if stop - start != len(chunks) or len(chunks) != registration.chunk_count:
                raise SavedVersionsUnusable(f"{directory}: {registration.doc_key} is incomplete")
            versions[registration.doc_id] = LoadedVersion(
                registration, record_of(registration), chunks, matrix[start:stop], saved["text"]
            )
        return versions
    except SavedVersionsUnusable:
        raise
    except Exception as error:  # any parse or shape error means the same thing: read Chroma
        raise SavedVersionsUnusable(f"{directory}: unreadable ({error})") from error
