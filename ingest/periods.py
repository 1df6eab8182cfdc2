"""When a figure is: the year the value refers to, read from the words around it.

Not the year of publication: the nearest year expression before the figure in its
sentence (截至2022年底 -> 2022, “十三五”末 -> 2020, 到2025年 -> 2025, 目前 -> the year it was
written), else the section heading's year, else the year the catalog says the document's
figures describe. A year that is a baseline (比2019年底增长, 较2015年) or a starting point
(自2015年起) dates nothing.
"""

from __future__ import annotations

import re
from functools import cache

from ingest.structure import SECTION_SEPARATOR
from ingest.years import FIVE_YEAR_PLANS, PLAN_WORD, YEAR_DIGITS, YEAR_WORD

# A plan's figures are dated by its last year ("“十三五”末" -> 2020).
_FIVE_YEAR_PLANS = {name: last for name, (_, last) in FIVE_YEAR_PLANS.items()}
_YEAR = re.compile(rf"(?P<year>{YEAR_DIGITS})\s?年(?P<suffix>底|末|初|上半年|前)?")
_PLAN = re.compile(rf"(?P<plan>{PLAN_WORD})”?\s?(?P<suffix>末|期间|时期|以来|期末)?")
_BASELINE_BEFORE = re.compile(r"(比|较|相比|同比|自|与|于)\s?$")
_START_AFTER = re.compile(r"^\s?(起|以来|开始|至今|—|-|～)")
_TARGET_CUE = re.compile(rf"到\s?{YEAR_WORD}|力争|目标|规划期末")
_SECTION_TARGET_CUE = re.compile(r"安排|目标|思路|展望|任务|规划|计划")
_SECTION_REVIEW_CUE = re.compile(r"总结|成效|回顾|成就|进展|情况|基础")
# A sentence that opens with a time ("2018 年，…", "“十三五”期间，…", "到2025年，…") dates
# the sentences after it in the same top-level section until another one does.
_LEADING_TIME = re.compile(rf"^\s*(?:仅|在|截至|截止|到|至)?\s*“?(?:{YEAR_WORD}|{PLAN_WORD})")
_BOOK_TITLE = re.compile(r"《[^》]*》")
_NOW = re.compile(r"(?:截至|截止|到)?(?:目前|当前|现阶段)")
_FROM_VALUE = re.compile(r"(由|从)\s?$")
_PLAN_SPAN = re.compile(rf"{PLAN_WORD}”?\s?(期间|时期|以来)")
PLAN_YEARS = 5


def mask_titles(text: str) -> str:
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


@cache
def heading_year(section: str) -> tuple[int, str] | None:
    """The year of the deepest heading that names exactly one; "2018年总结和2019年安排" names none."""
    for heading in reversed(section.split(SECTION_SEPARATOR)):
        masked = mask_titles(heading)
        years = {int(m.group("year")) for m in _YEAR.finditer(masked)}
        years |= {_FIVE_YEAR_PLANS[m.group("plan")] for m in _PLAN.finditer(masked)}
        if len(years) == 1:
            return year_before(masked)
        if years:
            return None
    return None


@cache
def plans_ahead(section: str) -> bool:
    """True under a heading about the future (工作安排, 发展目标) that is not also a review."""
    for heading in reversed(section.split(SECTION_SEPARATOR)):
        plans, reviews = _SECTION_TARGET_CUE.search(heading), _SECTION_REVIEW_CUE.search(heading)
        if plans or reviews:
            return bool(plans) and not reviews
    return False


def opening_time(masked_sentence: str) -> tuple[int, str] | None:
    """The time a sentence opens with ("2018 年，…", "“十三五”期间，…"), which dates the
    sentences after it in the same top-level section until another one does."""
    opening = _LEADING_TIME.match(masked_sentence)
    return year_before(masked_sentence[: opening.end() + 4]) if opening else None


def figure_year(before: str, dated: tuple[int, str] | None, default: int) -> int:
    """The year of a figure dated by `dated` (its sentence's or section's time, if any).

    "由3.7%提高到5.71%" under "“十三五”期间": the first value is the period's start.
    """
    if dated is None:
        return default
    if _PLAN_SPAN.search(dated[1]) and _FROM_VALUE.search(before[-3:]):
        return dated[0] - PLAN_YEARS
    return dated[0]


def looks_ahead(before: str, year: int, published: int) -> bool:
    """A target: announced with 到2025年/力争/目标, or about a year after publication."""
    return bool(_TARGET_CUE.search(before)) or year > published
