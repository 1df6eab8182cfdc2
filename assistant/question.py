"""What a question asks: its framing and its focus, expected answer types, weighted key terms.

The framing (「据……介绍，」「根据《……》，」) is split off first (assistant.framing): its
years and titles may guide ranking, but only the focus's terms must be covered by the
evidence. The expected answer types come from the question's cue words
(assistant.answer_types). Key terms are the focus's jieba words minus question words,
weighted so rare and long terms (新型研发机构, 高价值发明专利) count more than words every
document repeats (广州, 科技). Analysis is linear in the question's length: parts of speech
come from jieba's dictionary; its HMM tagger (seconds on long unknown text) only sees
questions of ordinary length.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import jieba.posseg

from assistant.answer_types import (
    ASKING,
    COUNT,
    COUNTERS,
    FIGURE_TYPES,
    LIST,
    MEASURE,
    PLACE_NAMES,
    SPAN_TYPES,
    asked_counter,
    asked_types,
    officials_in,
    stated_types,
)
from assistant.framing import split_framing
from assistant.text_index import TextIndex
from ingest.indicators import normalize_indicator, synonym_table
from ingest.years import written_years, years_in
from vectorstore.lexical import ChineseTokenizer, normalize

MAX_QUESTION_CHARS = 2000
# jieba's HMM tagger finds unknown names but took 2 s on 64 random characters: only a
# question of ordinary length gets it; longer text gets dictionary tags only.
HMM_TAGGED_CHARS = 48
# Terms beyond these say nothing a shorter question would not; each costs a corpus scan.
MAX_TERMS = 48
# Abbreviations are short (广马, 高企); between two of their characters the full name has
# at most a few others, never a clause break.
_ABBREVIATION_CHARS = 4
_ABBREVIATION_GAP = 4
_CLAUSE_BREAKS = "，,。；;：:、！!？?\\n"
# A word in more than this share of the chunks is the corpus's common vocabulary (广州, 企业).
_COMMON_SHARE = 0.03
# Shorter wordings (登记数) name no indicator on their own.
_INDICATOR_WORDING_CHARS = 4
# A framing that says until when (「截至2019年底」) dates the figure asked, unlike a source's
# date (「据2023年6月联盟成立大会的介绍」).
CUT_OFF = re.compile(r"截至|截止")
# Modifiers that point back at what was already named (「第几个同类装置」 is a 装置 like the
# subject): they tell no kind of thing from another.
_REFERRING = frozenset(
    {"同类", "同一", "同等", "类似", "相应", "此类", "这类", "该类", "这种", "此种"}
)
# Words that say how or when something is asked (「2020年实际做到了百分之几」), not what.
_MANNER = frozenset(
    {"实际", "实际上", "大概", "大约", "具体", "目前", "现在", "当时", "最终", "到底"}
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
        # 「……，这是哪一年的评价结果」: points back at the clause before
        "这是",
        "那是",
        # what the asker heard or how sure they are, never what is asked (听说…, 大概多少)
        "听说",
        "据说",
        "据悉",
        "大概",
        "大约",
        "大致",
        "来着",
    ]
)
# jieba's place tag; its person/organisation tags were measured to fire on common words (养老, 托幼)
_PROPER = frozenset({"ns"})
_BODY = "nt"  # jieba's tag of an organisation's name
_SCOPE_SHARE = 0.5  # of the documents, at most, that name a district that is a scope
# The city as a scope of its own (广州开发区 is the district's other name, not the city).
# A district the question points back to (区里, 本区): the one its framing names.
_THIS_DISTRICT = re.compile(r"区里|区内|本区|我区|全区|这个区|该区")
# A year the question points back to (当年, 那一年): the one its framing names.
_THAT_YEAR = re.compile(r"当年|那一?年|该年|同年|这一年")
_CITY = re.compile(r"广州(?!开发区)|全市|本市|我市")
# How a document defines a short name: 「广州国际技术交易服务中心（以下简称交易中心）」.
_ALIAS = re.compile(
    r"([^，,。；;：:、\s（()）“”]{3,30})[（(](?:以下)?简称[“\"「]?([^）)”\"」]{2,12})[”\"」]?[）)]"
)
# Places named only from where the speaker stands (外国 is a place jieba tags like 南沙).
_RELATIVE_PLACES = frozenset({"外国", "本国", "他国", "异国", "各国", "外省", "本地", "当地"})
# The form of a place's name: a suffix of place (南沙区, 松山湖) or a city or country written
# without one. jieba's dictionary tags some verbs places (入盟, 沾边, 安家): a word the corpus
# never writes, of no such form, is no place the documents lack.
_PLACE_FORM = re.compile(
    rf"(?:.{{1,6}}(?:省|市|区|县|镇|乡|村|街道|城|岛|湖|山|港|湾|河|江|州)|{PLACE_NAMES})"
)
_ASKING = re.compile(r"多少|几|哪|什么|怎|如何|各是|各有")
# The attribute a question asks about is the last content word before its question word.
# After 没/不/无 the same words do not ask (「没什么抵押」 is "little collateral").
_ASKED_AT = re.compile(
    r"(?<![没不无])(?:多少|几|哪|什么|谁|怎|如何|何时|第几|是否|多大|多高|多长|多久)"
)
_LINKING = re.compile(
    # 「到2025年计划做到多少」: a modal before a verb of reaching plans the figure; 计划 is
    # no attribute there (「培育计划有多少」 names one)
    r"(?:(?:计划|打算|准备|力争|争取|预计|拟)要?(?:做到|搞到|冲到|达到|实现|完成|提到|做)"
    # (预计 alone is a modal too: 「预计要有多少家」)
    r"|是|有|为|达到|达|约|要|将|能|可以|一共|总共|共|的|了|在|具体|分别|大概|大约|到底|预计"
    r"|(?:提升|提高|增加|增长|扩大|扩充|发展)到)+$"
)
# How far a modifier (「业内举足轻重的」) may run between a counter and the noun it counts.
_MODIFIER_CHARS = 12
# 「…2646亿那个」「…125件，这个…」: a pointer back at what the clause names, and the figure
# it is known by.
_POINTER_END = re.compile(r"(?:\d+(?:\.\d+)?\s*[万亿]?[\u4e00-\u9fff%％]?)?(?:那个|这个|这|那)?$")
# Nouns of people (人才, 人员, 会员, 研究生): their 规模 is a head count.
_PEOPLE = re.compile(r"(?:人才|人员|员|生|者|家|士)$")
# Wholes a rank is taken within (在全国排第几, 在全市能排第几): a scope, not what is ranked.
SCOPE_WORD = re.compile(r"全国|全市|全省|全区|全球|全世界|世界|国内|省内|市内|各区|全广州|全广东")
# 「按市科技局的工作安排」「根据规划」: a clause opening with these cites where the figure is
# written.
_SOURCE_CLAUSE = re.compile(r"\s*(?:按照?|根据|依据|依照|据)")
# 「X在全国经开区排第几」「X居全市第几」「这个数量放在全省是什么位次」: the topic ranked (none when
# an earlier clause names it), then the group it is ranked within, before the question word.
RANKED_WITHIN = re.compile(
    rf"(?P<topic>[^，,；;？?]*?)(?:在|于|居|位居|位列)"
    rf"(?P<group>(?:广东|广州)?(?:{SCOPE_WORD.pattern})[^，,；;？?]{{0,8}}?)"
    r"(?:之|中|里|内|当中)?(?:能|可以|大概|大约)?(?:排名|排到|排在|排|位列|名列|居|处于|是)?"
    r"(?=$|第几|前几|老几|什么|多少|几|哪)"
)


@functools.lru_cache(maxsize=512)
def ranked_within(core: str) -> tuple[str, str] | None:
    """(topic, group) of a rank asked within a group (see RANKED_WITHIN); a rank's clause that
    opens with the group ranks what the clause before states (「黄埔区2109家高新技术企业，在全国
    高新区里能排第几」). After a clause that asks a figure, it ranks that figure: no topic of its
    own (「研发投入占GDP多大比例？在全市排第几？」)."""
    ranked = RANKED_WITHIN.search(core)
    if ranked is None:
        return None
    topic = ranked.group("topic")
    if not topic.strip():
        clauses = re.split(r"[，,；;？?]", core[: ranked.start()].rstrip("，,；;？? "))
        stated = clauses[-1] if clauses else ""
        topic = "" if _ASKED_AT.search(stated) else stated
    return topic, ranked.group("group")


# 「这个增幅在全国排第几」: a topic pointing back to what an earlier part asked.
POINTER_START = re.compile(r"\s*(?:这|那|该|其|此)")
# A head noun that only says "a figure of" (目标, 数量, 金额): the attribute is what stands before
# its 的 (瞪羚企业 in 「瞪羚企业到2025年的目标是多少家」).
_GENERIC_HEAD = re.compile(r"(?:目标值?|情况|数量|总量|总数|水平|数值|金额|数额|数目|榜单|排行榜)$")
# 「多少家」「几项」「哪一年」: the counter between the question word and the thing counted.
_COUNTER_AT_START = re.compile(rf"^\s*[一两几]?\s*[{COUNTERS}]")
# Class nouns that say what kind of answer is wanted (哪家企业, 什么单位), not what is asked.
_ANSWER_CLASSES = frozenset(
    ["单位", "机构", "部门", "企业", "公司", "高校", "大学", "医院", "组织", "平台", "人", "人物"]
    + ["地方", "地区", "区域", "地点", "城市"]
    # 「…创新中心分别涉及哪些方向」: the items are directions of what stands before
    + ["方向", "领域", "方面"]
)
# Characters jieba leaves glued to a neighbouring word: localisers (中 内 上 里), modals (要
# 能), coverbs (把 比) and measure words (个 位 家 项 年).
_GLUED_CHARS = "中内上下里外要能会把比被个位家项年末来"
# A five-year plan's period (「“十三五”末」) is when a figure holds, like a year: not what is asked.
PLAN_PERIOD = re.compile(r"十[一二三四五六七八九]五")
_PERIOD_WEIGHT = 0.2
# A plan named as the title of a document or table (「“十四五”发展目标表」「“十四五”规划」).
_PLAN_AS_TITLE = re.compile(
    rf"{PLAN_PERIOD.pattern}(?=[”\"」]?(?:科技创新)?(?:发展)?(?:规划|纲要|目标表|目标|指标))"
)
# A question word glued to its counter by the tokenizer (几环, 几届): asks, names nothing.
_ASK_AND_COUNTER = re.compile(r"(?:几|多少)[\u4e00-\u9fff]")
# A question word glued to the verb before it or the counter after it (占多大, 第几名): asks.
_GLUED_ASKING = re.compile(r"多大|多少|第几")
# Share of a quoted name's character pairs one text must hold for the name to be its wording.
_PARAPHRASE_SHARE = 0.6
_PLAN_PHRASE = re.compile(rf"[“\"「]?{PLAN_PERIOD.pattern}[”\"」]?(?:期间|末|初|以来|时期)?")
# A Latin gloss after a term (份额（Share）, 研发投入(R&D)) restates it: the term is asked.
# A measure noun after the question word (多大规模, 多少数量) is the measure asked.
_MEASURE_AFTER = re.compile(r"有(多大|多少)(规模|数量|总量|总数)")
# A gloss in brackets says what the asked thing is or takes in, not what is asked of it:
# 「(GDP)」, 「（包括企业、金融机构在内）」.
_GLOSS = re.compile(
    r"[（(][A-Za-z&.\s-]+[)）]"
    r"|[（(](?:包括|包含|含|即|如|例如|比如|不含|不包括)[^（()）]{1,40}[)）]"
    r"|[（(][^（()）]{1,40}在内[)）]"
)
# How a document glosses a phrase with its Latin abbreviation: 「地区生产总值(GDP)」.
_GLOSSED = re.compile(r"([\u4e00-\u9fff]{2,12})\s*[（(]\s*([A-Za-z][A-Za-z&]{1,9})\s*[)）]")
_GLOSSED_CHARS = 3
# 「到广州市科协这份交流材料为止」「到材料发布时」: until when, not what is asked.
# (「到全国第六是啥时候」 asks when: a question word is no part of it)
_UNTIL = re.compile(r"(?:到|截至|截止到?)[^，,。？?啥何哪么]{1,24}?(?:为止|的?时候|之时|时)")
_TIME_PHRASE = re.compile(r"(?:到|截至|截止)?\s*(?:19|20)\d{2}\s*年(?:底|末|初)?")
_QUOTED = re.compile(r"[“\"「《]([^”\"」》]{2,20})[”\"」》]")
# Stripped for retrieval only: they carry no meaning and confuse tokenizers.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


# How many lines an answer gets and how its sentences are gathered.
QuestionKind = Literal["figure", "list", "measure", "other"]


@dataclass(frozen=True)
class Term:
    """A key term and its weight; `match` is how much of it a text contains (0..1)."""

    text: str
    weight: float
    spellings: tuple[str, ...] = ()  # fuller forms of an abbreviation (高企: 高新技术企)

    def match(self, text: str) -> float:
        """1 for the whole term or a fuller spelling of it; else the share of its character
        bigrams (PDF text loses characters)."""
        if self.text in text or any(s in text for s in self.spellings):
            return 1.0
        if len(self.text) < 3:
            return 0.0
        grams = [self.text[i : i + 2] for i in range(len(self.text) - 1)]
        share = sum(g in text for g in grams) / len(grams)
        return share * share


@dataclass(frozen=True)
class Question:
    """A question prepared for retrieval and answering.

    `terms` are the focus's key terms (framing excluded); `framing_terms` only help rank.
    """

    text: str
    kind: QuestionKind
    terms: tuple[Term, ...]
    years: frozenset[int]
    names: tuple[
        str, ...
    ] = ()  # places, organisations, “quoted” names: the answer must be about them
    unknown_names: tuple[str, ...] = ()  # the names the corpus never mentions
    types: tuple[str, ...] = ("other",)  # expected answer types, in the order asked
    counter: str = ""  # 家 in 「多少家」
    attribute: str = ""  # what is asked of the entity (得分, 成交额, 运营 单位)
    # Its words weighted by rarity: in 运营 单位, 运营 tells the asked unit from any 单位.
    attribute_terms: tuple[Term, ...] = ()
    # Every wording of the indicator the question names (研发投入强度 -> 全社会研发投入占GDP比重,
    # …), in matching form: a text using another wording of it names the same attribute.
    indicator_wordings: tuple[str, ...] = ()
    framing: tuple[str, ...] = ()
    framing_terms: tuple[Term, ...] = ()
    core: str = ""  # the question without its framing
    # The attributes the later parts of a multi-part question ask (涉及金额 after 多少名院士).
    part_attributes: tuple[tuple[Term, ...], ...] = ()
    # The years of a cut-off framing (「截至2019年底，」): the figure must hold as of then.
    as_of: frozenset[int] = frozenset()
    # The documents that name every organisation the question names (中山大学) and the speaker
    # its framing cites (据王桂林介绍): a sentence of another document is about other bodies or
    # quotes no one cited. None: neither is named.
    body_docs: frozenset[str] | None = None
    # (short, full) names the documents define (「…服务中心（以下简称交易中心）」) whose full name
    # the question says: a sentence using the short name names the full one.
    aliases: tuple[tuple[str, str], ...] = ()
    # How the corpus writes words of the question it lost a character of (瞪企业 for 瞪羚企业).
    lost_forms: tuple[str, ...] = ()

    @property
    def query(self) -> str:
        """What to search for: the text, and the corpus's forms of words it lost a character
        of, which only they retrieve by their words."""
        return " ".join((self.text, *self.lost_forms))

    @property
    def total_weight(self) -> float:
        return sum(t.weight for t in self.terms) or 1.0

    @property
    def answer_type(self) -> str:
        return self.types[0]


def clean_question(raw: str) -> tuple[str, list[str]]:
    """Question text to show, with warnings; over-long input is cut at MAX_QUESTION_CHARS."""
    warnings = []
    text = raw.strip()
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS]
        warnings.append(
            f"问题过长，已截断为前 {MAX_QUESTION_CHARS} 个字符 / "
            f"question truncated to {MAX_QUESTION_CHARS} characters"
        )
    return text, warnings


_PART_BREAK = re.compile(r"[？?；;]")


def asked_parts(core: str) -> list[str]:
    """The asking parts of a multi-part question, split at 「？」「；」, or [] when it asks
    once. (A clause after a comma often goes on about the same figure.)"""
    parts = [p.strip(" ，,。") for p in _PART_BREAK.split(core)]
    parts = [p for p in parts if ASKING.search(p)]
    return parts if len(parts) >= 2 else []


def for_retrieval(text: str) -> str:
    """Text handed to the searcher: control and zero-width characters become spaces."""
    return " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFC", text)).split())


def question_kind(types: tuple[str, ...]) -> QuestionKind:
    """The coarse kind that decides how many lines an answer gets."""
    if LIST in types:
        return "list"
    if any(t in SPAN_TYPES for t in types):
        return "figure"
    return "measure" if MEASURE in types else "other"


class TermWeigher:
    """Inverse document frequency of words over the corpus chunks, for weighting key terms."""

    def __init__(
        self,
        tokenizer: ChineseTokenizer,
        texts: list[str],
        doc_ids: list[str] | None = None,
        titles: dict[str, str] | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self._index = TextIndex([compact(t) for t in texts])
        self._doc_ids = doc_ids or []  # the document of each text, by position
        self._titles = {doc: compact(title) for doc, title in (titles or {}).items()}
        self._documents = frozenset(self._doc_ids) | frozenset(self._titles)
        # (short, full) in matching form, as the documents define them
        self._aliases = tuple(
            dict.fromkeys(
                (compact(m.group(2)), compact(m.group(1)))
                for t in texts
                for m in _ALIAS.finditer(t)
            )
        )
        # (Chinese phrase, its Latin abbreviation) in matching form: 「地区生产总值(GDP)」
        self._glosses = tuple(
            dict.fromkeys(
                (compact(m.group(1)), compact(m.group(2)))
                for t in texts
                for m in _GLOSSED.finditer(t)
            )
        )
        # people the documents name after their posts: a framing citing one names its source
        self._officials = frozenset(name for t in texts for name in officials_in(compact(t)))
        self._idf = lru_cache(maxsize=4096)(self._compute_idf)
        self._df = lru_cache(maxsize=4096)(self._index.count)
        # every key term of every question asks for it: read the corpus once per word
        self._spelled = lru_cache(maxsize=4096)(self._spelled_out)
        self._a_word = lru_cache(maxsize=1024)(self._begins_a_word)

    def _begins_a_word(self, name: str) -> bool:
        """The documents write `name` as a word (南沙 in 南沙区), not only across two
        (组建|国际 holds 建国): jieba tags 「要建国内」 a place, and a name no document
        uses as one cannot be what an answer must be about."""
        return any(
            token.startswith(name)
            for text in self._index.candidates(name)
            if name in text
            for token in self.tokenizer.tokenize(text)
        )

    def _compute_idf(self, term: str) -> float:
        df = self._df(term)
        return math.log((len(self._index.texts) + 1) / (df + 0.5))

    def analyse(self, text: str) -> Question:
        clean = for_retrieval(text)
        framed = split_framing(clean)
        core = framed.core
        # The year asked about is the focus's: a framing's date (「截至2023年6月，」) says when
        # or where the asker read it, not which year's figure is wanted.
        years = years_in(" ".join(periods_asked(core))) | written_years(core)
        if not years and _THAT_YEAR.search(core):  # 「根据2019年工作安排，当年…」
            pointed = set().union(set(), *(years_in(f) for f in framed.framing))
            years = pointed if len(pointed) == 1 else years  # the framing's one year
        flags = _tags(self.tokenizer.tokenize(clean))
        if len(clean) <= HMM_TAGGED_CHARS:  # finds names jieba's dictionary lacks (前海)
            flags |= {pair.word: pair.flag for pair in jieba.posseg.cut(clean)}
        terms = self._terms(core, years, flags)
        focus = {t.text for t in terms}
        framing_terms = tuple(
            t for t in self._terms(" ".join(framed.framing), years, flags) if t.text not in focus
        )
        # A place most chunks mention (广州, 广东) is the corpus's setting, not a topic to match;
        # a district (黄埔区) is a scope however often its own plan names it: the city's total
        # is not the district's figure.
        common = _COMMON_SHARE * len(self._index.texts)
        # 「广州市2018年工作总结和黄埔区规划分别…」 asks of two scopes: the district is one.
        # An area (知识城, 生物岛) is a scope like a district, when the corpus knows it.
        areas = [area for area in areas_in(core) if self._df(compact(area))]
        # A development zone (开发区, 高新区) is a scope like a district: the city's figure is
        # not the zone's.
        zones = _ZONE.findall(core)
        districts = [] if _asks_of_city(core) else _districts(core) + _bare_districts(core)
        # 「我们是黄埔区的企业，…区里的资金池…」: 区里 is the district the asker named
        # (named with or without 区: 「我们是黄埔的企业」)
        framing = " ".join(framed.framing)
        pointed_to = (
            _districts(framing) + _bare_districts(framing) if _THIS_DISTRICT.search(core) else []
        )
        if not districts and len({d.rstrip("区县") for d in pointed_to}) == 1:
            districts = pointed_to[:1]
        districts += areas + zones
        # An abbreviation (广马) cannot be checked by its letters; its terms still rank.
        asking = _standard_asking(core)
        types = asked_types(asking)
        named = [
            *_names(core, flags),
            *(d for d in districts if d not in core),
            *areas,
            *zones,
            *_stated_figures(clean, LIST in types),
            # (one the documents never write whole is the asker's wording: no name to check)
            *filter(None, map(self._known_tail, _funds_and_projects(core))),
        ]
        set_aside = "".join(_SET_ASIDE.findall(core))
        # a spoken word (沾边, which jieba's dictionary tags a place) names nothing
        named = [name for name in named if name not in set_aside and name not in _SPOKEN_SAID]
        # a word the corpus writes only less a lost character is matched in that form
        flat = compact(core)
        lost = {
            word: forms
            for word in dict.fromkeys([*named, *(t.text for t in terms)])
            if (forms := self._lost_forms(compact(word), _after(word, flat)))
        }
        named = [lost[name][0] if name in lost else name for name in named]
        found = {name: self._df(compact(name)) for name in dict.fromkeys(named)}
        loose = set(_quoted(core))  # a user's quotes may hold their own wording
        names = tuple(
            name
            for name, df in found.items()
            if (df <= common or (name in districts and self._a_scope(name)))
            and (df or not self._abbreviates(compact(name)))
            and (df or name not in loose or not self._paraphrases(compact(name)))
            and (not df or flags.get(name) not in _PROPER or self._a_word(compact(name)))
            and (df or flags.get(name) not in _PROPER or _PLACE_FORM.fullmatch(name))
        )
        unknown = tuple(name for name in names if not found[name])
        bodies = [w for w, flag in flags.items() if flag == _BODY and len(w) >= 2 and w in core]
        # 「据王桂林介绍」: the speaker cited is named by the document that quotes them
        cited = compact(" ".join(framed.framing))
        speakers = [name for name in self._officials if name in cited]
        attribute = self._attribute(asking, years)
        attribute_terms = self._attribute_terms(attribute, types == (COUNT,))
        # 「吸引了多少名院士参与？涉及金额多少？」: each later part asks its own attribute.
        # (「遴选多少家标杆企业、跟踪服务多少家高精尖企业」: 、 parts two asks as well)
        parts = [c for c in re.split(r"[，,；;？?、]", asking) if _ASKED_AT.search(c)]
        part_attributes = tuple(
            filter(
                None,
                (
                    self._attribute_terms(self._attribute(c, years), asked_types(c) == (COUNT,))
                    for c in parts[1:]
                ),
            )
        )
        return Question(
            clean,
            question_kind(types),
            terms,
            frozenset(years),
            names,
            unknown,
            types,
            asked_counter(asking),
            attribute,
            attribute_terms,
            _asked_indicator(core, attribute_terms) if FIGURE_TYPES.intersection(types) else (),
            framed.framing,
            framing_terms,
            core,
            part_attributes,
            frozenset(y for f in framed.framing if CUT_OFF.match(f) for y in years_in(f)),
            self._documents_naming(bodies + speakers),
            tuple((short, full) for short, full in self._aliases if full in compact(core)),
            tuple(dict.fromkeys(form for forms in lost.values() for form in forms)),
        )

    def _known_tail(self, name: str) -> str:
        """The longest tail of a fund's or project's name (six characters or more) that the
        documents write: 「申请粤港澳大湾区科技成果转化基金」 names 粤港澳大湾区科技成果转化基金,
        the verb before it is the asker's. '' when they write none."""
        for start in range(len(name) - _FUND_NAME_CHARS + 1):
            if self._df(compact(name[start:])):
                return name[start:]
        return ""

    def _a_scope(self, district: str) -> bool:
        """A district named by at most half of the documents is a scope (黄埔区, whose plan
        names it on every page); one most of them name (大湾区) is the setting."""
        naming = self._documents_naming([district]) or frozenset()
        return len(naming) <= _SCOPE_SHARE * len(self._documents)

    def _documents_naming(self, bodies: list[str]) -> frozenset[str] | None:
        """The documents whose text or title names every body the corpus knows; None when
        the question names none (or no document positions were given)."""
        known = [compact(b) for b in bodies if self._df(compact(b))]
        if not known or not self._doc_ids:
            return None
        naming = set(self._documents)
        texts = self._index.texts
        for body in known:
            found: set[str] = set()
            for form in (body, *self._firm_class(body)):
                found |= {self._doc_ids[n] for n in self._index.numbers(form) if form in texts[n]}
                found |= {doc for doc, title in self._titles.items() if form in title}
            naming &= found
        return frozenset(naming)

    def _attribute_terms(self, attribute: str, counted: bool) -> tuple[Term, ...]:
        """The attribute's words weighted by rarity. 数量/总量 only say "a figure of" the word
        before them, which a table row's name (国家级企业研发机构(家)) states without them; so
        does 规模 of people when a count is asked (「引进的人才规模有多大」 asks how many 人才:
        「引入人才500余名」; a fund's 规模 is its size)."""
        parts = [compact(part) for part in attribute.split()]
        headcount = counted and len(parts) == 2 and parts[1] == "规模" and _PEOPLE.search(parts[0])
        return tuple(
            Term(
                part,
                max(self._idf(part), 0.1)
                * (0.2 if _GENERIC_HEAD.fullmatch(part) or (headcount and n == 1) else 1),
                self._spelled(part) + self._lost_forms(part, "".join(parts[n + 1 :])[:2]),
            )
            for n, part in enumerate(parts)
        )

    def _terms(self, text: str, years: set[int], flags: dict[str, str]) -> tuple[Term, ...]:
        tokens = [
            token
            for token in dict.fromkeys(self.tokenizer.tokenize(text))
            if token not in _QUESTION_WORDS
            and not _ASK_AND_COUNTER.fullmatch(token)
            and not _GLUED_ASKING.search(token)
            and not _is_year(token, years)
            and (len(token) >= 2 or token.isdigit())
        ][:MAX_TERMS]
        terms = []
        flat = compact(text)
        for token in tokens:
            if any(token != other and token in other for other in tokens):
                continue  # a part of a longer term: the longer one's partial match covers it
            idf = self._idf(token)
            if idf <= 0.2:  # in nearly every chunk: says nothing about where the answer is
                continue
            weight = (
                idf * (1.0 + 0.25 * min(len(token) - 1, 4)) * _pos_factor(token, flags.get(token))
            )
            if PLAN_PERIOD.fullmatch(token) and len(set(PLAN_PERIOD.findall(text))) == 1:
                # one plan period (十三五) says when, like a year: the year feature weighs it,
                # and a review's sentences leave it to the paragraph's opening (two periods
                # tell the parts of the question apart)
                weight *= _PERIOD_WEIGHT
            spellings = self._spelled(token) + self._lost_forms(token, _after(token, flat))
            terms.append(Term(token, weight, spellings))
        return tuple(terms)

    def _lost_forms(self, word: str, following: str) -> tuple[str, ...]:
        """The word and the word after it, less one of the word's characters, where the corpus
        writes only that: PDF text loses rare characters (「瞪企业124家」 for 瞪羚企业)."""
        if not _HAN_WORD.fullmatch(word + following) or len(following) < 2 or self._df(word):
            return ()  # a word the corpus writes somewhere is whole there
        # (the first character stays: without it the rest may end another word, 实缴规模 for
        # 认缴规模)
        dropped = (word[:n] + word[n + 1 :] + following for n in range(1, len(word)))
        return tuple(form for form in dict.fromkeys(dropped) if self._df(form))

    def _attribute(self, core: str, years: set[int]) -> str:
        """What is asked of the entity, as one or two space-separated nouns.

        Chinese puts it in one of two places: after a counter (「有多少家科创板上市企业」,
        「拿了几项国家专利金奖」: the thing counted), or before the question word (「……的
        得分是多少」, 「瞪羚企业到2025年的目标是多少家」: 目标 only says "a figure of").
        A noun is kept with the noun it is compounded with (运营 单位, 创客 空间): the head
        alone names any unit, and the two may stand apart in the answer (中小企业……投融资).
        """
        core = _UNTIL.sub("", _GLOSS.sub("", _PLAN_PHRASE.sub("", core)))
        # 「…母基金有多大规模」 asks what 「…母基金规模多大」 does
        core = _MEASURE_AFTER.sub(r"\2\1", core)
        if _POINTS_BACK.search(core):
            # 「……被评为优秀，这是哪一年的评价结果」: the clause before is what is asked of
            return ""
        members = self._members_counted(core, years)
        if members:
            return members
        asked = _ASKED_AT.search(core)
        if not asked:
            return ""
        after = re.split(r"[，,；;：:？?。！!、]", _COUNTER_AT_START.sub("", core[asked.end() :]))[
            0
        ]
        # 「哪些类别、多少个领军团队」: the next question word opens the next ask.
        after = after[: next_ask.start()] if (next_ask := _ASKED_AT.search(after)) else after
        # 「几个业内举足轻重的产业基础集群」: what is counted is the head after the modifier's 的.
        modifier_end = after.rfind("的", 0, _MODIFIER_CHARS)
        counted = self._content_words(after[modifier_end + 1 :][:8], years)
        # 「几项中国标准创新贡献奖」: a place opening the counted name is part of the name.
        named = itertools.dropwhile(lambda w: _tag(w) in _PROPER, counted)
        run = list(itertools.takewhile(_nominal, named))
        # 「是哪家企业建成的」: after 哪/什么 a class noun names the kind of answer, not what is
        # asked of the entity; the attribute stands before the question word.
        # 「排名到什么水平」: a generic head (水平, 情况) there only says "a figure of" what
        # stands before the question word.
        generic = all(_GENERIC_HEAD.fullmatch(w) for w in run)
        if (
            run
            and not generic
            and not (asked.group() in ("哪", "什么", "谁") and set(run) <= _ANSWER_CLASSES)
        ):
            return " ".join(run[-2:])
        # 「由谁牵头筹建」「由哪家机构托管」: what is asked of an actor is the deed after it.
        agent = asked.group() == "谁" or core[: asked.start()].endswith("由")
        deed = counted[len(run) :] if asked.group() == "哪" else counted
        if agent and deed:
            return " ".join(deed[:2])
        clauses = re.split(r"[，,；;：:]", core[: asked.start()])
        before = _LINKING.sub("", clauses[-1])
        if _GIVER_BEFORE.search(before):
            return ""  # 「财政一共给了多少钱」: 财政 gives the money asked, it is no attribute
        generic_head = _GENERIC_HEAD.search(before)
        if generic_head and "的" in before:
            # 「黄埔区的高企数量」: a noun between 的 and the head is what is counted;
            # 「资金池每年投入的金额」: with none, what stands before 的 is.
            between = before[before.rfind("的") + 1 : generic_head.start()]
            if not any(_nominal(w) for w in self._content_words(between, years)):
                before = _LINKING.sub("", _TIME_PHRASE.sub("", before[: before.rfind("的")]))
            else:
                before = between
        agent_at = before.rfind("由")
        if agent_at > 0 and any(_nominal(w) for w in self._content_words(before[:agent_at], years)):
            # 「获奖项目里由广州单位牵头的有几项」: who leads (单位) is not what is counted
            before = before[:agent_at]
        window = before[-24:]
        words = self._content_words(window, years)
        nouns = [n for n, w in enumerate(words) if _nominal(w)]
        if not nouns and len(clauses) > 1:
            # 「进入…序列的机构，黄埔区有几家」: the topic is put first, in its own clause; a
            # clause citing a source (「按市科技局的工作安排，」) only says where it is written.
            topical = [c for c in clauses[:-1] if not _SOURCE_CLAUSE.match(c)]
            window = _LINKING.sub("", topical[-1])[-24:] if topical else ""
            words = self._content_words(window, years)
            nouns = [n for n, w in enumerate(words) if _nominal(w)]
        elif len(clauses) > 1 and nouns and all(SCOPE_WORD.fullmatch(words[n]) for n in nouns):
            # 「技术合同成交额2646亿那个，在全国排第几名」: a clause naming only the scope a
            # rank is within ranks the topic the clause before names
            # (the scope stays asked: 「居全省第一」 is no rank in 全国)
            scope = words[nouns[-1]]
            topic = self._attribute(
                _POINTER_END.sub("", _LINKING.sub("", clauses[-2])) + "是多少", years
            )
            if topic and not SCOPE_WORD.search(topic):
                return f"{topic} {scope}"
        elif (ranked := ranked_within(core[: asked.start()])) and not POINTER_START.match(
            ranked[0]
        ):
            # 「新型研发机构数量在全国排第几」: the same, with the topic and the group in one
            # clause; without the topic, any rank in 全国 would answer.
            topic = self._attribute(_POINTER_END.sub("", ranked[0]) + "是多少", years)
            group = [w for w in self._content_words(ranked[1], years) if _nominal(w)]
            generic = all(_GENERIC_HEAD.fullmatch(w) for w in topic.split())
            if topic and group and not generic and not SCOPE_WORD.search(topic):
                return " ".join([topic, *group])
        elif len(clauses) > 1 and all(_MEASURE_HEAD.fullmatch(words[n]) for n in nouns):
            # 「…母基金，规模有多大」: a clause asking only a measure measures the topic the
            # clause before names, as 「母基金规模多大」 does
            at = len(core[: asked.start()]) - len(clauses[-1]) - 1
            return self._attribute(core[:at] + core[at + 1 :], years)
        if not nouns:
            return words[-1] if words else ""
        last = nouns[-1]
        if (
            words[last] in _ANSWER_CLASSES
            and asked.group() in ("哪", "什么", "谁")
            and len(nouns) > 1
            # 「节点的三个地方」: the class noun stands on its own (法律顾问单位 is one name)
            and window[: window.rfind(words[last])].endswith(("的", "个", "家", "处", "些"))
        ):
            last = nouns[-2]  # 「作为节点的三个地方是哪里」: 地方 is the kind of answer, 节点 asked
        if _GENERIC_HEAD.fullmatch(words[last]):
            # 「瞪羚企业数量」「全球科研城市榜单」: the head only says "how many of" or "a list
            # of" the nouns before it, which are asked (the tokenizer also gives their parts)
            before = window[: window.rfind(words[last])]
            head = _longest_ending(words[:last], before)
            if head and _nominal(head):
                modifier = _longest_ending(words[:last], before[: -len(head)])
                words = [modifier, head] if modifier else [head]
                last = len(words) - 1
        head = words[last]
        # jieba tags some roles as person names (法律顾问): before a class noun it is a role;
        # a verb before a measure (补助比例, 加计扣除的比例) says which measure it is.
        modifier = words[last - 1] if last else ""
        measure = bool(_MEASURE_HEAD.fullmatch(head))
        if (
            modifier
            and (
                modifier + head in window
                # 「基地现在的规模」: a time word may stand between a measure and its owner
                or (measure and re.search(rf"{re.escape(modifier)}[^，,]{{0,4}}的{head}", window))
            )
            and (
                _nominal(modifier)
                or _tag(modifier) == "nr"
                or (measure and _tag(modifier) in ("v", "vn"))
            )
        ):
            return f"{modifier} {head}"
        return head

    def _members_counted(self, core: str, years: set[int]) -> str:
        """「…提了五个方面的功能，分别是哪五个」「五大功能分别是哪五项」: the members of a set
        the question has counted are asked; the noun its count is written with names them."""
        asked = _MEMBERS_OF_COUNT.search(core) or _MEMBERS_ASKED.search(core)
        if not asked:
            return ""
        # (「五项功能，分别是啥」: any count written before names the set)
        count = re.escape(asked.group(1)) if asked.re is _MEMBERS_OF_COUNT else _ANY_COUNT
        stated = re.search(
            rf"{count}\s*(?:个|大|项|类|条|种|家)(?:方面|领域)?(?:的)?([\u4e00-\u9fff]{{2,6}})",
            core[: asked.start()],
        )
        if not stated:
            return ""
        nouns = [w for w in self._content_words(stated.group(1), years) if _nominal(w)]
        if nouns and asked.re is _MEMBERS_ASKED and nouns[0] in _ANSWER_CLASSES:
            return ""  # 「作为节点的3个区域分别是哪些」: 区域 is the kind of answer, 节点 asked
        return nouns[0] if nouns else ""

    def _content_words(self, text: str, years: set[int]) -> list[str]:
        words = (self._attested(w) for w in self.tokenizer.tokenize(text))
        return [
            w
            for w in words
            if len(w) >= 2
            and w not in _QUESTION_WORDS
            and w not in _REFERRING
            and w not in _MANNER
            and not _is_year(w, years)
        ]

    def _attested(self, word: str) -> str:
        """A word the corpus never holds, without the localiser, modal or measure characters
        jieba glued to its edges: 「规划中瞪羚企业」 gives 中瞪羚 (-> 瞪羚), 「五年内要实现」 内要
        (-> nothing). Words the corpus holds, and nouns of the dictionary (会员, whose 会 is no
        modal), are kept as they are."""
        if len(word) < 2 or self._df(word) or (_tag(word) or "").startswith("n"):
            return word
        return word.strip(_GLUED_CHARS)

    def _paraphrases(self, name: str) -> bool:
        """A quoted name most of whose character pairs one text holds (“科研和技术服务” for
        科学研究和技术服务业) is the user's wording of a name the corpus has, not another name."""
        grams = bigrams(name)
        least = _PARAPHRASE_SHARE * len(grams)
        return bool(grams) and any(
            sum(g in text for g in grams) >= least for text in self._index.candidates("")
        )

    def _abbreviates(self, name: str) -> bool:
        """A short name whose characters stand in order inside one word group of the corpus
        is its abbreviation (广马 in 广州国际马拉松, 高企 in 高新技术企业), not an unknown
        name; a typo (黄浦区 for 黄埔区) has a character the full name lacks."""
        return bool(self._spellings(name))

    def _firm_class(self, word: str) -> tuple[str, ...]:
        """A class of firms the documents write with the other head noun: people say
        上市公司 where the plan writes 上市企业 (and the other way round)."""
        head = word[-2:]
        if len(word) < 4 or head not in ("公司", "企业"):
            return ()
        other = word[:-2] + ("企业" if head == "公司" else "公司")
        return (other,) if self._df(other) else ()

    def _spelled_out(self, word: str) -> tuple[str, ...]:
        """The corpus's usual full form of a short word it mostly writes in full (高企 ->
        高新技术企), so that the asked attribute is found where a document spells it out, and
        the Latin abbreviation a document glosses it with (地区生产总值(GDP): 生产总值 -> gdp).
        A word the documents use as it is (产业) has no other form."""
        glossed = tuple(
            latin
            for phrase, latin in self._glosses
            if len(word) >= _GLOSSED_CHARS and phrase.endswith(word)
        )
        glossed += self._firm_class(word)
        # a spoken word (第一次, 外国) stands for the written one official texts use (首次, 外籍)
        glossed += tuple(
            word.replace(said, written) for said, written in _SPOKEN_WORDS if said in word
        )
        if self._df(word) > _COMMON_SHARE * len(self._index.texts):
            return glossed  # a common word is written as it is
        spellings = self._spellings(word)
        full, count = max(spellings.items(), key=lambda pair: pair[1], default=("", 0))
        return glossed + ((full,) if len(full) > len(word) and count > spellings[word] else ())

    def _spellings(self, name: str) -> Counter[str]:
        """How often each corpus text span holds `name`'s characters in order, a few apart."""
        if len(name) > _ABBREVIATION_CHARS:
            return Counter()
        gaps = f"[^{_CLAUSE_BREAKS}]{{0,{_ABBREVIATION_GAP}}}"
        pattern = re.compile(gaps.join(map(re.escape, name)))
        texts = self._index.candidates(name)
        return Counter(m.group() for text in texts for m in pattern.finditer(text))


