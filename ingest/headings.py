"""How Chinese official documents mark their headings.

Cleaning needs this (never glue a heading onto the paragraph after it) and so does
structure detection (build the section path), so the patterns live in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_NUM = "一二三四五六七八九十百零〇两"
TERMINAL_PUNCT = "。！？；!?;…"
CLOSING_MARKS = "”’」』）)》】"
SENTENCE_PUNCT = "，,、：:" + TERMINAL_PUNCT

# (pattern, level): a lower level is a bigger section.
_NUMBERED: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(rf"^第[{CN_NUM}\d]+[编部篇]"), 10),
    (re.compile(rf"^第[{CN_NUM}\d]+章"), 20),
    (re.compile(rf"^第[{CN_NUM}\d]+节"), 30),
    (re.compile(rf"^[{CN_NUM}]+[、.．]"), 40),
    (re.compile(rf"^[（(][{CN_NUM}]+[）)]"), 50),
    (re.compile(r"^\d{1,2}[.．、](?!\d)"), 60),
    (re.compile(r"^[（(]\d{1,2}[）)]"), 70),
)
# Boxed call-outs ("专栏3:...") and table titles ("表2.1:...") belong to the enclosing
# (一)-level section, not to the "1." item printed just before them, and hold "1." items.
_CALLOUT = re.compile(r"^(专栏|表|图)\s*\d+(\.\d+)*\s*[:：\s]")
# Photo and byline credits ("图/广州市科技局", "文/羊城晚报记者 李钢") are short lines
# without punctuation, like a news sub-headline, but they name who made the piece.
_CREDIT = re.compile(r"^(文|图|摄|摄影|供图|编辑|责编|记者|通讯员)\s*[/／|｜]")
TABLE_TITLE = re.compile(r"^表\s*\d+(\.\d+)*\s*[:：\s]?")
CALLOUT_LEVEL = 55
PLAIN_TITLE_LEVEL = 90
MAX_TITLE_CHARS = 40
MAX_LEAD_CHARS = 60
# detect_heading never reads past this many characters of a longer line, so callers may judge a
# huge paragraph by its start (cleaning glues lines into paragraphs of any length).
HEADING_PREFIX_CHARS = MAX_LEAD_CHARS + 1


@dataclass(frozen=True)
class Heading:
    """A heading found at the start of a line; `whole_line` is False when body text follows it."""

    title: str
    level: int
    whole_line: bool


def numbered_level(line: str) -> int | None:
    """Level of a numbered heading marker at the start of `line`, or None."""
    prefix = line[:HEADING_PREFIX_CHARS]
    for pattern, level in _NUMBERED:
        if pattern.match(prefix):
            return level
    return None


def _lead_phrase(line: str) -> str | None:
    """The heading part of a line that goes on into body text: up to its first full stop."""
    for index, char in enumerate(line[:HEADING_PREFIX_CHARS]):
        if char in "。；;":
            return line[:index] if 1 < index <= MAX_LEAD_CHARS else None
    return None


def is_plain_title(line: str) -> bool:
    """A short line without sentence punctuation, e.g. a news sub-headline."""
    if not line or len(line) > MAX_TITLE_CHARS or line[-1] in TERMINAL_PUNCT + "：:.":
        return False
    return not any(mark in line for mark in SENTENCE_PUNCT)


def detect_heading(line: str) -> Heading | None:
    """Classify `line` (already stripped) as a heading, or return None for body text."""
    if _CREDIT.match(line):
        return None
    level = numbered_level(line)
    if level is None and len(line) <= MAX_TITLE_CHARS and _CALLOUT.match(line):
        return Heading(line, CALLOUT_LEVEL, True)
    if level is None:
        return Heading(line, PLAIN_TITLE_LEVEL, True) if is_plain_title(line) else None
    if len(line) <= MAX_TITLE_CHARS:
        stripped = line.rstrip("。；;")
        if not any(m in stripped for m in "。；;"):
            return Heading(stripped, level, True)
    lead = _lead_phrase(line)
    return Heading(lead, level, False) if lead else None
