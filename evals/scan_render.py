"""Scanned pages drawn on the spot (for the OCR tests and `make bench`): Chinese text rendered
with the WQY font by PIL, saved as page images or as an image-only PDF (no text layer), like a
photocopier's output. Nothing is downloaded."""

from __future__ import annotations

import ctypes
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
PAGE_SIZE = (1240, 1754)  # A4 at 150 dpi
MARGIN = 110
FONT_PX = 30
LINE_PX = 52
DPI = 150


def font_path() -> Path | None:
    return next((path for path in FONT_PATHS if path.is_file()), None)


def _font_file() -> Path:
    path = font_path()
    assert path is not None, "fonts-wqy-microhei missing (apt-get install fonts-wqy-microhei)"
    return path


def _font(size: int = FONT_PX) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_font_file()), size)


@dataclass(frozen=True)
class ScanPage:
    """One page image and the text drawn on it (what a perfect OCR would read)."""

    image: Image.Image
    text: str


def _wrap(paragraph: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, current = [], ""
    for ch in paragraph:
        if font.getlength(current + ch) > width and current:
            lines.append(current)
            current = ""
        current += ch
    return [*lines, current] if current else lines


def text_pages(paragraphs: Sequence[str]) -> list[ScanPage]:
    """Paragraphs typeset onto as many pages as they need (first lines indented two chars)."""
    font = _font()
    width = PAGE_SIZE[0] - 2 * MARGIN
    pages: list[ScanPage] = []
    image, draw, y, drawn = _blank()
    for paragraph in paragraphs:
        for index, line in enumerate(_wrap("　　" + paragraph, font, width)):
            if y + LINE_PX > PAGE_SIZE[1] - MARGIN:
                pages.append(ScanPage(image, "".join(drawn)))
                image, draw, y, drawn = _blank()
            draw.text((MARGIN, y), line, font=font, fill=0)
            drawn.append(line.lstrip("　") if index == 0 else line)
            y += LINE_PX
    if drawn:
        pages.append(ScanPage(image, "".join(drawn)))
    return pages


def _blank() -> tuple[Image.Image, ImageDraw.ImageDraw, int, list[str]]:
    image = Image.new("L", PAGE_SIZE, 255)
    return image, ImageDraw.Draw(image), MARGIN, []


def table_page(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> ScanPage:
    """A ruled table under its title, cells centred in fixed-width columns."""
    font = _font()
    image, draw, y, _ = _blank()
    draw.text((MARGIN, y), title, font=font, fill=0)
    y += 2 * LINE_PX
    columns = len(header)
    cell_width = (PAGE_SIZE[0] - 2 * MARGIN) // columns
    row_height = 2 * LINE_PX
    grid = [list(header), *map(list, rows)]
    for r, row in enumerate(grid):
        top = y + r * row_height
        for c, cell in enumerate(row):
            left = MARGIN + c * cell_width
            draw.rectangle((left, top, left + cell_width, top + row_height), outline=90, width=2)
            text_width = font.getlength(cell)
            draw.text(
                (left + (cell_width - text_width) / 2, top + (row_height - FONT_PX) / 2),
                cell,
                font=font,
                fill=0,
            )
    text = title + "".join("".join(row) for row in grid)
    return ScanPage(image, text)


def rotated(page: ScanPage, angle: int = 90) -> ScanPage:
    """The page as a scanner that fed it sideways would deliver it."""
    return ScanPage(page.image.rotate(angle, expand=True, fillcolor=255), page.text)


def pdf_bytes(images: Sequence[Image.Image]) -> bytes:
    """An image-only PDF (no text layer), one page per image."""
    buffer = io.BytesIO()
    first, *rest = [image.convert("RGB") for image in images]
    first.save(buffer, "PDF", resolution=DPI, save_all=True, append_images=rest)
    return buffer.getvalue()


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def character_accuracy(expected: str, recognised: str) -> float:
    """1 - CER: one minus the character edit distance over the expected length, ignoring
    whitespace (layout, not content)."""
    a = "".join(expected.split())
    b = "".join(recognised.split())
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return 1 - previous[-1] / max(len(a), 1)


def text_layer_pdf(pages: Sequence[Sequence[str]], size: float = 12.0) -> bytes:
    """A typed PDF (a real text layer in the WQY font, embedded) with these lines per page:
    the baseline that OCR is compared with."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    font_bytes = _font_file().read_bytes()
    font_buffer = (ctypes.c_uint8 * len(font_bytes)).from_buffer_copy(font_bytes)
    pdf = pypdfium2.PdfDocument.new()
    font = pdfium_c.FPDFText_LoadFont(
        pdf.raw, font_buffer, len(font_bytes), pdfium_c.FPDF_FONT_TRUETYPE, True
    )
    for lines in pages:
        page = pdf.new_page(595, 842)
        for number, line in enumerate(lines):
            text = pdfium_c.FPDFPageObj_CreateTextObj(pdf.raw, font, size)
            wide = ctypes.create_string_buffer((line + "\x00").encode("utf-16-le"))
            pdfium_c.FPDFText_SetText(text, ctypes.cast(wide, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
            pdfium_c.FPDFPageObj_Transform(text, 1, 0, 0, 1, 50, 800 - number * size * 1.6)
            pdfium_c.FPDFPage_InsertObject(page.raw, text)
        pdfium_c.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