# 「分别是哪五个」「具体是哪五项」: the members of a set counted before.
_MEMBERS_OF_COUNT = re.compile(r"哪([一二两三四五六七八九十]|\d+)\s*[个项类大条种家]")
# 「…五项功能，分别是啥」「三大平台分别有哪些」: the members of a set counted before.
_MEMBERS_ASKED = re.compile(r"分别(?:是|为|有|包括)?(?:啥|什么|哪些)")
_ANY_COUNT = r"(?:[一二三四五六七八九十两]|\d+)"
# Spoken words and the written ones official documents use for them.
_SPOKEN_WORDS = (
    ("第一次", "首次"),
    ("头一次", "首次"),
    ("外国", "外籍"),
    ("沾边", "相关"),
    # a report writes loans banks made as 放款 (「引导银行…放款超1500亿元」)
    ("贷款", "放款"),
    # money 「投在…上」「花在…上」 is what a budget calls …投入
    ("投在", "投入"),
    ("花在", "投入"),
)
_SPOKEN_SAID = frozenset(said for said, _ in _SPOKEN_WORDS)
# Spoken question words (「是啥职务」「咋申请」) ask what the written ones ask.
# (盘子, 体量: a spoken word for a fund's or a sector's size, which texts write 规模)
_SPOKEN_ASKING = (("啥", "什么"), ("咋", "怎么"), ("盘子", "规模"), ("体量", "规模"))
# 几 after a demonstrative (这几年, 那几家) or in a span of recent time (近几年, 过去几个月)
# points at some, as 些 does: it asks nothing.
# A last clause that opens by pointing back (「，这是哪一年的…」「，那是什么时候」): it asks
# about the fact the question has just stated, with no attribute of its own.
_POINTS_BACK = re.compile(r"[，,]\s*(?:这|那)(?:是|就是|些是|个是)[^，,]*$")
_POINTING_FEW = re.compile(r"(?<=[这那])几|(?<=近|去|前|头)几(?=年|天|周|个月)")


