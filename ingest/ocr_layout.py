"""Rebuild reading order from OCR boxes: tables, columns, lines, then paragraphs.

OCR returns text lines as boxes in no reliable order. A page is read as a person would:
runs of lines whose boxes line up in three or more columns are a table; the rest is split
into text columns at vertical gutters (a box that spans a gutter, such as a title, is read
where it stands); each column is read top to bottom and a line that reaches the column's
right edge continues into the next one unless that one is indented. The result then goes
through the same line-break repair as every other text (`ingest.clean`).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.grid import GridTable
from ingest.headings import TABLE_TITLE
from ingest.ocr import Box, OcrPage

MIN_TABLE_COLUMNS = 3
MIN_TABLE_ROWS = 3
_SAME_LINE_OVERLAP = 0.5
_GUTTER_FRACTION = 0.02
_SPANNER_FRACTION = 0.6
_MIN_COLUMN_BOXES = 3
_MAX_TITLE_CHARS = 40


@dataclass(frozen=True)
class PageLayout:
    """A page's prose in reading order (paragraphs separated by newlines) and its tables."""

    text: str
    tables: tuple[GridTable, ...]


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def group_lines(boxes: Sequence[Box]) -> list[list[Box]]:
    """Boxes that share most of their height form one line, left to right."""
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.center_y):
        if lines:
            line = lines[-1]
            top, bottom = min(b.y0 for b in line), max(b.y1 for b in line)
            shared = _overlap(top, bottom, box.y0, box.y1)
            if shared >= _SAME_LINE_OVERLAP * min(box.height, bottom - top):
                line.append(box)
                continue
        lines.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def _segments(boxes: Sequence[Box], min_gap: float) -> list[tuple[float, float]]:
    """The union of the boxes' x-ranges, split wherever at least `min_gap` is uncovered."""
    merged: list[list[float]] = []
    for box in sorted(boxes, key=lambda b: b.x0):
        if merged and box.x0 - merged[-1][1] < min_gap:
            merged[-1][1] = max(merged[-1][1], box.x1)
        else:
            merged.append([box.x0, box.x1])
    return [(a, b) for a, b in merged]


def _column_of(box: Box, segments: Sequence[tuple[float, float]]) -> int:
    return next(
        (i for i, (a, b) in enumerate(segments) if a <= box.center_x <= b), len(segments) - 1
    )


def _as_table(lines: list[list[Box]], min_gap: float) -> list[list[str]] | None:
    """Cell texts if these lines form a grid of at least 3 columns, else None."""
    segments = _segments([box for line in lines for box in line], min_gap)
    if len(segments) < MIN_TABLE_COLUMNS:
        return None
    rows = []
    for line in lines:
        cells = [""] * len(segments)
        for box in line:
            column = _column_of(box, segments)
            cells[column] = f"{cells[column]} {box.text}".strip()
        if sum(bool(cell) for cell in cells) < 2:
            return None
        rows.append(cells)
    return rows


def _table_runs(lines: list[list[Box]], min_gap: float) -> list[tuple[int, int]]:
    """[start, end) ranges of consecutive multi-box lines that form a grid."""
    runs: list[tuple[int, int]] = []
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and len(_segments(lines[end], min_gap)) >= 2:
            end += 1
        if end - index >= MIN_TABLE_ROWS and _as_table(lines[index:end], min_gap) is not None:
            runs.append((index, end))
            index = end
        else:
            index = max(end, index + 1)
    return runs


def _line_text(line: Sequence[Box], char_height: float) -> str:
    """Chinese needs no space between boxes; a wide gap (a tab stop) keeps one."""
    text = line[0].text
    for left, right in zip(line, line[1:], strict=False):
        gap = right.x0 - left.x1
        text += (" " if gap > char_height else "") + right.text
    return text


def _paragraphs(boxes: Sequence[Box], char_height: float) -> list[str]:
    """One column's lines joined into paragraphs: a line continues into the next when it
    runs to the column's right edge and the next line is not indented."""
    lines = group_lines(boxes)
    if not lines:
        return []
    left = min(line[0].x0 for line in lines)
    right = max(line[-1].x1 for line in lines)
    paragraphs: list[str] = []
    joining = False
    for line in lines:
        text = _line_text(line, char_height)
        indented = line[0].x0 - left > char_height
        if joining and not indented:
            paragraphs[-1] += text
        else:
            paragraphs.append(text)
        joining = right - line[-1].x1 < 1.5 * char_height
    return paragraphs


def _prose(boxes: list[Box], page_width: int, char_height: float) -> list[str]:
    """Text columns split at gutters; boxes spanning a gutter separate bands of columns."""
    min_gap = max(_GUTTER_FRACTION * page_width, char_height)
    narrow = [b for b in boxes if b.width < _SPANNER_FRACTION * page_width]
    segments = _segments(narrow, min_gap)
    counts = [sum(a <= b.center_x <= z for b in narrow) for a, z in segments]
    if len(segments) < 2 or min(counts) < _MIN_COLUMN_BOXES:
        return _paragraphs(boxes, char_height)
    spanners = sorted(
        (b for b in boxes if sum(_overlap(a, z, b.x0, b.x1) > 0 for a, z in segments) > 1),
        key=lambda b: b.y0,
    )
    out: list[str] = []
    top = float("-inf")
    for spanner in [*spanners, None]:
        bottom = spanner.y0 if spanner is not None else float("inf")
        band = [b for b in boxes if b not in spanners and top <= b.center_y < bottom]
        for column in range(len(segments)):
            members = [b for b in band if _column_of(b, segments) == column]
            out.extend(_paragraphs(members, char_height))
        if spanner is not None:
            out.append(spanner.text)
            top = spanner.y1
    return out


def _table_title(lines: list[list[Box]], start: int, char_height: float) -> str | None:
    if start == 0:
        return None
    text = _line_text(lines[start - 1], char_height)
    return text if TABLE_TITLE.match(text) and len(text) <= _MAX_TITLE_CHARS else None


def lay_out(page: OcrPage, page_number: int) -> PageLayout:
    """A page's text in reading order and its tables (each with the title line above it,
    or a label naming the page when there is none)."""
    if not page.boxes:
        return PageLayout("", ())
    char_height = statistics.median(box.height for box in page.boxes)
    min_gap = max(_GUTTER_FRACTION * page.width, char_height)
    lines = group_lines(page.boxes)
    tables: list[GridTable] = []
    used: set[int] = set()
    for start, end in _table_runs(lines, min_gap):
        rows = _as_table(lines[start:end], min_gap)
        assert rows is not None
        title = _table_title(lines, start, char_height)
        if title is not None:
            used.add(start - 1)
        label = title or f"表（第{page_number}页）"
        tables.append(GridTable(label, tuple(rows[0]), tuple(map(tuple, rows[1:])), page_number))
        used.update(range(start, end))
    prose = [box for i, line in enumerate(lines) if i not in used for box in line]
    return PageLayout("\n".join(_prose(prose, page.width, char_height)), tuple(tables))
