"""Uploaded files: type, size and content checks, safe stored names, atomic storage.

Nothing a browser sends is trusted: the file's size, extension and content (magic bytes)
are checked before it is stored, and the stored name is generated (the user's name only
contributes a sanitised stem), checked to stay inside the uploads folder. The indexing
service (`vectorstore.indexer`) uses these before it indexes an upload.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import time
import unicodedata
import zipfile
from pathlib import Path

from ingest.errors import BilingualError
from ingest.loaders import SUPPORTED_SUFFIXES

UPLOADS_DIR_NAME = "uploads"
_STEM_MAX_CHARS = 40
_SAFE_STEM = re.compile(r"[^0-9A-Za-z_\-\u3400-\u9fff]+")
_TEXT_FORMATS = frozenset({"txt", "md", "html"})
_SNIFF_BYTES = 8192


class UploadRejected(BilingualError):
    """An upload refused before or during ingest, with a message in Chinese and English."""


def uploads_dir(data_dir: Path) -> Path:
    return data_dir / UPLOADS_DIR_NAME


def original_basename(name: str) -> str:
    """The last path component, whatever separator the browser or OS used."""
    return re.split(r"[\\/]", name or "")[-1]


def _suffix(name: str) -> str:
    base = original_basename(name)
    return Path(base).suffix.lower() if "." in base.strip(".") else ""


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} B"


def check_upload(original_name: str, path: Path, max_bytes: int) -> str:
    """Refuse files that are empty, too big, of a wrong type, or not what their extension says.

    Returns the source format ("txt", "md", "html", "pdf", "docx").
    """
    suffix = _suffix(original_name)
    source_format = SUPPORTED_SUFFIXES.get(suffix)
    if source_format is None:
        supported = " ".join(sorted(SUPPORTED_SUFFIXES))
        shown = suffix or "（无扩展名）"
        raise UploadRejected(
            f"不支持的文件类型“{shown}”，支持：{supported}",
            f"unsupported file type '{suffix or '(none)'}'; supported: {supported}",
        )
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UploadRejected(
            "无法读取上传的文件", f"cannot read the uploaded file ({error})"
        ) from None
    if size == 0:
        raise UploadRejected("文件为空（0 字节）", "the file is empty (0 bytes)")
    if size > max_bytes:
        raise UploadRejected(
            f"文件过大（{_human_size(size)}），上限为 {_human_size(max_bytes)}",
            f"file too large ({_human_size(size)}); the limit is {_human_size(max_bytes)}",
        )
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    _check_magic(source_format, suffix, head, path)
    return source_format


def _check_magic(source_format: str, suffix: str, head: bytes, path: Path) -> None:
    """The content must match the extension (a renamed file is refused, not half-parsed)."""
    if source_format == "pdf":
        if not head.startswith(b"%PDF"):
            raise UploadRejected(
                f"文件扩展名为 {suffix}，但内容不是 PDF（缺少 %PDF 文件头）",
                f"the extension is {suffix} but the content is not a PDF (no %PDF header)",
            )
        return
    if source_format == "docx":
        names: list[str] = []
        if zipfile.is_zipfile(path):
            try:
                with zipfile.ZipFile(path) as archive:
                    names = archive.namelist()
            except (zipfile.BadZipFile, OSError):
                names = []
        if "word/document.xml" not in names:
            raise UploadRejected(
                f"文件扩展名为 {suffix}，但内容不是有效的 Word 文档（DOCX）",
                f"the extension is {suffix} but the content is not a valid Word (DOCX) document",
            )
        return
    if source_format in _TEXT_FORMATS:
        if head.startswith(b"%PDF") or head.startswith(b"PK\x03\x04"):
            kind = "PDF" if head.startswith(b"%PDF") else "ZIP/Office"
            raise UploadRejected(
                f"文件扩展名为 {suffix}，但内容是 {kind} 文件，请使用正确的扩展名",
                f"the extension is {suffix} but the content is a {kind} file; "
                "use the right extension",
            )
        utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
        if b"\x00" in head and not utf16:
            raise UploadRejected(
                f"文件扩展名为 {suffix}，但内容是二进制数据，不是文本",
                f"the extension is {suffix} but the content is binary, not text",
            )


def safe_stem(original_name: str) -> str:
    """A harmless stem from the user's file name: letters, digits, CJK, '-' and '_' only."""
    stem = Path(original_basename(original_name)).stem
    stem = unicodedata.normalize("NFKC", stem)
    stem = _SAFE_STEM.sub("_", stem).strip("_-")
    return stem[:_STEM_MAX_CHARS] or "document"


def stored_path_for(original_name: str, directory: Path) -> Path:
    """A new, unused path inside `directory`: time + random token + sanitised stem + suffix.

    The user's name never contributes a separator or a leading dot, and the result is
    checked to resolve inside the directory, so path traversal is impossible.
    """
    directory.mkdir(parents=True, exist_ok=True)
    root = directory.resolve()
    suffix = _suffix(original_name)
    if suffix not in SUPPORTED_SUFFIXES:
        suffix = ".txt"
    stem = safe_stem(original_name)
    while True:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        candidate = root / f"{stamp}_{secrets.token_hex(4)}_{stem}{suffix}"
        if candidate.resolve().parent != root:
            raise UploadRejected("文件名不安全", "unsafe file name")
        if not candidate.exists():
            return candidate


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def same_content(directory: Path, source: Path) -> Path | None:
    """An already uploaded file with the same bytes, if any."""
    if not directory.is_dir():
        return None
    size = source.stat().st_size
    wanted: str | None = None
    for existing in directory.iterdir():
        if not existing.is_file() or existing.name.startswith("."):
            continue
        if existing.stat().st_size != size:
            continue
        wanted = wanted or _sha256(source)
        if _sha256(existing) == wanted:
            return existing
    return None


def store_copy(source: Path, target: Path) -> None:
    """Copy under a hidden temporary name, then rename: a half-copied file is never visible."""
    temporary = target.with_name(f".{target.name}.part")
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def uploaded_doc_ids(data_dir: Path) -> list[str]:
    """Ids of documents that came in through the UI (their files live in the uploads dir)."""
    directory = uploads_dir(data_dir)
    if not directory.is_dir():
        return []
    return sorted(p.name for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))


def discard(stored: Path | None) -> None:
    if stored is not None:
        stored.unlink(missing_ok=True)