# A giver and a verb of giving right before the question word (「财政一共给了多少钱」「市里
# 拨了多少」): what is asked is what was given, written as 经费, 资金 or 支持.
_GIVER_BEFORE = re.compile(
    r"(?:财政|政府|市里|区里|省里|国家|上级)[^，,。？?]{0,4}?(?:给|拨|出|补|奖|投|花|安排)(?:了|过)?$"
)


def _standard_asking(text: str) -> str:
    """The question with spoken question words in their written form, for finding what it
    asks; never shown to the user."""
    for spoken, written in _SPOKEN_ASKING:
        text = text.replace(spoken, written)
    # 「我们公司从海外引进了几名高端人才，…有没有补贴？」: the asker's own situation, told
    # before the question, asks nothing (几 there is "a few")
    clauses = re.split(r"(?<=[，,。])", text)
    while len(clauses) > 1 and _ASKERS_OWN.match(clauses[0]):
        clauses = clauses[1:]
    return _POINTING_FEW.sub("些", "".join(clauses))


_ASKERS_OWN = re.compile(
    r"\s*(?:我们|我司|本公司|咱们|我公司|我单位)(?:公司|企业|单位|团队)?[^，,。？?]*[，,。]$"
)


def _quoted(text: str) -> list[str]:
    """The “quoted” names of a text, each part between dashes or dots on its own."""
    return [
        part
        for q in _QUOTED.findall(text)
        if not years_in(q)
        for part in re.split(r"[^\w+]+", q)
        if len(part) >= 2
    ]


