"""How an extractive answer reads: the direct answer first, then the one or two sentences
that support it, each source named once; a refusal says what the documents do state.

A reader wants 「38家[1]」 before any quote. Table rows are read out in words with their
unit (the raw row stays the citation's quote). Headings never reach this module.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

import jieba.posseg

from assistant.answer_types import (
    COUNT,
    ORGANISATION,
    PERSON,
    PLACE,
    SPAN_TYPES,
    TYPE_LABELS,
    Span,
    spans_of,
    stated_types,
)
from assistant.evidence import answer_text, deeds_asked, states_deed, table_row_in_words
from assistant.question import Question, Term, compact

if TYPE_CHECKING:
    from assistant.extractive import Candidate, Sentence
    from vectorstore.search import Passage

ANSWER_LEAD = "根据已收录的文档："
EVIDENCE_LEAD = "依据："
RELATED_LEAD = "可能相关（仅供参考，未必回答该问题）："
_BOUND_CHARS = 12
# What bounds a figure, written right before it: an approximation, a floor or ceiling, a
# run of years (连续6年), or a range's lower end.
_BOUND = re.compile(
    r"(?:近|超过|超|逾|约|大约|突破|不少于|不低于|不超过|接近|将近|连续"
    r"|\d+(?:\.\d+)?\s*[%％]?\s*[-—–~～至到])\s*$"
)
# ... or right after it: a floor, a ceiling or an approximation.
_BOUND_AFTER = re.compile(r"\s*(?:以上|以下|左右|上下)")
# A change's end asked (「扩充到了多少家」「提高至多少」), and a figure written as one (「增至66家」).
_TO_ASKED = re.compile(r"(?:到|至)了?\s*(?:多少|几|多高|多大)")
_AFTER_TO = re.compile(r"(?:到|至)\s*(?:了\s*)?$")
# The state now asked (「现在一共有多少家」): after a change, its end.
_NOW_ASKED = re.compile(r"现在|目前|如今|现有|至今")
# What follows a range's lower end: its upper end.
_RANGE_ON = re.compile(r"\s*[-—–~～]\s*\d+(?:\.\d+)?\s*[%％]?")
# A figure followed by 的 (or 规模的) describes the noun after it.
_DESCRIBES_NOUN = re.compile(r"\s*(?:规模)?的")
# 「成为全市首个研发投入强度突破5%的区域」: 首个 before a deed and 的 says what was done
# first, it is no place in a ranking (「居全市第一」).
_FIRST_TO_DO = re.compile(r"[^，,。；;、]{1,24}?的")
# Both ends of a change asked: 「从多少提高到了多少」.
_FROM_TO = re.compile(
    r"[从由][^，。？?]{0,8}(?:多少|几)[^，。？?]{0,12}(?:到|至)[^，。？?]{0,4}(?:多少|几)"
)
_ITEM_BREAK = re.compile(r"[，,；;。！!？?：:（(、\s\d%％]")
_OWN_NAME_CHARS = 2
_LEADING_TAGS = ("v", "p", "d", "c", "u", "r")
_MAX_COORDINATED = 3
_COUNTED_CHARS = 12
_COORDINATION = re.compile(r"[和与及、]")
_CLAUSE_BREAK = re.compile(r"[，,；;。！!？?：:（(]")
_CLAUSES = re.compile(r"[^，,；;。！!？?：:]+")
# The focus a refusal's lead sentence must hold before it can say "the documents only give …".
_PARTIAL_FOCUS = 0.5

Quotes = list[tuple["Passage", str]]


def render_answer(
    question: Question, chosen: list[Sentence]
) -> tuple[str, tuple[tuple[Passage, str], ...], str | None]:
    """Text with [n] markers, the (passage, quote) per marker, and the direct answer line."""
    direct = direct_answer(question, chosen[0]) if chosen else None
    lines = [direct, EVIDENCE_LEAD] if direct else [ANSWER_LEAD]
    quotes: Quotes = []
    for n, sentence in enumerate(chosen, start=1):
        lines.append(f"- {_stated(sentence)}[{n}]")
        quotes.append((sentence.passage, sentence.text))
    lines.append(sources_line([s.passage for s in chosen]))
    return "\n".join(lines), tuple(quotes), direct


def render_items(items: list[tuple[Passage, str]]) -> tuple[str, tuple[tuple[Passage, str], ...]]:
    """A list answer whose items are quoted as they stand (a heading's children)."""
    lines = [ANSWER_LEAD]
    lines += [f"- {' '.join(quote.split())}[{n}]" for n, (_, quote) in enumerate(items, start=1)]
    lines.append(sources_line([passage for passage, _ in items]))
    return "\n".join(lines), tuple(items)


def direct_answer(question: Question, lead: Sentence) -> str | None:
    """「38家[1]」, 「技术合同成交额：2020年完成值 619亿元，2025年目标值 800亿元[1]」, or None
    for list, measure and open questions."""
    asked = [t for t in question.types if t in SPAN_TYPES]
    if not asked or question.types[0] not in SPAN_TYPES:
        return None  # 「有哪些……」 is answered by its list
    if lead.is_table_row:
        words = table_row_in_words(lead.text)
        return f"{words}[1]" if words else None
    if any(t in (PERSON, ORGANISATION, PLACE) for t in asked):
        return f"{_best_clause(question, lead.text, lead.evidence.spans)}[1]"
    picked: list[Span] = []
    for answer_type in asked:
        # a bare 「增加了多少」 is answered by a figure of any kind (40%, 619亿元); each part
        # takes a figure of its own
        spans = [
            s
            for s in lead.evidence.spans
            if (s.type == answer_type or (answer_type == COUNT and not question.counter))
            and s not in picked
        ]
        if spans:
            picked.append(max(spans, key=lambda s: _span_fit(question, lead.text, s)))
    picked += _later_parts(question, lead, picked)
    if len(picked) == 1 and not question.part_attributes:
        picked = _coordinated(question, lead, picked[0])
    if len(picked) == 1 and _FROM_TO.search(question.core or question.text):
        picked = _from_to(lead, picked[0])
    if not picked:
        return None
    series = _series(question, lead, picked[0]) if len(picked) == 1 else ""
    if series:
        return f"{series}[1]"
    stated = (" ".join(_as_stated(lead.text, s).split()) for s in picked)
    return f"{'，'.join(dict.fromkeys(stated))}[1]"


def _series(question: Question, lead: Sentence, picked: Span) -> str:
    """「国家科学技术奖特等奖1项、一等奖5项、二等奖16项」 answers 「一共拿了多少国家科学技术奖」
    whole: when the picked figure is one of a 、-joined run of figures of its type and the
    question names none of them on its own, the run is stated as written; else ''."""
    clause = _clause_of(lead.text, picked)
    if clause is None:
        return ""
    counter = question.counter if picked.type == COUNT else ""
    members = [  # (the later ones do not repeat the head they share, so are not tied to it)
        s
        for s in spans_of(lead.text, picked.type, counter)
        if clause.start() <= s.start < clause.end()
    ]
    joined = all(
        lead.text[a.end : b.start].count("、") == 1 for a, b in itertools.pairwise(members)
    )
    if len(members) < 2 or not joined:
        return ""
    if any(_own_name_asked(question, lead.text, s) for s in members):
        return ""  # 「一等奖有几项」 asks one of them
    words = list(jieba.posseg.cut(lead.text[clause.start() : members[-1].end]))
    while words and words[0].flag.startswith(_LEADING_TAGS):  # 荣获: how it is stated
        words = words[1:]
    return " ".join("".join(w.word for w in words).split())


def _coordinated(question: Question, lead: Sentence, picked: Span) -> list[Span]:
    """「多少家国家重点实验室和省级重点实验室」 asks the figures of each thing it names: every
    figure of the picked one's type whose own name the question says, in text order."""
    if not _COORDINATION.search(question.core or question.text):
        return [picked]
    named = [
        s
        for s in lead.evidence.spans
        if s.type == picked.type
        and s.text[-1] == picked.text[-1]  # one kind of thing: 27个 and 95个, not 5家
        and _own_name_asked(question, lead.text, s)
    ]
    return named[:_MAX_COORDINATED] if len(named) > 1 else [picked]


def _from_to(lead: Sentence, picked: Span) -> list[Span]:
    """「从多少提高到了多少」 asks both ends of a change: the picked figure and the nearest one of
    its type in its clause (由3.7%稳步提高到5.71%), in the order the text gives them."""
    clause = _clause_of(lead.text, picked)
    if clause is None:
        return [picked]
    others = [
        s
        for s in lead.evidence.spans
        if s != picked and s.type == picked.type and clause.start() <= s.start < clause.end()
    ]
    if not others:
        return [picked]
    other = min(others, key=lambda s: abs(s.start - picked.start))
    return sorted([picked, other], key=lambda s: s.start)


def _later_parts(question: Question, lead: Sentence, picked: list[Span]) -> list[Span]:
    """A figure for each later part of a multi-part question that asks one type twice
    (「承担了多少项纵向项目，其中国家级有几项？」): the one whose clause names that part's
    attribute, when the lead states it."""
    found: list[Span] = []
    if not picked:
        return found
    for terms in question.part_attributes[len(picked) - 1 :]:
        left = [s for s in lead.evidence.spans if s not in picked + found]
        named = [(_named_before(terms, lead.text, s), s) for s in left]
        best = max(named, key=lambda pair: pair[0], default=(0.0, None))
        if best[1] is not None and best[0] > 0:
            found.append(best[1])
    return found


def _named_before(terms: tuple[Term, ...], text: str, span: Span) -> float:
    """How much of a part's attribute the text from the clause start to the span names."""
    start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, span.start)), default=0)
    before = compact(text[start : span.start])
    return sum(t.weight * t.match(before) for t in terms)


