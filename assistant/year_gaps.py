"""Missing years admitted: 「那2019年呢？」 when no document states a 2019 value.

Listing the 2018 and 2022 values under a 2019 question reads as if one of them were the
2019 value. When no quoted evidence states a value for the asked year, the answer says so
first and names the nearest years' values, each with its marker; `refused` is true because
the asked value is not in the documents.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.conflicts import base_years
from assistant.question import compact
from vectorstore.search import Passage

if TYPE_CHECKING:
    from assistant.extractive import Extract

_ASKS_VALUE = re.compile(r"多少|几|第几|排名|名次|比例|比重|占比|规模|数量|金额|增长了?多")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
# A year that dates the source or an event (「据2023年6月大会介绍」) is not the value's year.
_FRAMING_YEAR = re.compile(
    r"(?:据|根据|按照|截至|截止|在|于)[^，,。？?]{0,12}?((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月"
    r"|((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月"
    r"|(?:据|根据|按照)[^，,。？?]{0,12}?((?:19|20)\d{2})\s*年[^，,。？?]{0,12}?(?:报告|规划|文件|会议|大会|介绍)"
)
_RANK = re.compile(r"第\s*\d+\s*[位名]")
_VALUE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|倍|亿元|万元|元|亿|万|家|个|项|位|名|件|人|所|座|条|批|届|次|台)"
)
_CELL = re.compile(r"((?:19|20)\d{2})\s*年\s*([^\s;；\d]*)\s+(-?\d+(?:\.\d+)?)")


def asked_year(question: str) -> int | None:
    """The one year a figure question asks a value for, or None (no year, several, framing)."""
    if not _ASKS_VALUE.search(question):
        return None
    framing = {int(y) for m in _FRAMING_YEAR.finditer(question) for y in m.groups() if y}
    years = {int(y) for y in _YEAR.findall(question)} - framing
    return years.pop() if len(years) == 1 else None


def dated_values(passage: Passage, quote: str, question: str) -> list[tuple[int, str]]:
    """(year, value) the quote states: a table row per column, a sentence for its one year."""
    if passage.chunk.kind == "table_row":
        unit = re.search(r"[（(]([^（()）]{1,4})[）)]\s*:", quote)
        return [
            (int(year), f"{label}{value}{unit.group(1) if unit else ''}")
            for year, label, value in _CELL.findall(quote.rsplit("|", 1)[-1])
        ]
    years = {int(y) for y in _YEAR.findall(quote)}
    for heading in passage.section.split(" > "):
        named = {int(y) for y in _YEAR.findall(heading)}
        if len(named) == 1 and not years:
            years = named
    if not years:
        actual, target = base_years(passage.document)
        years = {target if re.search(r"到\s*(?:19|20)\d{2}|力争|目标", quote) else actual}
    if len(years) != 1:
        return []
    value = _value_in(quote, question)
    return [(years.pop(), value)] if value else []


def _value_in(quote: str, question: str) -> str:
    """The figure of the clause sharing most of the question's words (a rank if one is asked)."""
    asked = compact(question)
    pattern = _RANK if re.search(r"第几|排名|名次|排第", question) else _VALUE
    best, best_overlap = "", -1
    for clause in re.split(r"[，,；;。]", quote):
        match = pattern.search(clause)
        if match is None:
            continue
        text = compact(clause)
        overlap = sum(text[i : i + 2] in asked for i in range(len(text) - 1))
        if overlap > best_overlap:
            best, best_overlap = " ".join(match.group().split()).replace(" ", ""), overlap
    return best


def admit_missing_year(extract: Extract, question: str) -> Extract:
    """Say first that the asked year has no value, then the nearest years' values."""
    year = asked_year(question)
    if year is None or not extract.quotes:
        return extract
    dated: list[tuple[int, str, int]] = []
    for n, (passage, quote) in enumerate(extract.quotes, start=1):
        for value_year, value in dated_values(passage, quote, question):
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
    head = f"文档中没有{year}年的数值；最接近的年份是：{listed}。"
    return replace(extract, text=f"{head}\n\n{extract.text}", refused=True)
