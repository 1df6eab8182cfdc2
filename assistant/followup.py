"""Follow-up questions (「那2025年的目标呢？」, 「它的运营主体是谁？」) made standalone.

A Chinese question is built as place + time + indicator/entity + attribute + question
word (「黄埔区 2020年 技术合同成交额 是多少」). A follow-up names only what changes: a year,
a place, target instead of actual, another indicator, or an attribute of the same entity
(with 它/该/其 for the entity). The previous question is parsed into those slots and the
follow-up's changes are applied to it, so nothing it left unsaid is lost.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jieba.posseg

from assistant.framing import split_framing

_LEAD = re.compile(
    r"^(?:请问|那么|那(?![个些家位种样])|还有|另外|此外|以及|再问一下|再问|而|换成|换作|如果是|若是)"
    r"[，,、\s]*"
)
_TAIL = re.compile(r"(?:的情况|情况)?(?:呢|吗|啊|呀)?[？?。！!\s]*$")
_CLASSIFIER = (
    r"(?:机构|中心|平台|单位|联盟|区|文件|规划|政策|指标|基金|项目|组织|协会|企业|公司|会)"
)
# A pronoun, or a demonstrative with only a classifier (「该中心」); 「这个协同创新联盟」 names
# its noun itself, so 这个 there is no pronoun.
_PRONOUN = re.compile(
    rf"它们|它|(?<![尤极与])其(?![中他它余实次])"
    rf"|(?:该|这个|这家|此)(?:{_CLASSIFIER}(?![\u4e00-\u9fff]*?(?:中心|联盟|平台|机构|协会)))"
    rf"|(?:该|这个|此)(?=是|的|有|在|由|要|将|[？?，,])"
)
# Name endings an entity a pronoun may stand for has (「…服务中心背后的运营公司」: the 中心).
# 「该交易会」「这个基金」: a demonstrative before the noun a name ends in.
_DEMONSTRATIVE = re.compile(r"该|这个|这家|这一|此(?=[\u4e00-\u9fff]{2})")
_ORG_END = re.compile(r"(?:中心|联盟|研究院|实验室|大学|公司|协会|平台|基金|委员会|局|会)$")
_YEAR = re.compile(
    r"(?:(?:19|20)\d{2}\s*年(?:底|末|初|年底|年末)?|十[二三四五]五(?:期间|末|时期)?)"
)
# A place that starts a question: a name ending in 区/市/县/镇/省 (3+ characters, so that
# 「上市高企」 is not read as a place), or a bare city name jieba tags as a place.
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:新区|开发区|区|市|县|镇|省)")
_TARGET = re.compile(r"(?:的)?(?:目标值|目标|规划值|预期值|计划值|预计)")
_FRAMING = re.compile(
    r"(?:据|根据|按照|依据|作为|截至|截止|对照|参照|结合|从|在)[^，,？?]{1,30}[，,]\s*"
)
_TARGET_YEAR = re.compile(r"计划|目标|规划|力争|预计|(?:要|将)?到(?=(?:19|20)\d{2})")
_ACTUAL = re.compile(r"完成值|实际(?:值|完成)?|完成情况|基期值?|现状")
# Where the indicator or entity ends: the first verb, question word or time adverb after it
# (「…服务中心下一步要建设…」: 下一步 says when, it is not part of the name).
_SUBJECT_END = re.compile(
    r"下一步|接下来|目前|现在|今后|未来|近年|已经|正在|是|有|在|要|将|由|为|共|一共|总共|多少|几|哪|什么|谁|如何|怎么|怎样|为什么|何时|成立|排|"
    r"达到|达|获得|拿|牵头|提出|占|位居|位列|进入|设立|设置|举办|开展|实现|增长|包括|负责|属于|"
    r"做到|多大|多高|计划|预计|力争"
)
_ASKS = re.compile(r"多少|几|哪|什么|啥|谁|如何|怎么|怎样|是否|何时|吗|多大|多高")
# What is asked about an entity (its 运营主体, 成立时间): the follow-up keeps the entity.
_ATTRIBUTE = re.compile(
    r"(?:主体|单位|时间|日期|地点|地址|负责人|牵头人|会长|主任|规模|排名|名次|金额|数量|职责|宗旨|任务|"
    r"作用|成员|领域|方向|内容|要求|条件|标准|期限|定位|目的|功能|特点|成效|成果|进展|背景|来源|"
    r"全称|简称|依托单位|主管部门|业务|服务|活动|措施|政策|支持|补贴|奖励|比例|占比|比重|增速|增长率)$"
)
_FIGURE_ASK = re.compile(r"多少|几|第几|比例|占比|比重|排名")


@dataclass(frozen=True)
class Frame:
    """The slots of a standalone question: its text (no end mark), place, years and subject."""

    text: str
    place: str
    years: tuple[str, ...]
    subject: str

    @property
    def entity(self) -> str:
        """What 它/该/其 stands for: the indicator or entity, placed (黄埔区技术合同成交额).

        In 「A的B」 with A an organisation, the question is about A's B: 它 is A.
        """
        owner = re.sub(r"(?:背后|下属|旗下|内部|里|内)$", "", self.subject.split("的", 1)[0])
        subject = owner if "的" in self.subject and _ORG_END.search(owner) else self.subject
        if self.place and subject.startswith(self.place):
            return subject
        return self.place + subject

    def named(self, classifier: str) -> str:
        """The name ending in the classifier of 「该中心」 (广东股权交易中心), or ''."""
        return _name_ending(self.text, functools.partial(_ends_with, classifier), len(classifier))

    @property
    def asks_figure(self) -> bool:
        return bool(_FIGURE_ASK.search(self.text))


def _name_ending(text: str, ends: Callable[[str], bool], shortest: int) -> str:
    """The last name in the text whose final word passes `ends`, with the nouns before it
    (「中国创新创业成果交易会」 for 交易会), if longer than `shortest`; else ''."""
    words = list(jieba.posseg.cut(text))
    for i in range(len(words) - 1, -1, -1):
        if not ends(words[i].word):
            continue
        start = i
        while start > 0 and (
            _nominal(words[start - 1])
            # 「中国创新创业…」「科技创新中心」: a verb between nouns is part of the name
            or (words[start - 1].flag == "v" and start > 1 and _nominal(words[start - 2]))
        ):
            start -= 1
        name = "".join(w.word for w in words[start : i + 1])
        if len(name) > shortest:
            return name
    return ""


def _nominal(word: jieba.posseg.pair) -> bool:
    """A word a name is made of: a noun, place, abbreviation or attribute word (not 和)."""
    return word.flag[0] in "nsjb" and word.word != "和"


def _ends_with(suffix: str, word: str) -> bool:
    return word.endswith(suffix)


def _demonstrated(body: str, previous: str) -> tuple[int, int, str] | None:
    """「该交易会」「这个基金」 for a name the previous question said (中国创新创业成果交易会):
    (start, end, name). A demonstrative before a noun points back at what ends in it."""
    for match in _DEMONSTRATIVE.finditer(body):
        for length in range(4, 1, -1):
            noun = body[match.end() : match.end() + length]
            name = _name_ending(previous, functools.partial(_ends_with, noun), length)
            if name:
                return match.start(), match.end() + length, name
    return None


def _resolved_within(text: str) -> str:
    """「我司想和X合作，它的运营主体是谁」 -> 「X的运营主体是谁」: a pronoun that opens the last
    clause stands for the organisation named in the clause before it."""
    clauses = re.split(r"[，,]\s*", text)
    if len(clauses) < 2:
        return text
    pronoun = _PRONOUN.match(clauses[-1])
    head = "，".join(clauses[:-1])
    name = _name_ending(head, lambda word: bool(_ORG_END.search(word)), 1) if pronoun else ""
    if not pronoun or not name:
        return text
    return name + clauses[-1][pronoun.end() :]


def is_follow_up(question: str, history: Sequence[tuple[str, str]]) -> bool:
    """With history: a lead (那/还有), a trailing 呢, a pronoun, or no subject of its own."""
    if not history:
        return False
    text = question.strip()
    if _LEAD.search(text) or re.search(r"呢[？?。!！\s]*$", text):
        return True
    if _PRONOUN.search(text) or _demonstrated(text, history[-1][0]):
        return True
    # 「目标是多少？」「运营主体是谁？」: a short question with no subject of its own.
    rest = _strip_changes(_TAIL.sub("", text))
    head = _ASKS.split(rest)[0].rstrip("的是有为")
    return len(text) <= 10 and (
        not head or bool(_ATTRIBUTE.search(head) or _TARGET.fullmatch(head))
    )


def parse(question: str) -> Frame:
    """Place, years and subject of a standalone question (「黄埔区」「2020年」「技术合同成交额」)."""
    asked = split_framing(question.strip()).core  # (「我们是民营企业，」 is who asks)
    text = _without_framing(_resolved_within(_TAIL.sub("", _LEAD.sub("", asked))))
    years = tuple(m.group() for m in _YEAR.finditer(text))
    rest = re.sub(r"^(?:到|在|截至|截止)", "", _YEAR.sub("", text)).lstrip("，,、 的")
    place = place_in(rest, at_start=True)
    rest = rest[len(place) :].lstrip("，,、 的") if place else rest
    rest = re.sub(r"^(?:(?:计划|预计|力争|要|将)(?:到|在)?|到|截至|截止)", "", rest)  # 「计划到…」
    return Frame(text, place, years, _subject(rest))


def _without_framing(text: str) -> str:
    """The question without a leading source or standpoint clause (「作为规划基期，」「据…介绍，」).

    The follow-up asks about the same subject, not from the same standpoint: a target is
    not 「作为规划基期」.
    """
    while True:
        framing = _FRAMING.match(text)
        if framing is None or framing.end() >= len(text):
            return text
        text = text[framing.end() :]


def place_in(text: str, at_start: bool = False) -> str:
    """A place name in the text (黄埔区, 南沙区, 广州市; a bare 广州 before a verb), or ''."""
    for match in _PLACE.finditer(text):
        if at_start and match.start() > 0:
            break
        name = match.group()
        if len(name) >= 3 and not name.startswith(("上市", "城市", "超市")):
            return name
    words = list(jieba.posseg.cut(text))
    if words and words[0].flag == "ns" and len(words[0].word) >= 2:
        following = words[1].word if len(words) > 1 else ""
        # 「广州国际技术交易服务中心」: a city glued to a noun is part of a name, not a place.
        if not following or following[0] in "在的是有和与及、，," or _YEAR.match(following):
            return words[0].word
    return ""


def _subject(rest: str) -> str:
    """The indicator or entity: text up to the first verb or question word, else the object."""
    located = re.match(r"在(.{2,20}?)(?:中|里|上|内|方面)", rest)
    if located:  # 「广州在自然指数科研城市中排第几」: the ranking the place is placed in
        return located.group(1)
    match = _SUBJECT_END.search(rest)
    if match is None:
        return _TARGET.sub("", rest).rstrip("的 ")
    if match.start() > 0:
        # 「新成立的…联盟，第一批吸收了多少家」: the topic before the comma is the subject
        head = _before_verb(re.split(r"[，,]", rest[: match.start()])[0])
        return re.sub(_TARGET.pattern + "$", "", head).rstrip("的 ，,")
    # 「哪家单位牵头筹建新型研发机构协同创新联盟」: the entity is the object after the verbs.
    words = list(jieba.posseg.cut(rest))
    index = 0
    while index < len(words) and (words[index].flag[0] in "rmqn" or words[index].word in "是有"):
        index += 1
    while index < len(words) and words[index].flag[0] in "vdpu":
        index += 1
    obj = "".join(w.word for w in words[index:])
    end = _SUBJECT_END.search(obj)
    return (obj[: end.start()] if end else obj).rstrip("的 ")


def _before_verb(text: str) -> str:
    """Cut at a verb that starts the predicate (「…服务中心揭牌以来」), not one inside a name
    (「协同创新联盟」: a noun follows 创新)."""
    words = list(jieba.posseg.cut(text))
    position = 0
    for i, word in enumerate(words):
        following = words[i + 1].flag if i + 1 < len(words) else ""
        verb = word.flag == "v" or (word.flag == "vn" and following.startswith(("v", "u", "p")))
        if verb and i > 0 and not following.startswith(("n", "j", "vn")):
            return text[:position]
        position += len(word.word)
    return text


def _strip_changes(body: str) -> str:
    """What a follow-up says besides a year, place, target/actual switch or pronoun."""
    rest = _YEAR.sub("", body)
    place = place_in(rest)
    if place:
        rest = rest.replace(place, "", 1)
    rest = _ACTUAL.sub("", _TARGET.sub("", _PRONOUN.sub("", rest)))
    return rest.strip("，,、 的")


# An indicator as the last answer names it: a table row (「7 技术合同成交额(亿元): 2020年」) or
# its wording in words (「技术合同成交额：2020年完成值 619亿元」).
_ANSWER_INDICATOR = re.compile(
    r"([\u4e00-\u9fff“”]{3,30})(?:[（(][^）)]{1,6}[）)])?\s*[:：]\s*(?:19|20)\d{2}\s*年"
)


def indicator_name(subject: str, answer: str) -> str:
    """The documents' name for the indicator the user worded loosely (技术交易额 -> 技术合同成交额).

    A name the last answer states, ending like the subject and holding most of its characters.
    """
    if len(subject) < 3:
        return subject
    for match in _ANSWER_INDICATOR.finditer(answer):
        name = match.group(1)
        shared = sum(char in name for char in subject) / len(subject)
        if name != subject and name[-1] == subject[-1] and shared >= 0.75:
            return name
    return subject


def standalone_of(history: Sequence[tuple[str, str]]) -> str:
    """The last question of the history made standalone (each turn by the turns before it)."""
    resolved: list[tuple[str, str]] = []
    for question, answer in history:
        resolved.append((rewrite_by_rule(question, resolved), answer))
    return resolved[-1][0] if resolved else ""


def rewrite_by_rule(question: str, history: Sequence[tuple[str, str]]) -> str:
    """A standalone question: the previous question with what the follow-up changes applied."""
    if not is_follow_up(question, history):
        return question
    previous = parse(standalone_of(history))
    if not previous.text:
        return question
    body = _TAIL.sub("", _LEAD.sub("", question.strip()))
    demonstrated = _demonstrated(body, previous.text)
    if demonstrated:  # 「该交易会项目投融资联盟」: the fair the previous question named
        start, end, name = demonstrated
        return _with_ask(body[:start] + name + body[end:], previous)
    pronoun = _PRONOUN.search(body)
    if pronoun and previous.entity:
        classifier = re.sub(r"^(?:该|这个|此)", "", pronoun.group())
        named = previous.named(classifier) if classifier else ""
        entity = named or previous.entity
        resolved = body[: pronoun.start()] + entity + body[pronoun.end() :]
        return _with_ask(resolved, previous)
    rest = _strip_changes(body)
    own_ask = _ASKS.search(rest)
    head = rest[: own_ask.start()] if own_ask else rest
    if not head.strip("了是有为的共 "):  # 「那2024年呢？」「实际完成了多少？」: only slots change
        rest = ""
    if not rest:
        return _changed(previous, body, indicator_name(previous.subject, history[-1][1])) + "？"
    if _ATTRIBUTE.search(head.rstrip("的是有为")) or (own_ask and own_ask.start() == 0):
        # 「运营主体呢？」「成立时间是什么？」「是谁牵头的？」: another attribute of the same entity.
        years = "".join(_YEAR.findall(body))
        return _with_ask(years + previous.entity + "的" + rest.lstrip("的"), previous)
    if own_ask:  # 「那高新技术企业有多少家？」: its own question, placed and timed as before
        place = place_in(body) or previous.place
        years = "".join(_YEAR.findall(body)) or "".join(previous.years)
        target = "目标" if _TARGET.search(body) and "目标" not in rest else ""
        return place + years + head.rstrip("的") + target + rest[len(head) :] + "？"
    # 「那规模以上国家高新技术企业呢？」: another indicator in the same question.
    return _changed(previous, body, rest) + "？"


def _changed(previous: Frame, body: str, subject: str) -> str:
    """The previous question with the follow-up's year, place, target/actual and subject."""
    text = previous.text
    if subject != previous.subject and previous.subject:
        text = text.replace(previous.subject, subject, 1)
    elif subject != previous.subject:
        text = _insert_before_ask(text, subject)
        subject = subject or ""
    years = [m.group() for m in _YEAR.finditer(body)]
    wants_target = bool(_TARGET.search(body)) and not _TARGET.search(previous.text)
    wants_actual = bool(_ACTUAL.search(body)) and bool(_TARGET.search(previous.text))
    if years:
        if _TARGET_YEAR.search(text) and min(years) < min(previous.years, default=""):
            text = _TARGET_YEAR.sub("", text)  # a year before the target year: the actual value
        text = _with_years(text, previous, years)
    elif wants_target:  # 「目标呢？」 after a 2020 figure: the target is not for 2020
        text = _YEAR.sub("", text, count=len(previous.years))
        text = re.sub(r"^(?:到|在|截至)(?=[^\d])", "", text)
    place = place_in(body)
    if place and previous.place:
        text = text.replace(previous.place, place, 1)
    elif place:
        text = place + text
    if wants_target:
        anchor = subject if subject and subject in text else ""
        text = (
            text.replace(anchor, anchor + "目标", 1)
            if anchor
            else _insert_before_ask(text, "的目标")
        )
    if wants_actual:
        text = _TARGET.sub("", text, count=1)
        if not years:
            text = text.replace(subject, subject + "完成值", 1) if subject else text
    return text


def _with_years(text: str, previous: Frame, years: list[str]) -> str:
    """Replace the previous question's years by the follow-up's; insert them if it had none."""
    if not previous.years:
        anchor = previous.place or ""
        if anchor and text.startswith(anchor):
            return anchor + "".join(years) + text[len(anchor) :]
        return "".join(years) + text
    replaced = iter(years)
    first_year = previous.years[0]
    text = text.replace(first_year, next(replaced), 1)
    for old in previous.years[1:]:
        new = next(replaced, "")
        text = text.replace(old, new, 1)
    return text


def _insert_before_ask(text: str, words: str) -> str:
    """Insert words before the question's verb or question word (「…成交额」 + 「的目标」 + 「是多少」)."""
    match = re.search(r"(?:是|有|为|达到|排)?(?:多少|几|哪|什么|谁|如何|怎么|怎样|第几)", text)
    if match is None:
        return text + words
    return text[: match.start()] + words + text[match.start() :]


def _with_ask(text: str, previous: Frame) -> str:
    """End the question with a question word if the follow-up left it out (「它的目标呢」)."""
    if not _ASKS.search(text):
        text = text.rstrip("的 ")
        text += "是多少" if previous.asks_figure or _TARGET.search(text) else "是什么"
    return text + "？"