def _as_stated(text: str, span: Span) -> str:
    """The figure with what bounds it (近80家, 超过500家, 2-3个, 20%-30%, 八成以上): without the
    word or the lower end, 80家 would state more than the document does."""
    before = text[max(0, span.start - _BOUND_CHARS) : span.start]
    bound = _BOUND.search(before)
    after = _BOUND_AFTER.match(text, span.end)  # 八成以上, 5%左右
    return (bound.group() if bound else "") + span.text + (after.group() if after else "")


def _span_fit(
    question: Question, text: str, span: Span
) -> tuple[bool, bool, bool, bool, bool, float, float]:
    """How well a span answers, in this order: one that only describes a noun (「4 亿元规模的
    资金池撬动银行贷款突破 100 亿元」) states nothing; a range's upper end, which is stated
    with its lower one; the end of a change when the end is asked; one whose own name the
    question says
    (「孵化器335家（国家级26家）」 for 国家级的有几家); one followed by the asked noun; one in the
    clause naming most of the focus; one after more of the asked attribute, the first on ties."""
    clause = _clause_of(text, span)
    # (a later part's own words, 「省部级的又有多少项」, draw its figure, not the first part's)
    later = {t.text for part in question.part_attributes for t in part}
    focus = sum(
        t.weight * t.match(compact(clause.group() if clause else ""))
        for t in question.terms
        if t.text not in later
    )
    upper = _RANGE_ON.match(text, span.end)
    describes = bool(_DESCRIBES_NOUN.match(text, upper.end() if upper else span.end))
    describes |= span.text in ("首个", "首家") and bool(_FIRST_TO_DO.match(text, span.end))
    named = _named_before(question.attribute_terms, text, span)
    # (a multi-part question's later parts name their own figures: the first part's is not
    # picked by them)
    own = not question.part_attributes and _own_name_asked(question, text, span)
    return (
        not describes,
        # 「20%-30%」: the lower end is stated with the upper one (`_as_stated`), not alone
        not upper,
        # 「扩充到了多少家」 asks where a change ended: 「从原来的36家增至66家」 gives 66家
        bool(_TO_ASKED.search(question.core or question.text) or _NOW_ASKED.search(question.text))
        and bool(_AFTER_TO.search(text, 0, span.start)),
        own,
        _counts_asked(question, text, span),
        focus,
        named - 0.001 * span.start,
    )


