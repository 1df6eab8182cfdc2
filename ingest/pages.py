"""Which page each chunk starts on, so a citation can say 第3页.

Cleaning only deletes (whitespace, markup, repeated lines), so a chunk's opening characters,
whitespace aside, appear in the extracted text in order: finding them there, never before
the previous chunk's start, gives the offset whose page holds the chunk.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from ingest.extraction import page_at

ANCHOR_CHARS = 24
MIN_ANCHOR_CHARS = 6


def _squeeze(text: str) -> tuple[str, list[int]]:
    """`text` without whitespace, and each kept character's offset in `text`."""
    offsets = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in offsets), offsets


def chunk_pages(
    raw: str, page_starts: Sequence[int], cleaned: str, spans: Sequence[tuple[int, int]]
) -> list[int]:
    """1-based page of each span's start (0 when unknown or the document has no pages)."""
    if not page_starts:
        return [0] * len(spans)
    squeezed, offsets = _squeeze(raw)
    cursor, page = 0, 0
    pages = []
    for start, end in spans:
        anchor = "".join(cleaned[start:end].split())
        for size in (ANCHOR_CHARS, MIN_ANCHOR_CHARS):
            found = squeezed.find(anchor[:size], cursor) if anchor else -1
            if found >= 0:
                cursor = found
                page = page_at(page_starts, offsets[found])
                break
        pages.append(page)
    return pages


def chunk_paragraphs(text: str, starts: Sequence[int]) -> list[int]:
    """1-based paragraph (non-empty line of the cleaned text) each offset falls in.

    Sources without pages (text, Word, web pages) are cited as 第N段 instead of 第N页.
    """
    paragraph_starts, offset = [], 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            paragraph_starts.append(offset)
        offset += len(line)
    return [max(bisect_right(paragraph_starts, start), 1) for start in starts]
