"""The parts of a multi-part question (「2018年新增了几家？累计有多少家？」), each made a
question of its own.

Each part is an ask of its own, and the documents may state one and not the other. The
whole question is answered only when every part would be answered alone; a later part is
asked in the first part's setting (its place, year and subject), as the asker meant it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import jieba.posseg

from assistant.answer_form import (
    EVIDENCE_LEAD,
    RELATED_LEAD,
    later_part_left_open,
    sources_line,
)
from assistant.answer_types import AMOUNT, TITLE, stated_types
from assistant.evidence import typed_evidence
from assistant.extractive import Extract
from assistant.question import Question, compact
from vectorstore.search import Passage

# (几 after 这, 那, 近 points at some, 「这几年」: it asks nothing and stays in the setting)
_ASK_WORDS = re.compile(
    r"(?:多少|(?<![这那近去前头])几)[万千百]?[个家项位名人件次届所只条场篇年]?|有?多[大高长久]"
    r"|哪(?:一)?[年个家些位里儿天]?|什么|谁|如何|怎么样?"
)


def standalone_part(part: str, first: str) -> str:
    """The part asked in the first part's setting: the first part without its ask, then
    the part (「…资金池累计引导银行给科技企业放过款，放款总额多少？」)."""
    return _ASK_WORDS.sub("", first).rstrip("是的了有，, ") + "，" + part + "？"


# 「他是什么职务？」: the part asks of the person the first part's answer names; the first
# part's words alone do not name that person.
_OF_THE_ANSWER = re.compile(r"^(?:那么|那)?(?:他|她)(?!们)")


def asks_of_the_answer(part: str) -> bool:
    return bool(_OF_THE_ANSWER.match(part))


# 「这个数量在全国城市中排第几」「该数字占全省多少」: a part asking of the first part's figure.
_OF_THE_FIGURE = re.compile(
    r"^(?:那么|那)?(?:这个|这一|这|该|此)(?:个)?(?:数量|数字|数|规模|金额|比例|水平)"
)


def _figures_of(said: str) -> list[str]:
    """The figures a first line states, in matching form (「335家」)."""
    return [compact(s.text) for s in stated_types(said)]


def ranks_a_figure_unwritten(part: str, said: str, answer: Extract) -> bool:
    """The part asks of the first part's figure (「这个数量…排第几」) and its own answer stands
    on a sentence that does not write that figure (`said`, the first line): a rank or share
    of another thing (「…全国总决赛初创企业组第一名」)."""
    figures = _figures_of(said)
    if not figures or not _OF_THE_FIGURE.match(part):
        return False
    lead = compact(answer.quotes[0][1]) if answer.quotes else ""
    return not any(f in lead for f in figures)


def quoted_answer(
    part: Question, quotes: Sequence[tuple[Passage, str]], tied: bool = True, said: str = ""
) -> bool:
    """A quoted sentence already holds a figure of the part's type by its attribute: a
    share or rank of the first part's figure is written beside it (「…21 项，占全省 47%」),
    so a sentence that does not write the figures the first line states (`said`) speaks of
    something else (「…全国总决赛初创企业组第一名」 ranks no 335家).
    Untied, the lead sentence need only hold a figure of the part's type."""
    if not tied:
        passage, text = quotes[0] if quotes else (None, "")
        row = passage is not None and passage.chunk.kind == "table_row"
        return bool(text and typed_evidence(part, text, row, tie=False).spans)
    if _money_only(part) and any(s.type == AMOUNT for s in stated_types(said)):
        # 「…促成600多个项目转化落地，涉及金额近500亿元」: money asked in a word for money (资金,
        # 钱) is answered by the amount the first line states beside the first part's figure,
        # however the text names it
        return True
    figures = _figures_of(said)
    beside = [
        (passage, text)
        for passage, text in quotes
        if not figures or any(f in compact(text) for f in figures)
    ]
    held = (
        typed_evidence(part, text, passage.chunk.kind == "table_row") for passage, text in beside
    )
    # (a post is tied to the person it is written before, not to a word like 职务)
    by_person = part.types[:1] == (TITLE,)
    return any((by_person or evidence.attribute > 0) and evidence.spans for evidence in held)


