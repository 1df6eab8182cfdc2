"""Framing: the part of a question that says where, when or from whom, not what is asked.

People place a question in a source, an event, a time or a speaker before asking it:
「据2023年6月联盟成立大会的介绍，」「截至“十三五”末，」「作为规划基期，2020年……」
「根据《……规划》，」「从……来看，」「按照……的说法，」「……提到，」. Chinese writes such
a qualifier as its own clause, opened by a preposition of source or time (据, 根据, 按照,
截至, 作为, 从) or closed by a verb of saying (提到, 介绍, 来看). The
answering sentence rarely repeats it, so it must not count against the evidence; its years
and titles still help choose the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SOURCES = (
    r"会|会议|论坛|仪式|典礼|报道|文章|规划|纲要|总结|安排|讲话|发言|报告|文件|材料|回顾|盘点"
    r"|表|专栏|指标|目标|通知|方案|政策|采访|访谈|新闻|介绍|部分|章节|年"
)
_OPENERS = (
    # (「据说」「据悉」「听说」 report what the asker heard: the clause after them is the
    # question's own topic, 「听说广州要建…生产线，是哪家公司在做」, unless it names a source
    # and a verb of saying closes it, 「听说联盟成立大会上讲了，」)
    # (「按每万人口计算的…，」 says how a figure is counted: the clause names what is asked)
    r"据(?![说悉])|根据|依据|按照|按(?![^，,]{0,20}(?:计算|折算|核算))|照|依照|参照|对照|从|截至|"
    r"截止(?:到)?|作为|站在|"
    # 「在联盟成立大会上，」「在2019年工作安排中，」: a source or an event placed by 在; 「在…
    # 获贷的企业里，」「在…排名中，」 place the question in a population or a list it asks of
    rf"在(?=[^，,]{{0,30}}(?:(?:{_SOURCES})(?:中|里|上)|看来|期间|时|之际|背景下)[，,])"
)
_CLOSERS = (
    r"(?:(?:的)?(?:介绍|报道|披露|显示|表明|所述|记载|提到|指出|讲到|说|称|来看|看来)"
    r"|(?:讲|说|提|介绍)(?:了|过))"
)
# A cited title (《…》) is one unit however long it is: official titles run to 60 characters.
_UNIT = r"(?:《[^》]{1,150}》|[^，,？?。《])"
# 「市科技局在2019年工作安排中，」: a body that issued the source may stand before 在.
_ISSUER = (
    r"(?:(?:广州)?[市区]?(?:科技局|科学技术局|科协|政府)|[市区]委|局长|[\u4e00-\u9fff]{2,3}局长)"
)
_LEADING = re.compile(
    rf"^(?:{_ISSUER}?(?:{_OPENERS}){_UNIT}{{1,40}}?|{_UNIT}{{2,40}}?{_CLOSERS})\s*[，,：:]\s*"
)
_TRAILING = re.compile(rf"[，,（(]\s*(?:{_OPENERS}){_UNIT}{{1,40}}?[)）]?\s*(?=[？?。]?\s*$)")
# 「，文件里是怎么说的」「（请注明出处）」: asks for the source, not for something else.
_SOURCE_SUFFIX = re.compile(
    r"[，,]?\s*(?:[（(]\s*请?注明(?:出处|来源)\s*[)）]|(?:文件|报道|规划|文档|原文|材料|报告|文中)"
    r"(?:里|中|上)?(?:面)?(?:是)?(?:怎么|如何)(?:说|写|讲|表述)的?)"
)
# A framing clause never asks: a question word in it means the clause is the question.
_ASKS = re.compile(r"多少|几[个家项位名次倍年件所亿万人条批届]|哪|什么|谁|如何|怎|是否|吗|呢")


@dataclass(frozen=True)
class Framed:
    """A question split into its framing clauses and the core that asks."""

    framing: tuple[str, ...]
    core: str


# 「请问，」「我想了解一下，」「我们公司想知道，」: a courtesy or a wish to know before the
# question, not part of it.
_COURTESY = re.compile(
    r"^(?:[你您]好[，,！!\s]*)?(?:请问(?:一下)?|想问(?:一下)?"
    # (the asker may be named in the clause before: 「我们是民营企业，想了解…」)
    r"|(?:我|我们|我们公司|我司|本公司|咱们)?想(?:了解|知道|问)(?:一下)?"
    r"|麻烦问(?:一下)?|打听一下"
    # 「我们是一家生物医药企业，」: who asks, not what is asked
    r"|(?:我|我们|我司|本公司|我们公司)是(?:一家|一个)?[^，,。？?]{1,24}(?:企业|公司|单位|机构|团队|供应商|厂)(?=[，,。])"
    r")\s*[，,：:。]?\s*"
)


def split_framing(text: str) -> Framed:
    """Peel framing clauses off the start (several may stack) and the end of a question."""
    framing: list[str] = []
    core = text.strip()
    while True:  # courtesies and source or time clauses, in any order (「据…，我们是…企业。」)
        courtesy = _COURTESY.match(core)
        match = courtesy or _LEADING.match(core)
        if not match or not core[match.end() :].strip():
            break
        if not courtesy and _ASKS.search(match.group()):
            break
        framing.append(match.group().rstrip("，,：:。 "))
        core = core[match.end() :]
    suffix = _SOURCE_SUFFIX.search(core)
    if suffix and suffix.start() > 4:
        framing.append(suffix.group().strip("，,（()） "))
        core = core[: suffix.start()] + core[suffix.end() :]
    match = _TRAILING.search(core)
    if match and not _ASKS.search(match.group()) and match.start() > 4:
        framing.append(match.group().strip("，,（()） "))
        core = core[: match.start()] + core[match.end() :]
    return Framed(tuple(framing), core.strip())
