"""Replace a directory of files as one unit, so a reader never sees half of a new set.

The BM25 index and the persisted snapshot are each several files that only make sense
together; both are written to a staging directory beside the target and renamed into place.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_dir_atomically(directory: Path, write: Callable[[Path], None]) -> None:
    """Call `write(staging)`, then swap the staging directory in for `directory`.

    A crash leaves either the old directory, the new one, or (between two renames) none;
    never a mix.
    """
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.tmp-", dir=directory.parent))
    try:
        write(staging)
        _replace_dir(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksums(directory: Path) -> dict[str, str]:
    """sha256 of every file under `directory`, by relative path (for a manifest)."""
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    return {p.relative_to(directory).as_posix(): sha256_file(p) for p in files}


def changed_files(directory: Path, files: dict[str, str]) -> list[str]:
    """The manifest's files that are missing or whose bytes differ from when it was written."""
    return [
        name
        for name, expected in files.items()
        if not (directory / name).is_file() or sha256_file(directory / name) != expected
    ]


def _replace_dir(new: Path, target: Path) -> None:
    """Rename `new` to `target`, moving an existing target aside first and deleting it after."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{new.name}")
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
