"""Tables that arrive as a grid (spreadsheet sheets, OCR'd table pages) -> table-row blocks.

PDF text loses a table's grid and `ingest.tables` has to guess it back; a spreadsheet or a
grid of OCR boxes already has it. Each row is rendered in the same form as the rebuilt
表2.1 rows ("title | 1 name: header value; header value"), so retrieval and answers treat
both alike, and each row becomes one chunk that carries its headers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.structure import Block, BlockKind

_SERIAL = re.compile(r"^\d{1,4}$")


@dataclass(frozen=True)
class GridTable:
    """A titled table: one header per column and rows of cell texts ("" for an empty cell)."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    page: int = 0


def render_row(title: str, headers: Sequence[str], cells: Sequence[str]) -> str:
    """One row as a sentence. The first cell names the row; a leading serial number ("1")
    keeps the next cell as part of the name, as in 表2.1. Empty cells are left out."""
    named = 2 if len(cells) > 2 and _SERIAL.match(cells[0]) else 1
    name = " ".join(cell for cell in cells[:named] if cell)
    described = "; ".join(
        f"{header} {value}" if header else value
        for header, value in zip(headers[named:], cells[named:], strict=False)
        if value
    )
    return f"{title} | {name}: {described}" if described else f"{title} | {name}"


def append_tables(text: str, tables: Sequence[GridTable]) -> tuple[str, list[Block], list[int]]:
    """`text` followed by each table (its title line, then one line per row).

    Returns the extended text, the blocks for the appended part (a table_head per title and
    a table_row per row, spans into the extended text) and each block's page number.
    """
    parts = [text] if text else []
    position = len(text) + 1 if text else 0
    blocks: list[Block] = []
    pages: list[int] = []
    for table in tables:
        section = (table.title,)
        lines = [table.title] + [
            render_row(table.title, table.headers, row) for row in table.rows if any(row)
        ]
        for index, line in enumerate(lines):
            kind: BlockKind = "table_head" if index == 0 else "table_row"
            blocks.append(Block(kind, line, position, position + len(line), section))
            pages.append(table.page)
            position += len(line) + 1
        parts.extend(lines)
    return "\n".join(parts), blocks, pages
