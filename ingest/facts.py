"""Every figure in a processed document as a fact: indicator, scope, period, value, kind, span.

Pure functions over a document's chunks, so facts are rebuilt whenever the document is.
The period is the year the value refers to, not the year of publication: the nearest
year expression before the figure in its sentence (截至2022年底 -> 2022, “十三五”末 ->
2020, 到2025年 -> 2025), else the section heading's year, else the year the catalog says
the document's figures describe. A year that is a baseline (比2019年底增长, 较2015年) or a
starting point (自2015年起) is skipped. Table rows ("…: 2020年完成值 X; 2025年目标值 Y")
give one fact per year column.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from ingest.chunking import Chunk
from ingest.figures import Figure, find_figures
from ingest.indicators import SYNONYM_FILE, indicator_key, rank_key
from ingest.pipeline import ProcessedDocument
from ingest.scopes import SCOPE_FILE, document_scope, leading_place, subject_scope
from ingest.sentences import split_sentences
from ingest.structure import SECTION_SEPARATOR

# Bump when the extraction rules change, so stored facts of unchanged documents are rebuilt.
EXTRACTION_RULES = "2026-11-30.1"

FactKind = Literal["actual", "target", "forecast", "rank", "share", "growth"]
FACT_KINDS: tuple[FactKind, ...] = ("actual", "target", "forecast", "rank", "share", "growth")


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


# --- time -------------------------------------------------------------------------------

_FIVE_YEAR_PLANS = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}
_YEAR_WORD = r"(?:19|20)\d{2}\s?年"
_PLAN_WORD = r"十[一二三四五]五"
_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})\s?年(?P<suffix>底|末|初|上半年|前)?")
_PLAN = re.compile(rf"(?P<plan>{_PLAN_WORD})”?\s?(?P<suffix>末|期间|时期|以来|期末)?")
_BASELINE_BEFORE = re.compile(r"(比|较|相比|同比|自|与|于)\s?$")
_START_AFTER = re.compile(r"^\s?(起|以来|开始|至今|—|-|～)")
_TARGET_CUE = re.compile(rf"到\s?{_YEAR_WORD}|力争|目标|规划期末")
_SECTION_TARGET_CUE = re.compile(r"安排|目标|思路|展望|任务|规划|计划")
_SECTION_REVIEW_CUE = re.compile(r"总结|成效|回顾|成就|进展|情况|基础")
# A sentence that opens with a time ("2018 年，…", "“十三五”期间，…", "到2025年，…") dates
# the sentences after it in the same top-level section until another one does.
_LEADING_TIME = re.compile(rf"^\s*(?:仅|在|截至|截止|到|至)?\s*“?(?:{_YEAR_WORD}|{_PLAN_WORD})")
_FORECAST_CUE = re.compile(r"预计|预测|有望|预期将")
_GROWTH_CUE = re.compile(r"(增长|增加|增幅|增速|提高|提升|翻)(了|约|超过|超|近|达)?\s?$")
_BOOK_TITLE = re.compile(r"《[^》]*》")
_NOW = re.compile(r"(?:截至|截止|到)?(?:目前|当前|现阶段)")
# "由3.7%提高到5.71%" under "“十三五”期间": the first value is the period's starting point.
_FROM_VALUE = re.compile(r"(由|从)\s?$")
_PLAN_SPAN = re.compile(rf"{_PLAN_WORD}”?\s?(期间|时期|以来)")
PLAN_YEARS = 5


def _masked(text: str) -> str:
    """Blank out 《…》 titles: the years and numbers in a policy's name are not figures."""
    return _BOOK_TITLE.sub(lambda m: "《" + "□" * (len(m.group(0)) - 2) + "》", text)


