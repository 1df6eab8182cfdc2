"""Find the figures in a sentence: value, unit, qualifier and whether it is a rank.

Chinese official documents state a figure as number + optional 余/多 + optional scale
(万/亿) + unit ("1万余人", "2000多亿元", "21 项"), a rank as 第N位 / 居全国第三 / 前5位,
and a share as N% or 八成. Years, serial numbers, model names (TH-F120), sizes
(12英寸) and ranges (3-5 年, 20%-30%) are not figures. Values are normalised (万 × 10000
for counts, 万亿元 -> 亿元) and the unit is one of a fixed set; the text stays as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_COUNT_UNITS = "家|项|个|件|所|只|颗|场|篇|届|次|台|套|座|批|倍"
_PERSON_UNITS = "人|名|位"
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_FIGURE = re.compile(
    rf"(?P<num>{_NUMBER})\s?(?P<approx>余|多)?\s?"
    r"(?P<scale>万亿|亿|万)?(?P<approx2>余|多)?\s?"
    rf"(?P<unit>个百分点|%|％|美元|元|平方米|{_COUNT_UNITS}|{_PERSON_UNITS})"
    # "10个月", "3个小时": a duration, not a count.
    r"(?!月|小时|工作日|季度|星期)"
)
_CN_NUMBER = "[一二两三四五六七八九十]{1,3}"
_RANK = re.compile(rf"(?P<lead>第|前)\s?(?P<num>\d{{1,4}}|{_CN_NUMBER})\s?(?P<unit>位|名)?")
_TENTHS = re.compile(r"(?P<approx>近|约)?(?P<num>[一二三四五六七八九])成(?P<after>以上|左右)?")
# A rank needs a ranking verb before it, or 位/名 after it: 第一股, 第三代, 第十三届 are names.
# 居全市首位, 稳居全国首位: first place without a number.
_FIRST_PLACE = re.compile(r"(居|位居|稳居|位列|排名)[^，,。；;]{0,8}首位")
# "全省第一", "世界第一": a place right before 第N ranks as much as a verb does.
_PLACE_BEFORE = re.compile(r"(全国|全省|全市|全区|全球|世界|国内|国际)$")
_RANK_CUE = re.compile(
    r"(居|排名|排在|位列|列|跃升至|升至|进入|位于|名列|保持|稳居|排|达到)[^，,。；;]{0,12}$"
)
_NOT_RANK_AFTER = re.compile(r"^[股代届次批期轮条方个家项部季]")
# Every look back from a figure stays within this many characters (the cue regexes are
# anchored at the figure, so searching the whole prefix would only cost time).
_LOOKBEHIND = 20
_RANGE_BEFORE = re.compile(r"\d%?\s?[-－—~～至到]\s?$")
_RANGE_AFTER = re.compile(r"^\s?[-－—~～至]\s?\d")
_GLUED_BEFORE = re.compile(r"[A-Za-z\d.·/+\-_]$")
_APPROX_BEFORE = re.compile(r"(近|约|超过|超|逾|不少于|不低于|不到|接近|将近)\s?$")
_APPROX_AFTER = re.compile(r"^\s?(以上|左右|以下|以内)")


@dataclass(frozen=True)
class Figure:
    """One figure found in a text: [start, end) covers number, qualifier words and unit."""

    start: int
    end: int
    value: float
    unit: str
    qualifier: str
    is_rank: bool


def chinese_number(text: str) -> int:
    """一..九十九 as an int (for ranks and 成); '十' alone is 10, '十二' 12, '二十' 20."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _number(text: str) -> float:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return float(chinese_number(text))


def _normalise(value: float, scale: str, unit: str) -> tuple[float, str]:
    """Money stays in the unit written (亿元 / 万元 / 元); counts lose their 万/亿."""
    if unit in ("%", "％"):
        return value, "%"
    if unit.endswith("元"):
        currency = unit
        if scale == "万亿":
            return value * 10000, "亿" + currency
        return value, scale + currency
    factor = {"": 1, "万": 10_000, "亿": 100_000_000, "万亿": 1_000_000_000_000}[scale]
    return round(value * factor, 6), "人" if unit in ("名", "位") else unit


def _qualifier(text: str, start: int, end: int, inner: str) -> tuple[str, int, int]:
    """Approximation words around a figure (近80家, 500余名, 45%以上), widening the span."""
    window = max(0, start - _LOOKBEHIND)
    before = _APPROX_BEFORE.search(text, window, start)
    after = _APPROX_AFTER.match(text[end:])
    words = [before.group(1) if before else "", inner, after.group(1) if after else ""]
    return (
        "".join(words),
        before.start() if before else start,
        end + after.end() if after else end,
    )


def _excluded(text: str, start: int, end: int) -> bool:
    return bool(
        _RANGE_BEFORE.search(text, max(0, start - _LOOKBEHIND), start)
        or _RANGE_AFTER.match(text[end:])
        or _GLUED_BEFORE.search(text, max(0, start - 1), start)
    )


def find_figures(text: str) -> list[Figure]:
    """Every figure in `text`, left to right, without overlaps."""
    found: list[Figure] = []
    for match in _RANK.finditer(text):
        window = max(0, match.start() - _LOOKBEHIND)
        cue = _RANK_CUE.search(text, window, match.start()) or _PLACE_BEFORE.search(
            text, window, match.start()
        )
        if not match.group("unit") and (not cue or _NOT_RANK_AFTER.match(text[match.end() :])):
            continue
        if _excluded(text, match.start(), match.end()):
            continue
        qualifier = "前" if match.group("lead") == "前" else ""
        value = _number(match.group("num"))
        found.append(Figure(match.start(), match.end(), value, "位", qualifier, True))
    for match in _FIRST_PLACE.finditer(text):
        found.append(Figure(match.end() - 2, match.end(), 1.0, "位", "", True))
    for match in _FIGURE.finditer(text):
        start, end = match.span()
        if any(f.start <= start < f.end for f in found) or _excluded(text, start, end):
            continue
        inner = match.group("approx") or match.group("approx2") or ""
        value, unit = _normalise(
            _number(match.group("num")), match.group("scale") or "", match.group("unit")
        )
        qualifier, start, end = _qualifier(text, start, end, inner)
        found.append(Figure(start, end, value, unit, qualifier, False))
    for match in _TENTHS.finditer(text):
        if any(f.start <= match.start() < f.end for f in found):
            continue
        qualifier = (match.group("approx") or "") + (match.group("after") or "")
        value = float(chinese_number(match.group("num")) * 10)
        found.append(Figure(match.start(), match.end(), value, "%", qualifier, False))
    return sorted(found, key=lambda figure: figure.start)
