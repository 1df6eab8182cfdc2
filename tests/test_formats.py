"""Spreadsheets, OFD and legacy .doc, on files the tests build to each format's structure."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest.errors import IngestError
from ingest.loaders import load_document
from ingest.pipeline import ProcessedDocument, process_paths
from tests.word97 import word97_doc

OFD_NS = "http://www.ofdspec.org/2016"


def ingest_one(path: Path) -> ProcessedDocument:
    (outcome,) = list(process_paths([path]))
    assert isinstance(outcome, ProcessedDocument), outcome
    return outcome


def merged_header_xlsx() -> bytes:
    """指标 table whose header spans two rows: 2025年 is merged over 目标值 and 完成值."""
    book = Workbook()
    sheet = book.active
    sheet.title = "主要指标"
    sheet.append(["序号", "指标", "2025年", None, "属性"])
    sheet.append([None, None, "目标值", "完成值", None])
    sheet.append([1, "高新技术企业数量（家）", 2600, 2712, "预期性"])
    sheet.append([2, "研发投入强度（%）", 3.5, 3.62, "预期性"])
    sheet.append([None, None, None, None, None])
    sheet.append([3, "技术合同成交额（亿元）", 3000, None, "预期性"])
    for cells in ("A1:A2", "B1:B2", "C1:D1", "E1:E2"):
        sheet.merge_cells(cells)
    second = book.create_sheet("联系人")
    second.append(["部门", "电话"])
    second.append(["市科技局", "020-83124000"])
    raw = io.BytesIO()
    book.save(raw)
    return raw.getvalue()


def test_xlsx_rows_become_table_row_chunks_with_merged_headers(tmp_path: Path) -> None:
    path = tmp_path / "指标.xlsx"
    path.write_bytes(merged_header_xlsx())
    processed = ingest_one(path)
    rows = [chunk.text for chunk in processed.chunks if chunk.kind == "table_row"]
    assert rows == [
        "主要指标 | 1 高新技术企业数量（家）: 2025年目标值 2600; 2025年完成值 2712; 属性 预期性",
        "主要指标 | 2 研发投入强度（%）: 2025年目标值 3.5; 2025年完成值 3.62; 属性 预期性",
        "主要指标 | 3 技术合同成交额（亿元）: 2025年目标值 3000; 属性 预期性",
        "联系人 | 市科技局: 电话 020-83124000",
    ]
    sections = {chunk.section for chunk in processed.chunks if chunk.kind == "table_row"}
    assert sections == {"主要指标", "联系人"}
    for chunk in processed.chunks:  # every chunk's span is its place in the cleaned text
        assert processed.cleaned[chunk.start : chunk.end] == chunk.text or chunk.kind == "text"


def test_csv_in_gbk_with_tabs_is_one_table(tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes("单位\t领域\t金额（万元）\n广州实验室\t生物医药\t500\n".encode("gbk"))
    processed = ingest_one(path)
    assert [c.text for c in processed.chunks if c.kind == "table_row"] == [
        "名单 | 广州实验室: 领域 生物医药; 金额（万元） 500"
    ]
    assert processed.document.encoding == "gb18030"


def test_broken_xlsx_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook>not closed")
    path.write_bytes(raw.getvalue())
    with pytest.raises(IngestError) as caught:
        load_document(path)
    assert "xlsx" in caught.value.reason_en.lower() and "XLSX" in caught.value.reason_zh


# --- OFD -------------------------------------------------------------------------------


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def ofd_page(paragraphs: list[str], size: float = 4.2, width: int = 36) -> str:
    """Content.xml with one TextObject per line, written bottom line first: the reader must
    order them by position, not by their order in the file."""
    objects = []
    y, ident = 30.0, 10
    for paragraph in paragraphs:
        for line in _wrap(paragraph, width):
            objects.append(
                f'<ofd:TextObject ID="{ident}" Boundary="25 {y:.1f} 160 {size + 2}" '
                f'Font="3" Size="{size}"><ofd:FillColor Value="0 0 0"/>'
                f'<ofd:TextCode X="0" Y="{size}" DeltaX="g {len(line) - 1} {size}">{line}'
                "</ofd:TextCode></ofd:TextObject>"
            )
            y += size * 1.8
            ident += 1
        y += size
    body = "".join(reversed(objects))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
        f'<ofd:Layer ID="2">{body}</ofd:Layer></ofd:Content></ofd:Page>'
    )


def build_ofd(pages: list[list[str]], extra: dict[str, str] | None = None) -> bytes:
    """An OFD package per GB/T 33190: OFD.xml -> Doc_0/Document.xml -> Pages/Page_N/Content.xml.

    The page folders are written in reverse order to show that page order comes from
    Document.xml."""
    page_refs = "".join(
        f'<ofd:Page ID="{100 + n}" BaseLoc="Pages/Page_{n}/Content.xml"/>'
        for n in range(len(pages))
    )
    members = {
        "OFD.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" '
            'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>6a3c</ofd:DocID>'
            "<ofd:Title>通知</ofd:Title><ofd:CreationDate>2025-03-01</ofd:CreationDate>"
            "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
        ),
        "Doc_0/Document.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}">'
            "<ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea>"
            "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
            "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
            f"<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>"
        ),
        "Doc_0/PublicRes.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{OFD_NS}" BaseLoc="Res">'
            '<ofd:Fonts><ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>'
        ),
    }
    for n in reversed(range(len(pages))):
        members[f"Doc_0/Pages/Page_{n}/Content.xml"] = ofd_page(pages[n])
    members.update(extra or {})
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return raw.getvalue()


OFD_PAGES = [
    [
        "广州市科学技术局关于组织申报2025年度广州市重点研发计划项目的通知",
        "各有关单位：为深入实施创新驱动发展战略，加快建设具有全球影响力的科技创新强市，"
        "现组织申报2025年度广州市重点研发计划项目，有关事项通知如下。",
    ],
    ["一、申报条件", "申报单位应为在广州市注册的企业、高校或科研机构，具有独立法人资格。"],
]


def test_ofd_text_in_page_order_with_page_numbers(tmp_path: Path) -> None:
    path = tmp_path / "通知.ofd"
    path.write_bytes(build_ofd(OFD_PAGES))
    document = load_document(path)
    assert document.source_format == "ofd"
    assert document.text.split("\n") == [*OFD_PAGES[0], *OFD_PAGES[1]]
    assert document.page_starts == (0, document.text.index("一、申报条件"))
    processed = ingest_one(path)
    by_page = {chunk.text[:6]: chunk.page for chunk in processed.chunks}
    assert by_page["广州市科学技"] == 1 and by_page["一、申报条件"] == 2


@pytest.mark.parametrize(
    ("extra", "drop", "zh", "en"),
    [
        ({"Doc_0/Encryptions.xml": "<Encryptions/>"}, None, "加密", "encrypted"),
        ({}, "Doc_0/Document.xml", "缺少", "missing"),
        ({"OFD.xml": "<ofd:OFD>no root"}, None, "XML", "not valid xml"),
    ],
    ids=["encrypted", "missing-document", "broken-xml"],
)
def test_bad_ofd_is_refused_with_a_bilingual_reason(
    tmp_path: Path, extra: dict[str, str], drop: str | None, zh: str, en: str
) -> None:
    data = build_ofd(OFD_PAGES, extra)
    if drop is not None:
        source = zipfile.ZipFile(io.BytesIO(data))
        raw = io.BytesIO()
        with zipfile.ZipFile(raw, "w") as archive:
            for item in source.infolist():
                if item.filename != drop:
                    archive.writestr(item, source.read(item))
        data = raw.getvalue()
    path = tmp_path / "bad.ofd"
    path.write_bytes(data)
    with pytest.raises(IngestError) as caught:
        load_document(path)
    assert zh in caught.value.reason_zh and en in caught.value.reason_en.lower()


def test_ofd_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.ofd"
    path.write_bytes("这不是 OFD".encode())
    with pytest.raises(IngestError) as caught:
        load_document(path)
    assert "zip" in caught.value.reason_en


# --- legacy .doc -------------------------------------------------------------------------


def test_doc_without_the_tool_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    with pytest.raises(IngestError) as caught:
        load_document(path)
    assert "antiword" in caught.value.reason_zh and "antiword" in caught.value.reason_en


NEEDS_ANTIWORD = pytest.mark.skipif(
    shutil.which("antiword") is None,
    reason="antiword not installed (apt-get install antiword catdoc; .ci/run does it)",
)


@NEEDS_ANTIWORD
def test_doc_text_is_read_by_antiword(tmp_path: Path) -> None:
    paragraphs = [
        "广州市科学技术局关于组织申报2025年度广州市重点研发计划项目的通知",
        "各有关单位：现将有关事项通知如下，申报截止时间为2025年3月31日。",
    ]
    path = tmp_path / "通知.doc"
    path.write_bytes(word97_doc(paragraphs))
    processed = ingest_one(path)
    assert processed.document.source_format == "doc"
    assert processed.cleaned.split("\n") == paragraphs


@NEEDS_ANTIWORD
def test_corrupt_doc_is_refused_with_the_tools_reason(tmp_path: Path) -> None:
    path = tmp_path / "broken.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    with pytest.raises(IngestError) as caught:
        load_document(path)
    assert "DOC" in caught.value.reason_zh and "cannot be read" in caught.value.reason_en


def test_broken_image_is_refused_before_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(IngestError) as caught:
        load_document(path)
    assert (
        "PNG" in caught.value.reason_zh
        and "corrupt or invalid png" in caught.value.reason_en.lower()
    )
