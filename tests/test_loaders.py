"""Loaders on real inputs: every encoding and format we accept, and every way a file can be unusable."""

from __future__ import annotations

import codecs
import hashlib
import io
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from evals import scan_render
from ingest import loaders
from ingest.clean import clean_text
from ingest.errors import IngestError
from ingest.loaders import SUPPORTED_SUFFIXES, iter_corpus_files, load_document
from tests.hostile import empty_paragraphs_docx, paragraphs_page, zip_bomb_docx

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def chinese_text() -> str:
    """Real corpus text, with the punctuation and full-width characters government files carry."""
    return (CORPUS / "000_0e5a863861ba855e.txt").read_text(encoding="utf-8")


def minimal_pdf(text: str | None) -> bytes:
    """A hand-written one-page PDF with correct xref offsets; no text operators when text is None."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode("ascii") if text else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def assert_bilingual(error: IngestError, path: Path, english_keyword: str) -> None:
    """Readers of either language must learn which file failed and why."""
    assert error.path == str(path)
    assert re.search(r"[\u4e00-\u9fff]", error.reason_zh)
    assert english_keyword in error.reason_en.lower()
    assert str(path) in str(error)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_files_load_unchanged_with_hash(path: Path) -> None:
    document = load_document(path, root=CORPUS)
    assert document.doc_id == path.name
    assert document.text == path.read_text(encoding="utf-8")
    assert (document.source_format, document.encoding) == ("txt", "utf-8")
    assert document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("data_for", "encoding"),
    [
        (lambda text: text.encode("gbk"), "gb18030"),
        (lambda text: text.encode("utf-8-sig"), "utf-8-sig"),
        (lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "utf-16-le"),
        (lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "utf-16-be"),
    ],
    ids=["gbk", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_encodings_decode_to_the_utf8_original(
    tmp_path: Path, chinese_text: str, data_for: Callable[[str], bytes], encoding: str
) -> None:
    path = write(tmp_path / "notice.txt", data_for(chinese_text))
    document = load_document(path)
    assert document.text == chinese_text
    assert document.encoding == encoding


def test_charset_normalizer_is_the_last_resort(tmp_path: Path) -> None:
    original = "Научно-технические инновации в Гуанчжоу: поддержка предприятий на 2025 год. " * 5
    path = write(tmp_path / "russian.txt", original.encode("cp1251"))
    document = load_document(path)
    assert document.text == original
    assert document.encoding not in {"utf-8", "gb18030"}


def test_md_is_read_as_text(tmp_path: Path) -> None:
    original = "# 广州市科技创新政策\n\n- **研发投入**：按比例补助\n"
    document = load_document(write(tmp_path / "guide.md", original.encode("utf-8")))
    assert (document.text, document.source_format) == (original, "md")


def test_html_drops_page_furniture_and_keeps_blocks(tmp_path: Path) -> None:
    markup = """<!DOCTYPE html><html><head><title>政策解读</title>
      <style>p { color: red }</style><script>var secret = "脚本内容";</script></head>
      <body><nav>首页 | 关于我们</nav><header>站点页眉</header>
      <div><h1>广州市科技创新条例</h1>
      <p>第一条  为了
         推动科技创新，制定本条例。</p><p>第二条<br>适用范围。</p>
      <table><tr><th>指标</th><th>2025年目标</th></tr><tr><td>高企</td><td>2600</td></tr></table>
      <!-- 注释不是正文 --><noscript>请启用脚本</noscript></div>
      <aside>相关链接</aside><form>搜索</form><footer>版权所有</footer></body></html>"""
    document = load_document(write(tmp_path / "page.html", markup.encode("utf-8")))
    assert document.text == (
        "政策解读\n广州市科技创新条例\n第一条 为了 推动科技创新，制定本条例。\n第二条\n适用范围。\n"
        "指标 | 2025年目标\n高企 | 2600"
    )
    assert (document.source_format, document.encoding) == ("html", "utf-8")


def test_html_with_many_paragraphs_keeps_one_line_each(tmp_path: Path) -> None:
    document = load_document(write(tmp_path / "many.html", paragraphs_page(3_000).encode()))
    assert document.text.split("\n") == ["段落", *(f"第{n}段" for n in range(3_000))]


def test_html_with_too_many_elements_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "flood.html", paragraphs_page(3_000).encode())
    monkeypatch.setattr(loaders, "HTML_MAX_TAGS", 5_000)
    with pytest.raises(IngestError) as caught:
        load_document(path)
    assert_bilingual(caught.value, path, "too many html elements")


def test_docx_paragraphs_and_table_rows_in_document_order(tmp_path: Path) -> None:
    built = docx.Document()
    built.add_heading("广州市科技创新政策", level=1)
    built.add_paragraph("第一段：支持企业加大研发投入。")
    table = built.add_table(rows=3, cols=2)
    for row, values in enumerate([("指标", "2025年目标值"), ("高新技术企业数（家）", "2600")]):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    table.cell(2, 0).merge(table.cell(2, 1)).text = "合计"
    built.add_paragraph("结尾段。")
    path = tmp_path / "policy.docx"
    built.save(str(path))

    document = load_document(path)
    assert document.text.split("\n") == [
        "广州市科技创新政策",
        "第一段：支持企业加大研发投入。",
        "指标 | 2025年目标值",
        "高新技术企业数（家） | 2600",
        "合计",
        "结尾段。",
    ]
    assert (document.source_format, document.encoding) == ("docx", None)


def test_docx_of_empty_paragraphs_keeps_its_text(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.docx", empty_paragraphs_docx(2_000, "唯一的正文。"))
    document = load_document(path)
    assert document.text.strip() == "唯一的正文。"
    assert document.text.count("\n") == 2_000


def test_docx_with_too_many_elements_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "many.docx", empty_paragraphs_docx(2_000))
    monkeypatch.setattr(loaders, "DOCX_MAX_XML_ELEMENTS", 1_000)
    with pytest.raises(IngestError) as caught:
        load_document(path)
    assert_bilingual(caught.value, path, "too many xml elements")


def test_zip_bomb_docx_is_refused_by_its_unpacked_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "bomb.docx", zip_bomb_docx(3_000_000))
    assert path.stat().st_size < 45_000  # a 36 KB template plus ~4 KB for 3 MB of XML
    monkeypatch.setattr(loaders, "DOCX_MAX_UNCOMPRESSED", 1_000_000)
    with pytest.raises(IngestError) as caught:
        load_document(path)
    assert_bilingual(caught.value, path, "zip bomb")


def test_hand_written_pdf_text_is_extracted(tmp_path: Path) -> None:
    document = load_document(
        write(tmp_path / "target.pdf", minimal_pdf("Guangzhou 2025 target 2600"))
    )
    assert "Guangzhou 2025 target 2600" in document.text
    assert (document.source_format, document.encoding) == ("pdf", None)


@pytest.mark.skipif(scan_render.font_path() is None, reason="needs fonts-wqy-microhei")
def test_multi_page_pdf_lines_join_with_a_space_only_between_latin_and_digits(
    tmp_path: Path,
) -> None:
    """A typed PDF (real text layer, CJK font embedded) whose page ends with an English
    sentence and whose next page starts with a running header: the cleaner rejoins them with
    a space ("2026. Page 2"), and a Chinese line broken across PDF lines without one."""
    pages = [
        [
            f"Page {n} of the Guangzhou science and technology annual report, continued",
            f"本市推动第{n}批新型研发机构高质量发展，支持企业牵头组建创新联合体，提升",
            f"自主创新能力和产业竞争力，第{n}批项目。",
            f"The report on innovation policy, part {n}, was issued on {n} November 2026.",
        ]
        for n in range(1, 11)
    ]
    path = write(tmp_path / "report.pdf", scan_render.text_layer_pdf(pages))
    cleaned = clean_text(load_document(path).text).text
    for n in range(1, 10):
        assert f"issued on {n} November 2026. Page {n + 1} of the Guangzhou" in cleaned
        assert f"创新联合体，提升自主创新能力和产业竞争力，第{n}批项目。" in cleaned
    assert "2026.Page" not in cleaned and "提升 自主" not in cleaned


def test_pdf_without_text_is_reported_as_scanned(tmp_path: Path) -> None:
    path = write(tmp_path / "scan.pdf", minimal_pdf(None))
    with pytest.raises(IngestError) as caught:
        load_document(path)
    assert_bilingual(caught.value, path, "no extractable text")
    assert "OCR" in caught.value.reason_zh


def corrupt_zip() -> bytes:
    """A valid zip archive that is not a Word package."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        archive.writestr("word/document.xml", "<w:document>not closed")
    return raw.getvalue()


