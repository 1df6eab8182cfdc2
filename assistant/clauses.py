"""Clauses of a sentence: where a figure's clause starts and ends.

Official Chinese runs clauses together with commas; what a figure measures is written in its
own clause or the one before it (the subject), and a clause of only a time (「力争到 2020 年，」)
belongs to the clause after it.
"""

from __future__ import annotations

import re

from assistant.answer_types import Span

CLAUSE_END = re.compile(r"[，,；;。！!？?]")

# 「力争到 2020 年，…」: a clause of only a time and the words leading to it is the time of
# the clause after it.
_TIME_LEAD = re.compile(r"\s*(?:力争|争取|计划|预计|到|至|截至|截止|在|于|从|自)*\s*")


def clause_around(text: str, span: Span) -> str:
    """The clause holding a span, with the clause before it (the subject often stands there);
    a span that is its clause's only words (「6月2日，…联盟成立大会在…召开」: a time put first)
    belongs to the clause after it."""
    start, end = clause_bounds(text, span)
    return text[start:end]


def clause_bounds(text: str, span: Span) -> tuple[int, int]:
    """Where `clause_around` starts and ends in `text`."""
    ends = [m.end() for m in CLAUSE_END.finditer(text, 0, span.start)]
    start = ends[-2] if len(ends) >= 2 else 0
    after = CLAUSE_END.search(text, span.end)
    own_start = ends[-1] if ends else 0
    rest = text[own_start : after.start()].replace(span.text, "") if after else ""
    if after and (not rest.strip() or _TIME_LEAD.fullmatch(rest)):
        following = CLAUSE_END.search(text, after.end())
        return start, following.start() if following else len(text)
    return start, after.start() if after else len(text)


def own_clause_bounds(text: str, span: Span) -> tuple[int, int]:
    """Where the span's own clause starts and ends in `text`, without the clause before it."""
    start = max((m.end() for m in CLAUSE_END.finditer(text, 0, span.start)), default=0)
    after = CLAUSE_END.search(text, span.end)
    return start, after.start() if after else len(text)
