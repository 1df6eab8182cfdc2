"""Read one corpus file into a Document: bytes -> text, with per-file errors a person can act on.

Government files arrive as GBK text, UTF-16 exports, PDFs, Word files and saved web pages; this
module turns each into plain text (no cleaning: that is `ingest.clean`'s job) and refuses, with a
Chinese and English reason, anything it cannot read faithfully instead of indexing garbage.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import docx
from bs4 import BeautifulSoup, CData, NavigableString, PageElement, Tag
from charset_normalizer import from_bytes
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph
from pypdf import PasswordType, PdfReader

from ingest.errors import IngestError, corrupt_file_error
from ingest.extraction import Extraction
from ingest.grid import GridTable
from ingest.legacy_doc import read_doc
from ingest.ocr import NO_CACHE, OcrOptions
from ingest.ofd import read_ofd
from ingest.scans import ocr_image_file, ocr_pdf
from ingest.sheets import read_csv, read_xlsx
from ingest.zipguard import check_xml_elements, open_zip

SUPPORTED_SUFFIXES: MappingProxyType[str, str] = MappingProxyType(
    {
        ".txt": "txt",
        ".md": "md",
        ".markdown": "md",
        ".html": "html",
        ".htm": "html",
        ".pdf": "pdf",
        ".docx": "docx",
        ".doc": "doc",
        ".ofd": "ofd",
        ".xlsx": "xlsx",
        ".csv": "csv",
        ".png": "image",
        ".jpg": "image",
        ".jpeg": "image",
        ".tif": "image",
        ".tiff": "image",
    }
)
MAX_FILE_BYTES = 50 * 1024 * 1024
# python-docx unpacks every part and builds one tree for all of its XML: these bound its memory
# (~330 bytes per element measured, so ~500 MB at the element limit; see README "Operating it").
DOCX_MAX_MEMBERS = 2_000
DOCX_MAX_UNCOMPRESSED = 128 * 1024 * 1024
DOCX_MAX_XML_ELEMENTS = 1_500_000
# BeautifulSoup keeps ~1.3 KB per tag and its text: ~550 MB at this limit.
HTML_MAX_TAGS = 400_000
CATALOG_FILE_NAME = "catalog.json"

# Checked longest first: the UTF-8 BOM cannot be confused with the UTF-16 ones.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_BINARY_SAMPLE_CHARS = 200_000
_MAX_SUSPICIOUS_RATIO = 0.01

_HTML_DROPPED_TAGS = frozenset(
    ["script", "style", "noscript", "nav", "header", "footer", "aside", "form"]
)
_HTML_BLOCK_TAGS = frozenset(
    [
        "title",
        "p",
        "div",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "ul",
        "ol",
        "section",
        "article",
        "main",
        "blockquote",
        "pre",
        "dt",
        "dd",
    ]
)
_HTML_CELL_TAGS = frozenset(["td", "th"])
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Document:
    """One source file as extracted text; `sha256` of the raw bytes lets re-ingest skip
    unchanged files."""

    doc_id: str
    path: Path
    text: str
    source_format: str
    encoding: str | None
    sha256: str
    page_starts: tuple[int, ...] = ()
    tables: tuple[GridTable, ...] = ()
    ocr_pages: tuple[int, ...] = ()
    low_confidence_pages: tuple[int, ...] = ()


def load_document(
    path: Path,
    root: Path | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    ocr: OcrOptions = NO_CACHE,
) -> Document:
    """Load one file; raise IngestError (never a library traceback) when it cannot be used.

    Scanned pages are OCR'd with `ocr` (where page results are cached, whether to show progress).
    """
    source_format = _source_format(path)
    data = _read_bytes(path, max_bytes)
    extracted, encoding = _extract(source_format, data, path, ocr)
    text = extracted.text
    if not text.strip() and not extracted.tables:
        if source_format in ("pdf", "image"):
            raise IngestError(
                str(path),
                "没有可提取的文字（没有文字层，OCR 也未识别出文字）",
                "no extractable text (no text layer, and OCR found no text either)",
            )
        raise IngestError(
            str(path), "提取后没有任何文字内容", "no text left after extraction (only whitespace)"
        )
    return Document(
        doc_id=doc_id_for(path, root),
        path=path,
        text=text,
        source_format=source_format,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        page_starts=extracted.page_starts,
        tables=extracted.tables,
        ocr_pages=extracted.ocr_pages,
        low_confidence_pages=extracted.low_confidence_pages,
    )


def _extract(
    source_format: str, data: bytes, path: Path, ocr: OcrOptions
) -> tuple[Extraction, str | None]:
    """Text formats give plain text; paged, scanned and tabular formats give an Extraction."""
    if source_format in _EXTRACTORS:
        text, encoding = _EXTRACTORS[source_format](data, path)
        return Extraction(text), encoding
    if source_format in _SCAN_READERS:
        return _SCAN_READERS[source_format](data, path, ocr)
    return _READERS[source_format](data, path)


def iter_corpus_files(paths: Sequence[Path]) -> list[tuple[Path, Path]]:
    """Expand files and directories into (file, root) pairs.

    Unsupported files are kept so the caller reports them instead of silently dropping them;
    hidden files and the catalog are skipped because they are not documents.
    """
    pairs: list[tuple[Path, Path]] = []
    seen: set[Path] = set()
    for given in paths:
        found = _directory_files(given) if given.is_dir() else [(given, given.parent)]
        for file, root in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                pairs.append((file, root))
    return pairs


def _directory_files(root: Path) -> list[tuple[Path, Path]]:
    """Every visible file under `root`, sorted by relative path so doc ids come out stable."""
    files = [
        file
        for file in root.rglob("*")
        if file.is_file()
        and not _is_hidden(file.relative_to(root))
        and file.name != CATALOG_FILE_NAME
    ]
    return [(file, root) for file in sorted(files, key=lambda f: f.relative_to(root).as_posix())]


def _is_hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def doc_id_for(path: Path, root: Path | None) -> str:
    """POSIX path relative to the corpus root, so ids are the same on every OS."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def _source_format(path: Path) -> str:
    source_format = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if source_format is None:
        supported = " ".join(sorted(SUPPORTED_SUFFIXES))
        raise IngestError(
            str(path),
            f"不支持的文件类型“{path.suffix or '（无扩展名）'}”，支持：{supported}",
            f"unsupported file type '{path.suffix or '(no extension)'}'; supported: {supported}",
        )
    return source_format


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """Check size before reading so an oversized file is never loaded into memory."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IngestError(str(path), "不是普通文件", "not a regular file")
        if size > max_bytes:
            raise IngestError(
                str(path),
                f"文件过大（{size} 字节，上限 {max_bytes} 字节）",
                f"file too large ({size} bytes, limit {max_bytes} bytes)",
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(str(path), "文件不存在", "file not found") from None
    except OSError as exc:
        raise IngestError(
            str(path), f"无法读取文件：{exc.strerror or exc}", f"cannot read file: {exc}"
        ) from None
    if not data:
        raise IngestError(str(path), "文件为空（0 字节）", "file is empty (0 bytes)")
    return data


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode text bytes and name the encoding used.

    Order matters: a BOM is certain, strict UTF-8 almost never matches by accident, GB18030
    covers the GBK/GB2312 files Chinese government sites still publish, and charset-normalizer
    is the last guess.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding.removesuffix("-sig"))
            except UnicodeDecodeError:
                raise _binary_error(path) from None
            return _refuse_binary(text, path), encoding
    if b"\x00" in data:
        raise _binary_error(path)
    for encoding in ("utf-8", "gb18030"):
        try:
            return _refuse_binary(data.decode(encoding), path), encoding
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise _binary_error(path)
    return _refuse_binary(str(best), path), best.encoding


def _refuse_binary(text: str, path: Path) -> str:
    """A decoder can 'succeed' on binary data; too many control or private-use characters
    betray it."""
    sample = text[:_BINARY_SAMPLE_CHARS]
    suspicious = sum(1 for ch in sample if _is_suspicious(ch))
    if sample and suspicious / len(sample) > _MAX_SUSPICIOUS_RATIO:
        raise _binary_error(path)
    return text


def _is_suspicious(ch: str) -> bool:
    if ch == "\ufffd":
        return True
    return ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn")


def _binary_error(path: Path) -> IngestError:
    return IngestError(
        str(path),
        "文件内容是二进制数据或无法识别的编码，不是文本",
        "content is binary or in an unrecognised encoding, not text",
    )


def _extract_html(data: bytes, path: Path) -> tuple[str, str | None]:
    markup, encoding = decode_text(data, path)
    tags = markup.count("<")  # an upper bound on the elements, counted before parsing
    if tags > HTML_MAX_TAGS:
        raise IngestError(
            str(path),
            f"网页元素过多（{tags} 个，上限 {HTML_MAX_TAGS} 个），无法安全解析",
            f"too many HTML elements ({tags}, limit {HTML_MAX_TAGS}); refusing to parse",
        )
    return html_to_text(markup), encoding


def html_to_text(markup: str) -> str:
    """Visible text of a web page, one block per line; menus, scripts and forms are not content.

    One walk over the parsed tree with an explicit stack, never editing it: inserting line
    breaks into the tree costs a search of the parent's children per insertion (quadratic on a
    page of 10^5 paragraphs), and recursion would fail on deep nesting.
    """
    soup = BeautifulSoup(markup, "html.parser")
    pieces: list[str] = []
    stack: list[PageElement | str] = [soup]
    while stack:
        node = stack.pop()
        if type(node) is str:  # a separator pushed below
            pieces.append(node)
        elif type(node) is NavigableString:
            # Source whitespace is insignificant in HTML; collapse it, keep our own breaks.
            pieces.append(_WHITESPACE.sub(" ", node))
        elif type(node) is CData:
            pieces.append(str(node))
        elif isinstance(node, Tag) and node.name not in _HTML_DROPPED_TAGS:
            stack.extend(reversed(_html_children(node)))
    lines = (line.strip() for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _html_children(tag: Tag) -> list[PageElement | str]:
    """A tag's children in order, with the separators its text needs: a line break around a
    block, " | " between table cells, a line break for <br>."""
    if tag.name == "br":
        return ["\n"]
    block = tag.name in _HTML_BLOCK_TAGS
    children: list[PageElement | str] = ["\n"] if block else []
    after_cell = False
    for child in tag.children:
        if isinstance(child, Tag) and child.name in _HTML_CELL_TAGS:
            if after_cell:
                children.append(" | ")
            after_cell = True
        children.append(child)
    if block:
        children.append("\n")
    return children


def _extract_pdf(data: bytes, path: Path, ocr: OcrOptions) -> tuple[Extraction, str | None]:
    """Each page's text layer; pages without one are OCR'd (`ingest.scans`)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise IngestError(
                str(path), "PDF 已加密，无法读取", "the PDF is encrypted and cannot be read"
            )
        page_texts = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many unrelated types on broken files
        raise corrupt_file_error(path, "PDF", exc) from None
    return ocr_pdf(data, page_texts, path, ocr), None


