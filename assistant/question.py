"""What a question asks: cleaned text, kind (figure/list/measure/...), weighted key terms, years.

Chinese questions signal their kind with a few words (多少/几 for figures, 哪些 for lists,
有哪些政策/措施 for measures); key terms are the question's jieba words minus question
words, weighted so rare and long terms (新型研发机构, 高价值发明专利) count more than
words every document repeats (广州, 科技).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jieba.posseg

from vectorstore.lexical import ChineseTokenizer, normalize
from vectorstore.years import years_in

MAX_QUESTION_CHARS = 2000

_FIGURE = re.compile(
    r"多少|几[个家项位名次倍年件所亿万人条批]|第几|几成|比例|比重|占比|排名|排第|多大|多高|多长|百分之|增长了?多|名次"
)
_LIST = re.compile(r"哪些|哪几|分别|包括什么|包括哪|有什么[^？?]*和")
_MEASURE = re.compile(
    r"(?:政策|措施|举措|支持|扶持|办法|怎样|如何|怎么|做法|打算|方向|路径|宗旨|任务)"
)
_QUESTION_WORDS = frozenset(
    [
        "多少",
        "几",
        "哪些",
        "哪几",
        "哪",
        "什么",
        "怎样",
        "如何",
        "怎么",
        "是否",
        "是不是",
        "吗",
        "呢",
        "谁",
        "哪家",
        "哪个",
        "哪里",
        "何时",
        "第几",
        "多大",
        "分别",
        "请问",
        "一下",
        "情况",
        "要求",
        "达到",
        "要",
        "目标",
        "有",
        "是",
        "为",
        "了",
        "的",
        "能",
        "可以",
        "具体",
        "主要",
        "现在",
        "目前",
        "一共",
        "总共",
        "请",
        "告诉",
        "我",
    ]
)
# jieba's place tag; its person/organisation tags were measured to fire on common words (养老, 托幼)
_PROPER = frozenset({"ns"})
_ASKING = re.compile(r"多少|几|哪|什么|怎|如何|各是|各有")
_QUOTED = re.compile(r"[“\"「《]([^”\"」》]{2,20})[”\"」》]")
_MONEY = r"\d\s*(?:多)?\s*[万亿千百]?元|[（(][万亿]?元[)）]"
_ASKED_UNITS = (
    (
        re.compile(r"比例|占比|比重|百分之"),
        r"\d\s*[%％]|[（(][%％][)）]|[一二三四五六七八九]成|\d+\s*倍",
    ),
    (
        re.compile(
            r"(?:多少|几)[^，。？]{0,4}(?:钱|经费|资金|会费|费用|金额|补贴|奖励|奖金|租金|元)"
            r"|(?:补贴|奖励|资助|会费|费用|租金|经费)[^，。？]{0,8}多少"
        ),
        _MONEY,
    ),
    (re.compile(r"多少台|几台"), r"\d\s*台"),
)
# Stripped for retrieval only: they carry no meaning and confuse tokenizers.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


@dataclass(frozen=True)
class Term:
    """A key term and its weight; `match` is how much of it a text contains (0..1)."""

    text: str
    weight: float

    def match(self, text: str) -> float:
        """1 for the whole term; else the share of its character bigrams (PDF text loses characters)."""
        if self.text in text:
            return 1.0
        if len(self.text) < 3:
            return 0.0
        grams = [self.text[i : i + 2] for i in range(len(self.text) - 1)]
        share = sum(g in text for g in grams) / len(grams)
        return share * share


@dataclass(frozen=True)
class Question:
    """A question prepared for retrieval and answering."""

    text: str
    kind: str  # "figure" | "list" | "measure" | "other"
    terms: tuple[Term, ...]
    years: frozenset[int]
    names: tuple[
        str, ...
    ] = ()  # places, organisations, “quoted” names: the answer must be about them
    unknown_names: tuple[str, ...] = ()  # the names the corpus never mentions
    unit: str = ""  # pattern a figure must match when the question asks for one (元, 台, %)

    @property
    def total_weight(self) -> float:
        return sum(t.weight for t in self.terms) or 1.0


def clean_question(raw: str) -> tuple[str, list[str]]:
    """Question text to show, with warnings; over-long input is cut at MAX_QUESTION_CHARS."""
    warnings = []
    text = raw.strip()
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS]
        warnings.append(
            f"问题过长，已截断为前 {MAX_QUESTION_CHARS} 个字符 / question truncated to {MAX_QUESTION_CHARS} characters"
        )
    return text, warnings


def for_retrieval(text: str) -> str:
    """Text handed to the searcher: control and zero-width characters become spaces."""
    return " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFC", text)).split())


def question_kind(text: str) -> str:
    if _LIST.search(text):
        return "list"
    if _FIGURE.search(text):
        return "figure"
    if _MEASURE.search(text):
        return "measure"
    return "other"


class TermWeigher:
    """Inverse document frequency of words over the corpus chunks, for weighting key terms."""

    def __init__(self, tokenizer: ChineseTokenizer, texts: list[str]) -> None:
        self.tokenizer = tokenizer
        self._texts = [compact(t) for t in texts]
        self._idf = lru_cache(maxsize=4096)(self._compute_idf)

    def _compute_idf(self, term: str) -> float:
        df = self._df(term)
        return math.log((len(self._texts) + 1) / (df + 0.5))

    def analyse(self, text: str) -> Question:
        clean = for_retrieval(text)
        years = years_in(clean)
        flags = {pair.word: pair.flag for pair in jieba.posseg.cut(clean)}
        tokens = [
            token
            for token in dict.fromkeys(self.tokenizer.tokenize(clean))
            if token not in _QUESTION_WORDS
            and not _is_year(token, years)
            and (len(token) >= 2 or token.isdigit())
        ]
        terms = []
        for token in tokens:
            if any(token != other and token in other for other in tokens):
                continue  # a part of a longer term: the longer one's partial match covers it
            idf = self._idf(token)
            if idf <= 0.2:  # in nearly every chunk: says nothing about where the answer is
                continue
            weight = (
                idf * (1.0 + 0.25 * min(len(token) - 1, 4)) * _pos_factor(token, flags.get(token))
            )
            terms.append(Term(token, weight))
        # A place most chunks mention (广州, 广东) is the corpus's setting, not a topic to match.
        common = 0.03 * len(self._texts)
        names = tuple(
            name
            for name in dict.fromkeys(_names(clean, flags))
            if self._df(compact(name)) <= common
        )
        unknown = tuple(name for name in names if not self._df(compact(name)))
        return Question(
            clean,
            question_kind(clean),
            tuple(terms),
            frozenset(years),
            names,
            unknown,
            asked_unit(clean),
        )

    def _df(self, term: str) -> int:
        return sum(1 for text in self._texts if term in text)


def asked_unit(text: str) -> str:
    """The unit a figure question asks for: money (多少钱/经费/补贴), share (比例/占比) or a counter."""
    for pattern, unit in _ASKED_UNITS:
        if pattern.search(text):
            return unit
    return ""


def _names(text: str, flags: dict[str, str]) -> list[str]:
    """Names whose absence from the corpus means it cannot answer: places (南沙区) and “quoted” names."""
    quoted = [q for q in _QUOTED.findall(text) if not years_in(q)]
    places = [
        m.group()
        for m in re.finditer(r"[\u4e00-\u9fff]{2,3}?[区县]", text)
        if flags.get(m.group()[:-1]) == "ns"
    ]
    proper = [word for word, flag in flags.items() if flag in _PROPER and len(word) >= 2]
    return quoted + places + proper


def _pos_factor(term: str, flag: str | None) -> float:
    """Nouns name what is asked about; verbs less so; adverbs, pronouns and measure words barely."""
    if flag is None:
        return 0.3 if _ASKING.search(term) else 1.0
    if flag[0] in "nj" or flag in ("vn", "eng", "b"):
        return 1.0
    return 0.6 if flag[0] == "v" else 0.3


def compact(text: str) -> str:
    """Normalised for matching: NFKC, lower case, no whitespace (PDF text writes "2018 年")."""
    return "".join(normalize(text).split())


def _is_year(token: str, years: set[int]) -> bool:
    return token.isdigit() and int(token) in years
