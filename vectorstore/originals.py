"""The original files of indexed documents, kept in the data dir so citations can link to them.

A citation links to the page it quotes (`/files/{doc_id}#page=N`). The file a user ingested may
later move or vanish, so ingest keeps a copy named by its content hash (`originals/<sha256>.pdf`);
the document record stores only that name. A request never names a path: the server looks the
document up (within the caller's collections) and opens the name its record holds, which must
match the hash pattern, so no input can reach outside this folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from ingest.pipeline import ProcessedDocument
from ingest.uploads import store_copy

ORIGINALS_DIR_NAME = "originals"
_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")
_KEPT_NAME = re.compile(rf"[0-9a-f]{{64}}({_SUFFIX.pattern})?")
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ofd": "application/ofd",
}


def originals_dir(data_dir: Path) -> Path:
    return data_dir / ORIGINALS_DIR_NAME


def keep_original(data_dir: Path, processed: ProcessedDocument) -> str:
    """Copy the document's source file into the data dir (once per content); its kept name.

    Returns "" when the source cannot be read any more: the document is still indexed, only
    without a file link.
    """
    document = processed.document
    suffix = document.path.suffix.lower()
    name = document.sha256 + (suffix if _SUFFIX.fullmatch(suffix) else "")
    target = originals_dir(data_dir) / name
    if target.is_file():
        return name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        store_copy(document.path, target)
    except OSError:
        return ""
    return name


def original_path(data_dir: Path, kept_name: str) -> Path | None:
    """The kept file of a record's `original` name; None for no, a malformed or a missing one."""
    if not _KEPT_NAME.fullmatch(kept_name):
        return None
    path = originals_dir(data_dir) / kept_name
    return path if path.is_file() else None


def content_type(kept_name: str) -> str:
    return CONTENT_TYPES.get(Path(kept_name).suffix, "application/octet-stream")


def file_link(doc_id: str, page: int = 0, query: str = "") -> str:
    """The app's URL of a document's original, opened at `page` (PDF viewers read #page=N)."""
    link = f"/files/{quote(doc_id, safe='')}" + (f"?{query}" if query else "")
    return link + (f"#page={page}" if page else "")
