"""Every figure in a processed document as a fact: indicator, scope, period, value, kind, span.

Pure functions over a document's chunks, so facts are rebuilt whenever the document is.
What a figure measures comes from ingest.indicator_words, when from ingest.periods, where
from ingest.scopes. Table rows ("…: 2020年完成值 X; 2025年目标值 Y") give one fact per
year column.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

from ingest.chunking import Chunk
from ingest.figures import Figure, find_figures
from ingest.indicator_words import CLAUSE_BREAK, clause_start, indicator_words, subject_before
from ingest.indicators import SYNONYM_FILE, indicator_key, rank_key
from ingest.periods import (
    figure_year,
    heading_year,
    looks_ahead,
    mask_titles,
    opening_time,
    plans_ahead,
    year_before,
)
from ingest.scopes import SCOPE_FILE, document_scope, subject_scope
from ingest.sentences import split_sentences
from ingest.structure import SECTION_SEPARATOR

if TYPE_CHECKING:  # annotations only: importing the pipeline (pypdf) costs ~0.4 s
    from ingest.pipeline import ProcessedDocument

# Bump when the extraction rules change, so stored facts of unchanged documents are rebuilt.
EXTRACTION_RULES = "2026-11-30.2"

FactKind = Literal["actual", "target", "forecast", "rank", "share", "growth"]
FACT_KINDS: tuple[FactKind, ...] = ("actual", "target", "forecast", "rank", "share", "growth")
#: What each kind is called where a person reads it (answers, the 指标 tab).
KIND_LABELS: dict[str, str] = {
    "actual": "实际值",
    "target": "目标值",
    "forecast": "预计值",
    "rank": "排名",
    "share": "占比",
    "growth": "增长",
}


@dataclass(frozen=True)
class Fact:
    """One figure. `start`/`end` index the chunk's text, so `quote` is always verbatim."""

    doc_id: str
    chunk_id: str
    indicator: str
    surface: str
    scope: str
    period: str
    value: float
    unit: str
    kind: FactKind
    qualifier: str
    start: int
    end: int
    quote: str

    @property
    def year(self) -> int:
        return int(self.period[:4]) if self.period[:4].isdigit() else 0


@dataclass(frozen=True)
class DocContext:
    """What a figure inherits from its document when its sentence does not say."""

    doc_id: str
    scope: str
    year: int
    published: int


# --- sentences ----------------------------------------------------------------------------


_FORECAST_CUE = re.compile(r"预计|预测|有望|预期将")
_GROWTH_CUE = re.compile(r"(增长|增加|增幅|增速|提高|提升|翻)(了|约|超过|超|近|达)?\s?$")


def _kind(figure: Figure, before: str, segment: str, surface: str, target: bool) -> FactKind:
    """What sort of figure it is; the future (target/forecast) outranks what it measures."""
    if _FORECAST_CUE.search(before):
        return "forecast"
    if target:
        return "target"
    if figure.is_rank:
        return "rank"
    if figure.unit == "倍" or (figure.unit in ("%", "个百分点") and _GROWTH_CUE.search(segment)):
        return "growth"
    if figure.unit == "%":
        return "share"
    return "actual"


@dataclass(frozen=True)
class SectionContext:
    """What a sentence inherits from its place: the heading's year and whether it plans ahead."""

    year: tuple[int, str] | None
    plans: bool


def _sentence_facts(
    sentence: str, offset: int, chunk: Chunk, context: DocContext, section: SectionContext
) -> list[Fact]:
    masked = mask_titles(sentence)
    figures = find_figures(masked)
    if not figures:
        return []
    clause_break = CLAUSE_BREAK.search(masked)
    first_clause = masked[: clause_break.start() if clause_break else len(masked)]
    opening_scope = subject_scope(first_clause, context.scope)
    facts: list[Fact] = []
    previous_end, previous_surface, previous_scope, previous_start = 0, "", "", 0
    for figure in figures:
        clause = clause_start(masked, figure.start)
        segment_start = max(clause, previous_end)
        before = masked[: figure.start]
        segment = sentence[segment_start : figure.start]
        prior_clause = clause_start(masked, max(clause - 1, 0))
        subject = (
            previous_surface
            if previous_end > prior_clause
            else subject_before(sentence, masked, clause)
        )
        surface, noun_end = indicator_words(
            segment, sentence[figure.end :], previous_surface, subject
        )
        dated = year_before(before, context.published) or section.year
        year = figure_year(before, dated, context.year)
        target = section.plans or looks_ahead(before, year, context.published)
        scope = (
            subject_scope(masked[clause : figure.end], context.scope)
            or previous_scope
            or opening_scope
            or context.scope
        )
        evidence_start = segment_start
        if surface not in sentence[segment_start : figure.end + noun_end]:
            # The words came from earlier in the sentence: quote from where they are.
            in_clause = previous_end > clause
            evidence_start = previous_start if in_clause else prior_clause
        while evidence_start < figure.start and sentence[evidence_start] in " ，,、；;：:（()）*":
            evidence_start += 1
        start, end = offset + evidence_start, offset + figure.end + noun_end
        kind = _kind(figure, before, masked[segment_start : figure.start], surface, target)
        key = indicator_key(surface)
        facts.append(
            Fact(
                doc_id=chunk.doc_id,
                chunk_id=chunk.id,
                indicator=rank_key(key) if figure.is_rank else key,
                surface=surface,
                scope=scope,
                period=str(year),
                value=figure.value,
                unit=figure.unit,
                kind=kind,
                qualifier=figure.qualifier,
                start=start,
                end=end,
                quote=chunk.text[start:end],
            )
        )
        previous_end, previous_surface, previous_scope = figure.end, surface, scope
        previous_start = evidence_start
    return facts