def _counts_asked(question: Question, text: str, span: Span) -> bool:
    """A count is written before what it counts (「8 家合作银行累计为近 1300 家科技型中小企业
    发放贷款」): the one followed by the asked attribute counts what is asked."""
    if not question.attribute_terms:
        return False
    first = question.attribute_terms[0]
    after = compact(text[span.end : span.end + _COUNTED_CHARS])
    return after.startswith((first.text, *first.spellings))


def _clause_of(text: str, span: Span) -> re.Match[str] | None:
    """The clause (between punctuation) the span starts in."""
    return next((m for m in _CLAUSES.finditer(text) if m.start() <= span.start < m.end()), None)


def _own_name_asked(question: Question, text: str, span: Span) -> bool:
    """A figure of a series is named right before it (「特等奖1项、一等奖5项」): the one whose
    own name the question says is the one asked."""
    start = max((m.end() for m in _ITEM_BREAK.finditer(text, 0, span.start)), default=0)
    words = [(p.word, p.flag) for p in jieba.posseg.cut(compact(text[start : span.start]))]
    while words and words[0][1].startswith(_LEADING_TAGS):  # 建成, 其中: not the name
        words = words[1:]
    while words and words[-1][1].startswith(_LEADING_TAGS):  # 共计, 达到: how it is stated
        words = words[:-1]
    name = "".join(word for word, _ in words)
    asked = compact(question.core or question.text)
    # 「国家级和省级创新平台」 elides the head it shares: each word of the name is asked
    return len(name) >= _OWN_NAME_CHARS and all(word in asked for word, _ in words)


