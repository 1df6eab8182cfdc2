"""Offline answers: quote the retrieved sentences that answer the question, verbatim.

Sentences are scored by the question's weighted key terms, figures, years and the
passage's retrieval rank; how many are kept depends on the question kind. Evidence
that leaves the question's key terms unmatched is refused rather than stretched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.question import Question, compact
from ingest.sentences import split_sentences
from vectorstore.search import Passage
from vectorstore.years import period_years, years_in

# Share of the question's key-term weight a sentence (with its section) must match to answer.
SUPPORT_THRESHOLD = 0.3
_MAX_LINES = {"figure": 3, "list": 4, "measure": 5, "other": 3}
_FIGURE = re.compile(
    r"第\s*[0-9一二三四五六七八九十]+\s*[位名]|\d+(?:[.,]\d+)*\s*(?:%|％|倍|亿元|万元|亿|万|家|个|项|位|名|件|人|所|座|条|批|届|次)?"
)
_ENUMERATION = re.compile(r"、|一是|二是|；|第一|其一|\d[.、)]")


@dataclass(frozen=True)
class Sentence:
    """One quotable unit: a sentence of a text passage, or a whole table row."""

    rank: int
    passage: Passage
    start: int
    end: int
    coverage: float
    score: float
    figures: tuple[str, ...]

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


@dataclass(frozen=True)
class Extract:
    """An extractive answer before numbering: text with [n], and the (passage, quote) per n."""

    text: str
    quotes: tuple[tuple[Passage, str], ...]
    refused: bool
    warnings: tuple[str, ...]


def figures_in(text: str) -> list[str]:
    """Figures a text states (38家, 19.79亿元, 第8位), without bare years."""
    found = []
    for match in _FIGURE.finditer(text):
        figure = compact(match.group())
        digits = re.sub(r"\D", "", figure)
        if re.fullmatch(r"(19|20)\d{2}", digits) and not re.search(
            r"[%％倍亿万家个项位名件人所座条批]", figure
        ):
            continue
        if digits or figure.startswith("第"):
            found.append(figure)
    return found


def _figure_clause(question: Question, text: str, kind: str) -> str:
    """The part of a unit that states the asked figure: a table row's values, or the best clause."""
    if kind == "table_row":
        return text.rsplit("|", 1)[-1].split(":", 1)[-1]
    clauses = re.split(r"[，,；;：:]", text)
    return max(clauses, key=lambda c: sum(t.weight * t.match(compact(c)) for t in question.terms))


def quotable_spans(passage: Passage) -> list[tuple[int, int]]:
    """[start, end) of each sentence of a text passage; a table row is quoted whole."""
    if passage.chunk.kind == "table_row":
        return [(0, len(passage.text))]
    return [(s.start, s.end) for s in split_sentences(passage.text) if len(s.text) >= 6]


def _covers_year(passage: Passage, years: frozenset[int]) -> bool:
    record = passage.document
    return bool(years & period_years(record.period, record.year or None))


def _coverage(question: Question, body: str, context: str, share: float) -> float:
    """Share of the question's key-term weight in `body`, context matches counting `share`."""
    matched = sum(t.weight * max(t.match(body), share * t.match(context)) for t in question.terms)
    return matched / question.total_weight


def score_sentences(question: Question, passages: list[Passage]) -> list[Sentence]:
    """Every quotable unit of the passages, scored against the question."""
    scored = []
    for rank, passage in enumerate(passages):
        section = compact(passage.section)
        title = compact(passage.title)
        doc_covers = _covers_year(passage, question.years) if question.years else False
        # A work report's "2019 年重点工作安排" part answers questions about 2019.
        section_names_year = bool(question.years & explicit_years(passage.section))
        # The rest of the passage is context too: a sentence listing "三大平台" may follow
        # the one naming the centre they belong to.
        passage_context = section + compact(passage.text)
        for start, end in quotable_spans(passage):
            text = passage.text[start:end]
            body, context, share = compact(text), passage_context, 0.5
            if passage.chunk.kind == "table_row":  # the caption is every row's context, not content
                caption, _, row = text.rpartition("|")
                body, context, share = compact(row), section + compact(caption), 0.75
            coverage = _coverage(question, body, context, share)
            # The document title places a sentence ("黄埔区…规划") and helps rank it, but is
            # not evidence: refusals are judged on `coverage` without it.
            placed = _coverage(question, body, context + title, share)
            figures = tuple(figures_in(_figure_clause(question, text, passage.chunk.kind)))
            # Headings and lead-ins ("十、保障措施") match the question but say nothing.
            brevity = 0.6 if len(body) < 16 else 1.0
            score = placed * brevity + 0.15 / (1 + rank)
            if question.kind == "figure" and figures:
                score += 0.15
            if question.kind in ("list", "measure"):  # enumerations name several items at once
                score += min(len(_ENUMERATION.findall(text)), 6) * 0.04
            if question.years:
                score += 0.2 * bool(question.years & years_in(text)) + 0.1 * doc_covers
                score += 0.15 * section_names_year
            scored.append(Sentence(rank, passage, start, end, coverage, score, figures))
    return sorted(scored, key=lambda s: (-s.score, s.rank, s.start))