def _names(text: str, flags: dict[str, str]) -> list[str]:
    """Names whose absence from the corpus means it cannot answer: places (南沙区) and
    “quoted” names."""
    # Dashes and dots inside a name vary from writer to writer (自然指数-科研城市 /
    # 自然指数—科研城市); the words between them do not.
    quoted = _quoted(text)
    places = _districts(text)
    proper = [
        word
        for word, flag in flags.items()
        if flag in _PROPER
        and len(word) >= 2
        and word not in _RELATIVE_PLACES
        and not _ASK_AND_COUNTER.fullmatch(word)  # jieba tags 几环 a place
    ]
    return quoted + places + proper


# 「粤港澳大湾区科技成果转化基金」「粤芯二三期项目」: a fund or a project named in full.
_FUND_OR_PROJECT = re.compile(r"[\u4e00-\u9fff“”（）()]{4,24}?(?:基金|项目)")
_NOT_A_NAME = re.compile(r"^(?:的|了|在|和|与|及|对|把|将|有|是|为|投|设|推动|支持)")


# The shortest full name of a fund or project (粤港澳大湾区科技成果转化基金 has 14).
_FUND_NAME_CHARS = 6


def _funds_and_projects(core: str) -> list[str]:
    """Funds and projects the question names in full (six characters or more, after the
    last function word): the answer must be about that one, not another fund."""
    names = []
    for match in _FUND_OR_PROJECT.finditer(core):
        words = [w for w in re.split(r"[的了在和与及对把将是为里]", match.group()) if w]
        name = words[-1] if words else ""
        if len(name) >= _FUND_NAME_CHARS and not _NOT_A_NAME.match(name):
            names.append(name)
    return names


