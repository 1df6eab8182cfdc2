"""Trend and comparison answers from the fact table: how an indicator moved, year by year.

「广州技术合同成交额这些年是怎么变的？」 wants every stated value of one indicator, each with
its period, scope and kind, and not the single best sentence. The fact table
(vectorstore.facts) holds them with their sources; this module finds the asked indicator
in it, keeps the asked scope (广州市 and 黄埔区 values are separate series, never one line),
and writes a small cited table. A change between two actual values of one series, or the
share of a target reached, is computed and labelled 计算所得: no document states it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer_form import sources_line
from assistant.extractive import Extract
from assistant.question import Question, bigrams, compact
from ingest.facts import KIND_LABELS, Fact, display_value
from ingest.figures import find_figures
from vectorstore.facts import SourcedFact
from vectorstore.index import Snapshot
from vectorstore.search import Passage

# How Chinese asks for a movement or a comparison of one indicator.
TREND_CUE = re.compile(
    r"怎么变|如何变|怎样变|变化|增长了?多少|增加了?多少|提高了?多少|涨了?多少|相比|对比|比较"
    r"|[和与跟]目标|目标完成|完成情况|前后|这些年|这几年|历年|近几年|逐年|走势|趋势"
    r"|从\s*(?:19|20)\d{2}\s*年?[^，。？]{0,8}到"
    r"|(?:19|20)\d{2}\s*年?\s*[和与及、至到]\s*(?:19|20)\d{2}"  # 2018年和2024年
)
# 「同比涨了多少」「比上年增长了多少」: a change from the year before.
_YEAR_ON_YEAR = re.compile(r"同比|比上一?年|较上一?年|比去年|较去年|比前一年")
# Share of an indicator name's character bigrams the question must hold: 规模以上国家高新技术
# 企业 holds 8 of 规模以上高新技术企业数量's 11 (the question adds 国家 and omits 数量).
NAME_SHARE = 0.7
MAX_ROWS = 8
# The scope a question names, by the words it uses; checked in this order (广州开发区 is 黄埔).
_SCOPE_WORDS = (
    (("黄埔", "开发区", "高新区"), "黄埔区、广州开发区"),
    (("广州", "全市", "我市", "穗"), "广州市"),
    (("广东", "全省"), "广东省"),
    (("全国",), "全国"),
)
# Kinds that state what was (not what is wanted): a series' change is computed over them.
_STATED = frozenset({"actual", "share", "rank"})


@dataclass(frozen=True)
class Row:
    """One cited line of the table."""

    fact: Fact
    passage: Passage


def is_trend_question(question: Question) -> bool:
    """It asks how a figure moved, or compares it across years or with its target."""
    return bool(TREND_CUE.search(question.core or question.text))


def asked_indicator(question: Question, names: Sequence[str]) -> str | None:
    """The indicator name the question holds most of: the most character bigrams held (a
    longer, more specific name wins: 规模以上高新技术企业数量 over 高新技术企业), among names
    of which the question holds at least NAME_SHARE."""
    asked = compact(question.core or question.text)
    best: tuple[int, float, str] | None = None
    for name in names:
        grams = bigrams(name)
        if not grams:
            continue
        held = sum(g in asked for g in grams)
        share = held / len(grams)
        if share >= NAME_SHARE and (best is None or (held, share) > best[:2]):
            best = (held, share, name)
    return best[2] if best else None


def asked_scope(question: Question) -> str:
    """The scope the question names, or '' when it names none (then every scope is shown)."""
    core = question.core or question.text
    for words, scope in _SCOPE_WORDS:
        if any(word in core for word in words):
            return scope
    return ""


def trend_rows(facts: Sequence[SourcedFact], scope: str, snapshot: Snapshot) -> list[Row]:
    """The facts of the asked scope that a reader can check: one row per distinct value of a
    period and kind, each with the passage that states it."""
    rows: list[Row] = []
    seen: set[tuple[str, str, str, float]] = set()
    for sourced in sorted(facts, key=lambda s: (s.fact.scope, s.fact.period, s.fact.kind)):
        fact = sourced.fact
        identity = (fact.scope, fact.period, fact.kind, fact.value)
        chunk = snapshot.chunks.get(fact.chunk_id)
        document = snapshot.documents.get(fact.doc_id)
        if (scope and fact.scope != scope) or identity in seen or not chunk or not document:
            continue
        if fact.quote not in chunk.text:
            continue  # the chunk changed since the facts were built: nothing to cite
        seen.add(identity)
        rows.append(Row(fact, Passage(chunk, document, 0.0, {}, chunk.text)))
    return rows[:MAX_ROWS]


def computed(rows: Sequence[Row]) -> list[str]:
    """Changes between the first and last stated value of each series (a rank's places), and
    the share of a later target the last value reached, labelled as computed."""
    notes: list[str] = []
    for scope in dict.fromkeys(r.fact.scope for r in rows):
        series = [r.fact for r in rows if r.fact.scope == scope]
        stated = [f for f in series if f.kind in _STATED and f.year]
        first, last = (stated[0], stated[-1]) if stated else (None, None)
        if first and last and first.unit == last.unit and first.year < last.year:
            notes.append(f"{scope}：{first.year}年至{last.year}年{_change(first, last)}")
        targets = [f for f in series if f.kind == "target" and f.year]
        if last and targets and last.kind != "rank" and targets[-1].unit == last.unit:
            target = targets[-1]
            if last.year < target.year and target.value:
                notes.append(
                    f"{scope}：{last.year}年数值为{target.year}年目标值的"
                    f"{last.value / target.value:.1%}"
                )
    return notes


def _change(first: Fact, last: Fact) -> str:
    change = last.value - first.value
    if first.kind == "rank" or first.unit == "位":
        return f"排名{'上升' if change < 0 else '下降'}{_number(abs(change))}位"
    if first.unit == "%":
        return f"变化 {_number(change, signed=True)}个百分点"
    growth = f"（{change / first.value:+.1%}）" if first.value else ""
    return f"变化 {_number(change, signed=True)}{first.unit}{growth}"


def written(fact: Fact) -> str:
    """The value as its sentence writes it (「超过 1.1 万家」, not 11000家); a table cell's bare
    number gets its unit from the row's header (display_value)."""
    for figure in find_figures(fact.quote):
        if figure.unit == fact.unit and abs(figure.value - fact.value) < 1e-9:
            return " ".join(fact.quote[figure.start : figure.end].split())
    return display_value(fact)


def _number(value: float, signed: bool = False) -> str:
    text = f"{value:+.2f}" if signed else f"{value:.2f}"
    return text.rstrip("0").rstrip(".")


def render_trend(name: str, rows: Sequence[Row]) -> Extract:
    """The table with a marker per row, then the computed changes; quotes are verbatim."""
    lines = [
        f"「{name}」各时期的数值：",
        "",
        "| 时期 | 范围 | 数值 | 类型 | 出处 |",
        "|---|---|---|---|---|",
    ]
    for n, row in enumerate(rows, start=1):
        fact = row.fact
        kind = KIND_LABELS.get(fact.kind, fact.kind)
        lines.append(f"| {fact.period} | {fact.scope} | {written(fact)} | {kind} | [{n}] |")
    notes = computed(rows)
    if notes:
        lines += ["", "计算所得（文档未直接给出）：", *(f"- {note}" for note in notes)]
    lines += ["", sources_line([row.passage for row in rows])]
    quotes = tuple((row.passage, row.fact.quote) for row in rows)
    direct = "；".join(
        f"{r.fact.period} {display_value(r.fact)}[{n}]" for n, r in enumerate(rows, 1)
    )
    return Extract("\n".join(lines), quotes, False, (), direct)


@dataclass(frozen=True)
class Indicators:
    """The fact table by indicator key, and every name (key or wording) leading to a key."""

    by_key: dict[str, list[SourcedFact]]
    names: dict[str, str]

    @classmethod
    def of(cls, facts: Sequence[SourcedFact]) -> Indicators:
        by_key: dict[str, list[SourcedFact]] = {}
        names: dict[str, str] = {}
        for sourced in facts:
            key = sourced.fact.indicator
            by_key.setdefault(key, []).append(sourced)
            names.setdefault(compact(key), key)
            names.setdefault(compact(re.sub(r"[（(][^）)]*[）)]", "", sourced.fact.surface)), key)
        return cls(by_key, names)


def trend_answer(question: Question, indicators: Indicators, snapshot: Snapshot) -> Extract | None:
    """A table answer for a trend or comparison question, or None when the fact table does
    not hold values of the asked indicator for two periods or kinds in the asked scope."""
    if not is_trend_question(question):
        return None
    name = asked_indicator(question, list(indicators.names))
    if name is None:
        return None
    key = indicators.names[name]
    rows = trend_rows(indicators.by_key[key], asked_scope(question), snapshot)
    if len({(r.fact.period, r.fact.kind) for r in rows}) < 2:
        return None
    if _YEAR_ON_YEAR.search(question.core or question.text) and not _year_before(question, rows):
        return None  # a change from the year before: other years' values do not give it
    return render_trend(key, rows)


def _year_before(question: Question, rows: Sequence[Row]) -> bool:
    """A stated value of the year before the asked one, in the asked value's scope. The asked
    year is the one the question names, or that of the value it quotes (「2646亿那个数」)."""
    stated = {(r.fact.scope, r.fact.year) for r in rows if r.fact.kind in _STATED and r.fact.year}
    asked = compact(question.text)
    quoted = {r.fact.year for r in rows if r.fact.year and _number(r.fact.value) in asked}
    years = set(question.years) or quoted or {year for _, year in stated}
    wanted = {(r.fact.scope, r.fact.year) for r in rows if r.fact.year in years}
    return any((scope, year - 1) in stated for scope, year in wanted)


def cross_year_warning(
    question: Question,
    quotes: Sequence[tuple[Passage, str]],
    indicators: Indicators,
    snapshot: Snapshot,
) -> str | None:
    """Different values of one indicator, scope and kind stated by documents of different
    years, among the figures the answer quotes (the fact table says which figure a quote
    states). 广州市's 3.12% and 黄埔区's 2025 target of 6% are two series, never a warning."""
    asked = asked_indicator(question, list(indicators.names))
    if asked is None:
        return None
    key = indicators.names[asked]
    quoted = {(passage.chunk.id, quote) for passage, quote in quotes}
    series: dict[tuple[str, str], dict[str, Fact]] = {}
    for sourced in indicators.by_key.get(key, []):
        fact = sourced.fact
        if any(chunk == fact.chunk_id and _overlaps(fact.quote, quote) for chunk, quote in quoted):
            series.setdefault((fact.scope, fact.kind), {}).setdefault(fact.doc_id, fact)
    for by_doc in series.values():
        years = {snapshot.documents[d].year for d in by_doc if d in snapshot.documents}
        if len(by_doc) >= 2 and len(years) >= 2 and len({f.value for f in by_doc.values()}) >= 2:
            listed = "；".join(
                f"{f.period}年《{snapshot.documents[d].title}》：{written(f)}"
                for d, f in sorted(by_doc.items(), key=lambda item: item[1].period)
                if d in snapshot.documents
            )
            return f"不同年份文档中的数值不同：{listed}"
    return None


def _overlaps(fact_quote: str, quote: str) -> bool:
    return fact_quote in quote or quote in fact_quote
