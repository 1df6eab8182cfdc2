"""Turn cleaned text into blocks that know their place in the document's heading tree."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ingest.headings import CALLOUT_LEVEL, detect_heading
from ingest.sentences import Span
from ingest.tables import Table, is_cell_line, is_table_title, rebuild_table

BlockKind = Literal["heading", "paragraph", "table_head", "table_row"]
SECTION_SEPARATOR = " > "
_ITEM_NUMBER = re.compile(r"^[（(]?(\d{1,2})[.．、）)]")


@dataclass(frozen=True)
class Block:
    """A heading, a paragraph, a table's title+header lines, or one rebuilt table row.

    `text` is verbatim cleaned text for every kind except table_row, whose text is the
    rebuilt row sentence; `start`/`end` always index the cleaned text.
    """

    kind: BlockKind
    text: str
    start: int
    end: int
    section: tuple[str, ...]

    @property
    def section_path(self) -> str:
        return SECTION_SEPARATOR.join(self.section)


def _lines_with_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    position = 0
    for line in text.split("\n"):
        spans.append(Span(line, position, position + len(line)))
        position += len(line) + 1
    return spans


class _SectionPath:
    """The open headings; a new heading closes every open one at its level or deeper.

    A call-out box (专栏) has no end marker: it is closed when a numbered item arrives whose
    number does not continue the box's own numbering (the box held 1-3, then "2." follows).
    """

    def __init__(self) -> None:
        self._open: list[tuple[int, str, int | None]] = []

    def enter(self, level: int, title: str, number: int | None = None) -> None:
        previous_number = None
        while self._open and self._open[-1][0] >= level:
            closed_level, _, closed_number = self._open.pop()
            if closed_level == level:
                previous_number = closed_number
        in_callout = bool(self._open) and self._open[-1][0] == CALLOUT_LEVEL
        if in_callout and number not in (None, 1) and previous_number not in (None, number - 1):
            self._open.pop()
        self._open.append((level, title, number))

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(title for _, title, _ in self._open)


def _item_number(title: str) -> int | None:
    match = _ITEM_NUMBER.match(title)
    return int(match.group(1)) if match else None


def _table_blocks(table: Table, section: tuple[str, ...]) -> Iterator[Block]:
    yield Block("table_head", "", table.head_start, table.head_end, section)
    for row in table.rows:
        yield Block("table_row", row.text, row.start, row.end, section)


def parse_blocks(text: str) -> list[Block]:
    """Split cleaned text into blocks, tracking the section path and rebuilding tables."""
    lines = _lines_with_spans(text)
    sections = _SectionPath()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if is_table_title(line.text):
            end = index + 1
            # A table's cells end at the next table title: every line is then scanned for at
            # most one title, so a file of titles ("表1" x 10^4) stays linear, not cubic.
            while (
                end < len(lines)
                and is_cell_line(lines[end].text)
                and not is_table_title(lines[end].text)
            ):
                end += 1
            table = rebuild_table(line, lines[index + 1 : end])
            if table is not None:
                sections.enter(CALLOUT_LEVEL, line.text)
                blocks.extend(_table_blocks(table, sections.path))
                blocks[-len(table.rows) - 1] = _with_text(blocks[-len(table.rows) - 1], text)
                index = end
                continue
        heading = detect_heading(line.text)
        if heading is not None:
            sections.enter(heading.level, heading.title, _item_number(heading.title))
        kind: BlockKind = "heading" if heading is not None and heading.whole_line else "paragraph"
        blocks.append(Block(kind, line.text, line.start, line.end, sections.path))
        index += 1
    return blocks


def _with_text(block: Block, text: str) -> Block:
    """Fill a span-only block with the verbatim text it covers."""
    return Block(block.kind, text[block.start : block.end], block.start, block.end, block.section)
