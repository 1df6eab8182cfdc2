"""What one candidate sentence offers as evidence: typed answer spans, the attribute next to
them, headings, and a table row read out in words.

These are the signals the answerability model weighs (assistant.decision) and the pieces
the direct answer is built from (assistant.answer_form).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import jieba
import jieba.posseg

from assistant.answer_types import (
    AMOUNT,
    ASKING,
    COUNT,
    COUNTERS,
    DATE,
    FIGURE_TYPES,
    LIST,
    MAGNITUDE_ASKED,
    NAME,
    ORGANISATION,
    PERSON,
    PLACE,
    RANK,
    ROLE,
    SHARE,
    SPAN_TYPES,
    TITLE,
    Span,
    brand_subjects,
    ordinals_of,
    spans_of,
    titles_of,
)
from assistant.clauses import CLAUSE_END, clause_around, clause_bounds, own_clause_bounds
from assistant.figure_kinds import (
    another_money_quantity,
    counts_another_after,
    flow_for_stock,
    joint_for_one,
    measured_figures,
    part_unnamed,
    several_years_for_one,
    total_for_each,
)
from assistant.question import Question, Term, bigram_share, compact, indicator_form, untitled
from assistant.rank_groups import ranked_elsewhere, topic_named_before
from ingest.figures import chinese_number

_NUMBERED_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]"
    r"|\d+\s*[.、．](?!\d)|第[一二三四五六七八九十]+[章节条部分])"
)
# Items in a series: 「A、B」, 「一是……二是」, 「“智造计划”“上云计划”」.
ENUMERATION = re.compile(
    r"、|一是|二是|；|第一(?=[，,、：:是])|其一|(?<![\d.])\d[.、)](?!\d)|[”」][“「]"
)
_TABLE_ROW = re.compile(
    r"^(?P<caption>[^|]*)\|(?:[^|]*\|)*\s*(?:\d+\s+)?(?P<name>[^|:]+?):\s*(?P<values>.+)$"
)
# Share of the asked attribute a table row's indicator name must hold to answer for it.
_ROW_NAMES_ATTRIBUTE = 0.5
# Share of a body's name the question already says for the body to be the one asked about.
_NAMED_IN_QUESTION = 0.6
# How much of the text before a span is read as its name.
_NAME_CHARS = 12
_ROW_UNIT = re.compile(r"[（(]([^（()）]{1,6})[)）]\s*$")


@dataclass(frozen=True)
class TypedEvidence:
    """The asked-type spans a sentence holds and whether the asked attribute stands by them."""

    spans: tuple[Span, ...]
    type_share: float
    attribute: float
    # How much of what stands right before a span the question says: 「各类研发机构共1130家」
    # names the asked 各类研发机构 exactly, 「国家级企业研发机构40家」 a narrower kind.
    exactness: float = 0.0


def answer_text(text: str, is_table_row: bool) -> str:
    """The part of a unit that can hold the answer. A table row is read in words, so that
    the unit of its indicator name (家, 亿元, %) stands after each value."""
    if is_table_row:
        return table_row_in_words(text) or text[text.rfind("|") + 1 :]
    return text


def attribute_attested(question: Question, texts: list[str]) -> bool:
    """Some retrieved text (compact) names the asked attribute. Only then can the documents
    tell a figure of it from a neighbouring one: an attribute none of them names is asked in
    words of the asker's own (挣了多少钱 for 技术性收入), or was read wrongly from the question."""
    return any(_attribute_in(question, text) > 0 for text in texts)


def typed_evidence(
    question: Question, text: str, is_table_row: bool, tie: bool = True
) -> TypedEvidence:
    """Spans of the asked types in the answer text, and the attribute in the clause of each.

    With `tie` (see `attribute_attested`), a figure counts only where its clause names the
    asked attribute. Span offsets refer to `answer_text(text, is_table_row)`.
    """
    region = answer_text(text, is_table_row)
    asked = [t for t in question.types if t in SPAN_TYPES]
    if not asked:
        share = 1.0
        if LIST in question.types:
            share = 0.5 + 0.5 * bool(ENUMERATION.search(region))
        return TypedEvidence((), share, _attribute_in(question, compact(region)))
    spans: list[Span] = []
    found = 0
    for answer_type in asked:
        typed = spans_of(region, answer_type, question.counter if answer_type == COUNT else "")
        if answer_type == COUNT and not question.counter:
            typed += [m for m in measured_figures(question, region) if m not in typed]
        ordinal = _ORDINAL_ASKED.search(question.core or question.text)
        if answer_type == RANK and ordinal:
            typed += [o for o in ordinals_of(region, ordinal.group(1)) if o not in typed]
        if answer_type == TITLE:
            typed = _posts_of_people(question, region)
        if answer_type == COUNT and _number_of_things_asked(question):
            typed = [s for s in typed if s.type == COUNT and s.text[-1] not in _TIME_COUNTERS]
        if answer_type == COUNT and MAGNITUDE_ASKED.search(question.core or question.text):
            typed = [s for s in typed if s.text[-1] not in COUNTERS]  # 多高: no 三项
        role = ROLE.search(question.core or question.text)
        if answer_type == PERSON and not role:
            typed += spans_of(region, ORGANISATION)  # 「谁跟谁一起研制的」: an actor
        if answer_type == ORGANISATION and not deeds_asked(question):
            typed = _affiliations(question, region, typed)
        if answer_type == ORGANISATION and _FIRM_ASKED.search(question.core or question.text):
            typed += [b for b in brand_subjects(region) if not any(b.start < t.end for t in typed)]
        elif answer_type == PERSON and role:  # a role is written next to its holder's name
            reach = len(role.group()) + 4
            typed = [
                s for s in typed if role.group() in region[max(0, s.start - reach) : s.end + reach]
            ]
        typed = [s for s in typed if not _given(question, s) and _precise_enough(question, s)]
        if answer_type in (PERSON, ORGANISATION) and _yet_to_choose(question, region):
            typed = []
        if answer_type in (PERSON, ORGANISATION, PLACE) and not _deed_stated(question, region):
            typed = []
        if tie and not is_table_row:  # a row's values are tied by its name (below)
            typed = _tied(question, region, typed)
        elif not is_table_row:
            typed = [s for s in typed if _about_the_focus(question, region, s)]
        typed = [
            s
            for s in typed
            if _fits_change(question, region, s)
            and not _sized_for_another(question, region, s)
            and not _part_of_total_asked(question, region, s)
            and not _part_of_asked_whole(question, region, s)
            and not _target_for_actual(question, region, s)
            and not flow_for_stock(question, region, s)
            and not part_unnamed(question, region, s)
            and not another_money_quantity(question, region, s)
            and not total_for_each(question, region, s)
            and not counts_another_after(question, region, s)
            and not several_years_for_one(question, region, s)
            and not joint_for_one(question, region, s)
            and not _another_level(question, region, s)
            and not _holder_in_another_body(question, region, s)
            and not ranked_elsewhere(question, region, s)
            and not _size_class(region, s)
        ]
        found += bool(typed)
        spans += typed
    if not spans:
        return TypedEvidence((), 0.0, 0.0)
    near = max(
        _attribute_in(question, compact(region))
        if is_table_row
        else _attribute_near(question, region, s)
        for s in spans
    )
    if is_table_row and near < _ROW_NAMES_ATTRIBUTE:
        # A row's values all belong to its one indicator: when its name is not the asked
        # attribute (高新技术企业数量 for 瞪羚企业), none of them is an answer of the asked type.
        return TypedEvidence((), 0.0, near)
    if is_table_row and _narrower_indicator(question, text):
        # nor when it names a narrower one (每万人拥有高价值发明专利数 for 每万人发明专利拥有量)
        return TypedEvidence((), 0.0, 0.0)
    exact = 0.0 if is_table_row else max(_exactness(question, region, s) for s in spans)
    return TypedEvidence(tuple(spans), found / len(asked), near, exact)


