"""How an extractive answer reads: the direct answer first, then the one or two sentences
that support it, each source named once; a refusal says what the documents do state.

A reader wants 「38家[1]」 before any quote. Table rows are read out in words with their
unit (the raw row stays the citation's quote). Headings never reach this module.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.answer_types import (
    ORGANISATION,
    PERSON,
    PLACE,
    SPAN_TYPES,
    TYPE_LABELS,
    Span,
    stated_types,
)
from assistant.evidence import answer_text, table_row_in_words
from assistant.question import Question, compact

if TYPE_CHECKING:
    from assistant.extractive import Candidate, Sentence
    from vectorstore.search import Passage

ANSWER_LEAD = "根据已收录的文档："
EVIDENCE_LEAD = "依据："
RELATED_LEAD = "可能相关（仅供参考，未必回答该问题）："
_CLAUSES = re.compile(r"[^，,；;。！!？?：:]+")
# The focus a refusal's lead sentence must hold before it can say "the documents only give …".
_PARTIAL_FOCUS = 0.5

Quotes = list[tuple["Passage", str]]


def render_answer(
    question: Question, chosen: list[Sentence]
) -> tuple[str, tuple[tuple[Passage, str], ...], str | None]:
    """Text with [n] markers, the (passage, quote) per marker, and the direct answer line."""
    direct = direct_answer(question, chosen[0]) if chosen else None
    lines = [direct, EVIDENCE_LEAD] if direct else [ANSWER_LEAD]
    quotes: Quotes = []
    for n, sentence in enumerate(chosen, start=1):
        lines.append(f"- {_stated(sentence)}[{n}]")
        quotes.append((sentence.passage, sentence.text))
    lines.append(sources_line([s.passage for s in chosen]))
    return "\n".join(lines), tuple(quotes), direct


def render_items(items: list[tuple[Passage, str]]) -> tuple[str, tuple[tuple[Passage, str], ...]]:
    """A list answer whose items are quoted as they stand (a heading's children)."""
    lines = [ANSWER_LEAD]
    lines += [f"- {' '.join(quote.split())}[{n}]" for n, (_, quote) in enumerate(items, start=1)]
    lines.append(sources_line([passage for passage, _ in items]))
    return "\n".join(lines), tuple(items)


def direct_answer(question: Question, lead: Sentence) -> str | None:
    """「38家[1]」, 「技术合同成交额：2020年完成值 619亿元，2025年目标值 800亿元[1]」, or None
    for list, measure and open questions."""
    asked = [t for t in question.types if t in SPAN_TYPES]
    if not asked or question.types[0] not in SPAN_TYPES:
        return None  # 「有哪些……」 is answered by its list
    if lead.is_table_row:
        words = table_row_in_words(lead.text)
        return f"{words}[1]" if words else None
    if any(t in (PERSON, ORGANISATION, PLACE) for t in asked):
        return f"{_best_clause(question, lead.text)}[1]"
    picked: list[str] = []
    for answer_type in asked:
        spans = [s for s in lead.evidence.spans if s.type == answer_type]
        if spans:
            best = max(spans, key=lambda s: _clause_focus(question, lead.text, s))
            picked.append(" ".join(best.text.split()))
    return f"{'，'.join(dict.fromkeys(picked))}[1]" if picked else None


def _clause_focus(question: Question, text: str, span: Span) -> float:
    clause = next(
        (m.group() for m in _CLAUSES.finditer(text) if m.start() <= span.start < m.end()), ""
    )
    focus = sum(t.weight * t.match(compact(clause)) for t in question.terms)
    return focus - 0.001 * span.start  # ties: the first


def _best_clause(question: Question, text: str) -> str:
    """The clause that says who or where: the one naming the asked attribute or deed (牵头筹建,
    not the 指导 of the clause before), then the one naming most of the focus."""
    clauses = [c.strip() for c in _CLAUSES.findall(" ".join(text.split())) if c.strip()]

    def weight(clause: str) -> tuple[float, float]:
        text = compact(clause)
        return (
            sum(t.weight * t.match(text) for t in question.attribute_terms),
            sum(t.weight * t.match(text) for t in question.terms),
        )

    return max(clauses, key=weight)


def _stated(sentence: Sentence) -> str:
    """A quote for the answer text; a table row in words."""
    if sentence.is_table_row:
        words = table_row_in_words(sentence.text)
        if words:
            return words
    return f"「{' '.join(sentence.text.split())}」"


def sources_line(passages: list[Passage]) -> str:
    """Each source document once: 「来源：《标题》（日期）；……」."""
    seen: dict[str, str] = {}
    for passage in passages:
        dated = f"（{passage.date}）" if passage.date.strip() else ""  # an undated upload
        seen.setdefault(passage.doc_id, f"《{passage.title}》{dated}")
    return "来源：" + "；".join(seen.values())


def refusal_text(
    question: Question, lead: Candidate | None, closest: list[Sentence]
) -> tuple[str, tuple[tuple[Passage, str], ...]]:
    """「没有找到……」 (echoing what was asked, without its framing) or 「文档只给出了排名（第2位），
    没有给出得分。」, then 可能相关 quotes."""
    text = partial_refusal(question, lead) or (
        f"已收录的文档中没有找到“{(question.core or question.text).rstrip('？?。 ')}”的相关信息。"
    )
    quotes: Quotes = []
    if closest:
        lines = [text, "", RELATED_LEAD]
        for n, sentence in enumerate(closest, start=1):
            lines.append(f"- {_stated(sentence)}[{n}]")
            quotes.append((sentence.passage, sentence.text))
        lines.append(sources_line([s.passage for s in closest]))
        text = "\n".join(lines)
    return text, tuple(quotes)


def partial_refusal(question: Question, lead: Candidate | None) -> str | None:
    """When the entity is found but not the asked attribute: what the documents do state."""
    asked = [t for t in question.types if t in SPAN_TYPES]
    if lead is None or not asked:
        return None
    features = lead.features
    if (
        features["focus"] < _PARTIAL_FOCUS
        or features["year"] < 1
        or (features["type_match"] >= 1 and features["attribute"] >= 0.5)
    ):
        return None
    wanted = question.attribute if features["type_match"] >= 1 else ""
    wanted = wanted or TYPE_LABELS[asked[0]]
    sentence = lead.sentence
    region = answer_text(sentence.text, sentence.is_table_row)
    stated = [s for s in stated_types(region) if s.type not in asked]
    if not stated:
        return f"文档提到了相关内容，但没有给出{wanted}。"
    span = stated[0]
    return (
        f"文档只给出了{TYPE_LABELS[span.type]}（{' '.join(span.text.split())}），没有给出{wanted}。"
    )
