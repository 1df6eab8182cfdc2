"""Years and planning periods named in questions and documents: the one home of their patterns.

Chinese planning documents name periods by five-year plan ("十四五" = 2021–2025), and
questions name years ("2025年目标", "2018年"); both decide which document should answer.
Every stage builds its year expressions from the pieces here (ingest dates figures with
them, search lifts passages by them, the assistant reads the years a question asks about).
"""

from __future__ import annotations

import re

#: A year of this corpus's era, as digits (1900–2099).
YEAR_DIGITS = r"(?:19|20)\d{2}"
#: A year written as a year: "2025年", "2025 年".
YEAR_WORD = rf"{YEAR_DIGITS}\s?年"
#: A five-year plan's name: 十一五 … 十五五.
PLAN_WORD = r"十[一二三四五]五"
FIVE_YEAR_PLANS = {
    "十一五": (2006, 2010),
    "十二五": (2011, 2015),
    "十三五": (2016, 2020),
    "十四五": (2021, 2025),
    "十五五": (2026, 2030),
}
#: A year a text names as a year ("2025年", "2025 年"); group 1 is its digits.
YEAR_MENTION = re.compile(rf"(?<!\d)({YEAR_DIGITS})\s*年")
# A bare year (「2018的数据」) has no counter after it: 「超过 2000 家」 is a count.
_COUNTER_AFTER = r"\s*[家个项人名位件元万亿千百多余台所座篇次户套支条种场届批吨米%％]"
_YEAR = re.compile(rf"(?<!\d)({YEAR_DIGITS})(?:\s*年|(?!\d)(?!{_COUNTER_AFTER}))")
_PERIOD = re.compile(rf"({YEAR_DIGITS})\s*[-–—~至到]\s*({YEAR_DIGITS})")


def written_years(text: str) -> set[int]:
    """Years a text writes out (2025年, 2018), without the years of a plan it names."""
    return {int(match.group(1)) for match in _YEAR.finditer(text)}


def years_in(text: str) -> set[int]:
    """Years a text names: explicit (2025年, 2018) and five-year plans (十四五 -> 2021..2025)."""
    years = written_years(text)
    for name, (first, last) in FIVE_YEAR_PLANS.items():
        if name in text:
            years.update(range(first, last + 1))
    return years


def period_years(period: str, year: int | None = None) -> set[int]:
    """Years a document covers, from its catalog period ("2018–2019", "2021-2025") and year."""
    covered: set[int] = set()
    for match in _PERIOD.finditer(period):
        covered.update(range(int(match.group(1)), int(match.group(2)) + 1))
    covered |= years_in(period)
    if year:
        covered.add(year)
    return covered