# 「5 亿元以上工业企业」: an amount, with its bound, right before a kind of body or item.
_SIZE_CLASS_AFTER = re.compile(
    r"\s*(?:以上|以下|以内)?\s*(?:的)?\s*[\u4e00-\u9fff]{0,4}?(?:企业|公司|项目|单位|机构)"
)


def _size_class(region: str, span: Span) -> bool:
    """An amount bounding a class of bodies (「5 亿元以上工业企业实现研发机构全覆盖」) says
    which bodies, not an amount any of them has or gets."""
    if span.type != AMOUNT:
        return False
    bound = re.search(r"(?:以上|以下|以内)\s*$", span.text)
    after = region[span.end : span.end + 12]
    return bool(
        (bound or re.match(r"\s*(?:以上|以下|以内)", after)) and _SIZE_CLASS_AFTER.match(after)
    )


def _holder_in_another_body(question: Question, region: str, span: Span) -> bool:
    """A person written in a clause after one naming another body than the one asked
    (「南方海洋…实验室加紧筹建，…创新研究院启动建设，邬江兴院士获聘首席科学家」): the post
    is that body's. The body is read from the person's own clause, else the one before."""
    if span.type != PERSON:
        return False
    asked = [  # (a body named, not pointed at: 「分享…技术的那位研究院院长」)
        compact(b.text)
        for b in spans_of(question.core or question.text, ORGANISATION)
        if not b.text.startswith(("那", "这", "该", "哪", "此", "某"))
    ]
    if not asked:
        return False
    ends = [m.end() for m in CLAUSE_END.finditer(region, 0, span.start)]
    own = region[ends[-1] if ends else 0 : span.start]
    before = region[ends[-2] if len(ends) >= 2 else 0 : ends[-1]] if ends else ""
    bodies = spans_of(own, ORGANISATION) or spans_of(before, ORGANISATION)
    if not bodies:
        return False
    return not any(_same_body(compact(b.text), a) for b in bodies for a in asked)


def _same_body(text: str, asked: str) -> bool:
    """Most of the asked body's character pairs stand in the text's body name: the question
    may shorten or slip a character (工程广东省实验室 for 南方海洋科学与工程广东省实验室)."""
    return bigram_share(asked, text) >= _SAME_BODY_SHARE


# Share of the asked body's character pairs a body name must hold to be the same body.
_SAME_BODY_SHARE = 0.6


_LEVEL = re.compile(r"(?:国家|省部|省|市|区|县)级")
# 「各类研发机构」: all kinds (and so all levels) of a thing together.
_ALL_KINDS = re.compile(r"各类|各种|各级|所有|全部")


def _another_level(question: Question, region: str, span: Span) -> bool:
    """A level asked (市级纵向项目) of a figure whose sentence breaks the whole down by other
    levels (「纵向项目592项，其中国家级147项，省部级218项」): none of them is the asked one."""
    if span.type not in FIGURE_TYPES or question.part_attributes:
        return False  # (each part of a multi-part question asks its own figure)
    # a part of a multi-part question asks its own level (「国家级的有多少项？市级的呢？」)
    named = "".join(t.text for t in question.attribute_terms)
    asked = set(_LEVEL.findall(named)) or set(_LEVEL.findall(question.core or question.text))
    if not asked and _ALL_KINDS.search(question.core or question.text):
        # 「各类研发机构总数」 asks every level together: 「国家级企业研发机构40家」 is one
        return bool(_LEVEL.search(region[own_clause_bounds(region, span)[0] : span.start]))
    stated = set(_LEVEL.findall(region))
    return bool(asked and stated) and not asked & stated


# 「实际达到了多少」「目前已经建成了多少」: a value reached is asked, not one aimed at ...
_ACTUAL_ASKED = re.compile(r"实际|已经|目前|现在|现有|至今|迄今|已(?:有|建|达|完成|实现|获)")
_TARGET_ASKED = re.compile(r"目标|计划|规划|力争|争取|预计|预期|打算|要(?:达到|实现|突破)")
# ... which a plan writes after these (「力争到2020年，…突破25万家」「目标是…」).
# (计划 as a verb: 「行动计划」「研发计划立项」 name programmes)
_TARGET_SET = re.compile(
    r"力争|争取|目标|计划(?:到|在|于|将|实现|达到)|预计|预期|将(?:达|实现|突破|超过|建成)"
    r"|要(?:达到|实现|突破)"
    # a plan's aim: 「推动国家新型工业化产业示范基地达到五星级水平」
    r"|(?:推动|推进|促进|支持|加快)[^，,。；;]{0,24}(?:达到|实现|突破|提升至|提高到)"
)


def _target_for_actual(question: Question, region: str, span: Span) -> bool:
    """A value reached asked (「截至2020年底实际达到了多少」) is not answered by the target a
    plan set for then (「力争到 2020 年…突破 25 万家」)."""
    if span.type not in FIGURE_TYPES:
        return False
    asked = question.core or question.text
    if not _ACTUAL_ASKED.search(asked) or _TARGET_ASKED.search(asked):
        return False
    return bool(_TARGET_SET.search(untitled(region[: span.start])))  # (not 《…行动计划》)


# 「第几极核心区」: the noun the ordinal asked is of.
_ORDINAL_ASKED = re.compile(r"第几\s*([^\s位名届个，,。？?的])")
# 「哪家公司做出来的」「是哪家企业」: a firm, which a brand may name.
_FIRM_ASKED = re.compile(
    r"哪一?家(?:[^，,。？?]{0,4})?(?:公司|企业|厂商|厂家)|(?:公司|企业)[^？?。]{0,10}?是哪|谁家"
)


def _affiliations(question: Question, region: str, spans: list[Span]) -> list[Span]:
    """「高国辉来自哪家企业」「秦海鸥是哪家单位的」: a named person's body is the one in the
    posts written right before the name; the other bodies of the sentence are other people's."""
    posts = _posts_of_people(question, region)
    if not posts:
        return spans  # no post before a named person here (太赫兹: jieba's 赫兹 is a name)
    return [s for s in spans if any(s.start < t.end and t.start < s.end for t in posts)]


def _posts_of_people(question: Question, region: str) -> list[Span]:
    """The posts written right before each person the question names."""
    return [
        t
        for person in _people_named(question.core or question.text)
        for t in titles_of(region, person)
    ]


@functools.lru_cache(maxsize=512)
def _people_named(asked: str) -> tuple[str, ...]:
    """The people a question names (王桂林): jieba tags a person's name nr, at times in two
    pieces (王 + 桂林), or only the surname (秦 + 海鸥, a bird) where the given name is a word
    of its own; such a pair is a name where a clause or a verb of being follows it. A name
    it does not know at all is the question's subject when the question asks its posts
    (「秦海鸥在…担任什么职务」). Read once per question, not once per sentence weighed."""
    people, run = [], ""
    pairs = list(jieba.posseg.cut(asked))
    for n, pair in enumerate(pairs):
        if pair.flag == "nr" or (run and len(run) == 1 and _given_name(pairs, n)):
            run += pair.word
            continue
        people.append(run)
        run = ""
    named = tuple(p for p in (*people, run) if len(p) >= 2)
    subject = _POSTS_ASKED_OF.match(asked)
    return named or ((subject.group(1),) if subject else ())


# What follows a person's name where the question asks about the person.
_AFTER_NAME = re.compile(r"[，,？?。]|是|在|担任|现任|来自|的")


def _given_name(pairs: list[jieba.posseg.pair], n: int) -> bool:
    """The word after a lone surname is its given name: one or two characters, with a clause
    end or a verb of being after it."""
    following = pairs[n + 1].word if n + 1 < len(pairs) else "？"
    word, flag = pairs[n].word, pairs[n].flag
    return (
        bool(re.fullmatch(r"[\u4e00-\u9fff]{1,2}", word))
        and not flag.startswith(_NOT_NAME_TAGS)
        and bool(_AFTER_NAME.match(following))
    )