BAD_FILES = [
    ("empty.txt", b"", "empty"),
    ("blank.txt", " \n\t\r\n\u3000\n".encode(), "no text"),
    ("blank.md", b"\n\n\n", "no text"),
    ("blank.html", b"<html><script>x()</script><p>  </p></html>", "no text"),
    ("random.txt", random.Random(7).randbytes(4096) + b"\x00\x00", "binary"),
    ("controls.txt", bytes(range(1, 9)) * 200, "binary"),
    ("broken.pdf", b"%PDF-1.4\n" + random.Random(8).randbytes(2048), "corrupt"),
    ("broken.docx", b"PK\x03\x04" + random.Random(9).randbytes(2048), "corrupt"),
    ("not-word.docx", corrupt_zip(), "corrupt"),
    ("slides.pptx", b"PK\x03\x04 slides", "unsupported"),
    ("README", b"no extension", "unsupported"),
]


@pytest.mark.parametrize(("name", "data", "keyword"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_unusable_files_raise_bilingual_errors(
    tmp_path: Path, name: str, data: bytes, keyword: str
) -> None:
    path = write(tmp_path / name, data)
    with pytest.raises(IngestError) as caught:
        load_document(path)
    assert_bilingual(caught.value, path, keyword)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"
    with pytest.raises(IngestError) as caught:
        load_document(path)
    assert_bilingual(caught.value, path, "not found")


def test_oversized_file_is_refused_before_reading(tmp_path: Path, chinese_text: str) -> None:
    path = write(tmp_path / "big.txt", chinese_text.encode("utf-8"))
    with pytest.raises(IngestError) as caught:
        load_document(path, max_bytes=100)
    assert_bilingual(caught.value, path, "too large")
    assert load_document(path, max_bytes=path.stat().st_size).text == chinese_text


def test_iter_corpus_files_expands_dirs_and_keeps_unsupported(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for name in [
        "a.txt",
        "notes.xyz",
        "sub/b.md",
        "sub/deeper/c.html",
        ".hidden.txt",
        ".git/config.txt",
        "sub/.cache/d.txt",
        "catalog.json",
    ]:
        write(corpus / name, "广州科技创新".encode())
    outside = write(tmp_path / "elsewhere" / "extra.txt", b"extra")

    pairs = iter_corpus_files([corpus, outside, corpus / "a.txt"])

    assert pairs == [
        (corpus / "a.txt", corpus),
        (corpus / "notes.xyz", corpus),
        (corpus / "sub/b.md", corpus),
        (corpus / "sub/deeper/c.html", corpus),
        (outside, outside.parent),
    ]
    assert ".xyz" not in SUPPORTED_SUFFIXES
    ids = [load_document(file, root).doc_id for file, root in pairs if file.suffix != ".xyz"]
    assert ids == ["a.txt", "sub/b.md", "sub/deeper/c.html", "extra.txt"]


def test_doc_id_outside_root_is_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path / "x" / "y.txt", b"text")
    assert load_document(path, root=tmp_path / "other").doc_id == "y.txt"
    assert load_document(path).doc_id == "y.txt"


def test_bundled_corpus_lists_only_documents() -> None:
    pairs = iter_corpus_files([CORPUS])
    assert [file for file, _ in pairs] == CORPUS_FILES
    assert {root for _, root in pairs} == {CORPUS}