def year_before(text: str, now: int = 0) -> tuple[int, str] | None:
    """The nearest year expression in `text` that dates what follows it, with its wording.

    截至目前 / 目前 mean "when this was written": the year `now` (publication), if known.
    """
    found: list[tuple[int, int, str]] = []
    if now:
        found += [(m.start(), now, m.group(0)) for m in _NOW.finditer(text)]
    for match in _YEAR.finditer(text):
        if _BASELINE_BEFORE.search(
            text, max(0, match.start() - 4), match.start()
        ) or _START_AFTER.match(text[match.end() :]):
            continue
        found.append((match.start(), int(match.group("year")), match.group(0)))
    for match in _PLAN.finditer(text):
        if _BASELINE_BEFORE.search(text[max(0, match.start() - 5) : match.start()].rstrip("“")):
            continue
        found.append((match.start(), _FIVE_YEAR_PLANS[match.group("plan")], match.group(0)))
    if not found:
        return None
    _, year, wording = max(found)
    return year, wording


# --- indicator wording ------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?、]")
_LEADING = re.compile(
    r"^(?:[\s*“”\"'、，,（(）)]|截至目前|截止目前|目前|当前|截至|截止|到|至|现有|其中|此外|同时|另外|"
    r"并且|并|且|和|及|以及|与|仅|已|共|累计(?=[^\d\s]{2})|全年|过去一年|近三年|每年|"
    rf"{_YEAR_WORD}(?:底|末|初)?(?:的)?|“?{_PLAN_WORD}”?(?:末|期间|时期)?|"
    r"实现|推动|促进|带动|有|是|在|以)+"
)
_TRAILING = re.compile(
    r"(?:[\s*“”\"'、，,（(）)]|近|约|超过|超|逾|不少于|不低于|达到|达|为|是|突破|增至|增加至|增加到|"
    r"增长至|增长到|提高到|提高至|提升至|提升到|提高|提升|增长|共计|共有|共|累计|合计|总计|"
    r"实现|完成|有|已|了|从|由|的|分别|稳步|大幅|保持|规模|预计|预测|有望|"
    rf"{_YEAR_WORD}(?:底|末)?|翻番至|翻番|增加至|至|"
    r"连续\S{1,2}年|连年|攀升|上升|位居|稳居|居|跃升至|升至|排在|排名|位列|名列|列|进入|迈入|"
    r"全球|全国|全省|全市|全区|世界|国内|国际)+$"
)
_GENERIC = {"总数", "总量", "累计", "总计", "合计", "数量", "规模", ""}
_VERB_END = re.compile(
    r"(实施|开展|引进|举办|促成|支持|遴选|培养|组织|吸引|设立|获得|发表|发布|建成|形成|承担|"
    r"引入|新增|培育|聚集|集聚|拥有|落地|建设|认定|服务|跟踪服务|选取|参加|参与|带动|撬动|入选|获)$"
)
# The words after a figure up to the clause's end: 「5家国家级孵化器获A类评级」.
_NOUN_AFTER = re.compile(r"^\s?(?:规模)?(?:的)?([^，,。；;：:、（(）)“”\s\d]{1,16})")
_NEW = re.compile(r"(全年)?新增")
_RELATIVE_START = ("占", "涉及")
_MAX_SURFACE = 30


def _strip(text: str) -> str:
    """The indicator's words: no leading time, place or connective, no trailing verb or qualifier."""
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING.sub("", _LEADING.sub("", text))
        text = text[len(leading_place(text)) :]
    return text


def _surface(segment: str, after: str, previous: str, subject: str) -> tuple[str, int]:
    """The indicator as written: the words before the figure, completed when they are not enough.

    "其中国家级147项" and "总数突破1.1万家" build on the figure before them (`previous`);
    "5家国家级孵化器获A类评级" takes the words after the figure; a bare verb or nothing
    ("全年新增 26 家", "跃升至全国第六") takes the subject of the clause before (`subject`).
    Returns the words and how far past the figure they reach.
    """
    words = _strip(segment)
    raw = _LEADING.sub("", segment).strip(" *")
    noun = _NOUN_AFTER.match(after)
    if noun and (len(words) < 2 or _VERB_END.search(words)):
        return (words + noun.group(1))[-_MAX_SURFACE:], noun.end()
    generic = words if words and words in _GENERIC else raw
    if generic in _GENERIC and generic and previous:
        words = _NEW.sub("", previous) + generic
    elif previous and len(words) <= 4 and words.endswith("级"):
        words = words + re.sub(r"^[^级]{1,4}级", "", previous)
    elif previous and len(words) <= 6 and words.startswith(_RELATIVE_START):
        words = previous + words
    elif not words or _VERB_END.fullmatch(words):
        words = (subject or previous) + words
    return words[-_MAX_SURFACE:], 0


