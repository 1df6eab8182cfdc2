"""OFD (GB/T 33190, China's fixed-layout format) -> text by page, from the package's XML.

An OFD file is a zip: OFD.xml names each document's Document.xml, which lists the pages in
order; each page's Content.xml holds TextObject elements (a position and a size) whose
TextCode children carry the text. The text objects are laid out like OCR boxes, so columns,
lines and paragraphs are rebuilt by the same code as for scans.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ingest.errors import IngestError
from ingest.extraction import Extraction, join_pages
from ingest.grid import GridTable
from ingest.ocr import Box, OcrPage
from ingest.ocr_layout import lay_out
from ingest.zipguard import check_xml_elements, open_zip

OFD_MAX_MEMBERS = 20_000
OFD_MAX_UNCOMPRESSED = 256 * 1024 * 1024
OFD_MAX_XML_ELEMENTS = 3_000_000
_ENCRYPTION_MARKERS = ("encryption", "encrypt")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> Iterator[ET.Element]:
    return (child for child in element.iter() if _local(child.tag) == name)


def _broken(path: Path, zh: str, en: str) -> IngestError:
    return IngestError(str(path), f"OFD 文件无效：{zh}", f"invalid OFD file: {en}")


def _xml(archive: zipfile.ZipFile, name: str, path: Path) -> ET.Element:
    try:
        raw = archive.read(name.lstrip("/"))
    except KeyError:
        raise _broken(path, f"缺少 {name}", f"{name} is missing") from None
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise _broken(path, f"{name} 含有 DTD 声明", f"{name} declares a DTD")
    try:
        return ET.fromstring(raw)
    except ET.ParseError as exc:
        zh, en = f"{name} 不是有效的 XML（{exc}）", f"{name} is not valid XML ({exc})"
        raise _broken(path, zh, en) from None


def _resolve(base: str, location: str) -> str:
    """OFD locations are relative to the referring file's folder, or absolute from the root."""
    location = location.strip().replace("\\", "/")
    if location.startswith("/"):
        return location.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), location))


def _numbers(text: str | None, count: int) -> list[float]:
    values = [float(v) for v in (text or "").split()[:count]]
    return values + [0.0] * (count - len(values))


def _page_boxes(page: ET.Element) -> list[Box]:
    boxes = []
    for text_object in _children(page, "TextObject"):
        x, y, _, _ = _numbers(text_object.get("Boundary"), 4)
        size = float(text_object.get("Size") or 3.5)
        for code in _children(text_object, "TextCode"):
            text = (code.text or "").strip()
            if not text:
                continue
            left = x + float(code.get("X") or 0)
            baseline = y + float(code.get("Y") or 0)
            boxes.append(Box(text, left, baseline - size, left + size * len(text), baseline, 1.0))
    return boxes


def _refuse_encrypted(archive: zipfile.ZipFile, root: ET.Element, path: Path) -> None:
    names = [name.lower() for name in archive.namelist()]
    tags = [_local(element.tag).lower() for element in root.iter()]
    if any(marker in item for marker in _ENCRYPTION_MARKERS for item in names + tags):
        raise IngestError(
            str(path), "OFD 文件已加密，无法读取", "the OFD file is encrypted and cannot be read"
        )


def _pages(archive: zipfile.ZipFile, path: Path) -> Iterator[list[Box]]:
    root = _xml(archive, "OFD.xml", path)
    _refuse_encrypted(archive, root, path)
    doc_roots = [(element.text or "").strip() for element in _children(root, "DocRoot")]
    if not any(doc_roots):
        raise _broken(path, "OFD.xml 中没有 DocRoot", "OFD.xml names no DocRoot")
    for doc_root in filter(None, doc_roots):
        document_name = _resolve("OFD.xml", doc_root)
        document = _xml(archive, document_name, path)
        for page in _children(document, "Page"):
            location = page.get("BaseLoc")
            if location:
                content = _xml(archive, _resolve(document_name, location), path)
                yield _page_boxes(content)


def read_ofd(data: bytes, path: Path) -> Extraction:
    with open_zip(
        data, max_members=OFD_MAX_MEMBERS, max_uncompressed=OFD_MAX_UNCOMPRESSED, path=path
    ) as archive:
        check_xml_elements(archive, max_elements=OFD_MAX_XML_ELEMENTS, path=path)
        texts: list[str] = []
        tables: list[GridTable] = []
        for number, boxes in enumerate(_pages(archive, path), start=1):
            width = int(max((box.x1 for box in boxes), default=0)) + 1
            height = int(max((box.y1 for box in boxes), default=0)) + 1
            layout = lay_out(OcrPage(tuple(boxes), width, height), number)
            texts.append(layout.text)
            tables.extend(layout.tables)
    if not texts:
        raise _broken(path, "没有任何页面", "it has no pages")
    return join_pages(texts, tables)
