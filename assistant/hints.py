"""「您是不是要问：黄埔区……？」: a hint when a refused question misspells a name the documents use.

A place or organisation name one edit away from a name the corpus contains (「黄浦区」 for
黄埔区, 「服物中心」 for 服务中心) is most likely a typo; the refusal offers the corrected
question. Names are read from the indexed chunks themselves, so only names the documents
contain are ever suggested.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

import jieba
import jieba.posseg

from vectorstore.index import PerSnapshot
from vectorstore.lexical import normalize

if TYPE_CHECKING:
    from vectorstore.index import Snapshot

# Name endings: places, then organisations and things a question names.
SUFFIXES = (
    "区",
    "市",
    "县",
    "镇",
    "省",
    "岛",
    "城",
    "中心",
    "研究院",
    "研究所",
    "联盟",
    "局",
    "委员会",
    "大学",
    "学院",
    "实验室",
    "公司",
    "集团",
    "基金",
    "协会",
    "学会",
    "平台",
    "基地",
    "园",
    "装置",
    "工程",
    "计划",
    "大会",
    "交易会",
)
_BY_LENGTH = sorted(SUFFIXES, key=len, reverse=True)
_SUFFIX = re.compile("|".join(map(re.escape, _BY_LENGTH)))
_NAME_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")
MIN_CHARS, MAX_CHARS = 2, 16
# Parts of speech a name is made of: nouns, places, organisations, abbreviations, attributives.
_NAME_POS = frozenset("nbjx")


class NameHints:
    """Names (with their counts) the current snapshot's chunks contain; built per snapshot."""

    def __init__(self) -> None:
        self._names = PerSnapshot(_CorpusNames)

    def suggest(self, question: str, snapshot: Snapshot) -> str | None:
        """The question with a misspelt name corrected, or None when no name is misspelt."""
        return self._names.get(snapshot).suggest(question)


class _CorpusNames:
    """The names of one snapshot's chunks and their text, for the hints."""

    def __init__(self, snapshot: Snapshot) -> None:
        texts = [normalize(chunk.text) for chunk in snapshot.chunks.values()]
        # A library repeats its names and phrases many times: each distinct run is read once.
        runs = Counter(run for text in texts for run in _NAME_CHARS.findall(text))
        names: dict[tuple[str, int], Counter[str]] = {}
        for run, count in runs.items():
            for name in _names_ending_in(run):
                suffix = _ending(name)
                if suffix:
                    names.setdefault((suffix, len(name)), Counter())[name] += count
        self._text = "\n".join(texts)
        self._names = names

    def suggest(self, question: str) -> str | None:
        for candidate in _candidates(question):
            if normalize(candidate) in self._text or self._two_names(candidate):
                continue
            match = self._closest(normalize(candidate))
            if match:
                return question.replace(candidate, match, 1)
        return None

    def _closest(self, name: str) -> str | None:
        """The most frequent corpus name one edit away with the same ending."""
        suffix = _ending(name)
        if suffix is None:
            return None
        found: Counter[str] = Counter()
        for length in (len(name) - 1, len(name), len(name) + 1):
            for other, count in self._names.get((suffix, length), Counter()).items():
                if _one_edit(name, other):
                    found[other] += count
        ranked = sorted(found, key=lambda other: (-found[other], len(other) != len(name), other))
        return next((other for other in ranked if self._is_word_sequence(other)), None)

    def _two_names(self, candidate: str) -> bool:
        """「广州全市」: two names the corpus knows side by side, not one misspelt name."""
        words = _words(candidate)
        head, last = normalize("".join(words[:-1])), normalize(words[-1])
        return len(words) > 1 and len(head) >= 2 and head in self._text and last in self._text

    def _is_word_sequence(self, name: str) -> bool:
        """The corpus uses it as a name: it starts a word (「华南地区」 holds no 「南地区」)."""
        if len(_words(name)[0]) < 2:
            return False
        for match in list(re.finditer(re.escape(name), self._text))[:5]:
            start = max(0, match.start() - 6)
            bounds, position = set(), start
            for word in _words(self._text[start : match.end()]):
                bounds.add(position)
                position += len(word)
            if match.start() in bounds:
                return True
        return False


def _ending(name: str) -> str | None:
    """The longest name suffix the name ends with (研究院 before 院-less 学院)."""
    return next((s for s in _BY_LENGTH if name.endswith(s)), None)


def _names_ending_in(run: str) -> list[str]:
    """Every substring of a run of name characters that ends with a name suffix."""
    names = []
    for match in _SUFFIX.finditer(run):
        end = match.end()
        names += [run[start:end] for start in range(max(0, end - MAX_CHARS), end - MIN_CHARS + 1)]
    return names


def _words(text: str) -> list[str]:
    return list(jieba.cut(text))


def _candidates(question: str) -> list[str]:
    """Names the question uses, longest first: runs of nouns ending with a name suffix.

    A name starts with a word of two or more characters (「年」「由」 start none) and holds
    no verb, preposition or particle (「产值在全市」 is no name).
    """
    found = []
    for run in _NAME_CHARS.findall(question):
        words = [(w.word, w.flag) for w in jieba.posseg.cut(run)]
        bounds = [0]
        for word, _ in words:
            bounds.append(bounds[-1] + len(word))
        for i, end in enumerate(bounds):
            if _ending(run[:end]) is None:
                continue
            for j in range(i - 1, -1, -1):
                if words[j][1][0] not in _NAME_POS:
                    break
                if len(words[j][0]) >= 2 and MIN_CHARS < end - bounds[j] <= MAX_CHARS:
                    found.append((run[bounds[j] : end], run[bounds[i - 1] : end]))
    names = [(name, last) for name, last in found if not re.search(r"\d", name)]
    return [name for name, _ in sorted(dict.fromkeys(names), key=lambda n: -len(n[0]))]


def _one_edit(a: str, b: str) -> bool:
    """One substitution, insertion or deletion apart, not at the start.

    A character more or less at the start is a word boundary, not a typo (「年广州市」).
    """
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(1, len(long)))


def with_hint(text: str, question: str, snapshot: Snapshot, hints: NameHints) -> str:
    """「您是不是要问：…？」 after a refusal's first paragraph when the question misspells a name."""
    corrected = hints.suggest(question, snapshot)
    if corrected is None:
        return text
    corrected = corrected.rstrip("？?。 ") + "？"
    first, _, rest = text.partition("\n\n")
    hint = f"您是不是要问：{corrected}"
    return f"{first}\n\n{hint}\n\n{rest}" if rest else f"{first}\n\n{hint}"