# 「除总文《…》外，…」: what the question sets aside is no name the answer must be about.
_SET_ASIDE = re.compile(r"除了?([^，,？?]{1,80}?)(?:之外|以外|外)")


# An area within a district or city: two characters and 城 or 岛 (知识城, 科学城, 生物岛), not
# 城市 or 城区, and no function word inside.
_AREA = re.compile(r"[^\W\d的在和与及全本该省市县区镇之等各其这那]{2}(?:城|岛)(?![市区乡镇际域])")


def areas_in(text: str) -> list[str]:
    """The areas (知识城, 生物岛) a text names."""
    return _AREA.findall(text)


_ZONE = re.compile(r"开发区|高新区")


# 「广州市2018年工作总结和黄埔区规划分别…」: the city and a district side by side.
_SIDE_BY_SIDE = re.compile(
    rf"(?:{_CITY.pattern})[^，,；;？?]{{0,20}}?(?:和|与|及|跟|、)[^，,；;？?]{{0,12}}?[区县]"
    rf"|[区县][^，,；;？?]{{0,20}}?(?:和|与|及|跟|、)[^，,；;？?]{{0,6}}?(?:{_CITY.pattern})"
)


# How people write the whole city: 全市, 全广州, 整个广州(市), 广州(市)整个城市, 广州全城.
_WHOLE_CITY = re.compile(r"全市|全广州|整个广州|广州市?(?:全市|全城|整个城?市|全域|市域)")


