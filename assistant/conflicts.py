"""Conflicts inside one document: one indicator, one period, two different values.

A plan states its figures twice, in a table (表2.1 row 「上市高企数(家)」: 2020年完成值 43)
and in its body text (「上市高企累计42家」); when the two disagree an answer quoting only one
misleads. Every figure a document states is read as a statement (indicator, period,
actual/target, value, unit, where it stands); an answer's quoted statement is checked
against the document's other statements of the same indicator and period.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assistant.question import compact
from ingest.chunking import Chunk
from ingest.sentences import split_sentences
from ingest.years import YEAR_DIGITS, YEAR_MENTION, period_years
from vectorstore.index import PerSnapshot
from vectorstore.search import Passage
from vectorstore.store import DocumentRecord

if TYPE_CHECKING:
    from assistant.extractive import Extract
    from vectorstore.index import Snapshot

UNIT = r"(?:%|％|亿元|万元|元|亿|万|家|个|项|件|人|名|位|所|座|条|批|届|次|台|倍)"
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(" + UNIT + r")")
_TARGET = re.compile(rf"到\s*{YEAR_DIGITS}\s*年|力争|目标|预计|预期|计划|规划")
# Words around an indicator that do not change which indicator it is (累计, 数量, 达到).
_LEADING = re.compile(
    r"^(?:其中|实现|全区|全市|全省|各类|集聚|拥有|累计建成|建成|培育|新增|引进|共有|现有|"
    r"已有|共|累计|另有|还有|以及|和|及)+"
)
_TRAILING = re.compile(
    r"(?:累计|总数|总量|数量|数|总计|合计|共计|共|达到了|达到|已达|达|为|约|超过|超|近|突破|"
    r"增至|增加到|提高到|提升到|提升至|跃升至|升至|至|有|了)+$"
)
_ROW_CELL = re.compile(rf"({YEAR_DIGITS})\s*年\s*([^\s;；\d]*)\s+(-?\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Statement:
    """One figure a document states: which indicator, for which year, actual or target."""

    chunk: Chunk
    quote: str  # the sentence or table row that states it, verbatim
    indicator: str  # as written (「上市高企累计」, 「上市高企数(家)」)
    key: frozenset[str]  # the indicator's character bigrams, without 累计/数量/达到 …
    value: float
    shown: str  # the value as written, with its unit (42家)
    unit: str
    year: int
    target: bool
    where: str  # 「表2.1「上市高企数(家)」行」 or the section path

    def same_indicator(self, other: Statement) -> bool:
        return (
            self.key == other.key
            and self.unit == other.unit
            and self.year == other.year
            and self.target == other.target
        )


@dataclass(frozen=True)
class Conflict:
    """The values one document gives for one indicator and period; the quoted one first."""

    document: DocumentRecord
    statements: tuple[Statement, ...]


def indicator_key(indicator: str) -> frozenset[str]:
    """Bigrams of the indicator without units, years and words like 累计/数量/达到."""
    text = compact(re.sub(r"[（(][^）)]*[）)]?$", "", indicator))
    text = re.sub(r"(?:19|20)\d{2}年(?:底|末)?|到|截至|截止", "", text)
    text = _TRAILING.sub("", _LEADING.sub("", text.strip("，,、：:；; ")))
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def base_years(record: DocumentRecord) -> tuple[int, int]:
    """The year an undated actual figure describes, and the year an undated target is for.

    A plan reviews the year before its period and sets targets for the period's end; other
    documents report on their own year.
    """
    years = period_years(record.period, record.year)
    if record.doc_type == "plan" and years:
        return min(years) - 1, max(years)
    year = record.year or 0  # no year known: matches no asked year
    return year, max(years) if years else year


def row_statements(chunk: Chunk) -> list[Statement]:
    """A table row (「表2.1 … | 12 上市高企数(家): 2020年完成值 43; 2025年目标值 60」)."""
    caption = chunk.text.split("|", 1)[0].strip()
    row = chunk.text.rsplit("|", 1)[-1]
    name, _, cells = row.partition(":")
    name = re.sub(r"^\s*\d+\s*", "", name).strip()
    unit_match = re.search(r"[（(]\s*(" + UNIT + r")\s*[）)]\s*$", name)
    unit = unit_match.group(1).replace("％", "%") if unit_match else ""
    table = re.match(r"表\s*[\d.]+", caption)
    where = f"{table.group() if table else caption}「{name}」行"
    found = []
    for year, label, value in _ROW_CELL.findall(cells):
        shown = f"{value}{unit}"
        found.append(
            Statement(
                chunk,
                chunk.text,
                name,
                indicator_key(name),
                float(value),
                shown,
                unit,
                int(year),
                bool(_TARGET.search(label)),
                f"{where}（{year}年{label}）",
            )
        )
    return found


def _sentence_statements(chunk: Chunk, record: DocumentRecord) -> list[Statement]:
    """Figures of the body text: the words just before a figure name its indicator."""
    actual_year, target_year = base_years(record)
    found = []
    scope: tuple[set[int], bool] = (set(), False)  # 「到2025年，A；B；C。」 reaches B and C
    for sentence in split_sentences(chunk.text):
        sentence_years = {int(y) for y in YEAR_MENTION.findall(sentence.text)} or scope[0]
        target = bool(_TARGET.search(sentence.text)) or scope[1]
        for clause in re.split(r"[，,：:；;。（）()、]", sentence.text):
            years = {int(y) for y in YEAR_MENTION.findall(clause)} or sentence_years
            if len(years) > 1:
                continue  # 「由2015年的…提高到2020年的…」: which year is which is unclear
            start = 0
            for match in _FIGURE.finditer(clause):
                before = clause[start : match.start()]
                start = match.end()
                if re.search(r"[\d.]\s*[-—~至到]\s*$", before):
                    continue  # a range (20%-30%) states no single value
                indicator = before if before.strip() else clause[match.end() :]
                key = indicator_key(indicator)
                if len(key) < 3:  # 「（国家级26家」: too short to tell which indicator
                    continue
                year = next(iter(years)) if years else (target_year if target else actual_year)
                found.append(
                    Statement(
                        chunk,
                        sentence.text,
                        indicator,
                        key,
                        float(match.group(1)),
                        match.group().replace(" ", ""),
                        match.group(2).replace("％", "%"),
                        year,
                        target,
                        chunk.section or "正文",
                    )
                )
        continued = sentence.text.rstrip("”’」』）)").endswith(("；", ";"))
        scope = (sentence_years, target) if continued else (set(), False)
    return found


def statements_of(chunk: Chunk, record: DocumentRecord) -> list[Statement]:
    if chunk.kind == "table_row":
        return row_statements(chunk)
    return _sentence_statements(chunk, record)


class StatementIndex:
    """The statements of each document of one snapshot, read the first time a document is
    cited (a library of thousands of documents is not read whole for one answer)."""

    def __init__(self) -> None:
        self._by_doc = PerSnapshot(_DocumentStatements)

    def of_document(self, snapshot: Snapshot, doc_id: str) -> list[Statement]:
        return self._by_doc.get(snapshot).of(doc_id)


class _DocumentStatements:
    """One snapshot's statements, by document, each document read once."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._read: dict[str, list[Statement]] = {}
        self._lock = threading.Lock()

    def of(self, doc_id: str) -> list[Statement]:
        with self._lock:
            found = self._read.get(doc_id)
        if found is not None:
            return found
        record = self._snapshot.documents.get(doc_id)
        statements = (
            [
                s
                for chunk in self._snapshot.by_doc.get(doc_id, [])
                for s in statements_of(chunk, record)
            ]
            if record is not None
            else []
        )
        with self._lock:
            self._read[doc_id] = statements
        return statements


