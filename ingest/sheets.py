"""Spreadsheets (.xlsx, .csv) -> one grid table per sheet, each row a chunk with its headers.

Attachments to a funding guide are often workbooks whose header spans two rows under merged
cells ("2025年" over "目标值" and "完成值"); a column's header is every header row's text
for it, top to bottom, so each value keeps the full name of what it measures.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ingest.errors import corrupt_file_error
from ingest.extraction import Extraction
from ingest.grid import GridTable
from ingest.zipguard import check_xml_elements, open_zip

XLSX_MAX_MEMBERS = 2_000
XLSX_MAX_UNCOMPRESSED = 128 * 1024 * 1024
XLSX_MAX_XML_ELEMENTS = 3_000_000
MAX_HEADER_ROWS = 3


def cell_text(value: Any) -> str:
    """A cell as a person reads it: 2600 not 2600.0, dates without a midnight time."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return " ".join(str(value).split())


def merge_header_rows(rows: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """One header per column: the column's header cells top to bottom, a repeat (from a
    vertical merge) written once."""
    width = max((len(row) for row in rows), default=0)
    headers = []
    for column in range(width):
        parts: list[str] = []
        for row in rows:
            text = row[column] if column < len(row) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        headers.append("".join(parts))
    return tuple(headers)


def grid_table(title: str, rows: list[list[str]], header_rows: int) -> GridTable | None:
    """A sheet's non-empty rows as a table; None for an empty sheet."""
    rows = [row for row in rows if any(row)]
    if not rows:
        return None
    used = max(max((i + 1 for i, cell in enumerate(row) if cell), default=0) for row in rows)
    rows = [row[:used] + [""] * (used - len(row)) for row in rows]
    headers = merge_header_rows(rows[:header_rows])
    return GridTable(title, headers, tuple(tuple(row) for row in rows[header_rows:]))


def _header_depth(merged: Iterable[Any], first_row: int) -> int:
    """How many rows the header takes: a merge starting in the first row that spans rows
    covers them, and one that spans columns has sub-headers in the row below it."""
    depth = 1
    for cell_range in merged:
        if cell_range.min_row != first_row:
            continue
        spanned = cell_range.max_row - cell_range.min_row + 1
        depth = max(depth, spanned, 2 if cell_range.max_col > cell_range.min_col else 1)
    return min(depth, MAX_HEADER_ROWS)


def _sheet_rows(sheet: Any) -> list[list[str]]:
    """Cell texts with each merged range's value copied into every cell it covers."""
    rows = [[cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    for cell_range in sheet.merged_cells.ranges:
        value = rows[cell_range.min_row - 1][cell_range.min_col - 1]
        for r in range(cell_range.min_row - 1, min(cell_range.max_row, len(rows))):
            for c in range(cell_range.min_col - 1, min(cell_range.max_col, len(rows[r]))):
                rows[r][c] = value
    return rows


def read_xlsx(data: bytes, path: Path) -> Extraction:
    from openpyxl import load_workbook

    with open_zip(
        data, max_members=XLSX_MAX_MEMBERS, max_uncompressed=XLSX_MAX_UNCOMPRESSED, path=path
    ) as archive:
        check_xml_elements(archive, max_elements=XLSX_MAX_XML_ELEMENTS, path=path)
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike on broken files
        raise corrupt_file_error(path, "XLSX", exc) from None
    tables = []
    for sheet in workbook.worksheets:
        rows = _sheet_rows(sheet)
        first = next((i + 1 for i, row in enumerate(rows) if any(row)), 1)
        depth = _header_depth(sheet.merged_cells.ranges, first)
        table = grid_table(sheet.title, rows, depth)
        if table is not None:
            tables.append(table)
    return Extraction("", tables=tuple(tables))


def read_csv(text: str, path: Path) -> Extraction:
    """A CSV is one sheet named after its file; the first row holds the headers."""
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    rows = [[cell_text(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    table = grid_table(path.stem, rows, 1)
    return Extraction("", tables=(table,) if table is not None else ())
