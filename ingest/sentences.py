"""Split Chinese text into sentences, keeping exact character spans.

Sentence ends are 。！？；!?; and …… with any closing quote or bracket that follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE = re.compile(r"[^。！？；!?;…\n]*(?:[。！？；!?;]+|…+|\n|$)[”’」』）)]*")
_CLAUSE = re.compile(r"[^，,、：:]*[，,、：:]*")


@dataclass(frozen=True)
class Span:
    """A piece of text and its [start, end) offsets in the text it was cut from."""

    text: str
    start: int
    end: int


def _pieces(pattern: re.Pattern[str], text: str, offset: int) -> list[Span]:
    spans = []
    for match in pattern.finditer(text):
        piece = match.group(0)
        stripped = piece.strip()
        if not stripped:
            continue
        lead = len(piece) - len(piece.lstrip())
        start = offset + match.start() + lead
        spans.append(Span(stripped, start, start + len(stripped)))
    return spans


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Sentences of `text`, with spans shifted by `offset` (the text's place in its document)."""
    return _pieces(_SENTENCE, text, offset)


def split_clauses(sentence: Span) -> list[Span]:
    """Comma-level pieces of one over-long sentence."""
    return _pieces(_CLAUSE, sentence.text, sentence.start)
