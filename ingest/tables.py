"""Rebuild tables that PDF extraction flattened to one cell per line.

A table is a title line "表N ..." followed by a run of short cell lines. Rows are found
from the serial-number column (1, 2, 3, ...): the width that makes every row start with
the next serial number wins, and a lone text cell just before a serial number is a group
label that applies to the rows below it. Multi-line headers ("2020年" + "完成值") are
merged until there is one header per column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.headings import TABLE_TITLE, TERMINAL_PUNCT, numbered_level
from ingest.sentences import Span

MAX_CELL_CHARS = 40
MIN_CELLS = 6
MIN_ROW_WIDTH = 3
MAX_ROW_WIDTH = 12
_YEAR_CELL = re.compile(r"^\d{4}年$")
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?%?$")


@dataclass(frozen=True)
class TableRow:
    """One rebuilt row: a sentence-like rendering plus the span of its cells."""

    text: str
    group: str
    values: tuple[tuple[str, str], ...]
    start: int
    end: int


@dataclass(frozen=True)
class Table:
    """A rebuilt table: its title, merged headers, rows and the span of title plus headers."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[TableRow, ...]
    head_start: int
    head_end: int


def is_cell_line(line: str) -> bool:
    """Short, no full stop, not a numbered heading: what a flattened table cell looks like."""
    if not line or len(line) > MAX_CELL_CHARS or any(p in line for p in TERMINAL_PUNCT):
        return False
    return numbered_level(line) is None


def is_table_title(line: str) -> bool:
    return bool(TABLE_TITLE.match(line)) and len(line) <= MAX_CELL_CHARS * 2


def _is_serial(text: str, expected: int) -> bool:
    return text == str(expected)


def _parse_rows(cells: list[Span], first: int, width: int) -> list[tuple[str, list[Span]]] | None:
    """Rows of `width` cells starting at `first`, each starting with the next serial number.

    Returns None unless the rows consume every remaining cell.
    """
    rows: list[tuple[str, list[Span]]] = []
    group = ""
    position, serial = first, 1
    while position < len(cells):
        label: list[Span] = []
        if not _is_serial(cells[position].text, serial):
            label_fits = position + 1 < len(cells) and _is_serial(cells[position + 1].text, serial)
            if not label_fits or _NUMBER.match(cells[position].text):
                return None
            label = [cells[position]]
            group = cells[position].text
            position += 1
        row = cells[position : position + width]
        if len(row) < width:
            return None
        rows.append((group, label + row))
        position += width
        serial += 1
    return rows


def _find_rows(cells: list[Span]) -> tuple[int, list[tuple[str, list[Span]]]] | None:
    first = next((i for i, cell in enumerate(cells) if cell.text == "1"), None)
    if first is None:
        return None
    for width in range(MIN_ROW_WIDTH, MAX_ROW_WIDTH + 1):
        rows = _parse_rows(cells, first, width)
        if rows and len(rows) >= 2:
            return first, rows
    return None


def merge_headers(parts: list[str], columns: int) -> list[str]:
    """Merge header fragments into `columns` headers.

    A bare year ("2020年") always takes the fragment after it ("完成值"); after that the
    adjacent pair with the shortest combined text merges, the rightmost on a tie, because
    split headers are short words ("指标" + "属性").
    """
    headers = list(parts)
    index = 0
    while len(headers) > columns and index < len(headers) - 1:
        if _YEAR_CELL.match(headers[index]):
            headers[index : index + 2] = [headers[index] + headers[index + 1]]
        index += 1
    while len(headers) > columns:
        pairs = range(len(headers) - 1)
        best = min(pairs, key=lambda i: (len(headers[i]) + len(headers[i + 1]), -i))
        headers[best : best + 2] = [headers[best] + headers[best + 1]]
    headers += [f"列{n + 1}" for n in range(len(headers), columns)]
    return headers


def _title_for_rows(title: str) -> str:
    """'表2.1:黄埔区…' -> '表2.1 黄埔区…' so the row sentence reads naturally."""
    match = TABLE_TITLE.match(title)
    assert match is not None
    return f"{match.group(0).rstrip(':： ')} {title[match.end() :].strip()}".strip()


def _render_row(title: str, group: str, headers: list[str], cells: list[Span]) -> TableRow:
    """Render one row; `cells` may start with the group label cell that opened the group."""
    row = cells[-len(headers) :]
    serial, name, *rest = (cell.text for cell in row)
    values = tuple(zip(headers[2:], rest, strict=False))
    described = "; ".join(f"{header} {value}" for header, value in values)
    parts = (
        [title, group, f"{serial} {name}: {described}"]
        if group
        else [title, f"{serial} {name}: {described}"]
    )
    return TableRow(
        " | ".join(parts), group, ((headers[1], name), *values), cells[0].start, cells[-1].end
    )


def rebuild_table(title: Span, cells: list[Span]) -> Table | None:
    """Rebuild a flattened table from its title and cell lines, or None if it has no rows."""
    found = _find_rows(cells)
    if found is None:
        return None
    first, rows = found
    width = min(len(row) for _, row in rows)
    grouped = first > 0 and any(group for group, _ in rows)
    header_cells = cells[: first - 1] if grouped else cells[:first]
    if grouped:
        label = cells[first - 1]
        rows = [(group or label.text, row) for group, row in rows]
        rows[0] = (label.text, [label, *rows[0][1]])
    headers = merge_headers([c.text for c in header_cells], width + (1 if grouped else 0))
    if grouped:
        headers = headers[1:]
    row_title = _title_for_rows(title.text)
    rebuilt = tuple(_render_row(row_title, group, headers, row) for group, row in rows)
    head_end = header_cells[-1].end if header_cells else title.end
    return Table(title.text, tuple(headers), rebuilt, title.start, head_end)
