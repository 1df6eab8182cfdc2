"""Follow-up questions (「那2025年的目标呢？」, 「它的运营主体是谁？」) made standalone.

Retrieval needs the subject the user left out, so the previous question's subject is
carried over: a pronoun is replaced by it, an elliptical question is appended to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_LEAD = re.compile(r"^(?:那么|那|还有|另外|此外|以及|再问一下|再问|而)[，,、\s]*")
_TAIL = re.compile(r"(?:呢|吗|啊|呀)?[？?。！!\s]*$")
_PRONOUN = re.compile(
    r"它们|它|其|该(?:机构|中心|平台|单位|联盟|区|文件|规划|政策)?|这个|这些|他们|她们|此"
)
# Where a question's subject ends: the first verb or question word after it.
_SUBJECT_END = re.compile(
    r"(?:(?:19|20)\d{2}\s*年|是|有|在|要|将|由|的(?:目标|数量|排名|情况)|共|一共|多少|几|哪|什么|如何|怎么|怎样|为什么|何时|成立|排|达到|获得|拿|牵头|提出)"
)
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
_FOLLOW_UP_HINT = re.compile(
    r"^(?:那么|那|还有|另外|此外|而)|呢[？?]?$|^(?:它|其|该|这个|这些|他们)"
)


def is_follow_up(question: str, history: Sequence[tuple[str, str]]) -> bool:
    """Only with history: leading 那/还有, trailing 呢, a leading pronoun, or a very short question."""
    if not history:
        return False
    text = question.strip()
    return bool(_FOLLOW_UP_HINT.search(text)) or len(text) <= 6


def subject_of(question: str) -> str:
    """The leading noun phrase of a question (广州国际技术交易服务中心 in 「…是什么时候成立的？」)."""
    text = re.sub(
        r"^(?:到|在)?(?:19|20)\d{2}\s*年[底末初]?[，,]?", "", _LEAD.sub("", question.strip())
    )
    match = _SUBJECT_END.search(text, 2)
    subject = text[: match.start()] if match else _TAIL.sub("", text)
    return subject.rstrip("，,、的 ")


def rewrite_by_rule(question: str, history: Sequence[tuple[str, str]]) -> str:
    """A standalone question: the previous subject replaces a pronoun or is prefixed."""
    if not is_follow_up(question, history):
        return question
    previous = history[-1][0]
    subject = subject_of(previous)
    if not subject:
        return question
    body = _TAIL.sub("", _LEAD.sub("", question.strip()))
    year = _YEAR.search(body)
    if year and _YEAR.search(previous) and not _YEAR.sub("", body).strip("的 "):
        return _YEAR.sub(
            year.group(), previous, count=1
        )  # 「那2024年呢？」: same question, other year
    standalone = _PRONOUN.sub(subject, body, count=1) if _PRONOUN.search(body) else subject + body
    asks = re.search(r"多少|几|哪|什么|谁|如何|怎么|怎样|是否", standalone)
    if not asks:
        standalone += "是多少" if re.search(r"多少|几", previous) else "是什么"
    return standalone + "？"
