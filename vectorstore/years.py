"""Years and planning periods named in questions and documents.

Chinese planning documents name periods by five-year plan ("十四五" = 2021–2025), and
questions name years ("2025年目标", "2018年"); both decide which document should answer.
"""

from __future__ import annotations

import re

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*年|(?!\d))")
_FIVE_YEAR_PLANS = {
    "十二五": (2011, 2015),
    "十三五": (2016, 2020),
    "十四五": (2021, 2025),
    "十五五": (2026, 2030),
}
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*[-–—~至到]\s*((?:19|20)\d{2})")


def years_in(text: str) -> set[int]:
    """Years a text names: explicit (2025年, 2018) and five-year plans (十四五 -> 2021..2025)."""
    years = {int(match.group(1)) for match in _YEAR.finditer(text)}
    for name, (first, last) in _FIVE_YEAR_PLANS.items():
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