# Verbs, particles, prepositions, conjunctions, pronouns, adverbs: no given name.
_NOT_NAME_TAGS = ("v", "u", "p", "c", "r", "d", "x")


# 「秦海鸥在大湾区科技创新服务中心担任什么职务」: the person whose posts are asked stands first.
_POSTS_ASKED_OF = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:在|担任|现任|任|是|的)")


# Words of an indicator's name that narrow nothing: its scope, its measure.
_ROW_GENERIC = frozenset(
    [
        "全社会",
        "全区",
        "全市",
        "数量",
        "总数",
        "总量",
        "拥有",
        "比重",
        "占比",
        "比例",
        "累计",
        "年度",
        "投入",  # 研发经费投入: spending is what the indicator measures
        "支出",
    ]
)


def _narrower_indicator(question: Question, row: str) -> bool:
    """The row's indicator name holds a word the question says nothing of (高价值 in
    每万人拥有高价值发明专利数, 规模以上 in 规模以上国家高新技术企业数量): it measures a narrower
    indicator than the one asked, unless it is a wording of the asked one."""
    name = re.sub(r"^\s*\d+\s*|[（(][^）)]*[）)]", "", row.rpartition("|")[2].split(":", 1)[0])
    if _indicator_named(question, indicator_form(name)):
        return False
    terms = (*question.terms, *question.attribute_terms)
    spelled = (f for t in terms for f in (t.text, *t.spellings))
    asked = compact(question.core or question.text) + "".join(spelled)
    # (generic words go before cutting: jieba cuts 全社会 into 全 + 社会)
    bare = re.sub("|".join(sorted(_ROW_GENERIC, key=len, reverse=True)), " ", compact(name))
    words = [w for w in jieba.lcut(bare) if len(w.strip()) >= 2]
    # (a character in common is enough: 企业 is said by 高企's 高新技术企)
    return any(not set(w) & set(asked) for w in words)


# 数量/总数/个数 ask how many things: 260亿元 or 百年 are no number of 子基金 or 会员.
_NUMBER_OF_THINGS = re.compile(
    r"(?:数量|总数|个数|数目|人数|家数)(?:是|有|为|达到|达|一共|总共|共)*(?:多少|几)"
)
_TIME_COUNTERS = "年月天日周"


def _number_of_things_asked(question: Question) -> bool:
    """A bare 多少 asked of a number of things (子基金数量是多少)."""
    return not question.counter and bool(_NUMBER_OF_THINGS.search(question.core or question.text))


def _exactness(question: Question, region: str, span: Span) -> float:
    """Share of the name before a span (within its clause, up to `_NAME_CHARS`) the question
    says, by character bigrams."""
    clause_start = own_clause_bounds(region, span)[0]
    name = compact(region[max(clause_start, span.start - _NAME_CHARS) : span.start])
    return bigram_share(name, compact(question.core or question.text))


# 「8家合作银行是哪几家」「7家上市公司分别是哪些」「两大基础科学中心项目分别叫什么」: a
# stated count of what is then asked for by name.
_MEMBERS_ASKED = re.compile(
    r"(?:\d+|[两二三四五六七八九十]+)\s*[家个项所名位只大][^，,。？?]{1,20}?"
    r"(?:[，,]\s*(?:它们|这些|其中|都|具体|究竟|到底)*)?(?:是|有|为)?"  # (「…企业，它们分别是」)
    r"(?:哪几|哪些|分别|哪[两二三四五六七八九十]+[家个项所名位只])"  # (「…，具体是哪两家」)
)
# 「除了文远知行和小马智行，另外那几家是哪几家」: the members a text has not named are asked.
_OTHERS_ASKED = re.compile(r"除了?|另外|其余|其他|其它|剩下|剩余")
# 「文远知行、小马智行等6家」「…等科技企业」: a series that names some members, then
# stands for them all (not 等级, 等同, 等待).
_NAMED_THEN_COUNTED = re.compile(r"([^，,。；;：:]{2,60}?)等(?![级同待于])")


# Names in a series: 「广汽集团、唯品会」, 「“智造计划”“上云计划”」, 「一是……」.
_NAMES_LISTED = re.compile(r"、|[”」][“「]|一是")


# 「小程序叫什么名字」「产品名称是什么」 ask for a name, which a text writes in quotation marks
# or as a code (TH-F120, EH216-S).
_NAMING = re.compile(r"叫什么|名称|名字|叫啥|称为什么")
_NAME_WRITTEN = re.compile(r"[“「《]([^”」》]{2,30})[”」》]|[A-Za-z][A-Za-z0-9-]*\d[A-Za-z0-9-]*")


# What a title in 《》 names: 「…的总文件叫什么」「那份政策文件叫什么」.
_DOCUMENT_ASKED = re.compile(r"(?:文件|政策|办法|方案|措施|规划|通知|意见|文)$")


def _names_something(question: Question, text: str) -> bool:
    """The text writes a name the question does not already say."""
    asked = compact(question.text)
    return any(compact(m.group(1) or m.group()) not in asked for m in _NAME_WRITTEN.finditer(text))


def _members_asked(question: Question) -> int:
    """How many members the question says there are (6 in 「那6家…是哪几家」)."""
    found = _MEMBERS_ASKED.search(question.core or question.text)
    number = re.match(r"\d+|[两二三四五六七八九十]+", found.group()) if found else None
    if number is None:
        return 0
    text = number.group()
    return int(text) if text.isdigit() else chinese_number(text)


def _members_in_series(text: str) -> int:
    """The most names one clause lists in a series (「A、B和C」: 3)."""
    clauses = [c for c in CLAUSE_END.split(text) if _NAMES_LISTED.search(c)]
    return max((len(re.split(r"、|[”」](?=[“「])|和|及|与", c)) for c in clauses), default=0)


def _counted_members_asked(question: Question) -> bool:
    """The question gives how many members there are and asks which they are."""
    return bool(_MEMBERS_ASKED.search(question.core or question.text))


def could_name_what_is_asked(question: Question, text: str) -> bool:
    """False for a sentence that cannot answer 「那8家合作银行是哪几家」: the question already
    has the count, and the sentence names no members in a series, or none of the asked kind
    (a series of shares of 获贷企业 names no 银行); or 「…叫什么名字」, and it writes no name."""
    named = _attribute_in(question, compact(text)) > 0
    if _counted_members_asked(question) and not (_NAMES_LISTED.search(text) and named):
        return False
    if _counted_members_asked(question) and _members_in_series(text) < _members_asked(question):
        return False  # 「文远知行、小马智行等6家」 names two of the six asked
    asking = question.core or question.text
    listed = _BODIES_ASKED.search(asking) or _BODIES_ASKED_AFTER.search(asking)
    if listed and not _names_a_body_of(listed.group(1), question, text):
        return False  # 「可以去哪几家合作银行办理」: 「推动8家合作银行…」 names no bank
    others = _OTHERS_ASKED.search(compact(question.core or question.text))
    if LIST in question.types and others and _only_named_ones_listed(question, text):
        return False  # the others asked: a series of only those said names none of them
    if NAME in question.types and _NAMING.search(question.core or question.text):
        # 「…药物叫什么名字」: a name must be written, by what it names; a title in 《》 is
        # a document's name (「总文《…若干措施》」 for 「总文件叫什么」)
        return _names_something(question, text) and named
    return True


# 「哪几家合作银行」「哪些高校」: bodies of a class whose names end in the class noun (a
# firm's brand, 亿航智能, does not: 企业 and 公司 are not among them).
_BODY_CLASSES = r"(银行|高校|大学|医院|学校|协会|学会|研究院|研究所|实验室)"
_BODIES_ASKED = re.compile(rf"哪(?:几|些)[家个所]?[^，,。？?的]{{0,6}}?{_BODY_CLASSES}")
# The class may come first as the topic: 「参与合作的银行具体是哪几家」.
_BODIES_ASKED_AFTER = re.compile(
    rf"{_BODY_CLASSES}(?:具体|分别|都|到底|究竟)*(?:是|有|为)?哪(?:几|些)[家个所]?(?=[？?。，,]|$)"
)


