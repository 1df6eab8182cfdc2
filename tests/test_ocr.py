"""Offline OCR on scans drawn by the tests (WQY font, PIL): accuracy, tables, rotation, pages,
the resumable page cache, and no network. Kept to a few small pages: OCR costs seconds a page."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from pypdf import PdfReader, PdfWriter

from assistant.answer import Citation
from assistant.cli import main
from assistant.cli.ask import render
from evals.scan_render import (
    character_accuracy,
    font_path,
    pdf_bytes,
    png_bytes,
    rotated,
    table_page,
    text_layer_pdf,
    text_pages,
)
from ingest import ocr
from ingest.loaders import load_document
from ingest.ocr import Box, OcrOptions, OcrPage
from ingest.ocr_layout import lay_out
from ingest.pipeline import ProcessedDocument, process_paths
from tests.conftest import make_settings
from ui.render import citation_card
from vectorstore.index import SearchIndex
from vectorstore.indexer import index_outcomes
from vectorstore.search import HybridSearcher
from vectorstore.service import open_store

pytestmark = pytest.mark.skipif(font_path() is None, reason="fonts-wqy-microhei not installed")

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
TYPED_PAGE = "广州市科学技术局关于新型研发机构备案工作的通知"
TABLE_TITLE = "表1：2025年主要指标"
TABLE_HEADER = ("序号", "指标", "2020年", "2025年")
TABLE_ROWS = (
    ("1", "高新技术企业", "2000", "2600"),
    ("2", "研发投入强度", "3.1%", "3.5%"),
    ("3", "技术合同成交额", "2646", "3000"),
)


def corpus_paragraphs(count: int) -> list[str]:
    text = (CORPUS / "000_0e5a863861ba855e.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()][:count]


@dataclass(frozen=True)
class ScanRun:
    """A mixed PDF ingested twice: once interrupted after its first OCR'd page, then resumed."""

    processed: ProcessedDocument
    expected: dict[int, str]
    first_run_pages: list[str]
    resumed_pages: list[str]


def mixed_pdf(tmp: Path) -> tuple[Path, dict[int, str]]:
    """Page 1 has a text layer; pages 2-4 are scans: text, a ruled table, a sideways page."""
    text = text_pages(corpus_paragraphs(3))[0]
    table = table_page(TABLE_TITLE, TABLE_HEADER, TABLE_ROWS)
    sideways = rotated(text_pages([corpus_paragraphs(6)[5][:60]])[0])
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(text_layer_pdf([[TYPED_PAGE]]))))
    writer.append(PdfReader(io.BytesIO(pdf_bytes([text.image, table.image, sideways.image]))))
    path = tmp / "scan.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path, {2: text.text, 4: sideways.text}


@pytest.fixture(scope="module")
def scan_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScanRun]:
    tmp = tmp_path_factory.mktemp("scan")
    path, expected = mixed_pdf(tmp)
    options = OcrOptions.under(tmp / "data")
    monkeypatch = pytest.MonkeyPatch()
    done: list[str] = []
    real = ocr.ocr_image

    def interrupted(image: Image.Image) -> OcrPage:
        if done:
            raise KeyboardInterrupt  # Ctrl-C while the second scanned page is being read
        done.append(ocr.image_key(image))
        return real(image)

    monkeypatch.setattr(ocr, "ocr_image", interrupted)
    with pytest.raises(KeyboardInterrupt):
        list(process_paths([path], ocr=options))
    first_run = list(done)
    resumed: list[str] = []

    def counted(image: Image.Image) -> OcrPage:
        resumed.append(ocr.image_key(image))
        return real(image)

    monkeypatch.setattr(ocr, "ocr_image", counted)
    (processed,) = list(process_paths([path], ocr=options))
    monkeypatch.undo()
    assert isinstance(processed, ProcessedDocument), processed
    yield ScanRun(processed, expected, first_run, resumed)


def page_text(document_text: str, starts: tuple[int, ...], page: int) -> str:
    end = starts[page] if page < len(starts) else len(document_text)
    return document_text[starts[page - 1] : end]


@pytest.mark.slow
def test_only_pages_without_a_text_layer_are_ocrd(scan_run: ScanRun) -> None:
    document = scan_run.processed.document
    assert document.ocr_pages == (2, 3, 4)
    assert len(document.page_starts) == 4
    assert page_text(document.text, document.page_starts, 1).strip() == TYPED_PAGE


@pytest.mark.slow
def test_character_accuracy_on_scanned_and_sideways_pages(scan_run: ScanRun) -> None:
    document = scan_run.processed.document
    for page, source in scan_run.expected.items():
        recognised = page_text(document.text, document.page_starts, page)
        assert character_accuracy(source, recognised) >= 0.97, (page, recognised)
    assert document.low_confidence_pages == ()


@pytest.mark.slow
def test_scanned_lines_are_joined_into_paragraphs(scan_run: ScanRun) -> None:
    paragraphs = corpus_paragraphs(3)
    lines = scan_run.processed.cleaned.split("\n")
    for paragraph in paragraphs:
        assert any(character_accuracy(paragraph, line) >= 0.97 for line in lines), paragraph


