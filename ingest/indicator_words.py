"""What a figure measures, in the document's own words: 「新型研发机构承担纵向项目」592项.

The words before a figure in its clause, without the time, place, connectives and verbs
around them; completed from the figure before ("其中国家级147项"), the words after
("5家国家级孵化器获A类评级") or the subject of the clause before ("全年新增 26 家").
"""

from __future__ import annotations

import re

from ingest.figures import find_figures
from ingest.scopes import leading_place
from ingest.years import PLAN_WORD, YEAR_WORD

CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?、]")
_LEADING = re.compile(
    r"^(?:[\s*“”\"'、，,（(）)]|截至目前|截止目前|目前|当前|截至|截止|到|至|现有|其中|此外|同时|另外|"
    r"并且|并|且|和|及|以及|与|仅|已|共|累计(?=[^\d\s]{2})|全年|过去一年|近三年|每年|"
    rf"{YEAR_WORD}(?:底|末|初)?(?:的)?|“?{PLAN_WORD}”?(?:末|期间|时期)?|"
    r"实现|推动|促进|带动|有|是|在|以)+"
)
_TRAILING = re.compile(
    r"(?:[\s*“”\"'、，,（(）)]|近|约|超过|超|逾|不少于|不低于|达到|达|为|是|突破|增至|增加至|增加到|"
    r"增长至|增长到|提高到|提高至|提升至|提升到|提高|提升|增长|共计|共有|共|累计|合计|总计|"
    r"实现|完成|有|已|了|从|由|的|分别|稳步|大幅|保持|规模|预计|预测|有望|"
    rf"{YEAR_WORD}(?:底|末)?|翻番至|翻番|增加至|至|"
    r"连续\S{1,2}年|连年|攀升|上升|位居|稳居|居|跃升至|升至|排在|排名|位列|名列|列|进入|迈入|"
    r"全球|全国|全省|全市|全区|世界|国内|国际)+$"
)
_GENERIC = {"总数", "总量", "累计", "总计", "合计", "数量", "规模", ""}
_VERB_END = re.compile(
    r"(实施|开展|引进|举办|促成|支持|遴选|培养|组织|吸引|设立|获得|发表|发布|建成|形成|承担|"
    r"引入|新增|培育|聚集|集聚|拥有|落地|建设|认定|服务|跟踪服务|选取|参加|参与|带动|撬动|入选|获)$"
)
# The words after a figure up to the clause's end: 「5家国家级孵化器获A类评级」.
_NOUN_AFTER = re.compile(r"^\s?(?:规模)?(?:的)?([^，,。；;：:、（(）)“”\s\d]{1,16})")
_NEW = re.compile(r"(全年)?新增")
_RELATIVE_START = ("占", "涉及")
_MAX_SURFACE = 30


def strip_words(text: str) -> str:
    """The indicator's words: no leading time, place or connective, no trailing verb or
    qualifier."""
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING.sub("", _LEADING.sub("", text))
        text = text[len(leading_place(text)) :]
    return text


def indicator_words(segment: str, after: str, previous: str, subject: str) -> tuple[str, int]:
    """The indicator as written: the words before the figure, completed when they are not enough.

    "其中国家级147项" and "总数突破1.1万家" build on the figure before them (`previous`);
    "5家国家级孵化器获A类评级" takes the words after the figure; a bare verb or nothing
    ("全年新增 26 家", "跃升至全国第六") takes the subject of the clause before (`subject`).
    Returns the words and how far past the figure they reach.
    """
    words = strip_words(segment)
    raw = _LEADING.sub("", segment).strip(" *")
    noun = _NOUN_AFTER.match(after)
    if noun and (len(words) < 2 or _VERB_END.search(words)):
        return (words + noun.group(1))[-_MAX_SURFACE:], noun.end()
    generic = words if words and words in _GENERIC else raw
    if generic in _GENERIC and generic and previous:
        words = _NEW.sub("", previous) + generic
    elif previous and len(words) <= 4 and words.endswith("级"):
        words = words + re.sub(r"^[^级]{1,4}级", "", previous)
    elif previous and len(words) <= 6 and words.startswith(_RELATIVE_START):
        words = previous + words
    elif not words or _VERB_END.fullmatch(words):
        words = (subject or previous) + words
    return words[-_MAX_SURFACE:], 0


def subject_before(sentence: str, masked: str, clause: int) -> str:
    """The indicator words of the clause before `clause`: its text up to its first figure."""
    start = clause_start(masked, max(clause - 1, 0))
    figures = find_figures(masked[start:clause])
    return strip_words(
        sentence[start : start + figures[0].start] if figures else sentence[start:clause]
    )


def clause_start(text: str, position: int) -> int:
    breaks = [m.end() for m in CLAUSE_BREAK.finditer(text, 0, position)]
    return breaks[-1] if breaks else 0