def asks_of_whole_city(core: str) -> bool:
    """The whole city is asked in so many words (「广州全市…的目标」), as the scope of its own,
    not as the whole a district asked about is part of (「黄埔是不是全市第一个…的区」)."""
    whole = _WHOLE_CITY.search(core)
    district = _districts(core) or GUANGZHOU_DISTRICT.search(core)
    return bool(whole) and (not district or _asks_of_city(core))


# Guangzhou's eleven districts and its zones, as people name them without 区 (黄埔).
GUANGZHOU_DISTRICT = re.compile(
    r"黄埔|天河|越秀|海珠|荔湾|白云|番禺|花都|南沙|从化|增城|开发区|高新区"
)


def _asks_of_city(core: str) -> bool:
    """The question asks of the city as well as of a district: the two stand side by side, or
    a clause of its own asks of the city (「黄埔区有几家，广州全市后来有几家」). Named as
    the whole a district is part of (「广州的335家孵化器中黄埔区有多少家」「在全市占多少」),
    the city is no scope of its own: the district is asked."""
    if not _CITY.search(core):
        return False
    clauses = re.split(r"[，,；;？?]", core)
    own_ask = any(_CITY.search(c) and _ASKED_AT.search(c) and not _districts(c) for c in clauses)
    return own_ask or bool(_SIDE_BY_SIDE.search(core))


