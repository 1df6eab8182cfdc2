"""What a reader returns when plain text is not enough: page boundaries, grid tables, OCR notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.grid import GridTable


@dataclass(frozen=True)
class Extraction:
    """Extracted text plus where each page starts in it (page n starts at `page_starts[n-1]`),
    tables that arrived as grids, and which pages were OCR'd or recognised with low confidence."""

    text: str
    page_starts: tuple[int, ...] = ()
    tables: tuple[GridTable, ...] = ()
    ocr_pages: tuple[int, ...] = ()
    low_confidence_pages: tuple[int, ...] = ()


def join_pages(
    pages: Sequence[str],
    tables: Sequence[GridTable] = (),
    ocr_pages: Sequence[int] = (),
    low_confidence_pages: Sequence[int] = (),
) -> Extraction:
    """Page texts joined by newlines, remembering the offset where each page starts."""
    starts: list[int] = []
    position = 0
    for page in pages:
        starts.append(position)
        position += len(page) + 1
    return Extraction(
        "\n".join(pages),
        tuple(starts),
        tuple(tables),
        tuple(ocr_pages),
        tuple(low_confidence_pages),
    )


def page_at(page_starts: Sequence[int], offset: int) -> int:
    """1-based page holding `offset`, or 0 when the document has no pages."""
    page = 0
    for number, start in enumerate(page_starts, start=1):
        if start > offset:
            break
        page = number
    return page
