"""Admin uploads: password check, file checks, safe storage, then ingest into the index.

Nothing a browser sends is trusted: the password is compared in constant time, the file's
size, extension and content (magic bytes) are checked before it is stored, the stored name
is generated (the user's name only contributes a sanitised stem), and the document enters
the index only after the ingest pipeline accepted it. A rejected or failing file is
removed again, so a bad upload never reaches or breaks the index.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import shutil
import time
import unicodedata
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.loaders import MAX_FILE_BYTES, SUPPORTED_SUFFIXES
from ingest.pipeline import FailedFile, ProcessedDocument, process_paths
from ui.dates import publication_date, valid_admin_date
from vectorstore.errors import StoreError
from vectorstore.store import ChunkStore

ADMIN_PASSWORD_ENV = "POLICY_QA_ADMIN_PASSWORD"
UPLOAD_LIMIT_ENV = "POLICY_QA_UPLOAD_MAX_MB"
DEFAULT_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
UPLOADS_DIR_NAME = "uploads"
_STEM_MAX_CHARS = 40
_SAFE_STEM = re.compile(r"[^0-9A-Za-z_\-\u3400-\u9fff]+")
_TEXT_FORMATS = frozenset({"txt", "md", "html"})
_SNIFF_BYTES = 8192


class UploadRejected(Exception):
    """An upload refused before or during ingest, with a message in Chinese and English."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_zh} / {message_en}")


@dataclass(frozen=True)
class UploadResult:
    """What happened to one uploaded file."""

    original_name: str
    ok: bool
    message: str
    doc_id: str = ""
    title: str = ""
    chunks: int = 0
    stored_path: Path | None = None


def admin_password(env: Mapping[str, str] | None = None) -> str | None:
    """The configured admin password, or None: upload is then not offered at all."""
    value = (os.environ if env is None else env).get(ADMIN_PASSWORD_ENV, "")
    return value if value.strip() else None


def upload_limit(env: Mapping[str, str] | None = None) -> int:
    """Per-file byte limit for uploads (POLICY_QA_UPLOAD_MAX_MB, never above the ingest limit)."""
    raw = (os.environ if env is None else env).get(UPLOAD_LIMIT_ENV, "").strip()
    try:
        limit = int(float(raw) * 1024 * 1024) if raw else DEFAULT_UPLOAD_MAX_BYTES
    except ValueError:
        limit = DEFAULT_UPLOAD_MAX_BYTES
    return max(1, min(limit, MAX_FILE_BYTES))


def check_password(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison; with no password configured nobody is admin."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def uploads_dir(data_dir: Path) -> Path:
    return data_dir / UPLOADS_DIR_NAME


def _original_basename(name: str) -> str:
    """The last path component, whatever separator the browser or OS used."""
    return re.split(r"[\\/]", name or "")[-1]


def _suffix(name: str) -> str:
    base = _original_basename(name)
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
                f"the extension is {suffix} but the content is a {kind} file; use the right extension",
            )
        utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
        if b"\x00" in head and not utf16:
            raise UploadRejected(
                f"文件扩展名为 {suffix}，但内容是二进制数据，不是文本",
                f"the extension is {suffix} but the content is binary, not text",
            )


def safe_stem(original_name: str) -> str:
    """A harmless stem from the user's file name: letters, digits, CJK, '-' and '_' only."""
    stem = Path(_original_basename(original_name)).stem
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


def _same_content(directory: Path, source: Path) -> Path | None:
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


def _store_copy(source: Path, target: Path) -> None:
    """Copy under a hidden temporary name, then rename: a half-copied file is never visible."""
    temporary = target.with_name(f".{target.name}.part")
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def ingest_upload(
    source: Path,
    original_name: str,
    store: ChunkStore,
    data_dir: Path,
    max_bytes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> UploadResult:
    """Check, store and index one uploaded file; every failure comes back as a message.

    `progress(done, total)` reports embedded chunks of this document.
    """
    name = _original_basename(original_name) or "（未命名）"
    limit = upload_limit() if max_bytes is None else max_bytes
    directory = uploads_dir(data_dir)
    stored: Path | None = None
    try:
        check_upload(name, source, limit)
        duplicate = _same_content(directory, source)
        if duplicate is not None:
            return UploadResult(
                name,
                False,
                f"内容与已上传的 {duplicate.name} 完全相同，已跳过 / "
                f"same content as the already uploaded {duplicate.name}; skipped",
            )
        stored = stored_path_for(name, directory)
        _store_copy(source, stored)
        outcomes = list(process_paths([stored], max_bytes=limit))
        failed = [o for o in outcomes if isinstance(o, FailedFile)]
        processed = [o for o in outcomes if isinstance(o, ProcessedDocument)]
        if failed or len(processed) != 1:
            error = failed[0].error if failed else None
            raise UploadRejected(
                f"无法导入：{error.reason_zh}" if error else "无法导入：没有得到文档",
                f"cannot ingest: {error.reason_en}" if error else "cannot ingest: no document",
            )
        document = _with_date(processed[0], publication_date(processed[0].cleaned))
        total = len(document.chunks)
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(min(done, total), total)

        store.upsert_document(document, advance)
        if progress is not None:
            progress(total, total)
        return UploadResult(
            name,
            True,
            f"已导入《{document.meta.title}》：{total} 个分块 / indexed, {total} chunks",
            document.doc_id,
            document.meta.title,
            total,
            stored,
        )
    except UploadRejected as error:
        _discard(stored)
        return UploadResult(name, False, str(error))
    except StoreError as error:
        _discard(stored)
        return UploadResult(
            name, False, f"索引写入失败，原有索引未改变 / index write failed: {error}"
        )
    except Exception as error:  # any other failure: report it, keep the index as it was
        _discard(stored)
        return UploadResult(
            name,
            False,
            f"导入失败，原有索引未改变 / ingest failed, index unchanged ({type(error).__name__})",
        )


def _with_date(document: ProcessedDocument, date: str) -> ProcessedDocument:
    """The document with `date` as its publication date ("" = unknown, shown as 日期未知)."""
    return replace(document, meta=replace(document.meta, date=date))


def uploaded_doc_ids(data_dir: Path) -> list[str]:
    """Ids of documents that came in through the UI (their files live in the uploads dir)."""
    directory = uploads_dir(data_dir)
    if not directory.is_dir():
        return []
    return sorted(p.name for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))


def set_upload_date(doc_id: str, date: str, store: ChunkStore, data_dir: Path) -> str:
    """Set an uploaded document's publication date (re-registers it from cached vectors).

    Raises UploadRejected for a malformed date or a document that was not uploaded here.
    """
    date = date.strip()
    if not valid_admin_date(date):
        raise UploadRejected(
            "日期格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD", "date must be YYYY, YYYY-MM or YYYY-MM-DD"
        )
    if doc_id not in uploaded_doc_ids(data_dir):
        raise UploadRejected(
            "只能修改通过网页上传的文档的日期（收录文档的日期在 catalog.json 中维护）",
            "only uploaded documents' dates can be set here (catalog.json holds the others)",
        )
    outcomes = [
        o
        for o in process_paths([uploads_dir(data_dir) / doc_id])
        if isinstance(o, ProcessedDocument)
    ]
    if len(outcomes) != 1:
        raise UploadRejected("无法重新读取该文档", "cannot re-read the document")
    store.upsert_document(_with_date(outcomes[0], date))
    return date


def _discard(stored: Path | None) -> None:
    if stored is not None:
        stored.unlink(missing_ok=True)