def _names_a_body_of(kind: str, question: Question, text: str) -> bool:
    """The text names a body of the kind (…银行) other than the question's own words for it."""
    asked = compact(question.text)
    endings = _KIND_ENDINGS.get(kind, (kind,))
    return any(
        span.text.endswith(endings) and compact(span.text) not in asked and not _acted_on(span.text)
        for span in spans_of(text, ORGANISATION)
    )


def _acted_on(span: str) -> bool:
    """The span ends in a verb and a bare class noun (「资金池撬动银行」「引导银行」): the class
    is what a verb acts on, not the end of a name (中国建设银行, 广州医科大学)."""
    words = [(w.word, w.flag) for w in jieba.posseg.cut(span)]
    return len(words) >= 2 and words[-2][1] == "v"


# A class noun whose members' names end otherwise (高校: 中山大学, 广州医科大学, …学院).
_KIND_ENDINGS = {"高校": ("大学", "学院", "高校"), "学校": ("学校", "大学", "学院")}


def _only_named_ones_listed(question: Question, text: str) -> bool:
    """The text's series names no more members than the question already does (「文远知行、小马智行等6家」 for 「除了文远知行和小马智行…」)."""
    asked = compact(question.core or question.text)
    series = _NAMED_THEN_COUNTED.search(text)
    if not series:
        return False
    members = [compact(m) for m in re.split(r"[、和及与]", series.group(1)) if m.strip()]
    return all(m in asked for m in members)


def _tied(question: Question, region: str, spans: list[Span]) -> list[Span]:
    """The spans that answer for the asked attribute. A figure is written right after what it
    measures (技术合同成交额达到800亿元): one whose clause names nothing of the asked attribute
    is a neighbouring figure. (Names are not tied: a body and the deed asked of it often stand
    sentences apart, and tying them, even to the whole sentence, refused answerable questions
    of the frozen test split.)"""
    tied: list[Span] = []
    measured = measured_figures(question, region)
    for s in spans:
        if (
            s.type not in FIGURE_TYPES
            or (
                _attribute_near(question, region, s) > 0
                and not _claimed_before(question, region, s)
            )
            or _share_of_asked_whole(question, region, s)
            or _members_composing(question, region, s)
            or any(_continues(region, t, s) for t in tied)
            or s in measured
            or (s.type == SHARE and _share_is_all_asked(question))
            or topic_named_before(question, region, s)
        ):
            tied.append(s)
    return tied


_PART_OPENS = re.compile(r"其中|内含|含|包括|占")


def _claimed_before(question: Question, region: str, span: Span) -> bool:
    """「“两院”院士 97 人，490 人入选国家重大人才工程」: the attribute named in the clause
    before already has its figure there, and the span's own clause, which names none of it,
    counts something else (「，累计 166 家」 goes on about the same subject: `_continues`)."""
    start, end = own_clause_bounds(region, span)
    own = compact(region[start:end])
    named = any(t.match(own) > 0 for terms in question.part_attributes for t in terms)
    if named or _attribute_in(question, own) > 0 or _PART_OPENS.match(own):
        return False  # (「，其中国家级147项」 tells a part of the figure before)
    before = max((m.end() for m in CLAUSE_END.finditer(region, 0, max(0, start - 1))), default=0)
    if _attribute_in(question, compact(region[before:start])) <= 0:
        return False
    owners = spans_of(region[before:start], span.type, question.counter)
    return bool(owners) and not any(
        _continues(region, Span(before + t.start, before + t.end, t.type, t.text), span)
        for t in owners
    )


def _share_is_all_asked(question: Question) -> bool:
    """The attribute asked is only the word for a share (「首次获贷的企业占多大比例」, see
    _SHARE_WORDS): a percentage (「首次获贷企业占 36%」) states it without writing 比例."""
    words = [t.text for t in question.attribute_terms]
    return bool(words) and all(w in _SHARE_WORDS for w in words)


def _about_the_focus(question: Question, region: str, span: Span) -> bool:
    """With the asked attribute in the asker's own words (named by no retrieved text), a
    figure still measures something the question names: one whose clause names none of its
    key terms (「…举办…活动18场，…涉及金额35.71亿元」 for 运营公司的注册资本) measures
    something else, unless its counter says what it counts."""
    if span.type not in FIGURE_TYPES:
        return True
    if span.type == COUNT and span.text[-1] in _OWN_COUNTERS and span.text[-1] in question.counter:
        return True  # 「办过几届」: 届 counts only sessions, 「已举办6届」 counts what is asked
    clause = compact(clause_around(region, span))
    # (a common word, 广州 or 企业, names no topic: a term at least as rare as the question's
    # words on average must be named)
    mean = sum(t.weight for t in question.terms) / max(1, len(question.terms))
    return any(t.weight >= mean and t.match(clause) == 1.0 for t in question.terms)


# Counters of one kind of thing only (届 of sessions, 颗 of satellites), unlike 个, 家 or 项.
_OWN_COUNTERS = "届次场轮颗枚架台篇款套支户例座"


# 「全年新增 26 家，累计 166 家」「新增…5家，总数达到50家」: a clause of only a qualifier and
# a figure goes on about the subject of the figure before it.
_CONTINUING = re.compile(
    r"\s*[，,、；;]\s*(?:其中|全年|当年)?\s*(?:总数|总量|数量|总规模)?\s*"
    r"(?:累计|共计|合计|总计|共|新增|增至|增加到|达到|达|超过|超|约|近)?\s*"
)


def _continues(region: str, tied: Span, span: Span) -> bool:
    """`span` stands in such a clause right after the tied figure `tied`, and ends it (「，8家
    单位建有…」 names its own subject after the figure)."""
    return (
        tied.end <= span.start
        and bool(_CONTINUING.fullmatch(region[tied.end : span.start]))
        and bool(re.match(r"\s*(?:[，,；;。]|$)", region[span.end :]))
    )


# 「由19位战略科技人才组成的…委员会」: what a body is made of counts its members.
_COMPOSED = re.compile(r"^[^，,。；;]{0,16}?(?:组成|构成)")
_MEMBERS = re.compile(r"成员|委员|人员|人数")


def _members_composing(question: Question, region: str, span: Span) -> bool:
    """A count of the members asked (「委员会有多少位成员」) is the count a body is said to be
    composed of (「以钟南山等19位战略科技人才组成的…委员会」), which names no 成员."""
    members = [t for t in question.attribute_terms if _MEMBERS.search(t.text)]
    kinds = [t for t in question.attribute_terms if t not in members]  # 外籍 成员: a kind
    clause = compact(clause_around(region, span))
    return (
        span.type == COUNT
        and bool(members)
        and all(t.match(clause) == 1.0 for t in kinds)
        and bool(_COMPOSED.match(region[span.end :]))
    )


# 「占全省 66%」: a share written after the whole it is of.
_SHARE_FRAME = re.compile(r"占\s*([^\d\s，,。；;]{1,6}?)\s*(?:的)?\s*$")


def _share_of_asked_whole(question: Question, region: str, span: Span) -> bool:
    """A share asked of a whole (「在全省占多大比例」) is tied by that whole: 「…96 人，占全省
    66%」 writes the share right after 占 and the whole, naming no 比例. What the question
    is most about must be the subject in the clause before (「其中14家纳入…序列，占全省的
    70%」 is not the share of 新型研发机构)."""
    frame = _SHARE_FRAME.search(region[: span.start])
    asked = question.core or question.text
    if span.type != SHARE or frame is None or "占" not in asked:
        return False
    if not _names_whole(frame.group(1), asked):
        return False
    # (of the terms the sentence names: 「在全省同类中」's 同类 is the asker's word)
    sentence = compact(region)
    named = [t for t in question.terms if t.match(sentence) == 1.0]
    heaviest = max(named, key=lambda t: t.weight, default=None)
    return heaviest is not None and heaviest.match(compact(clause_around(region, span))) == 1.0