def text_chunk_facts(
    chunk: Chunk, context: DocContext, running: dict[str, tuple[int, str]] | None = None
) -> list[Fact]:
    """The facts stated in a text chunk, sentence by sentence.

    `running` carries, per top-level section, the time set by the last sentence that
    opened with one, across the chunks of one document (see periods.opening_time).
    """
    running = {} if running is None else running
    top = chunk.section.split(SECTION_SEPARATOR)[0]
    dated_heading = heading_year(chunk.section)
    plans = plans_ahead(chunk.section)
    section_scope = subject_scope(chunk.section, context.scope)
    local = DocContext(
        context.doc_id, section_scope or context.scope, context.year, context.published
    )
    facts: list[Fact] = []
    for sentence in split_sentences(chunk.text):
        opening = opening_time(mask_titles(sentence.text))
        if opening:
            running[top] = opening
        section = SectionContext(dated_heading or running.get(top), plans)
        facts.extend(_sentence_facts(sentence.text, sentence.start, chunk, local, section))
    return facts


# --- table rows ---------------------------------------------------------------------------

_ROW = re.compile(r"(?:^|\| )\d+ (?P<name>[^|]+?)(?:\((?P<unit>[^()]*)\)?)?: (?P<cells>[^|]+)$")
_CELL = re.compile(r"(?P<header>[^;]*?)\s(?P<value>[-+]?\d+(?:\.\d+)?)(?=;|$)")
_UNIT_WORDS = {"%": "%", "％": "%", "亿元": "亿元", "万元": "万元", "元": "元"}


def table_row_facts(chunk: Chunk, context: DocContext) -> list[Fact]:
    """One fact per year column of a rebuilt table row; the header says actual or target."""
    match = _ROW.search(chunk.text)
    if match is None:
        return []
    name = match.group("name").strip()
    unit = _UNIT_WORDS.get(match.group("unit") or "", match.group("unit") or "")
    unit = "人" if unit in ("名", "位") else unit
    title = chunk.text.split(" | ")[0]
    scope = subject_scope(title, context.scope) or context.scope
    facts = []
    for cell in _CELL.finditer(chunk.text, match.start("cells")):
        dated = year_before(cell.group("header"))
        if dated is None:
            continue
        header = cell.group("header")
        target = "目标" in header or "预期" in header or dated[0] > context.published
        figure = Figure(
            cell.start("value"), cell.end("value"), float(cell.group("value")), unit, "", False
        )
        kind = _kind(figure, header, "", name, target)
        start = match.start("name")
        facts.append(
            Fact(
                doc_id=chunk.doc_id,
                chunk_id=chunk.id,
                indicator=indicator_key(name),
                surface=name,
                scope=scope,
                period=str(dated[0]),
                value=figure.value,
                unit=unit,
                kind=kind,
                qualifier="",
                start=start,
                end=figure.end,
                quote=chunk.text[start : figure.end],
            )
        )
    return facts


# --- documents ----------------------------------------------------------------------------


@cache
def extraction_fingerprint() -> str:
    """The rules' version plus the lexicons they read: a change to any means new facts."""
    data = resources.files("ingest").joinpath("data")
    digest = hashlib.sha256(EXTRACTION_RULES.encode())
    for name in (SCOPE_FILE, SYNONYM_FILE):
        digest.update(data.joinpath(name).read_bytes())
    return digest.hexdigest()[:12]


def document_context(processed: ProcessedDocument) -> DocContext:
    meta = processed.meta
    published = int(meta.date[:4]) if meta.date[:4].isdigit() else (meta.year or 0)
    return DocContext(
        processed.doc_id,
        document_scope(meta.title, meta.publisher),
        meta.year or published,
        published,
    )


def extract_facts(processed: ProcessedDocument) -> list[Fact]:
    """Every fact of a document, once: overlapping chunks repeat sentences, facts do not."""
    context = document_context(processed)
    facts: list[Fact] = []
    seen: set[tuple[int, int]] = set()
    running: dict[str, tuple[int, str]] = {}
    for chunk in processed.chunks:
        if chunk.kind == "table_row":
            facts.extend(table_row_facts(chunk, context))
            continue
        for fact in text_chunk_facts(chunk, context, running):
            where = (chunk.start + fact.start, chunk.start + fact.end)
            if where not in seen:
                seen.add(where)
                facts.append(fact)
    return facts


_PREFIX_QUALIFIERS = (
    "不少于",
    "不低于",
    "不到",
    "接近",
    "将近",
    "超过",
    "近",
    "约",
    "超",
    "逾",
    "前",
)


def display_value(fact: Fact) -> str:
    """The value as a reader expects it: "近80家", "超过1.1万家" stays "超过11000家", "第3位"."""
    number = f"{fact.value:.6f}".rstrip("0").rstrip(".")
    prefix = next((q for q in _PREFIX_QUALIFIERS if fact.qualifier.startswith(q)), "")
    suffix = fact.qualifier[len(prefix) :]
    if fact.kind == "rank" or (fact.unit == "位" and not prefix):
        prefix = prefix or "第"
    return f"{prefix}{number}{suffix}{fact.unit}"
