"""Missing years admitted: 「那2019年呢？」 when no document states a 2019 value.

Listing the 2018 and 2022 values under a 2019 question reads as if one of them were the
2019 value. When no quoted evidence states a value for the asked year, the answer says so
first and names the nearest years' values, each with its marker; `refused` is true because
the asked value is not in the documents.
"""

from __future__ import annotations

import re
from dataclasses import fields, replace
from typing import TYPE_CHECKING

from assistant.conflicts import UNIT, base_years, row_statements
from assistant.followup import parse
from assistant.framing import split_framing
from assistant.question import compact
from ingest.years import YEAR_MENTION
from vectorstore.search import Passage

if TYPE_CHECKING:
    from assistant.extractive import Extract

# (「和2030年目标相比怎么样」 asks that year's value too)
_ASKS_VALUE = re.compile(
    r"多少|几|第几|排名|名次|比例|比重|占比|规模|数量|金额|增长了?多|相比|对比|比较|差距"
)
_TARGET = re.compile(r"到\s*(?:19|20)\d{2}|力争|目标")
_SINCE = re.compile(r"(?:自|从)\s*(?:19|20)\d{2}\s*年[^，,。；;]{0,16}?以来")
_VALUE = re.compile(r"(?:第\s*)?\d+(?:\.\d+)?\s*" + UNIT)


def asked_year(question: str) -> int | None:
    """The one year a figure question asks a value for, or None (no year, several, framing)."""
    if not _ASKS_VALUE.search(question):
        return None
    # A year that dates the source or an event (「据2023年6月大会介绍，」「截至2024年底，」)
    # belongs to the framing, not to the value asked for.
    years = {int(y) for y in YEAR_MENTION.findall(split_framing(question).core)}
    return years.pop() if len(years) == 1 else None


def dated_values(passage: Passage, quote: str, question: str) -> list[tuple[int, str, bool]]:
    """(year, value) of the asked indicator the quote states: a table row per column, a
    sentence for its one year; nothing when the quote is about another indicator. The flag
    says whether the value is a target."""
    asked = compact(question)
    unit = asked_unit(question)
    if passage.chunk.kind == "table_row":
        cells = row_statements(passage.chunk)
        core = compact(re.sub(r"[（(][^）)]*[）)]?\s*$", "", cells[0].indicator)) if cells else ""
        if _overlap(core, asked) < 0.6 * max(1, len(core) - 1):
            return []
        return [
            (cell.year, ("目标值" if cell.target else "") + cell.shown, cell.target)
            for cell in cells
            if not unit or cell.unit == unit
        ]
    # 「自 2016 年正式运作以来……累计」 states a total as of the report, not a 2016 value
    years = {int(y) for y in YEAR_MENTION.findall(_SINCE.sub("", quote))}
    years = years or _dated_by_section(passage, quote)
    if not years:
        actual, target = base_years(passage.document)
        years = {target if _TARGET.search(quote) else actual}
    if len(years) != 1:
        return []
    value = _value_in(quote, asked, unit)
    return [(years.pop(), value, bool(_TARGET.search(quote)))] if value else []


def _dated_by_section(passage: Passage, quote: str) -> set[int]:
    """The one year a heading over a quote that names none dates it by (「三、2019 年重点工作
    安排」), or an empty set."""
    if YEAR_MENTION.search(_SINCE.sub("", quote)):
        return set()
    for heading in passage.section.split(" > "):
        named = {int(y) for y in YEAR_MENTION.findall(heading)}
        if len(named) == 1:
            return named
    return set()


def asked_unit(question: str) -> str:
    """The unit the question asks its value in (多少亿元 -> 亿元, 第几 -> 位), or ''."""
    if re.search(r"第几|排名|名次|排第", question):
        return "位"
    if re.search(r"比例|比重|占比|百分之", question):
        return "%"
    match = re.search(r"(?:多少|几)\s*(" + UNIT + ")", question)
    return match.group(1) if match else ""


def _overlap(text: str, asked: str) -> int:
    """How many of the text's character bigrams the (compact) question holds."""
    text = compact(text)
    return sum(text[i : i + 2] in asked for i in range(len(text) - 1))


def _value_in(quote: str, asked: str, unit: str) -> str:
    """The figure, in the asked unit, of the clause sharing most of the question's words."""
    best, best_overlap = "", 2  # a clause must share three bigrams with the question
    for clause in re.split(r"[，,；;。]", quote):
        for match in _VALUE.finditer(clause):
            value = "".join(match.group().split()).replace("％", "%")
            if unit and not value.endswith(unit) or unit == "位" and not value.startswith("第"):
                continue
            overlap = _overlap(clause, asked)
            if overlap > best_overlap:
                best, best_overlap = value, overlap
    return best


def admit_missing_year(extract: Extract, question: str) -> Extract:
    """Say first that the asked year has no value, then the nearest years' values."""
    year = asked_year(question)
    if year is None or not extract.quotes:
        return extract
    if any(year in {int(y) for y in YEAR_MENTION.findall(q)} for _, q in extract.quotes):
        return extract  # a quote names the year (「从2017年的357亿元翻番至……」)
    if any(_dated_by_section(p, q) == {year} for p, q in extract.quotes):
        return extract  # a quote under 「三、2019 年重点工作安排」 is of that year
    wants_target = bool(re.search(r"目标|计划|规划|预期|预计|力争", question))
    dated: list[tuple[int, str, int]] = []
    place = parse(question).place
    for n, (passage, quote) in enumerate(extract.quotes, start=1):
        where = compact(f"{passage.title}{passage.section}{passage.text}")
        if place and compact(place) not in where:
            continue  # another place's value (全市 for a 黄埔区 question) is no nearest year
        for value_year, value, target in dated_values(passage, quote, question):
            if wants_target and not target:
                continue  # a target was asked: an actual value is not its nearest year
            if value_year == year:
                return extract  # the evidence states the asked year
            dated.append((value_year, value, n))
    if not dated:
        return extract
    earlier = [d for d in dated if d[0] < year]
    later = [d for d in dated if d[0] > year]
    nearest = []
    if earlier:
        nearest.append(max(earlier, key=lambda d: (d[0], -d[2])))
    if later:
        nearest.append(min(later, key=lambda d: (d[0], d[2])))
    listed = "；".join(f"{y}年 {value}[{n}]" for y, value, n in nearest)
    head = f"已收录的文档中没有找到{year}年的数值；最接近的年份是：{listed}。"
    # A refusal's own first paragraph (「没有找到……」) says less than this line: it gives way.
    body = extract.text.partition("\n\n")[2] if extract.refused else extract.text
    changes: dict[str, object] = {"text": f"{head}\n\n{body}".rstrip(), "refused": True}
    if "direct_answer" in {f.name for f in fields(extract)}:
        changes["direct_answer"] = head  # the admission is the answer to the asked year
    return replace(extract, **changes)  # type: ignore[arg-type]