# 「一共建了多少个」「总共有几家」「总数是多少」: the whole is asked.
_TOTAL_ASKED = re.compile(
    r"(?:一共|总共|共有|共计|合计|总计)[^，,。？?；;]{0,10}(?:多少|几)"
    r"|(?:总数|总量)(?:是|有|为|达到|达)?(?:多少|几)"
)
# A count right after these counts a part: 「首批成员单位包含38家新型研发机构」.
_PART_BEFORE = re.compile(r"(?:包含|包括|其中|含有|内含)\s*$")
# Verbs that only state a count (8家合作银行累计为…): no deed that picks a subset.
_STATING_VERBS = frozenset(
    [
        "是",
        "有",
        "为",
        "达",
        "达到",
        "超过",
        "超",
        "共",
        "共有",
        "累计",
        "实现",
        "成为",
        "包括",
        "包含",
        "占",
        "居",
        "位居",
        "位列",
        "新增",
        "增至",
    ]
)
_NOUN_TAGS = ("n", "j", "b", "l")  # nouns (nz, nt, ns, nr…), abbreviations, 国家级, set phrases
# Words bounding a count that stand between it and its noun (专利数百项, 企业超过2000家).
_NUMBER_QUALIFIER = re.compile(r"(?:数|近|约|超过|超|逾|达到|达|共|累计|合计)\s*$")
_DEED_CHARS = 16


def _part_of_total_asked(question: Question, region: str, span: Span) -> bool:
    """A total asked (「一共建了多少个」) is not answered by a count of a part: one a text
    introduces as contained (包含38家…), or the subject of a deed the question does not ask
    about (「10家院士专家工作站主持和参与了…标准制定」 counts those that did it)."""
    if span.type != COUNT or not _TOTAL_ASKED.search(question.core or question.text):
        return False
    before = region[max(0, span.start - _DEED_CHARS) : span.start]
    counted_before = _noun_before(before)
    if _counts_another(question, counted_before) or _counts_a_kind_of(question, counted_before):
        return True
    after = region[span.end : span.end + 2 * _DEED_CHARS]
    after = after[: m.start()] if (m := CLAUSE_END.search(after)) else after  # whole words
    words = [(p.word, p.flag) for p in jieba.posseg.cut(after)]
    n = 0
    while n < len(words) and words[n][1].startswith(_NOUN_TAGS):
        n += 1
    counted = compact("".join(word for word, _ in words[:n]))
    head = question.attribute_terms[-1:] if question.attribute_terms else ()
    if _PART_BEFORE.search(before[-4:]) and not any(t.match(counted) == 1.0 for t in head):
        return True  # 「成员单位包含38家新型研发机构」 counts one kind of the members
    if n < len(words) and words[n][1] == "p":  # 「24名两院院士在广州市创建…」: where, then the deed
        n = next((i for i in range(n, len(words)) if words[i][1] == "v"), len(words))
    if n == 0 or n == len(words) or words[n][1] != "v" or words[n][0] in _STATING_VERBS:
        return False
    # the deed runs to the clause's end: 「促成600多个项目转化落地」 is asked by 落地 as well
    deed = list(itertools.takewhile(lambda w: w[0] not in "，,。；;、", words[n:]))
    asked = compact(question.core or question.text)
    # (the counted noun named again in the deed, 「院士专家工作站」, says nothing of it)
    if any(len(word) >= 2 and _said_in(word, asked) and word not in counted for word, _ in deed):
        return False
    # a verb compound of the question's verb morpheme (送入 for 送上天) is the deed asked
    return not _verb_heads(deed) & _asked_verb_heads(asked)


def _said_in(word: str, asked: str) -> bool:
    """The question writes the word, a two-character verb perhaps split by 了 or 过 as
    spoken Chinese splits 落地, 签约, 挂牌 (「项目真正落了地」)."""
    if word in asked:
        return True
    return len(word) == 2 and re.search(f"{word[0]}[了过]{word[1]}", asked) is not None


@functools.lru_cache(maxsize=256)
def _asked_verb_heads(asked: str) -> frozenset[str]:
    """The question's verb morphemes (tagged once per question, not once per figure)."""
    return _verb_heads((p.word, p.flag) for p in jieba.posseg.cut(asked))


