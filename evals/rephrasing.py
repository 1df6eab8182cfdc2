"""Everyday rewordings of a Chinese question that keep its meaning: the rephrasing rules.

A rule set tuned on the dev questions cannot tell whether the product answers the
question or its wording. Each rule here is one small rewrite people make without
thinking (是多少 -> 为多少, a closing 呢, a courtesy opener, the topic put in front), applied
alone to the original; a rule whose pattern is absent gives nothing. A rewrite never
touches a number, a year, a name or a quoted title: :func:`keeps_facts` checks that, and a
rewrite that fails it is dropped rather than asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: Digits, quoted names and titles: what a rewrite may never change.
_FACTS = re.compile(r"\d+(?:\.\d+)?|“[^”]+”|《[^》]+》|\"[^\"]+\"")
#: The closing ？ (or ?) and anything after it.
_CLOSE = re.compile(r"[？?]\s*$")
#: A final clause already closed by a spoken particle gets no second one.
_ENDS_IN_PARTICLE = re.compile(r"(?:呢|啊|吗|吧|呀|(?<![什怎这那多])么|嘛|来着|没有|不)$")
#: A clause that ends on its question word (with its measure word): 来着 recalls a fact.
_ENDS_ON_WH = re.compile(
    r"(?:多少|几|什么|啥|谁|哪位|第几|哪[一-龥]{0,3})(?:家|个|项|位|名|人|届|篇|颗|年|亿元|万元|元|位置)?$"
)
#: A frame of the product's own (「根据…，」) is not a topic to put in front.
_FRAME_WORD = re.compile(r"^(?:据|根据|按照|按|依据|截至|作为|关于|在)")
#: The opening a question already has: no second courtesy or speaker in front.
_OPENS_WITH_SPEAKER = re.compile(r"^(?:请问|麻烦|劳驾|我想|我们|咱们|我司|本公司|想问)")
#: Who a 是谁 question asks for when it asks for a person (not a 单位 or a 机构).
_PERSON_ROLE = re.compile(
    r"(?:负责人|院长|校长|主任|董事长|总经理|理事长|秘书长|会长|所长|局长|书记|首席科学家|"
    r"科学家|专家|主席|总裁|副总|带头人|领军人才)$"
)
_NOT_A_PERSON = re.compile(r"单位|机构|企业|公司|组织|部门|哪家")
#: A place a question can be put under (「关于黄埔区，」).
_PLACES = ("广州开发区", "黄埔区", "广州市", "广州", "黄埔")
#: A body: a named organisation, a bureau or an association.
_BODY = re.compile(
    r"[^\W\d的和与及哪些有在了是由把给向从到对为被其该这那几多少各]{2,24}?"
    r"(?:研究院|研究所|实验室|中心|联盟|公司|集团|基金|大学|工作站|科技局|科协|创交会|交易会)"
)
#: Question words after which the rest of a fronted question still asks something.
_ASKS = re.compile(r"多少|几|什么|啥|谁|哪|如何|怎么|第几")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿|千|百)?")
_SCALE = {"": 1, "百": 100, "千": 1_000, "万": 10_000, "亿": 100_000_000}
#: The largest count a 几 question plausibly expects: 几家 asks for a handful.
_FEW = 10


#: A rewrite of (question, the strings its answer must hold): the new wording, or None.
Rewrite = Callable[[str, Sequence[str]], str | None]


@dataclass(frozen=True)
class Rule:
    """One named rewrite: ``apply`` gives the reworded question, or None when absent."""

    name: str
    apply: Rewrite


def _replace_once(old: str, new: str, guard: str | None = None) -> Rewrite:
    """A rule replacing the first ``old`` (not preceded by ``guard``) with ``new``."""
    pattern = re.compile(f"(?<!{guard}){re.escape(old)}" if guard else re.escape(old))

    def apply(question: str, _answers: Sequence[str]) -> str | None:
        return pattern.sub(new, question, count=1) if pattern.search(question) else None

    return apply


def _few_expected(answers: Sequence[str]) -> bool:
    """True when every number the answer holds is a handful (几家 asks for that)."""
    numbers = [float(n) * _SCALE[unit] for a in answers for n, unit in _NUMBER.findall(a)]
    return bool(numbers) and all(n <= _FEW for n in numbers)


def _how_many_firms(question: str, answers: Sequence[str]) -> str | None:
    """多少家 -> 几家, only when the answer is a handful (and never 哪几家)."""
    if "多少家" not in question or not _few_expected(answers):
        return None
    return question.replace("多少家", "几家", 1)


def _who_person(question: str, _answers: Sequence[str]) -> str | None:
    """是谁 -> 是哪位, only when a person is asked (a role before it, no body in sight)."""
    at = question.find("是谁")
    if at < 0 or _NOT_A_PERSON.search(question) or not _PERSON_ROLE.search(question[:at]):
        return None
    return question[:at] + "是哪位" + question[at + 2 :]


def _closing(particle: str) -> Rewrite:
    """A spoken particle before the final ？, never after another one (no 呢呢, 吗呢)."""

    def apply(question: str, _answers: Sequence[str]) -> str | None:
        body = _CLOSE.sub("", question.strip())
        if _ENDS_IN_PARTICLE.search(body):
            return None
        if particle == "来着" and not _ENDS_ON_WH.search(body):
            return None
        return f"{body}{particle}？"

    return apply


def _opener(words: str) -> Rewrite:
    """A courtesy or a speaker in front, unless the question already has one."""

    def apply(question: str, _answers: Sequence[str]) -> str | None:
        if _OPENS_WITH_SPEAKER.match(question):
            return None
        return f"{words}{question}"

    return apply


def _topic(question: str) -> tuple[str, str] | None:
    """(X, Y…) when the question opens 「X的Y…」 with X a place or body and Y still asks."""
    head, sep, rest = question.partition("的")
    if not sep or not rest or not _ASKS.search(rest) or "，" in head or _FRAME_WORD.match(head):
        return None
    if head in _PLACES or _BODY.fullmatch(head):
        return head, rest
    return None


def _front_topic(question: str, _answers: Sequence[str]) -> str | None:
    """「X的Y是多少？」 -> 「X，Y是多少？」."""
    topic = _topic(question)
    return f"{topic[0]}，{topic[1]}" if topic else None


def _about_topic(question: str, _answers: Sequence[str]) -> str | None:
    """「X的Y是多少？」 -> 「关于X，Y是多少？」."""
    topic = _topic(question)
    return f"关于{topic[0]}，{topic[1]}" if topic else None


def _how(new: str) -> Rewrite:
    """怎么 -> ``new`` (怎么样 -> 如何 / 咋样: 「如何样」 is not Chinese)."""

    def apply(question: str, _answers: Sequence[str]) -> str | None:
        if "怎么" not in question:
            return None
        if "怎么样" in question:
            return question.replace("怎么样", "如何" if new == "如何" else "咋样", 1)
        return question.replace("怎么", new, 1)

    return apply


#: The rules in a fixed order: a variant's id number is its rule's place here.
RULES: tuple[Rule, ...] = (
    Rule("是多少→为多少", _replace_once("是多少", "为多少")),
    Rule("是多少→有多少", _replace_once("是多少", "有多少")),
    Rule("多少家→几家", _how_many_firms),
    Rule("是什么→是啥", _replace_once("是什么", "是啥")),
    Rule("怎么→咋", _how("咋")),
    Rule("怎么→如何", _how("如何")),
    Rule("哪家→哪一家", _replace_once("哪家", "哪一家")),
    Rule("有哪些→都有哪些", _replace_once("有哪些", "都有哪些", guard="都")),
    Rule("是谁→是哪位", _who_person),
    Rule("排第几→排名第几", _replace_once("排第几", "排名第几")),
    Rule("句末呢", _closing("呢")),
    Rule("句末啊", _closing("啊")),
    Rule("句末来着", _closing("来着")),
    Rule("请问", _opener("请问，")),
    Rule("我想了解一下", _opener("我想了解一下，")),
    Rule("麻烦问一下", _opener("麻烦问一下，")),
    Rule("话题前置", _front_topic),
    Rule("关于X", _about_topic),
    Rule("企业视角", _opener("我们公司想知道，")),
)


def facts_of(question: str) -> list[str]:
    """The numbers, years and quoted names of a question, in order."""
    return _FACTS.findall(question)


def keeps_facts(original: str, rewritten: str) -> bool:
    """True when the rewrite keeps every number, year and quoted name, in order."""
    return facts_of(original) == facts_of(rewritten)


def rephrasings(question: str, answers: Sequence[str] = ()) -> list[tuple[int, Rule, str]]:
    """(rule number from 1, rule, reworded question) for every rule that applies.

    ``answers`` are the strings the answer must hold: 几家 is only asked for a handful.
    """
    out: list[tuple[int, Rule, str]] = []
    for number, rule in enumerate(RULES, start=1):
        rewritten = rule.apply(question, answers)
        if rewritten and rewritten != question and keeps_facts(question, rewritten):
            out.append((number, rule, rewritten))
    return out


__all__ = ["RULES", "Rule", "facts_of", "keeps_facts", "rephrasings"]