# Words that say only "money": as a part's whole attribute they ask any amount.
_MONEY_WORDS = frozenset({"资金", "钱", "金额", "经费", "费用", "资金量", "款项"})


def _money_only(part: Question) -> bool:
    """The part asks an amount and names it only as money (「牵涉的资金大致是多少」)."""
    words = {t.text for t in part.attribute_terms}
    return part.types[:1] == (AMOUNT,) and bool(words) and words <= _MONEY_WORDS


# What a part may say besides an attribute: the scope a share or rank is taken in (全市,
# 全省, 广州各区), a plan's target (目标, 规划), a verb (打算, 提出) or 「这个数」 for the figure itself.
_NOT_AN_ATTRIBUTE = re.compile(
    r"^(?:全[市省国区球]|国内|国际上|区里|市里|省里|(?:广州|广东)?各[区市省地][中里内]?|广州|广东"
    r"|目标值?|规划|计划|预期|预计)$|^数|^这"
)


def names_its_own(part: Question, first: Question) -> bool:
    """The part names what it asks (「国际标准」「涉及金额」) or of what (「城市创新指数」);
    with no word of its own beyond a scope, a target or a verb (「到2025年要达到多少家？」
    「在全市占多少？」) it asks another side of the first part's figure."""
    known = {t.text for t in first.terms}
    return any(
        not _NOT_AN_ATTRIBUTE.search(t.text)
        and not any(w.flag.startswith("v") for w in jieba.posseg.lcut(t.text))
        for t in part.attribute_terms + tuple(t for t in part.terms if t.text not in known)
    )


_MARKER = re.compile(r"\[\d+\]")


def unmarked(direct: str | None) -> str:
    """A direct answer without its citation markers, which number one answer's quotes."""
    return _MARKER.sub("", direct or "")


def part_left_open(part: str, n: int, whole: Extract, refused: Extract) -> Extract:
    """A refusal that says which part the documents leave open (and, for a later part, the
    first part's answer), with the passages closest to that part."""
    if n:  # (the first answer's markers number other quotes)
        line = later_part_left_open(unmarked(whole.direct_answer), part)
    else:
        line = f"文档没有给出“{part}”。"
    related = refused.text[refused.text.find("\n") :] if "\n" in refused.text else ""
    # (a part answered by a sentence about something else: its quotes are only related)
    related = related.replace(f"\n{EVIDENCE_LEAD}\n", f"\n\n{RELATED_LEAD}\n", 1)
    return Extract(line + related, refused.quotes, True, ())


def with_parts_added(whole: Extract, pieces: Sequence[Extract]) -> Extract:
    """The whole answer, with the answer of each part it does not state at all appended: its
    figure after the first line's, and the sentence it stands on after the others."""
    lines = whole.text.splitlines()
    quotes = list(whole.quotes)
    direct = whole.direct_answer or ""
    added: list[str] = []
    for piece in pieces:
        value = unmarked(piece.direct_answer)
        if not value or not piece.quotes or compact(value) in compact(whole.text):
            continue
        passage, quote = piece.quotes[0]
        known = [text for _, text in quotes]
        n = known.index(quote) + 1 if quote in known else len(quotes) + 1
        if n > len(quotes):
            quotes.append((passage, quote))
            stated = next(line for line in piece.text.splitlines() if line.startswith("- "))
            added.append(re.sub(r"\[\d+\]$", f"[{n}]", stated))  # (its own marker only)
        direct += "；" + _MARKER.sub(f"[{n}]", piece.direct_answer or "")
    if direct == (whole.direct_answer or ""):
        return whole
    body = lines[1:-1] if lines[-1].startswith("来源：") else lines[1:]
    text = "\n".join([direct, *body, *added, sources_line([p for p, _ in quotes])])
    return Extract(text, tuple(quotes), False, whole.warnings, direct)