def _verb_heads(words: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The first characters (the head morphemes) of the verbs among the words that do more
    than state (送 in 送上天 and in 送入)."""
    return frozenset(word[0] for word, flag in words if flag == "v" and word not in _STATING_VERBS)


# 「立项资金达5.78亿元,占全市一半以上」: the figure is a share of the whole named after it.
_SHARE_OF = re.compile(r"\s*[，,]?\s*(?:约|仅|已)?占(全[市省国]|[\u4e00-\u9fff]{2,3}[市省])")
_WHOLES = {"全市": r"全市|全广州|广州全市|广州市", "全省": r"全省|全广东|广东全省|广东省"}


def _part_of_asked_whole(question: Question, region: str, span: Span) -> bool:
    """A figure the text gives as a share of a whole (「…5.78亿元,占全市一半以上」) is a part
    of it: no answer when the whole is what the question asks about (「全广州市…总共多少」)."""
    whole = _SHARE_OF.match(region, span.end)
    if span.type not in (COUNT, AMOUNT) or whole is None:
        return False
    # (「占全市多大份额」 names the whole as the base of a share asked, not as the scope)
    asked = re.sub(r"占[^，,。？?]{0,8}", "", question.core or question.text)
    return _names_whole(whole.group(1), asked)


def _names_whole(name: str, text: str) -> bool:
    """The text names the whole (全市), in any of its names (广州市, 广州全市)."""
    pattern = next((p for p in _WHOLES.values() if re.fullmatch(p, name)), re.escape(name))
    return bool(re.search(pattern, text))


def _noun_before(before: str) -> str:
    """The nouns a count is written right after (「累计获得专利数百项」 -> 专利), without the
    words bounding the count."""
    words = [(p.word, p.flag) for p in jieba.posseg.cut(_NUMBER_QUALIFIER.sub("", before))]
    return compact(_trailing_run(words, _NOUN_TAGS))


def _counts_another(question: Question, counted: str) -> bool:
    """A count written right after a noun (`counted`: 专利 in 「累计获得专利数百项」) counts
    that noun: one the asked attribute does not name (专利 for 工作站) is another total. 总数,
    数量 only say "the number of" what the clause before names (「…5家，总数达到50家」)."""
    if not counted or counted in compact(question.text) or _SIZE_OF.fullmatch(counted):
        return False
    return not any(t.match(counted) == 1.0 for t in question.attribute_terms)


# A whole or a place before the counted noun says where, not which kind (全区高新技术企业).
_SCOPE_WORD = re.compile(r"(?:全|本|我)[市区省国]|[\u4e00-\u9fff]{1,3}[市区县省]")


def _counts_a_kind_of(question: Question, counted: str) -> bool:
    """A count written after the asked noun with a modifier the question does not say
    (`counted` 科创板上市企业 for 上市企业总数) counts one kind of it, not the total."""
    attribute = compact("".join(t.text for t in question.attribute_terms))
    if len(attribute) < 2 or not counted.endswith(attribute) or counted == attribute:
        return False
    kind = counted[: -len(attribute)]
    asked = compact(question.core or question.text)
    # (the question may say the kind in other words: 立了多少个项目 for 立项项目)
    said = sum(char in asked for char in kind) / len(kind)
    return said < 0.5 and not _is_scope(kind)


def _is_scope(words: str) -> bool:
    """A whole (全区) or a place (黄埔区, 广州: jieba tags a bare place name ns)."""
    if _SCOPE_WORD.fullmatch(words):
        return True
    return all(p.flag == "ns" for p in jieba.posseg.cut(words))


def _fits_change(question: Question, region: str, span: Span) -> bool:
    """A change asked (增长了百分之多少, 比上一年增加了多少) is answered only by a figure in a
    clause (or table row) stating a change; a level (占GDP比重3.12%) is not one. Between two
    times the question names (从2017年到2018年, 2020年和2025年相比) the two levels answer."""
    if span.type not in FIGURE_TYPES or not _asks_change(question):
        return True
    return bool(_CHANGE_WORD.search(clause_around(region, span)))


# 「比上一年增长了百分之多少」「提高了几个百分点」「增加了多少」 ask for a change.
_CHANGE_ASKED = re.compile(
    r"(?:增长|增加|提高|提升|上升|下降|减少|降低|涨|跌)了?\s*"
    r"(?:百分之(?:多少|几)|多少[%％]|几个?百分点|多少个?百分点|几成|多少|几)"
    # 「比上一年多了多少」「跟去年比少了几家」: more or fewer than an earlier year
    r"|(?:比|较)(?:上一?年|去年|前一年|上年|上届|同期)[^，,？?]{0,6}?(?:多|少)了?\s*(?:多少|几)"
    r"|(?:上一?年|去年|前一年|上年|上届|同期)(?:相)?比[^，,？?]{0,4}?(?:多|少)了?\s*(?:多少|几)"
)
_CHANGE_WORD = re.compile(
    r"增长|增加|提高|提升|上升|下降|减少|降低|增幅|降幅|同比|环比|翻番|翻一番|涨|跌"
)
# Two times to compare: the levels at each answer the change.
_TWO_TIMES = re.compile(r"从.{1,12}(?:到|至)|(?:和|与|跟|同).{0,8}相比|前后|这些年|这几年|历年")


def change_unanswered(question: Question, texts: list[str]) -> str:
    """The part asking the change, when one part asks a level and another the change (「在校
    大学生有多少人？比上一年增长了百分之几？」) and none of the texts writes a figure in a
    clause stating a change: the level alone is half an answer. Else ''."""
    parts = _asked_parts(question)
    changes = [c for c in parts if _CHANGE_ASKED.search(c)]
    if not changes or len(changes) == len(parts) or _compares_two_times(question):
        return ""
    # (spans of a count with no counter are every figure: counts, amounts and shares)
    figures = [(text, span) for text in texts for span in spans_of(text, COUNT)]
    stated = any(_CHANGE_WORD.search(clause_around(t, s)) for t, s in figures)
    return "" if stated else changes[0].strip()


def _asks_change(question: Question) -> bool:
    """Every part asks a change: 「用户有多少家？比上年涨了多少？」 asks a level too."""
    parts = _asked_parts(question)
    return (
        bool(parts)
        and all(_CHANGE_ASKED.search(c) for c in parts)
        and not (_compares_two_times(question))
    )


def _asked_parts(question: Question) -> list[str]:
    """The clauses of the focus that ask something."""
    return [c for c in re.split(r"[，,；;？?]", question.core or question.text) if ASKING.search(c)]


def _compares_two_times(question: Question) -> bool:
    """The question names two times (从2017年到2018年, 和2020年相比): their levels answer a
    change."""
    return len(question.years) >= 2 or bool(_TWO_TIMES.search(question.core or question.text))


def _attribute_near(question: Question, region: str, span: Span) -> float:
    """How much of the asked attribute the clause of a span (and the one before it) names;
    in a multi-part question, of the attribute of any part."""
    clause = compact(clause_around(region, span))
    parts = (
        _share_named(terms, clause) if _kind_named(terms, clause) else 0.0
        for terms in question.part_attributes
    )
    own = _attribute_in(question, clause)
    if not _indicator_named(question, clause) and not _kind_named(question.attribute_terms, clause):
        own = 0.0
    return max(own, *parts, 0.0)


# Words that only say "the size of" what they follow or precede: 子基金实缴规模 is the sub-funds'.
_SIZE_OF = re.compile(r"规模|数量|总量|总数|总额|金额|人数|数额|数目")
_OWNER_TAGS = ("n", "j", "l")  # nouns (n, ng, nz, nr…), abbreviations, set phrases
_QUALIFIER_TAGS = ("v", "a", "b", "d")  # 实缴, 累计, 总: how the size is counted
_OWNER_CHARS = 8
_NAME_RUN_CHARS = 24
_NAME_MARKS = frozenset("“”「」()（）")
_SHORT_OWNER_CHARS = 3  # 基金 alone names any fund; 母基金 a kind of one
# What a size written around a figure belongs to: 「2000万元规模的资金池」, 「规模200亿元的…基金」.
_OWNER_AFTER = r"\s*的([^和与及、，,；;。]+)"


def _sized_for_another(question: Question, region: str, span: Span) -> bool:
    """The figure is the size (规模, 数量…) of a noun the question never says: 「子基金实缴规模
    超260亿元」 does not give 母基金的总规模, nor 「规模60亿元的中科院…母基金」 天使母基金's."""
    if span.type not in FIGURE_TYPES or not question.attribute_terms:
        return False
    measure = question.attribute_terms[-1].text
    if not _SIZE_OF.fullmatch(measure):
        return _sized_as_another(question, region, span)
    owner = ""
    after = re.match(rf"\s*{measure}{_OWNER_AFTER}", region[span.end :])
    if after:
        owner = _noun_run(after.group(1))
    else:
        before = region[clause_bounds(region, span)[0] : span.start]
        at = before.rfind(measure)
        if at < 0:
            return False
        owner = _owner_before(before[:at])
        if not owner and not before[at + len(measure) :].strip():
            sized = re.match(_OWNER_AFTER, region[span.end :])  # 「规模200亿元的…基金」
            owner = _noun_run(sized.group(1)) if sized else ""
    if not owner:
        return False
    owner, asked = compact(owner).replace("的", ""), compact(question.text).replace("的", "")
    # 「我们想申请做子基金，…母基金自身的总规模有多大」: a clause asking a noun's own size
    # (自身, 本身) asks of that noun alone, whatever other clauses name
    own = [c for c in re.split(r"[，,；;]", asked) if measure in c and _ITSELF.search(c)]
    asked = own[-1] if own else asked
    # 「母基金的规模」 may shorten 「中科院科技成果转化母基金」: a shortened owner is the same one
    owns = _asked_owners(asked, measure)
    return owner not in asked and not any(
        len(own) >= _SHORT_OWNER_CHARS and owner.endswith(own) for own in owns
    )


def _sized_as_another(question: Question, region: str, span: Span) -> bool:
    """「2000万元规模的资金池」「规模60亿元的…母基金」: an amount written as the size of a noun
    is that noun's. It is no figure of what is asked when that noun names none of the asked
    attribute, or when the sentence sizes the body the question names apart
    (「规模200亿元的粤港澳…基金和规模60亿元的中科院…母基金」)."""
    if span.type not in (AMOUNT, COUNT):
        return False
    owner = _size_owner(region, span)
    asked = compact(question.text)
    if not owner or owner in asked:
        return False
    if not any(t.match(owner) == 1.0 for t in question.attribute_terms):
        # (a count's owner stands in its own clause: it is another's when the sentence names
        # the asked noun elsewhere, 「…博士留学生培养,在校研究生规模不低于200人」)
        return span.type == AMOUNT or _attribute_in(question, compact(region)) > 0
    others = {_size_owner(region, s) for s in spans_of(region, AMOUNT)} - {owner, ""}
    return any(other in asked for other in others)


def _size_owner(region: str, span: Span) -> str:
    """The noun a figure is written as the size of (compact), or '': 「2000万元规模的资金池」,
    「规模60亿元的…母基金」, 「在校研究生规模不低于200人」."""
    clause = region[clause_bounds(region, span)[0] : span.start]
    written = _SIZE_BEFORE.search(clause)
    if written and span.type == COUNT:
        return compact(_owner_before(clause[: written.start()]))
    if span.type != AMOUNT:
        return ""
    after = re.match(rf"\s*规模{_OWNER_AFTER}", region[span.end :])
    before = region[: span.start].rstrip().endswith("规模")
    sized = after or (re.match(_OWNER_AFTER, region[span.end :]) if before else None)
    return compact(_noun_run(sized.group(1))) if sized else ""


# 「在校研究生规模不低于」: a size word and the verb of its figure, right before a count.
_SIZE_BEFORE = re.compile(
    r"(?:规模|人数|数量)\s*(?:不低于|不少于|达到|达|超过|突破|约|近|为|已达|共|累计)?\s*$"
)


_ITSELF = re.compile(r"自身|本身|自己")


def _asked_owners(asked: str, measure: str) -> tuple[str, ...]:
    """What the question sizes: the noun run before its size word (「…母基金的总规模」: 母基金),
    and that run read on through a verb inside a name (「…科技成果转化基金规模」)."""
    at = asked.find(measure)
    before = re.sub(r"(?:的|总|之)+$", "", asked[:at]) if at > 0 else ""
    if not before:
        return ()
    return tuple(compact(_owner_before(before, through)) for through in (False, True))


def _noun_run(text: str) -> str:
    """The noun phrase a text opens with (创投“基金丛林”, not what it then does)."""
    words = [(p.word, p.flag) for p in jieba.posseg.cut(text[:_NAME_RUN_CHARS])]
    nominal = [flag.startswith(_OWNER_TAGS) or word in _NAME_MARKS for word, flag in words]
    run: list[str] = []
    for n, (word, flag) in enumerate(words):
        # a verb inside a name (科技成果转化母基金) has a noun right after it
        inside = flag.startswith("v") and n + 1 < len(words) and nominal[n + 1]
        if not (nominal[n] or inside):
            break
        run.append(word)
    return "".join(run)


def _owner_before(text: str, through_verbs: bool = False) -> str:
    """The noun run right before a size word, past one qualifier (实缴, 累计): '' when a figure,
    a 的 or a clause break stands there instead (「4 亿元规模的」). `through_verbs` reads on
    through a verb with nouns on both sides (科技成果转化基金; but also 黄埔区设立母基金)."""
    words = [(p.word, p.flag) for p in jieba.posseg.cut(text[-_OWNER_CHARS:])]
    if words and words[-1][1].startswith(_QUALIFIER_TAGS) and len(words) > 1:
        words = words[:-1]
    start = len(words)
    while start > 0:
        flag = words[start - 1][1]
        inside = through_verbs and flag == "v" and start < len(words) and start >= 2
        if not (
            flag.startswith(_OWNER_TAGS) or (inside and words[start - 2][1].startswith(_OWNER_TAGS))
        ):
            break
        start -= 1
    return "".join(word for word, _ in words[start:])


def _trailing_run(words: list[tuple[str, str]], tags: tuple[str, ...]) -> str:
    """The words at the end of a tagged text whose tags start with one of `tags`."""
    run = list(itertools.takewhile(lambda pair: pair[1].startswith(tags), reversed(words)))
    return "".join(word for word, _ in reversed(run))


def _kind_named(terms: tuple[Term, ...], text: str) -> bool:
    """Chinese puts the head of a noun phrase last: in 补贴比例 and 金融机构 the modifier says
    which 比例 or 机构 is meant. A text naming the head but none of its modifiers (研发机构比例
    提高至45%) speaks of another kind of it."""
    if len(terms) < 2 or _word_in(terms[-1], text) < 1.0:
        return True  # the head itself is not named (or only in part): nothing to tell apart
    if not _modified(terms[-1].text, text):
        return True  # 「8家单位建有…」: a bare head after a count refers back to the kind asked
    return any(_word_in(t, text) for t in terms[:-1])


def _indicator_named(question: Question, text: str) -> bool:
    matching = indicator_form(text)
    return any(w in matching for w in question.indicator_wordings)


# 「尽快遴选科技成果产业化引导基金受托管理机构」: the holder of the role is still to be chosen.
_TO_BE_CHOSEN = re.compile(
    r"(?:遴选|选定|选聘|招募|征集|招标|公开选拔|择优确定)[^，,。；;]{0,24}?(?:机构|单位|公司|主体|团队|人选|人员)"
)


def _yet_to_choose(question: Question, text: str) -> bool:
    """The sentence says the asked role is yet to be filled, so no body or person in it holds
    it: the role (its head word) stands right after a verb of choosing."""
    if not question.attribute_terms:
        return False
    head = question.attribute_terms[-1]
    return any(head.match(m.group()) == 1.0 for m in _TO_BE_CHOSEN.finditer(text))


# 「由谁」「哪家科研单位」「哪位」「位于哪里」: where a question asks for a body, a person or
# a place.
_ASKED_ACTOR = re.compile(
    r"哪[家个位些]?[^，,。？?的]{0,6}?(?:单位|机构|部门|组织|高校|大学|医院|企业|公司|平台)"
    r"|哪一?[家位]|谁|哪里|哪儿|何处|何地|在哪"
)
# Characters that carry no deed of their own in a verb (受聘, 来建, 搞定, 进行).
_LIGHT_CHARS = frozenset("来去受被给进行得获作做搞让把将于在")
# Verbs of being or of standing in for the actor, no deed of its own.
_NOT_DEEDS = frozenset({"是", "有", "为", "叫", "由", "属于", "成为", "作为", "来自"})


def _deed_stated(question: Question, region: str) -> bool:
    """A body, person or place answers only next to what the question says of it: the verb
    right before or after 「哪家机构」「谁」「哪里」 (依托哪家单位, 交给哪家机构受托管理, 谁牵头,
    位于哪里) or a verb in the asked attribute (运营单位). A sentence naming the entity and
    some other body (「…天河基地有力支撑…建设」 for its 运营单位) does not say who did it."""
    text = compact(region)
    role = _role_asked(question)
    if role and role not in text:
        return False  # 「理事长单位」 asked: 「秘书长单位」 is another role
    deeds = deeds_asked(question)
    return not deeds or any(states_deed(deed, text) for deed in deeds)


# A post a body holds (秘书长单位), not one a person holds.
_BODYS_POST = re.compile(rf"({ROLE.pattern})(?:单位|机构)")


def _role_asked(question: Question) -> str:
    """A post the asked attribute gives the body (理事长 in 理事长单位), which a text must
    name whole: its characters (长) stand in other posts (秘书长)."""
    post = _BODYS_POST.search(question.core or question.text)
    return post.group(1) if post else ""


def deeds_asked(question: Question) -> tuple[str, ...]:
    """What the question says the body, person or place asked for did (see `_deed_stated`)."""
    return _deeds(question.core or question.text) + tuple(
        filter(None, (_role_deed(t.text) for t in question.attribute_terms))
    )


def states_deed(deed: str, text: str) -> bool:
    """By character: 获聘 states 受聘, 依托…建设 states 靠…来建, and 打造 states 在建."""
    return any(
        any(kin in text for kin in _DEED_KIN.get(c, c)) for c in deed if c not in _LIGHT_CHARS
    )


# Characters of one deed: building is 建, 造 or 设 (在建, 打造, 建设).
_DEED_KIN = {c: "建造设" for c in "建造设"}


@functools.lru_cache(maxsize=512)
def _deeds(core: str) -> tuple[str, ...]:
    """The verbs right before and after where the question asks for its actor, if any."""
    asked = _ASKED_ACTOR.search(core)
    if asked is None:
        return ()
    before = list(jieba.posseg.cut(core[: asked.start()]))[::-1]
    after = list(jieba.posseg.cut(core[asked.end() :]))
    deeds = []
    for words in (before, after):
        word = next((w for w in words if w.word not in _NOT_DEEDS), None)
        if word is not None and word.flag.startswith("v") and len(word.word) >= 2:
            deeds.append(word.word)
    return tuple(deeds)


_ACTOR_CLASS = re.compile(r"(?:单位|机构|主体|公司|部门|组织)$")


@functools.lru_cache(maxsize=1024)
def _role_deed(word: str) -> str:
    """What an attribute says the body does: a verb (运营), or a role's word before its class
    noun (管理机构 -> 管理, 秘书长单位 -> 秘书长); '' for anything else."""
    role = _ACTOR_CLASS.sub("", word)
    if role != word:
        return role if len(role) >= 2 else ""
    return word if any(pair.flag.startswith("v") for pair in jieba.posseg.cut(word)) else ""


# A day or a month asked: 「2020年9月份」 does not say which day.
_DAY_ASKED = re.compile(r"几号|几日|哪天|哪一天|哪日|具体日期")
_MONTH_ASKED = re.compile(r"几月|哪个月|哪一个月")


# 「准确数字是多少」「具体数字」: an exact figure is asked (「具体是多少」 is only emphasis).
_EXACT_ASKED = re.compile(r"准确|确切|精确|具体(?:的)?(?:数字|数据|数值)")
# 「数十个」「百余个」「上万家」「1300多家」: a figure the document gives only roughly.
_ROUGH = re.compile(r"^(?:数|几|上|好几)|[余多]")


def _precise_enough(question: Question, span: Span) -> bool:
    """A date answers to the precision asked (几号 wants a day, 几月 a month); an exact
    figure asked is not answered by a rough one (数十个)."""
    asked = question.core or question.text
    if span.type in (COUNT, AMOUNT):
        return not (_EXACT_ASKED.search(asked) and _ROUGH.search(span.text))
    if span.type != DATE:
        return True
    if _DAY_ASKED.search(asked):
        return bool(re.search(r"[日号]", span.text))
    return "月" in span.text if _MONTH_ASKED.search(asked) else True


def _given(question: Question, span: Span) -> bool:
    """A figure the question itself states (「8家合作银行是哪几家」, 「夸克电驱2.0」) is what it
    asks about, not its answer; so is a body it names, also when shortened (交易中心 for
    广州国际技术交易服务中心): a body's operator or manager is another body."""
    figure = compact(span.text)
    asked = compact(untitled(question.text))  # 「在那18场活动中，」: framing states them too
    if len(figure) >= 2 and figure in asked:
        return True
    key = _figure_key(figure)
    if key and any(_figure_key(m.group()) == key for m in _STATED_FIGURE.finditer(asked)):
        return True  # 「每年8000万，广州市自己出多少钱」: 「投入8000 万元」 is the figure given
    named = bigram_share(figure, asked)
    # (and a place it names: 「…落地广州科学城」 is not the address asked of what is there)
    return span.type in (ORGANISATION, PLACE) and named >= _NAMED_IN_QUESTION


# A written figure with its magnitude (8000万, 2646亿, 12.5): what two wordings of one figure
# share (「8000万」 asked, 「8000 万元」 written).
_STATED_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*[万亿]?")


def _figure_key(text: str) -> str:
    """The figure's digits and magnitude, or '' for one too short to tell figures apart."""
    found = _STATED_FIGURE.search(text)
    key = re.sub(r"\s", "", found.group()) if found else ""
    return key if len(key) >= 3 else ""


# Words for a change that documents and questions use interchangeably (增长了多少 / 增加至);
# 「有什么变化」 accepts either direction.
_RISE = ("增长", "增加", "提高", "提升", "上升", "增至", "翻番")
_FALL = ("下降", "减少", "降低")
_CHANGE = ("变化", "变动", *_RISE, *_FALL)
# 比重, 占比 and 比例 name one measure: a share of a whole.
_SHARE_WORDS = ("比重", "占比", "比例")
_ACCEPTS = (
    {w: _RISE for w in _RISE}
    | {w: _FALL for w in _FALL}
    | {"变化": _CHANGE, "变动": _CHANGE}
    | {w: _SHARE_WORDS for w in _SHARE_WORDS}
)


def _attribute_in(question: Question, text: str) -> float:
    """How much of the asked attribute the text names: each of its words counts equally.

    With no attribute found, the focus stands for it: a text naming none of the question's
    key terms says nothing about what is asked."""
    if _indicator_named(question, text):
        return 1.0
    if NAME in question.types and _DOCUMENT_ASKED.search(question.attribute) and "《" in text:
        return 1.0  # a title in 《》 names a document: 「总文《…若干措施》」 for 「总文件叫什么」
    if not question.attribute:
        matched = sum(t.weight * t.match(text) for t in question.terms)
        return matched / question.total_weight
    return _share_named(question.attribute_terms, text)


def _share_named(terms: tuple[Term, ...], text: str) -> float:
    total = sum(t.weight for t in terms) or 1.0
    return sum(t.weight * _word_in(t, text) for t in terms) / total


# What may stand right before a bare head: a count (8家) or a function word, no modifier.
_BARE_BEFORE = re.compile(
    r"(?:[\d一二两三四五六七八九十百千万几多余]\s*[万亿]?\s*[元家个项所名位只条批]|[的和与及或等各该其些])$"
)


def _word_in(term: Term, text: str) -> float:
    accepted = _ACCEPTS.get(term.text)
    if accepted:
        return float(any(w in text for w in accepted))
    share = term.match(text)
    return 0.0 if share < 1.0 and _other_kind(term.text, text) else share


def _other_kind(word: str, text: str) -> bool:
    """A compound word's head named with another modifier (国际标准 in a text of 172项国家标准):
    Chinese puts the head last, and the text speaks of another kind of it. A bare head after a
    count (「8家单位建有…」 for 建站单位) refers back to the kind asked."""
    if len(word) < 4:
        return False
    modifier, head = word[:-2], word[-2:]
    if any(modifier[i : i + 2] in text for i in range(len(modifier) - 1)):
        return False
    return _modified(head, text)


def _modified(head: str, text: str) -> bool:
    """Some mention of the head in the text has a modifier before it (国家标准), not only a
    count or a function word (8家单位, 的单位)."""
    return any(
        not _BARE_BEFORE.search(text, 0, m.start()) and "\u4e00" <= text[m.start() - 1] <= "\u9fff"
        for m in re.finditer(re.escape(head), text)
        if m.start() > 0
    )


def is_heading(text: str, section: str = "", title: str = "") -> bool:
    """A heading, lead-in or title line: it names a topic and states nothing.

    「十、保障措施」, 「2.加快高新技术企业自主创新能力提升。」, a sentence ending in 「：」,
    the section's own heading, or the document's title line.
    """
    body = " ".join(text.split()).strip()
    if not body:
        return True
    if body.rstrip().endswith(("：", ":")):
        return True
    key = compact(body).rstrip("。.")
    last_heading = compact(section.split(" > ")[-1]) if section else ""
    if key and (key == last_heading or (title and key == compact(title))):
        return True
    return len(key) <= 30 and bool(_NUMBERED_HEADING.match(body)) and body.count("，") == 0


def table_row_in_words(text: str) -> str | None:
    """「技术合同成交额：2020年完成值 619亿元，2025年目标值 800亿元（预期性指标）」 from a
    rebuilt row 「表2.1 … | 科技成果转化 | 7 技术合同成交额(亿元): 2020年完成值 619; …」."""
    match = _TABLE_ROW.match(" ".join(text.split()))
    if not match:
        return None
    name = match.group("name").strip()
    unit_match = _ROW_UNIT.search(name)
    unit = unit_match.group(1) if unit_match else ""
    if unit_match:
        name = name[: unit_match.start()].strip()
    name = name.rstrip("（( ")  # a name cut inside its unit by the PDF
    values, kind = [], ""
    for part in match.group("values").split(";"):
        label, _, value = part.strip().rpartition(" ")
        if not label:
            continue
        if label == "指标属性":
            kind = value
        elif re.fullmatch(r"[\d.,]+", value):
            values.append(f"{label} {value}{unit}")
        else:
            values.append(f"{label} {value}")
    if not values:
        return None
    return f"{name}：{'，'.join(values)}" + (f"（{kind}指标）" if kind else "")
