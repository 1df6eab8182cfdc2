"""Which place a figure is about: 黄埔区 / 广州市 / 广东省 / 全国.

A figure's scope is read from its own clause first, then its section heading, then the
document's title and publisher. Words like 全区/全市/全省 mean "this district/city/
province" and resolve through the document's own place. A place named as the yardstick
(占全省的70%, 居全国第三, 保持全国前列) is not the subject and is skipped, otherwise a
广州市 figure would be filed under 广东省.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

SCOPE_FILE = "scopes.json"
# Words that make the place right after them a yardstick, not the subject.
_FRAME_BEFORE = re.compile(r"(占|居|列|于|比|较|超|领先|覆盖|辐射|服务|面向|排名|排在|进入|对)$")
# ... and what follows a yardstick place: a rank, a share or a superlative.
_FRAME_AFTER = re.compile(
    r"^(各类|同类)?(第|前|首|榜首|一半|唯一|之|的\d|\d|[一二三四五六七八九十]成|同期|前列|领先|"
    r"高新区|经开区|开发区|城市|省份|总决赛|大赛|范围)"
)
# A place name is also the first word of many institutions (广州实验室, 广东省实验室).
# A bare name (no 省/市/区) is a place only when a function word or punctuation follows it;
# a full name only when no institution word follows it.
_LEVEL_SUFFIX = ("省", "市", "区", "地区", "国")
_BARE_FOLLOWERS = re.compile(
    r"^($|[、，,。；;：:\s]|在|还|获|已|的|将|共|积极|不断|持续|作为|从|以|把|新|累计|拥有|有|现有|"
    r"实现|实施|全市|是|与|和|地区|市)"
)
_INSTITUTION_AFTER = re.compile(r"^(实验室|研究院|科学院|大学|联合基金|股权|首批|企业创新能力)")


@dataclass(frozen=True)
class ScopeTable:
    """The scope lexicon: canonical names, their level and parent, aliases, generic words."""

    levels: tuple[str, ...]
    level_of: dict[str, str]
    parent_of: dict[str, str]
    aliases: tuple[tuple[str, str], ...]
    generic: tuple[tuple[str, str], ...]

    def chain(self, scope: str) -> dict[str, str]:
        """level -> scope for `scope` and every place that contains it."""
        found: dict[str, str] = {}
        while scope and scope in self.level_of:
            found[self.level_of[scope]] = scope
            scope = self.parent_of.get(scope, "")
        return found


@cache
def scope_table() -> ScopeTable:
    raw = json.loads(resources.files("ingest").joinpath("data", SCOPE_FILE).read_text("utf-8"))
    scopes = raw["scopes"]
    aliases = [(alias, name) for name, entry in scopes.items() for alias in entry["aliases"]]
    generic = [(word, level) for level, words in raw["generic"].items() for word in words]
    return ScopeTable(
        levels=tuple(raw["levels"]),
        level_of={name: entry["level"] for name, entry in scopes.items()},
        parent_of={name: entry["parent"] for name, entry in scopes.items()},
        # Longest alias first, so 广州开发区 wins over 广州.
        aliases=tuple(sorted(aliases, key=lambda pair: -len(pair[0]))),
        generic=tuple(sorted(generic, key=lambda pair: -len(pair[0]))),
    )


def document_scope(*texts: str) -> str:
    """The most specific place named in a document's title or publisher, else ''."""
    table = scope_table()
    named = [name for text in texts for name in _named(text)]
    if not named:
        return ""
    return min(named, key=lambda name: table.levels.index(table.level_of[name]))


def _named(text: str) -> list[str]:
    return [scope for _, _, scope in _mentions(text, "", strict=False)]


def _mentions(text: str, home: str, strict: bool = True) -> list[tuple[int, int, str]]:
    """(start, end, scope) of every place mentioned in `text`, left to right, no overlaps.

    `strict` keeps subject mentions only; a title ("广州科技创新…") is read leniently.
    """
    table = scope_table()
    home_chain = table.chain(home)
    candidates = [(alias, name) for alias, name in table.aliases]
    candidates += [(word, home_chain.get(level, "")) for word, level in table.generic]
    taken: list[tuple[int, int, str]] = []
    for word, scope in sorted(candidates, key=lambda pair: -len(pair[0])):
        if not scope or word not in text:
            continue
        for match in re.finditer(re.escape(word), text):
            start, end = match.span()
            if any(start < e and s < end for s, e, _ in taken):
                continue
            if strict and not _is_place(word, text[end : end + 6]):
                continue
            taken.append((start, end, scope))
    taken.sort()
    if not strict:
        return taken
    return [
        (start, end, scope)
        for start, end, scope in taken
        if not _FRAME_BEFORE.search(text[max(0, start - 2) : start])
        and not _FRAME_AFTER.match(text[end : end + 4])
    ]


def _is_place(word: str, after: str) -> bool:
    """False when `word` is the first word of an institution's name, not the place."""
    if word.endswith(_LEVEL_SUFFIX) or word.startswith(("全", "本", "我", "在", "来")):
        return not _INSTITUTION_AFTER.match(after)
    return bool(_BARE_FOLLOWERS.match(after))


@cache
def _place_words() -> re.Pattern[str]:
    table = scope_table()
    words = sorted({w for w, _ in table.aliases} | {w for w, _ in table.generic}, key=len)
    return re.compile("|".join(re.escape(w) for w in reversed(words)))


def leading_place(text: str) -> str:
    """The place word `text` starts with ("全市研发经费投入" -> "全市"), or ''."""
    match = _place_words().match(text)
    return match.group(0) if match else ""


@lru_cache(maxsize=4096)
def subject_scope(text: str, home: str) -> str:
    """The place `text` (a clause, up to the figure) is about: its last subject mention."""
    mentions = _mentions(text, home)
    return mentions[-1][2] if mentions else ""