# --- sentences ----------------------------------------------------------------------------


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


def _subject_before(sentence: str, masked: str, clause: int) -> str:
    """The indicator words of the clause before `clause`: its text up to its first figure."""
    start = _clause_start(masked, max(clause - 1, 0))
    figures = find_figures(masked[start:clause])
    return _strip(sentence[start : start + figures[0].start] if figures else sentence[start:clause])


def _clause_start(text: str, position: int) -> int:
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, position)]
    return breaks[-1] if breaks else 0


@dataclass(frozen=True)
class SectionContext:
    """What a sentence inherits from its place: the heading's year and whether it plans ahead."""

    year: tuple[int, str] | None
    plans: bool


def _sentence_facts(
    sentence: str, offset: int, chunk: Chunk, context: DocContext, section: SectionContext
) -> list[Fact]:
    masked = _masked(sentence)
    figures = find_figures(masked)
    if not figures:
        return []
    first_clause = masked[: _CLAUSE_BREAK.search(masked + "。").start()]
    opening_scope = subject_scope(first_clause, context.scope)
    facts: list[Fact] = []
    previous_end, previous_surface, previous_scope, previous_start = 0, "", "", 0
    for figure in figures:
        clause = _clause_start(masked, figure.start)
        segment_start = max(clause, previous_end)
        before = masked[: figure.start]
        segment = sentence[segment_start : figure.start]
        prior_clause = _clause_start(masked, max(clause - 1, 0))
        subject = (
            previous_surface
            if previous_end > prior_clause
            else _subject_before(sentence, masked, clause)
        )
        surface, noun_end = _surface(segment, sentence[figure.end :], previous_surface, subject)
        dated = year_before(before, context.published) or section.year
        year = dated[0] if dated else context.year
        if dated and _PLAN_SPAN.search(dated[1]) and _FROM_VALUE.search(before[-3:]):
            year -= PLAN_YEARS
        target = bool(_TARGET_CUE.search(before)) or section.plans or year > context.published
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


@cache
def _heading_year(section: str) -> tuple[int, str] | None:
    """The year of the deepest heading that names exactly one; "2018年总结和2019年安排" names none."""
    for heading in reversed(section.split(SECTION_SEPARATOR)):
        masked = _masked(heading)
        years = {int(m.group("year")) for m in _YEAR.finditer(masked)}
        years |= {_FIVE_YEAR_PLANS[m.group("plan")] for m in _PLAN.finditer(masked)}
        if len(years) == 1:
            return year_before(masked)
        if years:
            return None
    return None


@cache
def _plans_ahead(section: str) -> bool:
    """True under a heading about the future (工作安排, 发展目标) that is not also a review."""
    for heading in reversed(section.split(SECTION_SEPARATOR)):
        plans, reviews = _SECTION_TARGET_CUE.search(heading), _SECTION_REVIEW_CUE.search(heading)
        if plans or reviews:
            return bool(plans) and not reviews
    return False


def text_chunk_facts(
    chunk: Chunk, context: DocContext, running: dict[str, tuple[int, str]] | None = None
) -> list[Fact]:
    """The facts stated in a text chunk, sentence by sentence.

    `running` carries, per top-level section, the time set by the last sentence that
    opened with one, across the chunks of one document (see _LEADING_TIME).
    """
    running = {} if running is None else running
    top = chunk.section.split(SECTION_SEPARATOR)[0]
    heading_year = _heading_year(chunk.section)
    plans = _plans_ahead(chunk.section)
    section_scope = subject_scope(chunk.section, context.scope)
    local = DocContext(
        context.doc_id, section_scope or context.scope, context.year, context.published
    )
    facts: list[Fact] = []
    for sentence in split_sentences(chunk.text):
        masked = _masked(sentence.text)
        if _LEADING_TIME.match(masked):
            opening = year_before(masked[: _LEADING_TIME.match(masked).end() + 4], 0)
            if opening:
                running[top] = opening
        section = SectionContext(heading_year or running.get(top), plans)
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