def weak_evidence(question: Question, sentences: list[Sentence]) -> bool:
    """Refuse when key terms go unmatched, a name or year asked is absent, or the asked unit is."""
    relevant = [s for s in sentences if s.coverage >= SUPPORT_THRESHOLD]
    if not relevant or question.unknown_names:
        return True
    about = compact(
        " ".join(f"{s.passage.title} {s.passage.section} {s.passage.text}" for s in relevant)
    )
    if any(compact(name) not in about for name in question.names):
        return True  # the passages are about somewhere or something else
    if question.unit and not any(re.search(question.unit, s.text) for s in relevant):
        return True
    return bool(question.years) and not any(_states_year(s, question.years) for s in relevant)


def _states_year(sentence: Sentence, years: frozenset[int]) -> bool:
    """The sentence or its section names the year, or its document reports on that year.

    A document's whole period is not enough: a plan for 2021–2025 states no 2023 figures.
    """
    named = explicit_years(sentence.text)
    for heading in sentence.passage.section.split(" > "):
        if len(explicit_years(heading)) == 1:  # "2018 年工作总结和 2019 年工作安排" is the title
            named |= explicit_years(heading)
    return bool(years & named) or sentence.passage.document.year in years


def explicit_years(text: str) -> set[int]:
    """Years written out (2018年), not those a plan name implies (十四五 -> 2021..2025)."""
    return years_in(re.sub(r"十[一二三四五六七八九]五", "", text))


def _select(question: Question, sentences: list[Sentence]) -> list[Sentence]:
    """Best sentences for the kind: distinct, near the best score, one per doc first for figures."""
    best = sentences[0]
    limit = _MAX_LINES[question.kind]
    floor = best.score * (0.55 if question.kind == "measure" else 0.7)
    chosen: list[Sentence] = [best]
    seen = {compact(best.text)}
    pool = [s for s in sentences[1:] if s.score >= floor and s.coverage >= SUPPORT_THRESHOLD * 0.8]
    if question.kind == "figure":
        # Other documents' best figure sentences first, so different years' values are all shown.
        docs = {best.passage.doc_id}
        others = []
        for sentence in pool:
            if sentence.figures and sentence.passage.doc_id not in docs:
                docs.add(sentence.passage.doc_id)
                others.append(sentence)
        pool = others + [s for s in pool if s not in others]
    for sentence in pool:
        if len(chosen) >= limit:
            break
        key = compact(sentence.text)
        if key in seen or any(key in other or other in key for other in seen):
            continue
        seen.add(key)
        chosen.append(sentence)
    return _order(question, chosen)


def _order(question: Question, chosen: list[Sentence]) -> list[Sentence]:
    """A named year's document first; otherwise the best sentence leads, others by doc year."""
    if question.years:
        return sorted(chosen, key=lambda s: (not _covers_year(s.passage, question.years), -s.score))
    return chosen[:1] + sorted(chosen[1:], key=lambda s: (s.passage.document.year or 0, -s.score))


def conflict_warning(chosen: list[Sentence]) -> str | None:
    """Different figures for one indicator in documents of different years."""
    by_doc: dict[str, Sentence] = {}
    for sentence in chosen:
        if sentence.figures and sentence.coverage >= 0.5 and sentence.passage.doc_id not in by_doc:
            by_doc[sentence.passage.doc_id] = sentence
    years = {s.passage.document.year for s in by_doc.values()}
    values = {s.figures[:2] for s in by_doc.values()}
    if len(by_doc) < 2 or len(years) < 2 or len(values) < 2:
        return None
    listed = "；".join(
        f"{s.passage.document.year}年《{s.passage.title}》：{'、'.join(s.figures[:2])}"
        for s in sorted(by_doc.values(), key=lambda s: s.passage.document.year or 0)
    )
    return f"不同年份文档中的数值不同：{listed}"


def _line(sentence: Sentence, n: int) -> str:
    text = " ".join(sentence.text.split())
    return f"- 「{text}」[{n}]（《{sentence.passage.title}》，{sentence.passage.date}）"


def _numbered(chosen: list[Sentence]) -> tuple[list[str], list[tuple[Passage, str]]]:
    lines, quotes = [], []
    for n, sentence in enumerate(chosen, start=1):
        lines.append(_line(sentence, n))
        quotes.append((sentence.passage, sentence.text))
    return lines, quotes


def refusal(question_text: str, sentences: list[Sentence]) -> Extract:
    """「没有找到」 plus up to three closest passages, labelled 可能相关."""
    subject = question_text.rstrip("？?。 ")
    text = f"已收录的文档中没有找到“{subject}”的相关信息。"
    closest: list[Sentence] = []
    for sentence in sentences:
        if len(closest) == 3:
            break
        if all(sentence.passage.chunk.id != c.passage.chunk.id for c in closest):
            closest.append(sentence)
    lines, quotes = _numbered(closest)
    if lines:
        text += "\n\n可能相关（仅供参考，未必回答该问题）：\n" + "\n".join(lines)
    return Extract(text, tuple(quotes), True, ())


def extract_answer(question: Question, passages: list[Passage]) -> Extract:
    """Quote the answering sentences, or refuse when the evidence is weak."""
    sentences = score_sentences(question, passages)
    if not sentences or not question.terms:
        return refusal(question.text, sentences)
    if weak_evidence(question, sentences):
        return refusal(question.text, sentences)
    chosen = _select(question, sentences)
    lines, quotes = _numbered(chosen)
    # One named year selects its document; otherwise differing values across years are flagged.
    warning = (
        conflict_warning(chosen) if question.kind == "figure" and len(question.years) != 1 else None
    )
    head = "根据已收录的文档：" if len(chosen) > 1 else "根据已收录的文档，"
    return Extract(
        head + "\n" + "\n".join(lines), tuple(quotes), False, (warning,) if warning else ()
    )
