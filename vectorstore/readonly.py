"""Reading an embedded index without writing to its data dir.

Chroma's embedded client opens its SQLite file for writing and may migrate or compact it, so
it cannot open a directory it may not write to. A read-only reader therefore opens a private
copy of the `chroma` directory in the temp dir (made once per process and path); the data
dir itself is never written.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path


@functools.cache
def private_copy(chroma_dir: Path) -> Path:
    """A temp copy of `chroma_dir`, removed at exit; an absent dir stays absent (empty index)."""
    target = Path(tempfile.mkdtemp(prefix="policy-qa-ro-")) / "chroma"
    atexit.register(shutil.rmtree, target.parent, True)
    if chroma_dir.is_dir():
        shutil.copytree(chroma_dir, target)
    return target
