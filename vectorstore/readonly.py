"""Reading an index without writing to its data dir (a mounted backup, `chmod -R a-w`).

Chroma's embedded client opens its SQLite file for writing and may migrate or compact it,
and the embedding cache records query vectors, so neither can simply be opened in place. A
read-only reader opens private copies of `chroma/` and the cache in the temp dir (made once
per process and path, removed at exit); the data dir itself is never written. Writers refuse
to run in read-only mode (ChunkStore.writing), so nothing is ever written to a copy.
"""

from __future__ import annotations

import atexit
import dataclasses
import functools
import os
import shutil
import tempfile
from pathlib import Path

from vectorstore.settings import StoreSettings


def for_reading(settings: StoreSettings) -> StoreSettings:
    """`settings`, switched to read-only when the data dir exists but we may not write it."""
    data_dir = settings.data_dir
    if settings.read_only or not data_dir.is_dir() or os.access(data_dir, os.W_OK):
        return settings
    return dataclasses.replace(settings, read_only=True)


@functools.cache
def private_copy(path: Path) -> Path:
    """A temp copy of a file (with its SQLite -wal/-shm side files) or directory.

    An absent path stays absent in the copy, which then reads as an empty index or cache.
    """
    target = Path(tempfile.mkdtemp(prefix="policy-qa-ro-")) / path.name
    atexit.register(shutil.rmtree, target.parent, True)
    if path.is_dir():
        shutil.copytree(path, target)
    elif path.is_file():
        for side in ("", "-wal", "-shm"):
            source = path.with_name(path.name + side)
            if source.is_file():
                shutil.copyfile(source, target.with_name(target.name + side))
    return target