def _extract_docx(data: bytes, path: Path) -> tuple[str, str | None]:
    with open_zip(
        data, max_members=DOCX_MAX_MEMBERS, max_uncompressed=DOCX_MAX_UNCOMPRESSED, path=path
    ) as archive:
        check_xml_elements(archive, max_elements=DOCX_MAX_XML_ELEMENTS, path=path)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document.iter_inner_content()))
    except Exception as exc:  # python-docx surfaces zip, XML and key errors alike
        raise corrupt_file_error(path, "DOCX", exc) from None
    return "\n".join(lines), None


def _docx_lines(blocks: Iterable[Paragraph | Table]) -> Iterator[str]:
    """Paragraphs and table rows in document order; a table row becomes 'cell | cell'."""
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                yield " | ".join(_docx_row_cells(row))
        elif len(block._p):
            yield block.text
        else:
            # An empty <w:p/>: skip python-docx's per-paragraph XPath (10^6 of them cost 27 s).
            yield ""


def _docx_row_cells(row: _Row) -> list[str]:
    """Cell texts of one row; a merged cell is reported by python-docx once per grid column."""
    cells: list[str] = []
    previous = None
    for cell in row.cells:
        if cell._tc is not previous:
            cells.append(" ".join(cell.text.split("\n")))
        previous = cell._tc
    return cells


_EXTRACTORS: dict[str, Callable[[bytes, Path], tuple[str, str | None]]] = {
    "txt": decode_text,
    "md": decode_text,
    "html": _extract_html,
    "docx": _extract_docx,
}


def _extract_csv(data: bytes, path: Path) -> tuple[Extraction, str | None]:
    text, encoding = decode_text(data, path)
    return read_csv(text, path), encoding


# Formats whose pages may be images: these readers OCR them.
_SCAN_READERS: dict[str, Callable[[bytes, Path, OcrOptions], tuple[Extraction, str | None]]] = {
    "pdf": _extract_pdf,
    "image": lambda data, path, ocr: (ocr_image_file(data, path, ocr), None),
}
_READERS: dict[str, Callable[[bytes, Path], tuple[Extraction, str | None]]] = {
    "ofd": lambda data, path: (read_ofd(data, path), None),
    "xlsx": lambda data, path: (read_xlsx(data, path), None),
    "csv": _extract_csv,
    "doc": lambda data, path: (Extraction(read_doc(data, path)), None),
}