def periods_asked(core: str) -> list[str]:
    """The five-year plans whose years the question asks about: all it names, but a plan
    named as a title when the question also writes a year out (「“十四五”目标表里…2030年目标
    值」: the table is named, 2030 is asked)."""
    if not written_years(core):
        return PLAN_PERIOD.findall(core)
    return PLAN_PERIOD.findall(_PLAN_AS_TITLE.sub("", core))


def _districts(text: str) -> list[str]:
    """Districts and counties (南沙区, 黄埔区) the text names: jieba tags the name a place
    (「期间黄埔区」: the two characters before 区 are the name, not the three)."""
    found = []
    for end in (m.start() for m in re.finditer("[区县]", text)):
        for size in (2, 3):
            name = text[end - size : end]
            if end >= size and _tag(name) == "ns" and name[-1] not in "区县":
                found.append(name + text[end])
                break
    return found


def _bare_districts(text: str) -> list[str]:
    """Guangzhou's districts named without 区 (「我们企业在黄埔，」), not already named with it."""
    return [
        m.group()
        for m in GUANGZHOU_DISTRICT.finditer(text)
        if m.group() not in ("开发区", "高新区") and text[m.end() : m.end() + 1] != "区"
    ]


def _longest_ending(words: list[str], text: str) -> str:
    """The longest of the words that the text ends with ('' for none)."""
    return max((w for w in words if text.endswith(w)), key=len, default="")