def _asked(statement: Statement, question: str) -> bool:
    """The question names the statement's indicator (most of its bigrams)."""
    if not statement.key:
        return False
    return sum(gram in question for gram in statement.key) / len(statement.key) >= 0.75


def find_conflicts(
    quotes: Sequence[tuple[Passage, str]],
    question: str,
    snapshot: Snapshot,
    statements: StatementIndex,
) -> list[Conflict]:
    """Quoted statements of the asked indicator whose document states another value too."""
    asked = compact(question)
    conflicts: list[Conflict] = []
    seen: set[tuple[str, frozenset[str], int, bool]] = set()
    for passage, quote in quotes:
        record = passage.document
        for stated in statements_of(passage.chunk, record):
            if stated.quote not in quote and quote not in stated.quote:
                continue
            identity = (passage.doc_id, stated.key, stated.year, stated.target)
            if identity in seen or not _asked(stated, asked):
                continue
            others = [
                s
                for s in statements.of_document(snapshot, passage.doc_id)
                if s.same_indicator(stated) and s.value != stated.value
            ]
            if others:
                seen.add(identity)
                distinct = {s.value: s for s in others}
                conflicts.append(Conflict(record, (stated, *distinct.values())))
    return conflicts


def with_conflicts(
    extract: Extract, question: str, snapshot: Snapshot, statements: StatementIndex
) -> Extract:
    """Show every value of a conflicting pair, each with where it stands, and warn."""
    if extract.refused:
        return extract
    conflicts = find_conflicts(extract.quotes, question, snapshot, statements)
    if not conflicts:
        return extract
    quotes = list(extract.quotes)
    lines, warnings = [], []
    for conflict in conflicts:
        values = []
        for statement in conflict.statements:
            n = _marker(quotes, statement, conflict.document)
            lines.append(f"- {statement.where}：{statement.shown}[{n}]")
            values.append(f"{statement.where}为{statement.shown}")
        warnings.append(
            f"同一文档内数值不一致：《{conflict.document.title}》" + "，".join(values) + "。"
        )
    text = extract.text + "\n\n同一文档内给出了不同的数值：\n" + "\n".join(lines)
    return replace(
        extract, text=text, quotes=tuple(quotes), warnings=extract.warnings + tuple(warnings)
    )


def _marker(
    quotes: list[tuple[Passage, str]], statement: Statement, document: DocumentRecord
) -> int:
    """The [n] of the quote stating it; a new citation when the answer did not quote it."""
    for n, (passage, quote) in enumerate(quotes, start=1):
        if passage.chunk.id == statement.chunk.id and statement.quote in quote:
            return n
        if passage.chunk.id == statement.chunk.id and quote in statement.quote:
            return n
    quotes.append(
        (Passage(statement.chunk, document, 0.0, {}, statement.chunk.text), statement.quote)
    )
    return len(quotes)
