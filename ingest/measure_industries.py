"""Which industries a measure targets, not which it mentions in passing.

A vocabulary match alone tagged 科研材料设备进口 as 新材料 and 集成电路自动化设计 (a skill
named in a cooperation sentence) as 集成电路. Policy sentences name a targeted industry as
the object or the field of the support (「支持生物医药企业…」, 「对集成电路…项目给予…」,
「在人工智能、生物医药等领域…」); a word inside another noun (申请材料, 软件架构) or naming
equipment (材料设备) is not a target. Each mention of an industry word is described by a few
explainable features, and `in_passing` states the rule over them; a tag is kept when one of
its mentions is not in passing. (A logistic regression over the same features, fitted on the
dev labels, did no better than keeping every word: cross-validated macro-F1 0.857 against
0.856; so the rule is written out, and checked on the dev labels and on generated variants,
evals/measure_variants.py.) The labelling rule the tags are scored against is written in
evals/datasets/measures_label_audit.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FIELD_HEADS = (
    "领域", "产业", "行业", "企业", "集群", "项目", "产品", "方向", "赛道", "研究", "器件",
    "元器件",
)  # fmt: skip
_PLATFORM_HEADS = (
    "平台", "中心", "实验室", "研究院", "基地", "园", "示范区", "试验区", "先导区", "研究所",
    "高地",
)  # fmt: skip
# Words that may stand between an industry word (or its list) and the head it is the field
# of: 生物医药技术创新中心, 新能源等战略性新兴产业, 生物芯片等前沿领域.
_LINKERS = (
    "技术", "创新", "产业", "制造", "研发", "公共服务", "应用", "国际", "国家", "战略性", "新兴",
    "前沿", "重点", "关键", "细分", "高端", "联合",
)  # fmt: skip
_ETC_REACH = 6  # characters after a list's closing 等 within which its head may stand
# what a list closed by 等 may be a list of: 「柔性显示驱动与模组等关键共性技术」 names fields
_ETC_FIELDS = ("技术",)
_ITEM = re.compile(r"^[^、，,；;。：:（()）等]{1,10}(?=、|等)")  # one item of a list: 测序、
_GOVERNORS = (
    "围绕", "聚焦", "面向", "瞄准", "重点", "发展", "在", "对", "涵盖", "包括", "突破", "布局",
    "壮大", "做强",
)  # fmt: skip
_RELIANCE = ("依托", "依靠", "借助", "利用", "运用", "基于")
_LIST = re.compile(r"^(?:以及|、|和|及|与)")
_PAUSES = "，,；;。：:！？!?（()）"
_OBJECT_GAP = 6  # characters of modifier between a governor and its object (新型治疗性…)
_PAPERWORK = re.compile(r"(?:申报|申请|纸质|提交|报送|证明)$")
_EQUIPMENT = re.compile(r"^(?:设备|装置|仪器)")
# a list closed by 等 naming what equipment is for (精细化工、食品加工等专用制造设备)
_EQUIPMENT_LIST = re.compile(r"^等[^、]{0,4}(?:设备|装置|仪器)")
_PEOPLE = ("人民", "群众", "市民", "居民", "百姓")  # 人民生命健康: people's health, not the sector
# a technology applied somewhere (「推动人工智能、大数据等技术在食品领域的应用」): a means
_APPLIED_IN = re.compile(r"^等?(?:技术)?在.*应用")
_CJK_OR_LATIN = re.compile(r"[\u4e00-\u9fffA-Za-z]")


@dataclass(frozen=True)
class Mention:
    """One industry word found in a (normalised) sentence."""

    word: str
    tag: str
    start: int
    end: int


def _clause_before(text: str, start: int) -> str:
    cut = max(text.rfind(p, 0, start) for p in _PAUSES)
    return text[cut + 1 : start]


def _clause_after(text: str, end: int) -> str:
    cuts = [i for i in (text.find(p, end) for p in _PAUSES) if i >= 0]
    return text[end : min(cuts, default=len(text))]


def _skip_list(rest: str, words: list[str]) -> str:
    """The text after a mention, past the rest of its list (「、智能装备等」, 「测序、生物芯片等」)."""
    while rest:
        mark = _LIST.match(rest)
        word = next((w for w in words if rest.startswith(w)), "")
        item = _ITEM.match(rest)
        if not (mark or word or item):
            break
        rest = rest[mark.end() if mark else len(word) if word else item.end() :]  # type: ignore[union-attr]
    return rest


def _heads(rest: str, heads: tuple[str, ...], closing: tuple[str, ...] = ()) -> bool:
    """`rest` opens with one of `heads`, linkers allowed before it; after the 等 closing a list
    a short modifier too (「…等硬科技领域」), and there one of `closing` as well."""
    after_etc = rest[1 : 1 + _ETC_REACH]
    if rest.startswith("等") and any(head in after_etc for head in (*heads, *closing)):
        return True
    rest = rest.removeprefix("等")
    while not rest.startswith(heads):
        linker = next((w for w in _LINKERS if rest.startswith(w)), "")
        if not linker:
            return False
        rest = rest[len(linker) :]
    return True


def _governs(before: str, governors: tuple[str, ...], words: list[str]) -> bool:
    """The mention opens the object of a governor: only a short modifier, or a list of other
    industries, stands between (「支持新型…」, 「围绕生物医药、…」, not 「支持高校、…」). A
    governor followed by a list mark is a noun in a list (品牌建设和…), governing nothing."""
    ends = [before.rfind(g) + len(g) for g in governors if g in before]
    if not ends:
        return False
    *items, modifier = re.split(r"以及|[、和及与]", before[max(ends) :])
    return (
        not (items and not items[0])
        and all(item in words for item in items)
        and (len(modifier) <= _OBJECT_GAP)
    )


def features(
    text: str, mention: Mention, mentions: list[Mention], cues: tuple[str, ...]
) -> dict[str, bool]:
    """The mention's features; `text` is normalised (ingest.measures), `cues` are the
    support verbs."""
    words = sorted({m.word for m in mentions}, key=len, reverse=True)
    after = _clause_after(text, mention.end)
    rest = _skip_list(after, words)
    before = _clause_before(text, mention.start)
    headed = _heads(after, (*_FIELD_HEADS, *_PLATFORM_HEADS))
    return {
        # it opens the object of a governing verb (支持/围绕/聚焦/在/对…)
        "object": _governs(before, (*_GOVERNORS, *cues), words),
        # a field or product follows (…领域/产业/企业/项目/研究/器件), its list skipped
        "field_head": mention.word.endswith(_FIELD_HEADS)
        or _heads(rest, _FIELD_HEADS, _ETC_FIELDS),
        # a platform follows (…平台/中心/实验室/研究院/基地/园/示范区)
        "platform_head": _heads(rest, _PLATFORM_HEADS),
        # its clause leans on something (依托/借助/利用/运用…): a means, not a target
        "relied_on": any(r in before for r in _RELIANCE),
        # another noun continues it (软件架构, 集成电路自动化设计, 大数据跨境流通)
        "attached_after": bool(_CJK_OR_LATIN.match(after[:1]))
        and not _LIST.match(after)
        and not after.startswith("等")
        and not headed,
        # 材料 as documents (申请材料, 纸质申报材料)
        "paperwork": mention.word == "材料" and bool(_PAPERWORK.search(before)),
        # a two-character word, or a list, naming what equipment is for (科研材料设备)
        "equipment_after": (len(mention.word) <= 2 and bool(_EQUIPMENT.match(after)))
        or bool(_EQUIPMENT_LIST.match(rest)),
        # another industry word continues it: it names a kind of that one (集成电路材料,
        # 能源材料, 半导体激光器), whose industry the last word gives
        "modifies_industry": after.startswith(tuple(words)),
        # the wellbeing of people (面向人民生命健康), not an industry
        "of_people": before.endswith(_PEOPLE),
        # a technology applied in another field (…等技术在高端装备的…方面应用)
        "applied_in": bool(_APPLIED_IN.match(rest)),
    }


def in_passing(values: dict[str, bool]) -> bool:
    """A mention names its industry in passing when it is paperwork or what equipment is for;
    when another industry word continues it (集成电路材料 is a material: the last word is what
    the noun is); when it is people's wellbeing (人民生命健康); when it is a technology applied
    in another field (「…等技术在高端装备的…方面应用」) — these hold even for the object of a
    support verb, which is the whole noun or the application; when, not itself the object of a support verb, it is a means relied on (利用…集成电路
    自动化设计等领域的能力); or when it is a modifier inside another noun (软件架构) that is
    not the field of a sector or platform (「基因测序、生物芯片等前沿领域」)."""
    if any(
        values[name]
        for name in ("paperwork", "equipment_after", "modifies_industry", "of_people", "applied_in")
    ):
        return True
    if values["object"]:
        return False
    if values["relied_on"]:
        return True
    if values["field_head"] or values["platform_head"]:
        return False
    return values["attached_after"]


def targeted(text: str, mentions: list[Mention], cues: tuple[str, ...]) -> tuple[str, ...]:
    """The tags with at least one mention that is not in passing, in text order."""
    kept = (m.tag for m in mentions if not in_passing(features(text, m, mentions, cues)))
    return tuple(dict.fromkeys(kept))