@pytest.mark.slow
def test_table_page_rows_are_rebuilt_with_headers(scan_run: ScanRun) -> None:
    processed = scan_run.processed
    rows = [(chunk.text, chunk.page) for chunk in processed.chunks if chunk.kind == "table_row"]
    assert rows == [
        (f"{TABLE_TITLE} | 1 高新技术企业: 2020年 2000; 2025年 2600", 3),
        (f"{TABLE_TITLE} | 2 研发投入强度: 2020年 3.1%; 2025年 3.5%", 3),
        (f"{TABLE_TITLE} | 3 技术合同成交额: 2020年 2646; 2025年 3000", 3),
    ]
    assert TABLE_TITLE not in page_text(processed.document.text, processed.document.page_starts, 3)


@pytest.mark.slow
def test_chunks_know_their_pages(scan_run: ScanRun) -> None:
    processed = scan_run.processed
    pages = [(chunk.text, chunk.page) for chunk in processed.chunks]
    assert next(page for text, page in pages if text.startswith(TYPED_PAGE)) == 1
    assert next(page for text, page in pages if text.startswith("广州市新型研发机构")) == 2


@pytest.mark.slow
def test_citation_card_of_a_scanned_page_shows_its_page(scan_run: ScanRun, tmp_path: Path) -> None:
    """The page survives the store: index the scan, retrieve a table row, render its card."""
    store = open_store(make_settings(tmp_path / "data"))
    results = list(index_outcomes(store, iter([scan_run.processed])))
    assert [result.status for result in results] != ["error"]
    searcher = HybridSearcher(SearchIndex(store), store.embeddings)
    passage = next(
        p for p in searcher.search("技术合同成交额 2025年", 10) if p.chunk.kind == "table_row"
    )
    assert passage.chunk.page == 3
    card = citation_card(Citation(1, passage, "3000").to_json())
    assert "第3页" in card and "3000" in card
    cited = SimpleNamespace(text="3000[1]", warnings=(), citations=[Citation(1, passage, "3000")])
    assert "第3页" in render(cited).splitlines()[3]  # the CLI's citation line


@pytest.mark.slow
def test_interrupted_ocr_resumes_without_redoing_finished_pages(scan_run: ScanRun) -> None:
    assert len(scan_run.first_run_pages) == 1
    assert scan_run.first_run_pages[0] not in scan_run.resumed_pages
    assert len(scan_run.resumed_pages) == 2


@pytest.mark.slow
def test_ocr_runs_with_the_network_blocked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The models ship in the wheel: loading the engine and reading a page needs no network."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network is disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    ocr._engine.cache_clear()
    line = corpus_paragraphs(3)[2][:40]
    page = text_pages([line])[0]
    path = tmp_path / "page.png"
    path.write_bytes(png_bytes(page.image.crop((0, 0, 1240, 400))))
    document = load_document(path)
    assert (document.source_format, document.ocr_pages) == ("image", (1,))
    assert character_accuracy(page.text, document.text) >= 0.97


@pytest.mark.slow
def test_ingest_caches_ocr_pages_in_the_configured_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page cache follows POLICY_QA_DATA_DIR through the settings, not the working dir."""
    image = Image.new("L", (700, 100), 255)
    font = ImageFont.truetype(str(font_path()), 24)
    ImageDraw.Draw(image).text((20, 30), "广州市科学技术局关于申报项目的通知", font=font, fill=0)
    path = tmp_path / "notice.png"
    path.write_bytes(png_bytes(image))
    data_dir = tmp_path / "data"
    monkeypatch.setenv("POLICY_QA_DATA_DIR", str(data_dir))
    monkeypatch.chdir(tmp_path)
    assert main(["ingest", "--dry-run", "--json", str(path)]) == 0
    assert len(list((data_dir / ocr.CACHE_SUBDIR).rglob("*.json"))) == 1
    assert not (tmp_path / ".policy-qa").exists()


@pytest.mark.slow
def test_blurred_scan_is_reported_as_low_confidence(tmp_path: Path) -> None:
    image = Image.new("L", (700, 160), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(font_path()), 16)
    draw.text((20, 30), "广州市科学技术局关于申报项目的通知", font=font, fill=0)
    draw.text((20, 80), "研发投入强度达到百分之三点五", font=font, fill=0)
    path = tmp_path / "blurred.png"
    path.write_bytes(png_bytes(image.filter(ImageFilter.GaussianBlur(2.0))))
    document = load_document(path)
    assert document.low_confidence_pages == (1,)


def _box(text: str, x0: float, y0: float, width: float) -> Box:
    return Box(text, x0, y0, x0 + width, y0 + 30, 0.99)


def test_two_columns_are_read_column_by_column_under_a_spanning_title() -> None:
    """Boxes as OCR returns them for a two-column page: the title spans both columns."""
    boxes = [
        _box("通知标题横跨两栏", 100, 50, 1000),
        *(_box(f"左栏第{n}行内容", 100, 120 + 50 * n, 480) for n in range(4)),
        *(_box(f"右栏第{n}行内容", 640, 120 + 50 * n, 480) for n in range(4)),
    ]
    layout = lay_out(OcrPage(tuple(reversed(boxes)), 1240, 1754), 1)
    assert layout.text.split("\n") == [
        "通知标题横跨两栏",
        "左栏第0行内容左栏第1行内容左栏第2行内容左栏第3行内容",
        "右栏第0行内容右栏第1行内容右栏第2行内容右栏第3行内容",
    ]
    assert layout.tables == ()
