"""Scanned pages -> text: OCR only the pages that have no usable text layer.

A PDF often mixes typed pages with scanned ones (a signed cover, an annex); its text layer
is used wherever it exists and only the other pages are rendered and OCR'd, so typed text
is never degraded by recognition errors.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pypdfium2
from PIL import Image, ImageSequence

from ingest.errors import IngestError, corrupt_file_error
from ingest.extraction import Extraction, join_pages
from ingest.grid import GridTable
from ingest.ocr import LOW_CONFIDENCE, OcrOptions, OcrPage, ocr_pages
from ingest.ocr_layout import lay_out

# Fewer visible characters than this on a page means no usable text layer (a scan may carry
# a stray page number or a producer's watermark as text).
MIN_TEXT_LAYER_CHARS = 10
RENDER_DPI = 160
MAX_RENDER_SIDE = 2200
MAX_IMAGE_PAGES = 500


def has_text_layer(text: str) -> bool:
    return sum(not ch.isspace() for ch in text) >= MIN_TEXT_LAYER_CHARS


def _assemble(texts: list[str], done: Iterator[tuple[int, OcrPage]]) -> Extraction:
    """Put each OCR'd page's laid-out text in its slot; collect tables and weak pages."""
    tables: list[GridTable] = []
    recognised: list[int] = []
    weak: list[int] = []
    for number, page in done:
        layout = lay_out(page, number)
        texts[number - 1] = layout.text
        tables.extend(layout.tables)
        recognised.append(number)
        if page.boxes and page.confidence < LOW_CONFIDENCE:
            weak.append(number)
    return join_pages(texts, tables, recognised, weak)


def _render_pages(data: bytes, numbers: list[int]) -> Iterator[tuple[int, Image.Image]]:
    pdf = pypdfium2.PdfDocument(data)
    try:
        for number in numbers:
            page = pdf[number - 1]
            width, height = page.get_size()
            scale = min(RENDER_DPI / 72, MAX_RENDER_SIDE / max(width, height))
            yield number, page.render(scale=scale).to_pil()
    finally:
        pdf.close()


def ocr_pdf(data: bytes, page_texts: list[str], path: Path, options: OcrOptions) -> Extraction:
    """Text of every page: its text layer, or OCR where the layer is missing."""
    scanned = [n for n, text in enumerate(page_texts, start=1) if not has_text_layer(text)]
    if not scanned:
        return join_pages(page_texts)
    texts = list(page_texts)
    try:
        done = ocr_pages(_render_pages(data, scanned), len(scanned), options, path.name)
        return _assemble(texts, done)
    except pypdfium2.PdfiumError as exc:
        raise IngestError(
            str(path),
            f"扫描页无法渲染或识别（{type(exc).__name__}: {exc}）"[:240],
            f"scanned pages could not be rendered or recognised ({type(exc).__name__}: {exc})"[
                :240
            ],
        ) from None


def _frames(image: Image.Image) -> Iterator[tuple[int, Image.Image]]:
    for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
        if number > MAX_IMAGE_PAGES:
            break
        yield number, frame.convert("RGB")


def ocr_image_file(data: bytes, path: Path, options: OcrOptions) -> Extraction:
    """A .png/.jpg/.tif scan; a multi-page TIFF is one page per frame."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
        total = min(getattr(image, "n_frames", 1), MAX_IMAGE_PAGES)
        texts = [""] * total
        return _assemble(texts, ocr_pages(_frames(image), total, options, path.name))
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise corrupt_file_error(path, path.suffix.lstrip(".").upper() or "image", exc) from None