def _best_clause(question: Question, text: str, spans: tuple[Span, ...] = ()) -> str:
    """The clause that says who or where: one holding a name found for the answer (「…共同组建
    成立的混合制公司」, not 「作为交易中心的运营主体」 after it), then the one stating the deed
    asked (「依托国家纳米科学中心建设」 for 依托哪家单位), then the one naming the asked attribute
    (牵头筹建, not the 指导 of the clause before), then the one naming most of the focus."""
    clauses = [m for m in _CLAUSES.finditer(text) if m.group().strip()]
    deeds = deeds_asked(question)

    def weight(clause: re.Match[str]) -> tuple[bool, bool, float, float]:
        words = compact(clause.group())
        return (
            any(clause.start() <= s.start < clause.end() for s in spans),
            any(states_deed(deed, words) for deed in deeds),  # 依托国家纳米科学中心建设
            sum(t.weight * t.match(words) for t in question.attribute_terms),
            sum(t.weight * t.match(words) for t in question.terms),
        )

    return " ".join(max(clauses, key=weight).group().split())


def _stated(sentence: Sentence) -> str:
    """A quote for the answer text; a table row in words."""
    if sentence.is_table_row:
        words = table_row_in_words(sentence.text)
        if words:
            return words
    return f"「{' '.join(sentence.text.split())}」"


def sources_line(passages: list[Passage]) -> str:
    """Each source document once: 「来源：《标题》（日期）；……」."""
    seen: dict[str, str] = {}
    for passage in passages:
        dated = f"（{passage.date}）" if passage.date.strip() else ""  # an undated upload
        seen.setdefault(passage.doc_id, f"《{passage.title}》{dated}")
    return "来源：" + "；".join(seen.values())


