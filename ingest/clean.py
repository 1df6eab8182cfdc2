"""Repair text extracted from PDFs and web pages without changing a character of content.

Only three kinds of edits are made: whitespace-only lines and line-edge whitespace go,
markdown emphasis markers go, and lines broken in the middle of a sentence are glued
back together. Exact duplicate paragraphs are dropped (only the repeat, never the first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.headings import (
    CLOSING_MARKS,
    HEADING_PREFIX_CHARS,
    SENTENCE_PUNCT,
    TERMINAL_PUNCT,
    detect_heading,
)
from ingest.matching import squeeze

_EMPHASIS = re.compile(r"\*{2,}|(?<![A-Za-z0-9])_{2,}(?![A-Za-z0-9])")
MIN_DUPLICATE_CHARS = 20
MIN_CONTINUATION_CHARS = 8
LONG_LINE_CHARS = 60


@dataclass(frozen=True)
class CleanResult:
    """Cleaned text (paragraphs separated by single newlines) and what was changed."""

    text: str
    duplicates_removed: int
    lines_joined: int


def _strip_lines(raw: str) -> list[str]:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    lines = (_EMPHASIS.sub("", line).strip() for line in text.split("\n"))
    return [line for line in lines if line]


def _drop_duplicates(lines: list[str]) -> tuple[list[str], int]:
    """Drop repeats of long lines; short lines (table cells, "预期性") legitimately repeat."""
    seen: set[str] = set()
    kept: list[str] = []
    for line in lines:
        key = squeeze(line)
        if len(key) >= MIN_DUPLICATE_CHARS and key in seen:
            continue
        seen.add(key)
        kept.append(line)
    return kept, len(lines) - len(kept)


def _is_prose(line: str) -> bool:
    return any(mark in line for mark in SENTENCE_PUNCT)


def _ends_sentence(line: str) -> bool:
    """A full stop, or a colon that introduces a list on the following lines."""
    return line[-1] in TERMINAL_PUNCT + "：:" or (
        line[-1] in CLOSING_MARKS and len(line) > 1 and line[-2] in TERMINAL_PUNCT
    )


def is_broken_line(line: str, following: str) -> bool:
    """True when `line` stops mid-sentence and `following` carries the rest of it.

    A PDF line break inside a sentence leaves a prose line (it has commas or the like) with
    no sentence-ending mark, followed by a continuation that is itself prose or long enough
    not to be a table cell. Headings on either side are never glued.
    """
    if _ends_sentence(line) or detect_heading(line) or detect_heading(following):
        return False
    if len(line) < LONG_LINE_CHARS and (not _is_prose(line) or line[-1] in CLOSING_MARKS):
        return False
    return _is_prose(following) or len(following) >= MIN_CONTINUATION_CHARS


_NUMBER_JOIN = frozenset("0123456789.,")


def _needs_space(left: str, right: str) -> bool:
    """Chinese needs no space at a line break; Latin words and numbers do ("2026." + "Page").

    Never next to a CJK character, after a hyphen or slash ("state-" + "of-the-art"), or
    inside what may be one number ("3." + "1%"): a space there would change the number.
    """
    if not (left.isascii() and right.isascii()) or left.isspace() or right.isspace():
        return False
    if (left in _NUMBER_JOIN and right in _NUMBER_JOIN) or left in "-/":
        return False
    return right.isalnum() or (left.isalnum() and right in "([{'\"")


class _Paragraph:
    """A paragraph glued from broken lines. Parts are joined once at the end, and gluing
    decisions read a bounded view, so a document that is one long paragraph stays linear."""

    _EDGE = max(HEADING_PREFIX_CHARS, LONG_LINE_CHARS) + 2

    def __init__(self, line: str) -> None:
        self.parts = [line]
        self.length = len(line)
        self.head = line[: self._EDGE]
        self.tail = line[-self._EDGE :]

    def glue(self, line: str) -> None:
        if _needs_space(self.tail[-1], line[0]):
            line = " " + line
        self.parts.append(line)
        self.length += len(line)
        if len(self.head) < self._EDGE:
            self.head = (self.head + line)[: self._EDGE]
        self.tail = (self.tail + line)[-self._EDGE :]

    def view(self) -> str:
        """Text that `is_broken_line` judges exactly like the whole paragraph: it reads the
        first HEADING_PREFIX_CHARS characters, the last two and whether the length passes
        LONG_LINE_CHARS, all of which a long paragraph's head + tail keep."""
        if self.length <= 2 * self._EDGE:
            return "".join(self.parts)
        return self.head + self.tail

    def text(self) -> str:
        return "".join(self.parts)


def _join_broken(lines: list[str]) -> tuple[list[str], int]:
    paragraphs: list[_Paragraph] = []
    count = 0
    for line in lines:
        if paragraphs and is_broken_line(paragraphs[-1].view(), line):
            paragraphs[-1].glue(line)
            count += 1
        else:
            paragraphs.append(_Paragraph(line))
    return [paragraph.text() for paragraph in paragraphs], count


def clean_text(raw: str) -> CleanResult:
    """Clean one document's extracted text; see the module docstring for the rules."""
    lines, duplicates = _drop_duplicates(_strip_lines(raw))
    lines, joins = _join_broken(lines)
    return CleanResult("\n".join(lines), duplicates, joins)