def _stated_figures(text: str, listed: bool = False) -> list[str]:
    """Figures the question itself states, framing included (「91名战略科学家中」「在那18场
    活动中，」「8家合作银行」): they say which whole it means, and a passage that does not
    state them is about another. Only written digits, and none inside a cited title:
    「三大平台」「连续三年」 are names and spans of time, a title is matched as a title.
    In a list question the generic counter (「3个节点分别是哪几个」) says how many items are
    asked, in the asker's words: the plan writes 3大节点."""
    return [
        s.text
        for s in stated_types(_LABEL.sub("", untitled(text)))
        if re.search(r"\d", s.text) and not (listed and s.text.endswith("个"))
    ]


# 「表2.1」「专栏10」「图3」: a number that labels a table or a box, not a figure.
_LABEL = re.compile(r"(?:表|图|专栏|附件|附表)\s*\d+(?:\.\d+)*")


def untitled(text: str) -> str:
    """The text without the titles it cites (《…》): a title names a document, it states
    nothing the question asks or gives."""
    return re.sub(r"《[^》]*》", "", text)


def _tag(word: str) -> str | None:
    """jieba's dictionary part of speech for a word (None for words it does not know).

    A dictionary lookup, not jieba.posseg.cut: tagging runs an HMM over unknown text and took
    seconds for a long pasted question (2 s for 64 random characters); the lookup is linear.
    """
    return jieba.posseg.dt.word_tag_tab.get(word)


def _tags(words: list[str]) -> dict[str, str]:
    return {word: tag for word in words if (tag := _tag(word))}


def _nominal(word: str) -> bool:
    """A common noun, or a word jieba's dictionary lacks (mostly terms: 瞪羚, 创客); not a
    place (the setting, not the attribute) and not a verb (承担, 促成)."""
    flag = _tag(word)
    return flag is None or flag in ("n", "nz", "vn", "j", "b", "l") and flag not in _PROPER


def _pos_factor(term: str, flag: str | None) -> float:
    """Nouns name what is asked about; verbs less so; adverbs, pronouns and measure words barely."""
    if flag is None:
        return 0.3 if _ASKING.search(term) else 1.0
    if flag[0] in "nj" or flag in ("vn", "eng", "b"):
        return 1.0
    return 0.6 if flag[0] == "v" else 0.3


def indicator_wordings(text: str) -> tuple[str, ...]:
    """The wordings (in `indicator_form`) of the indicator named in the text by its longest
    wording in the synonym file (新增高新技术企业, not the 高新技术企业 inside it); none for
    short generic names."""
    matching = indicator_form(text)
    wordings = {w: (w.lower(), key) for w, key in synonym_table().items()}
    named = [
        form
        for form, _ in wordings.values()
        if len(form) >= _INDICATOR_WORDING_CHARS and form in matching
    ]
    if not named:
        return ()
    asked = next(key for form, key in wordings.values() if form == max(named, key=len))
    return tuple(form for form, key in wordings.values() if key == asked)


# What any indicator has (规模, 比重) or undergoes (变化, 增长): an attribute of only these
# is the indicator's own.
_MEASURE_HEAD = re.compile(
    rf"{_GENERIC_HEAD.pattern}|规模|比例|比重|占比|强度|增速|增幅"
    r"|变化|变动|增长|增加|提高|提升|下降|减少|趋势|走势|差距"
)


def _asked_indicator(core: str, attribute: tuple[Term, ...]) -> tuple[str, ...]:
    """The wordings of the indicator the question asks for. An indicator named only as part
    of what the question is about (新型研发机构 in 「新型研发机构协同创新联盟首批成员里，科技
    金融机构有几家」) is not asked: its wordings must hold the attribute's most telling word."""
    wordings = indicator_wordings(core)
    specific = [t for t in attribute if not _MEASURE_HEAD.fullmatch(t.text)]
    if not specific or not wordings:
        return wordings
    telling = max(specific, key=lambda t: t.weight)
    forms = [indicator_form(f) for f in (telling.text, *telling.spellings)]  # 高企: 高新技术企
    return wordings if any(f in w for f in forms for w in wordings) else ()


def indicator_form(text: str) -> str:
    """Text in the synonym file's matching form, lower-cased (gdp = GDP)."""
    return normalize_indicator(text).lower()


def bigrams(text: str) -> set[str]:
    """Its character bigrams: how much of a name a text holds, whatever its word order."""
    return {text[i : i + 2] for i in range(len(text) - 1)}


def bigram_share(name: str, text: str) -> float:
    """Share of the name's character bigrams the text holds (0 for a name of one character):
    how much of a name a text says, whatever its word order or a slipped character."""
    grams = bigrams(name)
    return sum(g in text for g in grams) / len(grams) if grams else 0.0


def compact(text: str) -> str:
    """Normalised for matching: NFKC, lower case, no whitespace (PDF text writes "2018 年")."""
    return "".join(normalize(text).split())


def _after(word: str, flat: str) -> str:
    """The two characters after the word's first place in the (compact) text, past quotes and
    punctuation (「“瞪羚”企业」: 企业)."""
    at = flat.find(compact(word))
    return _PUNCTUATION.sub("", flat[at + len(compact(word)) :])[:2] if at >= 0 else ""


_PUNCTUATION = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z]")
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]{4,}")


def _is_year(token: str, years: set[int]) -> bool:
    return token.isdigit() and int(token) in years