def refusal_text(
    question: Question, lead: Candidate | None, closest: list[Sentence], said: str | None = None
) -> tuple[str, tuple[tuple[Passage, str], ...]]:
    """「没有找到……」 (echoing what was asked, without its framing) or 「文档只给出了排名（第2位），
    没有给出得分。」 (or `said`), then 可能相关 quotes."""
    text = (
        said
        or partial_refusal(question, lead)
        or (
            f"已收录的文档中没有找到“{(question.core or question.text).rstrip('？?。 ')}”的相关信息。"
        )
    )
    quotes: Quotes = []
    if closest:
        lines = [text, "", RELATED_LEAD]
        for n, sentence in enumerate(closest, start=1):
            lines.append(f"- {_stated(sentence)}[{n}]")
            quotes.append((sentence.passage, sentence.text))
        lines.append(sources_line([s.passage for s in closest]))
        text = "\n".join(lines)
    return text, tuple(quotes)


def later_part_left_open(first_answer: str, part: str) -> str:
    """「文档只回答了前一问（172项），没有给出“…”。」: a multi-part question whose first part
    alone the documents answer."""
    said = f"（{first_answer}）" if first_answer else ""
    return f"文档只回答了前一问{said}，没有给出“{part.strip('？?。 ')}”。"


def compared_year_left_open(stated: str, year: int, missing: int) -> str:
    """「文档只给出了2024年的数值（2000名），没有给出2023年的，无法比较。」: a change
    between two years asked where one year's figure alone is written."""
    said = f"（{stated}）" if stated else ""
    return f"文档只给出了{year}年的数值{said}，没有给出{missing}年的，无法比较。"


def total_not_per_unit(stated: str) -> str:
    """「文档只给出了总数（19.79亿元），没有给出平均或单个的数值。」: a figure per member asked
    where the documents write totals only."""
    said = f"（{stated}）" if stated else ""
    return f"文档只给出了总数{said}，没有给出平均或单个的数值。"


def another_quantity_given(stated: str, figure: str, asked: str) -> str:
    """「文档只给出了销售收入（300 亿元），没有给出利润。」: one money quantity asked where the
    documents give another."""
    return f"文档只给出了{stated}（{figure}），没有给出{asked}。"


def partial_refusal(question: Question, lead: Candidate | None) -> str | None:
    """When the entity is found but not the asked attribute: what the documents do state."""
    asked = [t for t in question.types if t in SPAN_TYPES]
    if lead is None or not asked:
        return None
    features = lead.features
    if (
        features["focus"] < _PARTIAL_FOCUS
        or features["year"] < 1
        or (features["type_match"] >= 1 and features["attribute"] >= 0.5)
    ):
        return None
    wanted = _wanted(question, TYPE_LABELS[asked[0]])
    sentence = lead.sentence
    region = answer_text(sentence.text, sentence.is_table_row)
    stated = [s for s in stated_types(region) if s.type not in asked]
    if not stated:
        return f"文档提到了相关内容，但没有给出{wanted}。"
    span = stated[0]
    return (
        f"文档只给出了{TYPE_LABELS[span.type]}（{' '.join(span.text.split())}），没有给出{wanted}。"
    )


# Attributes that are a measure themselves (规模, 得分): no type label after them.
_MEASURE_WORDS = re.compile(
    r"(?:规模|数量|总数|金额|比例|比重|占比|得分|排名|名次|时间|日期|职务)$"
)


def _as_written(text: str, word: str) -> str:
    """The word as the question writes it (PCT, not the lower case it is matched in)."""
    written = re.search(re.escape(word), text, re.IGNORECASE) if word else None
    return written.group() if written else word


def _wanted(question: Question, label: str) -> str:
    """What the refusal says is not given: the asked attribute when it is a measure (规模),
    what is counted for a count (「专家工作站的数量」), else the kind of value (得分)."""
    attribute = _as_written(question.text, question.attribute.replace(" ", ""))
    if re.fullmatch(r"[\d.]+", attribute):
        attribute = ""  # a figure the question gives (「每年8000万，…出多少」) names nothing asked
    if attribute and _MEASURE_WORDS.search(attribute):
        return attribute
    return f"{attribute}的{label}" if attribute and label == TYPE_LABELS[COUNT] else label
