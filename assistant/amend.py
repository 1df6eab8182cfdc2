"""What an extractive answer adds after choosing its evidence, for the user's trust.

Each note reads only the answer's quotes, the question and the indexed corpus: a value
stated twice in one document (conflicts), an asked year no document states (year gaps), a
misspelt name in a refused question (hints), and a follow-up that would repeat the
previous answer word for word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.conflicts import StatementIndex, with_conflicts
from assistant.extractive import Extract
from assistant.followup import standalone_of
from assistant.hints import NameHints, with_hint
from assistant.question import compact
from assistant.year_gaps import admit_missing_year
from vectorstore.index import Snapshot

SAME_AS_BEFORE = "文档中没有更多内容，上一回答仍然适用："
SAME_EVIDENCE = "（与上一回答依据相同）"


class AnswerNotes:
    """Per-snapshot caches (names, stated figures) shared by every question of an Assistant."""

    def __init__(self) -> None:
        self.statements = StatementIndex()
        self.hints = NameHints()

    def amend(
        self,
        extract: Extract,
        question: str,
        history: Sequence[tuple[str, str]],
        snapshot: Snapshot,
    ) -> Extract:
        """The extract with conflicts shown, a missing year admitted, a typo hinted."""
        extract = with_conflicts(extract, question, snapshot, self.statements)
        extract = admit_missing_year(extract, question)
        if extract.refused:
            extract = replace(extract, text=with_hint(extract.text, question, snapshot, self.hints))
        return not_repeated(extract, question, history)


def not_repeated(extract: Extract, question: str, history: Sequence[tuple[str, str]]) -> Extract:
    """The previous answer is never repeated word for word.

    A follow-up that asks the same again (「那2020年呢？」 after a 2020 question) gets a short
    pointer to it; another question that the same evidence answers keeps its answer, marked
    as resting on the same passages.
    """
    if not history or extract.text.strip() != history[-1][1].strip():
        return extract
    if compact(question) == compact(standalone_of(history)):
        first = next((line for line in extract.text.split("\n") if "[1]" in line), "")
        return replace(extract, text=f"{SAME_AS_BEFORE}\n{first}".rstrip())
    return replace(extract, text=f"{SAME_EVIDENCE}\n{extract.text}")
