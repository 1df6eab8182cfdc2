"""Offline answers: quote the retrieved sentences that answer the question, verbatim.

Sentences are ranked by the focus's weighted key terms, typed answer spans, years and the
passage's retrieval rank. The few best are then weighed by the answerability model
(assistant.decision) over explainable signals, semantic similarity among them; the
most probable one leads the answer, and when none is probable enough the answer is a
refusal that says what the documents do state (a rank where a score was asked).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from assistant.answer_form import (
    another_quantity_given,
    compared_year_left_open,
    later_part_left_open,
    refusal_text,
    render_answer,
    render_items,
    total_not_per_unit,
)
from assistant.answer_types import (
    AMOUNT,
    ORGANISATION,
    RANK,
    SPAN_TYPES,
    asking_clauses,
    spans_of,
)
from assistant.decision import AnswerabilityModel, load_model
from assistant.evidence import (
    ENUMERATION,
    TypedEvidence,
    answer_text,
    attribute_attested,
    change_unanswered,
    could_name_what_is_asked,
    is_heading,
    typed_evidence,
)
from assistant.figure_kinds import money_quantity_given
from assistant.outline import heading_children
from assistant.question import (
    CUT_OFF,
    GUANGZHOU_DISTRICT,
    PLAN_PERIOD,
    Question,
    QuestionKind,
    Term,
    areas_in,
    asked_parts,
    asks_of_whole_city,
    bigram_share,
    compact,
    periods_asked,
    untitled,
)
from ingest.chunking import Chunk
from ingest.sentences import split_sentences
from ingest.years import period_years, years_in
from vectorstore.search import Passage

# Sentences weighed by the model: embedding each costs ~50-150 ms the first time it is seen.
CANDIDATES = 4
# Characters of a sentence embedded for similarity: its head states what it is about.
SIMILARITY_CHARS = 96
# How much of the asked attribute a candidate's clause must name to take the lead (see
# _holding_lead).
_HOLDING_ATTRIBUTE = 0.5
_HOLDING_FOCUS = 0.7
# Share of the focus a sentence must hold to be quoted beside the leading one.
_SUPPORT_SHARE = 0.6
# Share of an item's title the question must say for the item to be the one asked about.
_NAMED_SHARE = 0.6
_MAX_LINES: dict[QuestionKind, int] = {"figure": 3, "list": 4, "measure": 5, "other": 3}

# The opening part of a plan that looks back on the period before it.
_REVIEW_SECTION = re.compile(r"回顾|发展基础|发展成就|成效|基础与形势|现状")

Similarity = Callable[[str, list[str]], list[float]]


@dataclass(frozen=True)
class Sentence:
    """One quotable unit: a sentence of a text passage, or a whole table row."""

    rank: int
    passage: Passage
    start: int
    end: int
    coverage: float
    score: float
    body_coverage: float = 0.0
    evidence: TypedEvidence = TypedEvidence((), 0.0, 0.0)
    heading: bool = False

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]

    @property
    def is_table_row(self) -> bool:
        return self.passage.chunk.kind == "table_row"


@dataclass(frozen=True)
class Candidate:
    """A sentence weighed by the answerability model."""

    sentence: Sentence
    features: dict[str, float]
    probability: float


@dataclass(frozen=True)
class Extract:
    """An extractive answer before numbering: text with [n], and the (passage, quote) per n."""

    text: str
    quotes: tuple[tuple[Passage, str], ...]
    refused: bool
    warnings: tuple[str, ...]
    direct_answer: str | None = None


def quotable_spans(passage: Passage) -> list[tuple[int, int]]:
    """[start, end) of each sentence of a text passage; a table row is quoted whole."""
    if passage.chunk.kind == "table_row":
        return [(0, len(passage.text))]
    return [(s.start, s.end) for s in split_sentences(passage.text) if len(s.text) >= 6]


def _covers_year(passage: Passage, years: frozenset[int]) -> bool:
    record = passage.document
    return bool(years & period_years(record.period, record.year or None))


def _coverage(question: Question, body: str, context: str, share: float) -> float:
    """Share of the question's key-term weight in `body`, context matches counting `share`."""
    matched = sum(t.weight * max(t.match(body), share * t.match(context)) for t in question.terms)
    return matched / question.total_weight


def score_sentences(
    question: Question,
    passages: list[Passage],
    outline: Mapping[str, list[Chunk]] | None = None,
) -> list[Sentence]:
    """Every quotable unit of the passages, ranked for the question. `outline` (chunks by
    document) gives the text a passage continues, where a name it shortens stands in full."""
    scored = []
    span_question = any(t in SPAN_TYPES for t in question.types)
    bodies = [compact(p.text) for p in passages]
    tie = attribute_attested(question, bodies)
    for rank, passage in enumerate(passages):
        section = compact(passage.section)
        title = compact(passage.title)
        doc_covers = _covers_year(passage, question.years) if question.years else False
        # A work report's "2019 年重点工作安排" part answers questions about 2019.
        section_names_year = bool(question.years & explicit_years(passage.section))
        # The rest of the passage is context too: a sentence listing "三大平台" may follow
        # the one naming the centre they belong to.
        passage_context = section + bodies[rank]
        framing = _framing_share(question, title + passage_context)
        continued = _previous_text(passage, outline)
        for start, end in quotable_spans(passage):
            text = passage.text[start:end]
            before = continued + passage.text[:start]
            body, context, share = (
                _with_full_names(question, compact(text), before),
                passage_context,
                0.5,
            )
            is_row = passage.chunk.kind == "table_row"
            if is_row:  # the caption is every row's context, not content
                caption, _, row = text.rpartition("|")
                body, context, share = compact(row), section + compact(caption), 0.75
            coverage = _coverage(question, body, context, share)
            # The document title places a sentence ("黄埔区…规划") and helps rank it, but is
            # not evidence: the decision weighs `coverage` without it.
            placed = _coverage(question, body, context + title, share)
            evidence = typed_evidence(question, text, is_row, tie)
            heading = is_heading(text, passage.section, passage.title)
            # Headings and lead-ins ("十、保障措施") match the question but say nothing.
            brevity = 0.6 if len(body) < 16 or heading else 1.0
            score = placed * brevity + 0.15 / (1 + rank) + 0.1 * framing
            if is_row:  # of rows naming the asked words, the one naming least else is asked
                score += 0.1 * _name_precision(question, row)
            if span_question:
                score += 0.15 * evidence.type_share + 0.05 * evidence.attribute
                score += 0.1 * evidence.exactness
            if question.kind in ("list", "measure"):  # enumerations name several items at once
                score += min(len(ENUMERATION.findall(text)), 6) * 0.04
            if question.years:
                score += 0.2 * bool(question.years & years_in(text)) + 0.1 * doc_covers
                score += 0.15 * section_names_year
            body_coverage = _coverage(question, body, "", 0.0)
            scored.append(
                Sentence(
                    rank, passage, start, end, coverage, score,
                    body_coverage, evidence, heading,
                )
            )  # fmt: skip
    return sorted(scored, key=lambda s: (-s.score, s.rank, s.start))


def _with_full_names(question: Question, body: str, before: str) -> str:
    """The text, followed by the full name of each short name it uses that the question asks
    by its full name: 「交易中心」 in a sentence is the 「广州国际技术交易服务中心」 asked, and
    so is a name's head after the text before it (`before`, as written) has named it in full
    (「院士专家工作站……。目前，工作站共引入人才500余名」)."""
    fulls = [full for short, full in question.aliases if short in body]
    fulls += [t.text for t in question.terms if _head_after_full(t.text, body, before)]
    return body + "".join(fulls)


def _previous_text(passage: Passage, outline: Mapping[str, list[Chunk]] | None) -> str:
    """The chunk before the passage's in its document, or nothing without an outline."""
    ordinal = passage.chunk.ordinal - 1
    chunks = outline.get(passage.doc_id, []) if outline and ordinal >= 0 else []
    return next((c.text for c in chunks if c.ordinal == ordinal), "")


# The shortest head that may stand for a name the passage has just written in full.
_HEAD_CHARS = 3


# What may stand before a head that refers back: a clause start or a pointing word (该中心).
_BEFORE_HEAD = r"(?:^|(?<=[^\u4e00-\u9fff])|(?<=[该本此这其]))"


def _head_after_full(term: str, body: str, before: str) -> bool:
    """The body uses the term's head on its own (「，工作站共引入」 for 院士专家工作站), not
    inside another name (空天信息研究院 is no 硬科技创新研究院), after the text before it
    (`before`, as written) has given the term in full. That text is put in matching form only
    for a head found: most sentences have none, and every sentence has a text before it."""
    if term in body:
        return False
    heads = (term[-n:] for n in range(_HEAD_CHARS, len(term) - 1))
    if not any(re.search(_BEFORE_HEAD + re.escape(head), body) for head in heads):
        return False
    return term in compact(before)


def _name_precision(question: Question, row: str) -> float:
    """Share of a table row's indicator name (「规模以上国家高新技术企业数量(家)」) that the
    question says: 高新技术企业 asks for 高新技术企业数量, not the longer name around it."""
    name = re.sub(r"^\s*\d+\s*|[（(][^）)]*[）)]", "", row.split(":", 1)[0])
    return bigram_share(name, compact(question.core or question.text))


def _framing_share(question: Question, text: str) -> float:
    """How much of the framing (「根据《……规划》」) a passage and its document name."""
    if not question.framing_terms:
        return 0.0
    total = sum(t.weight for t in question.framing_terms)
    return sum(t.weight * t.match(text) for t in question.framing_terms) / total


# A plan lists named items as lines 「——NAME。what it does…」.
_ITEM_TITLE = re.compile(r"^\s*——([^。]{2,40})。")


def _item_of_another(question: Question, sentence: Sentence) -> bool:
    """A sentence inside a 「——NAME。」 item whose NAME is a body the question does not
    name, while the question names a body of its own: it speaks of that NAME."""
    line_start = sentence.passage.text.rfind("\n", 0, sentence.start) + 1
    title = _ITEM_TITLE.match(sentence.passage.text[line_start : sentence.start])
    if title is None:
        return False
    asked = compact(question.core or question.text)
    if not _names_a_body(asked):
        return False
    name = compact(title.group(1))
    return len(name) >= 2 and bigram_share(name, asked) < _NAMED_SHARE


def _in_item_titled_by(title: Sentence, sentence: Sentence) -> bool:
    """`title` is the NAME of a 「——NAME。」 item and `sentence` stands in the item after it:
    the title only names the item, the sentences after it say what it is and does."""
    text = title.passage.text
    if sentence.passage is not title.passage or sentence.start <= title.start:
        return False
    if not _ITEM_TITLE.match(text[title.start : title.end + 1]):
        return False
    return "\n" not in text[title.end : sentence.start]


@functools.lru_cache(maxsize=256)
def _names_a_body(asked: str) -> bool:
    """The question names an organisation (read once per question, not per sentence)."""
    return bool(spans_of(asked, ORGANISATION))


def _another_area(question: Question, text: str) -> bool:
    """The sentence names an area (科学城) and none of the areas the question asks about."""
    asked = [name for name in question.names if name in areas_in(name)]
    named = areas_in(text)
    return bool(asked and named) and not any(area in named for area in asked)


_CITY_NAMED = re.compile(r"全市|广州市|全广州|我市|本市")
_DISTRICT_TITLE = re.compile(r"[\u4e00-\u9fff]{2}(?<!湾)区")


def _district_plan_for_city(question: Question, sentence: Sentence) -> bool:
    """The whole city asked in so many words (「广州全市…的目标」) is not answered by a
    document of one district (its title names the district) in a sentence that does not
    name the city: the district plan's targets and table rows are the district's."""
    if not asks_of_whole_city(question.core or question.text):
        return False
    title = sentence.passage.title
    district = _DISTRICT_TITLE.search(title) and not _CITY_NAMED.search(title)
    return bool(district) and not _CITY_NAMED.search(sentence.text)


# A province or the nation asked of in its own right (「全广东省的新型研发机构一共有多少家」),
# and how a text names it as the owner of a figure.
_WIDER_WHOLE = (
    (re.compile(r"全广东省?|全省|广东全省|广东省全省"), re.compile(r"全省|广东")),
    (re.compile(r"全国(?!第|前|排|范围)|我国|全中国"), re.compile(r"全国|我国|国内")),
)
# 「那全广东…」「那么全国…」: a clause pointing on from the one before.
_POINTER_START = re.compile(r"^\s*(?:那么|那|而|则|但)\s*")
# 「占全省」「居全国」「总量全省第一」: the wider whole a figure is compared with, not whose it is.
_COMPARED_WITH = re.compile(r"(?:占|居|列|在|于|超|位居|排名|领先)$")
_RANKED_IN = re.compile(r"(?:的)?(?:第|前|首|排|领先|最)")


def _city_for_wider_whole(question: Question, text: str) -> bool:
    """The question opens with a wider whole (全省, 全国) as its subject and names neither
    the city nor a district, and the text names that whole only as what a figure is compared
    with (居全省第一) or not at all: its figures are the city's. (A question that first states
    a fact and then asks in one clause, 「…排全省第一，那全广东一共有多少家」, is read by
    that clause.)"""
    core = question.core or question.text
    asking = asking_clauses(core)
    if len(asking) == 1:
        core = _POINTER_START.sub("", asking[0])
    if re.search(r"广州|全市|市里|本市", core) or GUANGZHOU_DISTRICT.search(core):
        return False
    for asked, owner in _WIDER_WHOLE:
        if asked.match(core.lstrip()):  # (the whole the question opens with is its subject)
            return all(_compared_with(text, m) for m in owner.finditer(text))
    return False


def _compared_with(text: str, whole: re.Match[str]) -> bool:
    """The whole (全省, 全市) stands as what a figure is compared with (占全省, 在全市) or
    ranked in (居全市第一), not as whose figure it is."""
    before = text[max(0, whole.start() - 2) : whole.start()]
    return bool(_COMPARED_WITH.search(before) or _RANKED_IN.match(text[whole.end() :]))


_WHOLE = re.compile(r"全(?:市|区|省|国)")
# The whole a sentence speaks of stands first: 「全区研发R&D经费投入…居全市第一」 is the district's.
_LEADING_WHOLE = re.compile(r"^\s*(?:\d{4}\s*年\s*[，,]?\s*)?(全(?:市|区|省|国))")


def _another_whole(question: Question, text: str) -> bool:
    """The sentence opens with a whole (全区) the question does not ask, while it asks
    another (全市): each level of government writes its own totals so."""
    core = question.core or question.text
    # (「在全市排第几」「在全国高新区中的综合排名」: the whole a rank is taken in is not whose
    # figure is asked; 「占全省…的比重」 still asks of a whole other than the sentence's)
    ranked = RANK in question.types
    asked = {
        m.group()
        for m in _WHOLE.finditer(core)
        if not (_RANKED_IN.match(core, m.end()) or (ranked and _compared_with(core, m)))
    }
    lead = _LEADING_WHOLE.match(text)
    return bool(asked) and lead is not None and lead.group(1) not in asked


# 「20项攻关项目里集成电路领域拿了多少」「…项目中，集成电路领域…」: a part of a whole, by
# field or branch.
_PART_ASKED = re.compile(
    r"(?:里|其中|当中|中(?=[，,]))[，,]?\s*([^\W\d的哪有要是]{2,8}?)(?:领域|方面|行业|产业|板块)[^，,。？?]{0,6}(?:多少|几)"
)


# 「平均每家…多少」「人均」「单笔最多能贷多少」: a figure per member or per item is asked.
_PER_UNIT_ASKED = re.compile(
    r"平均|人均|户均|单(?:笔|个|项|家|户|只)|每一?(?:家|个|项|笔|户|所|只|位|名)"
)
# How a text writes a figure per member (每家, 人均, 每万人) or a cap on one (最高, 不超过).
_PER_UNIT_WRITTEN = re.compile(
    r"平均|人均|户均|均值|每\s*[一万千百十]?\s*(?:家|个|项|笔|户|所|只|位|名|人|件|台)"
    r"|单(?:笔|个|项|家|户|只)|最高|最多|不超过|上限|封顶|以内|不低于|至少"
)


def _per_unit_unwritten(question: Question, text: str) -> bool:
    """A figure per member or per item is asked (「平均每家新型研发机构…多少技术性收入」) and the
    sentence writes none, only totals (「技术性收入达19.79亿元，服务企业5438家」): dividing
    is the asker's sum, not something the documents state."""
    if question.kind != "figure":
        return False
    asked = any(_PER_UNIT_ASKED.search(c) for c in asking_clauses(question.core or question.text))
    return asked and not _PER_UNIT_WRITTEN.search(text)


# 「按2019年的工作安排」「2019年重点工作计划里」: a work report's part that plans that year.
_PLAN_PART_ASKED = re.compile(
    r"((?:19|20)\d{2})\s*年\s*(?:的)?\s*(?:重点)?\s*工作\s*(?:安排|计划|要点|部署)"
)


def _in_another_years_part(question: Question, sentence: Sentence) -> bool:
    """The question places its answer in the part of a work report that plans one year
    (「按照2019年的工作安排，…比例要提到多少」), and the sentence stands under a heading of
    another year (「一、2018 年主要工作成效」): a report's look back states what was done,
    however much 「提高至45%」 reads like a target."""
    # (a cited title, 《…2018年工作总结和2019年工作安排》, names the whole report, not a part)
    planned = {int(m.group(1)) for m in _PLAN_PART_ASKED.finditer(untitled(question.text))}
    if not planned:
        return False
    headed: set[int] = set()
    for heading in sentence.passage.section.split(" > "):
        headed |= explicit_years(heading)
    return bool(headed) and not headed & planned


# 「…125件，这在全国经开区里排第几」: a clause asking of the figure the one before states.
_ASKS_OF_STATED = re.compile(r"[，,]\s*(?:这个数|这一数字|这个|这|那|该数|此)[^，,]*$")


def _stated_figure_unwritten(question: Question, text: str) -> bool:
    """The question states a figure and then asks its rank or share by pointing back at it
    (「每万人发明专利拥有量125件，这在全国经开区里排第几」): official texts write a figure's
    rank beside it, so a sentence that does not write the figure ranks something else
    (「科技创新指数稳居全国经开区第一」)."""
    stated = [compact(n) for n in question.names if any(ch.isdigit() for ch in n)]
    core = (question.core or question.text).rstrip("？?。 ")
    if not stated or not _ASKS_OF_STATED.search(core):
        return False
    return not any(figure in compact(text) for figure in stated)


def _member_of_series(question: Question, text: str) -> bool:
    """The question asks a part (「…里集成电路领域」) that the sentence names only as one
    member of a series (「智能与新能源汽车、集成电路、人工智能等重点产业」): the figures
    there are the whole series', no part's."""
    part = _PART_ASKED.search(question.core or question.text)
    if part is None or part.group(1) not in text:
        return False
    at = text.index(part.group(1))
    end = at + len(part.group(1))
    in_series = text[at - 1 : at] == "、" or text[end : end + 1] == "、"
    return in_series and "等" in text[end : end + 40]


def _about(passage: Passage, names: tuple[str, ...]) -> bool:
    """The passage (with its title and section) names every asked place and quoted name."""
    about = compact(f"{passage.title} {passage.section} {passage.text}")
    return all(compact(name) in about for name in names)


def _names_a_term(question: Question, passage: Passage) -> bool:
    """The passage (with its section) holds at least one of the question's key terms whole,
    or spelled out (个税 as 个人所得税): an answer must come from text that names something the
    question names."""
    about = compact(f"{passage.section} {passage.text}")
    return any(term.match(about) == 1.0 for term in question.terms)


def features_of(question: Question, sentence: Sentence, similarity: float) -> dict[str, float]:
    """The answerability model's inputs for one sentence (see assistant.decision.FEATURES)."""
    year = 1.0 if not question.years else float(_states_year(sentence, question, question.years))
    if question.as_of and not question.years:
        year = float(_holds_as_of(sentence, question))
    return {
        "focus": sentence.coverage,
        "body": sentence.body_coverage,
        "similarity": similarity,
        "type_match": sentence.evidence.type_share,
        "attribute": sentence.evidence.attribute,
        "rank": 1.0 / (1 + sentence.rank),
        "year": year,
    }


def weigh_candidates(
    question: Question,
    sentences: list[Sentence],
    similarity: Similarity | None,
    model: AnswerabilityModel,
) -> list[Candidate]:
    """The best few distinct sentences by rank score, with features and answer probability."""
    picked: list[Sentence] = []
    seen: set[str] = set()
    about: dict[int, bool] = {}  # by passage: many sentences share one
    for sentence in sentences:
        key = compact(sentence.text)
        if key in seen or not could_name_what_is_asked(question, sentence.text):
            continue
        if question.body_docs is not None and sentence.passage.doc_id not in question.body_docs:
            continue  # a document that never names the asked body speaks of others
        if _another_area(question, sentence.text) or _another_whole(question, sentence.text):
            continue  # 「广州科学城…超1000家」 is not 知识城's figure, 「全区…」 not 全市's
        if _district_plan_for_city(question, sentence):
            continue  # the district plan's 2025 targets are not the city's
        if _city_for_wider_whole(question, sentence.text):
            continue  # 「全市现有…近80家，居全省第一」 is no count of the province's
        if _stated_figure_unwritten(question, sentence.text):
            continue  # 「科技创新指数稳居…第一」 is no rank of the 125件 the question states
        if _in_another_years_part(question, sentence):
            continue  # the 2018 review's 「提高至45%」 is no target of the 2019 plan
        if _member_of_series(question, sentence.text):
            continue  # 「汽车、集成电路、人工智能等…经费达2900万元」 is no one field's
        if _item_of_another(question, sentence):
            continue  # 「——中科院自动化所…研究院。依托…」 is about that institute
        if question.names:
            passage = sentence.passage
            if id(passage) not in about:
                about[id(passage)] = _about(passage, question.names)
            if not about[id(passage)]:
                continue  # a passage about another place or name cannot answer for this one
        seen.add(key)
        picked.append(sentence)
        if len(picked) == CANDIDATES:
            break
    texts = [" ".join(s.text.split())[:SIMILARITY_CHARS] for s in picked]
    # The focus, not the framing, is what the sentence must mean: framings keep the same score.
    asked = (question.core or question.text)[:SIMILARITY_CHARS]
    sims = similarity(asked, texts) if similarity and texts else [0.0] * len(texts)
    weighed = []
    for sentence, sim in zip(picked, sims, strict=True):
        features = features_of(question, sentence, sim)
        weighed.append(Candidate(sentence, features, model.probability(features)))
    return _holding_lead(question, weighed)


def _holding_lead(question: Question, weighed: list[Candidate]) -> list[Candidate]:
    """A lead holding nothing of the asked type gives way to a later candidate about as much
    about the question that holds one, for the asked year, next to the asked attribute: a
    lead-in (「“十三五”期间，…深入实施创新驱动发展战略」) shares the question's words, the
    sentences after it state the figures. A later sentence that shares fewer of the question's
    words may still mean more nearly what it asks (higher similarity): 「二是研发投入强度有待
    提高」 shares the words, 「全市研发经费投入881.72亿元，占GDP比重达到3.12%」 the meaning.
    So does a lead of another year (a 2025 target for
    「截至2020年」) to one that writes the asked year out (a table row's 2020年完成值)."""
    if not weighed:
        return weighed
    lead = weighed[0].features
    if lead["type_match"] and lead["year"]:
        return weighed
    asked_years = question.years | question.as_of
    for n, candidate in enumerate(weighed[1:], start=1):
        f = candidate.features
        if (
            f["focus"] < _HOLDING_FOCUS * lead["focus"]
            and f["body"] < lead["body"]
            and f["similarity"] <= lead["similarity"]
            and not _in_item_titled_by(weighed[0].sentence, candidate.sentence)
        ):
            continue  # a figure of a sentence about something else (its own words say less)
        # a period asked (十三五) is stated by its paragraph or by the plan's review of it
        period = bool(_asked_periods(question)) and f["year"] == 1.0
        written = asked_years & years_in(candidate.sentence.text) or period
        if lead["type_match"] and not written:
            continue  # a year only its document covers does not outweigh the lead's type
        if f["type_match"] == 1.0 and f["year"] == 1.0 and f["attribute"] >= _HOLDING_ATTRIBUTE:
            return [candidate, *weighed[:n], *weighed[n + 1 :]]
    return weighed


# 「截至2022年底，」: the cut-off a sentence dates its own figure by.
_OWN_CUT_OFF = re.compile(r"(?:截至|截止到?)\s*((?:19|20)\d{2})\s*年")


def _holds_as_of(sentence: Sentence, question: Question) -> bool:
    """A figure asked 「截至2019年底」 is one the sentence dates then, or one its document
    states when it was written or reports on: a 2023 report's total is not 2019's."""
    written = {int(y) for y in _OWN_CUT_OFF.findall(sentence.text)}
    if written and max(written) < min(question.as_of):
        return False  # 「截至2022年底，…1万余人」 is 2022's count, not 2023's
    published = years_in(sentence.passage.document.date[:4])
    return bool(question.as_of & published) or _states_year(
        sentence, question, question.as_of, cut_off=True
    )


def _asked_periods(question: Question) -> list[str]:
    """The five-year plan periods the question asks about: in its focus, or in a cut-off
    framing (「截至“十三五”期末，」), not in a cited title (《…“十四五”规划》)."""
    core = question.core or question.text
    cut_off = [f for f in question.framing if CUT_OFF.match(f)]
    return [*periods_asked(core), *PLAN_PERIOD.findall(" ".join(cut_off))]


def _period_around(sentence: Sentence, question: Question) -> bool:
    """The five-year plan period the question names (十三五) stands in the sentence, its
    section or before it in its passage: a paragraph names its period once (「“十三五”期间，
    ……」) and lists what was done."""
    plans = _asked_periods(question)
    around = sentence.text + sentence.passage.section + sentence.passage.text[: sentence.start]
    return any(plan in around for plan in plans)


def _states_year(
    sentence: Sentence, question: Question, years: frozenset[int], cut_off: bool = False
) -> bool:
    """The sentence or its section names the year (or the five-year plan the question names),
    or its document reports on that year.

    A document's whole period is not enough: a plan for 2021–2025 states no 2023 figures.
    A sentence that writes years of its own is dated by them, unless the years are a cut-off
    (「截至2021年，」): a figure its 2021 report gives for 2020 still stood then.
    """
    if _period_around(sentence, question):
        return True
    plans = _asked_periods(question)
    if plans and _reviews_plan_before(sentence.passage, years):
        return True
    # 「共1130家,数量较2015年翻一番」 states no 2015 figure, unless 2015 is asked as a base too.
    based = _compared_years(sentence.text) - _compared_years(question.core or question.text)
    # 「自2015年起已举办6届」 counts from 2015 up to when its document was written.
    since = {int(y) for y in _SINCE_YEAR.findall(sentence.text)}
    if since and _ONE_YEARS_WHOLE.search(question.core or question.text):
        return False  # a running total is no year's own (「2021年全年…」)
    named = explicit_years(sentence.text) - based - (since - years)
    for heading in sentence.passage.section.split(" > "):
        if len(explicit_years(heading)) == 1:  # "2018 年工作总结和 2019 年工作安排" is the title
            named |= explicit_years(heading)
    if years & named:
        return True
    if named and not cut_off:  # 「自2020年9月揭牌以来…」: its 2021 report's year is not its own
        return False
    # A plan's review looks back: the 2021–2025 plan's year (2025) is not what it reports.
    return sentence.passage.document.year in years and not _in_plan_review(sentence.passage)


def _in_plan_review(passage: Passage) -> bool:
    """The opening part of a plan (「发展回顾」「发展基础」), which reports on the period
    before the plan's own."""
    return passage.document.doc_type == "plan" and bool(_REVIEW_SECTION.search(passage.section))


def _reviews_plan_before(passage: Passage, years: frozenset[int]) -> bool:
    """A five-year plan opens with a review of the plan period before its own: in the
    2021–2025 plan, that part reports on 十三五 (2016–2020) as a whole. One part of a
    multi-part question may ask about that period (「“十三五”末排第几？到2025年的目标是什么？」)."""
    record = passage.document
    own = period_years(record.period, record.year or None)
    return bool(own) and min(own) - 1 in years and _in_plan_review(passage)


def explicit_years(text: str) -> set[int]:
    """Years written out (2018年), not those a plan name implies (十四五 -> 2021..2025)."""
    return years_in(PLAN_PERIOD.sub("", text))


# 自2015年起, 从2016年开始, 自2020年9月份揭牌成立以来: the start of a running total.
_SINCE_YEAR = re.compile(r"(?:自|从)\s*((?:19|20)\d{2})\s*年[^，,。；;]{0,12}?(?:起|以来|开始)")
# 2021年全年, 当年, 年度, 2021年这一年: one year's own figure is asked.
_ONE_YEARS_WHOLE = re.compile(r"\d{4}\s*年\s*(?:这|那|整)?\s*(?:全年|一年|一整年|当年|年度)")

# 较2015年, 比2019年底, 跟2017年相比: the base of a comparison.
_COMPARED_YEAR = re.compile(r"(?:较|比|同比|与|和|跟|相比)\s*((?:19|20)\d{2})\s*年")


def _compared_years(text: str) -> set[int]:
    return {int(y) for y in _COMPARED_YEAR.findall(text)}


def _select(question: Question, lead: Sentence, sentences: list[Sentence]) -> list[Sentence]:
    """The lead, then sentences near its score that cover the focus; never headings.

    Figure questions take other documents' best figure sentences first, so that different
    years' values are all shown.
    """
    limit = _MAX_LINES[question.kind]
    # A list or measures gathers sentences that each name only part of the focus.
    support = _SUPPORT_SHARE / 2 if question.kind in ("list", "measure") else _SUPPORT_SHARE
    floor = lead.score * (0.55 if question.kind == "measure" else 0.7)
    chosen: list[Sentence] = [lead]
    seen = {compact(lead.text)}
    pool = [
        s
        for s in sentences
        if s is not lead
        and not s.heading
        and s.score >= floor
        and s.coverage >= support * lead.coverage
    ]
    if question.kind == "figure":
        docs = {lead.passage.doc_id}
        others = []
        for sentence in pool:
            if sentence.evidence.spans and sentence.passage.doc_id not in docs:
                docs.add(sentence.passage.doc_id)
                others.append(sentence)
        pool = others + [s for s in pool if s not in others]
    items = _enumeration_after(lead, sentences) if question.kind in ("list", "measure") else []
    for sentence in items + pool:
        if len(chosen) >= limit:
            break
        key = compact(sentence.text)
        if key in seen or any(key in other or other in key for other in seen):
            continue
        seen.add(key)
        chosen.append(sentence)
    # each later part's sentence follows the lead, in the order the parts are asked
    chosen[1:1] = [p for p in _parts_unanswered(question, chosen[:1], sentences) if p not in chosen]
    # An enumeration's items stay right after the sentence that opens it, in their order.
    listed = [s for s in chosen if s in items]
    ordered = _order(question, [s for s in chosen if s not in listed])
    at = ordered.index(lead) + 1
    return ordered[:at] + listed + ordered[at:]


def _parts_unanswered(
    question: Question, chosen: list[Sentence], sentences: list[Sentence]
) -> list[Sentence]:
    """For each later part of a multi-part question (「……有多少位院士？这些工作站一共引进
    了多少人才？」) that no chosen sentence answers, the best sentence of the lead's document
    that holds a figure by that part's attribute (「工作站共引入人才500余名」)."""
    if not question.part_attributes or not chosen:
        return []
    doc = chosen[0].passage.doc_id
    first = replace(question, part_attributes=())
    found: list[Sentence] = []
    for terms in question.part_attributes:
        part = replace(question, attribute_terms=terms, part_attributes=())
        if any(_answers_part(first, part, s) for s in chosen + found):
            continue
        found += [
            s
            for s in sentences
            if s.passage.doc_id == doc and not s.heading and _answers_part(first, part, s)
        ][:1]
    return found


# 「到2018年…」「截至2018年底…」: as of a year, not that year's own figure.
_AS_OF_PART = re.compile(r"(?:到|截至|截止到?)\s*(?:19|20)\d{2}\s*年(?:底|末)?")
_SUBSET = re.compile(
    r"^\s*(?:其中|这其中|当中|这当中|这里面|这里头|里面|里头|这些[^，,]{0,6}?[中里])"
)


def _later_part_unstated(question: Question, chosen: list[Sentence]) -> str:
    """A later part asks of a year of its own (「2018年…登记了多少项？2017年登记了多少项？」)
    or of a subset (「…？其中博士生有多少？」) that no answering sentence writes: they answer
    the first part alone; the part is returned ('' when every part is answered). (Parts are
    split at 「？」 and 「；」: a clause after a comma often goes on about the same figure.)"""
    parts = asked_parts(question.core or question.text)
    if not parts:
        return ""
    texts = [compact(s.text) for s in chosen]
    written = set().union(*(explicit_years(s.text) for s in chosen))
    first_years = years_in(parts[0])
    first = compact(parts[0])
    for part in parts[1:]:
        own = frozenset(years_in(part) - first_years)
        # 「到2018年备案企业有多少家」: a total as of a year is stated by a report on that year
        if own and not own & written:
            reported = _AS_OF_PART.search(part) and any(
                _covers_year(s.passage, own) for s in chosen
            )
            if not reported:
                return part
        # (the subset is told by words the first part does not say: 海外 in 「这里面海外项目」)
        asked = compact(part)
        # (其中 marks the subset, it does not name it)
        named = [t for t in question.terms if t.text in asked and not _SUBSET.match(t.text)]
        named = [t for t in named if t.text not in first] or named
        if (
            _SUBSET.match(part)
            and named
            and not any(_names_subset(t, x) for t in named for x in texts)
        ):
            return part
    return ""


def _names_subset(term: Term, text: str) -> bool:
    """The text writes the subset's word, or an abbreviation of it (国高企) in full: a full
    spelling at least twice as long (国家高新技术企业). A few more characters make another
    word (博士留学生 is no spelling of 博士生)."""
    return term.text in text or any(
        len(full) >= 2 * len(term.text) and full in text for full in term.spellings
    )


def _another_quantity_said(question: Question, weighed: list[Candidate]) -> str | None:
    """What a refusal says when the best candidates give another money quantity than the one
    asked (销售收入 for 利润): the first such amount, else nothing."""
    for candidate in weighed:
        sentence = candidate.sentence
        region = answer_text(sentence.text, sentence.is_table_row)
        for span in spans_of(region, AMOUNT):
            given = money_quantity_given(question, region, span)
            if given:
                return another_quantity_given(given[0], " ".join(span.text.split()), given[1])
    return None


def _lead_figure(lead: Sentence) -> str:
    """The lead's first typed span on one line, each run of whitespace one space (「12138 项」
    as written), for a refusal that says what is stated; '' when it holds none."""
    spans = lead.evidence.spans
    return " ".join(spans[0].text.split()) if spans else ""


def _compared_year_unwritten(question: Question, chosen: list[Sentence]) -> int:
    """A change asked between two years the question names (「2024年…比2023年多了多少」) is
    answered by a figure of each: the one year no chosen sentence writes, or 0."""
    if question.kind != "figure" or len(question.years) != 2:
        return 0
    if not _CHANGE_BETWEEN.search(question.core or question.text):
        return 0
    written = set().union(*(explicit_years(s.text) for s in chosen))
    missing = question.years - written
    return next(iter(missing)) if len(missing) == 1 else 0


# 「比2023年多了多少」「较2019年增长了多少」: a change from a named year.
_CHANGE_BETWEEN = re.compile(
    r"(?:比|较|相比|和|与|跟)\s*(?:19|20)\d{2}\s*年[^，,？?]{0,8}?"
    r"(?:多|少|增|减|涨|降|提高|上升|下降)[^，,？?]{0,3}?(?:多少|几)"
)


def _answers_part(first: Question, part: Question, sentence: Sentence) -> bool:
    """The sentence holds a figure by the part's attribute other than the first part's
    (「已引进24名两院院士…创建院士专家工作站」 counts 院士, not the 人才 工作站 brought in)."""
    evidence = typed_evidence(part, sentence.text, sentence.is_table_row)
    if not evidence.spans or evidence.attribute <= 0:
        return False
    taken = typed_evidence(first, sentence.text, sentence.is_table_row).spans
    return any(span not in taken for span in evidence.spans)


def _read_on(
    question: Question, lead: Sentence, outline: Mapping[str, list[Chunk]] | None
) -> list[Sentence]:
    """The next chunk's sentences when the lead opens an enumeration its chunk cuts off.

    The items name their own parts, not the asked entity (「建立运营平台……」), so that chunk
    is often not retrieved at all."""
    if outline is None or question.kind not in ("list", "measure") or not _opens_series(lead):
        return []
    if lead.passage.text[lead.end :].strip():
        return []  # the items, if any, are in the lead's own passage
    ordinal = lead.passage.chunk.ordinal + 1
    following = [c for c in outline.get(lead.passage.doc_id, []) if c.ordinal == ordinal]
    passages = [Passage(c, lead.passage.document, 0.0, {}, c.text) for c in following]
    return score_sentences(question, passages, outline)


def _opens_series(lead: Sentence) -> bool:
    """「建设……“三大平台”：建立发布平台……；」: a colon before it and a semicolon at its end."""
    return lead.text.rstrip().endswith(("；", ";")) and (
        "：" in lead.text + lead.passage.text[max(0, lead.start - 40) : lead.start]
    )


def _enumeration_after(lead: Sentence, sentences: list[Sentence]) -> list[Sentence]:
    """The items that continue an enumeration the lead opens: 「建设……“三大平台”：建立发布
    平台……；」 is followed by 「建立运营平台……；」 and 「建立赋能平台……。」 in its passage.
    Each item names its own part and little of the question, so ranking alone drops them.
    Chunks overlap, so when the lead ends its chunk the items are read from the next chunk,
    which repeats the lead."""
    if not _opens_series(lead):
        return []
    key = compact(lead.text)
    repeats = [
        s for s in sentences if s.passage.doc_id == lead.passage.doc_id and compact(s.text) == key
    ]
    return max((_items_after(s, sentences) for s in [lead, *repeats]), key=len)


def _items_after(opening: Sentence, sentences: list[Sentence]) -> list[Sentence]:
    """The sentences after `opening` in its passage, up to the first that ends the series."""
    following = sorted(
        (s for s in sentences if s.passage is opening.passage and s.start >= opening.end),
        key=lambda s: s.start,
    )
    items: list[Sentence] = []
    for sentence in following:
        items.append(sentence)
        if not sentence.text.rstrip().endswith(("；", ";")):
            break  # the enumeration ends with its sentence
    return items


def _order(question: Question, chosen: list[Sentence]) -> list[Sentence]:
    """The lead first (the direct answer is read from it); then a named year's document, or
    else others by document year, and the lead's own passage in reading order (an
    enumeration stays in its order)."""
    lead = chosen[0]
    if question.years:
        return [
            lead,
            *sorted(chosen[1:], key=lambda s: not _covers_year(s.passage, question.years)),
        ]

    def place(s: Sentence) -> tuple[int, bool, float]:
        own = s.passage is lead.passage
        return (s.passage.document.year or 0, not own, s.start if own else -s.score)

    return chosen[:1] + sorted(chosen[1:], key=place)


def refusal(
    question: Question,
    sentences: list[Sentence],
    lead: Candidate | None = None,
    said: str | None = None,
) -> Extract:
    """「没有找到」 (or what the documents do state: `said` when the caller knows) plus up to
    three closest passages."""
    closest: list[Sentence] = []
    for sentence in ([lead.sentence] if lead else []) + sentences:
        if len(closest) == 3:
            break
        if not sentence.heading and all(  # (overlapping chunks repeat a sentence)
            sentence.passage.chunk.id != c.passage.chunk.id and sentence.text != c.text
            for c in closest
        ):
            closest.append(sentence)
    text, quotes = refusal_text(question, lead, closest, said)
    return Extract(text, quotes, True, ())


def extract_answer(
    question: Question,
    passages: list[Passage],
    similarity: Similarity | None = None,
    model: AnswerabilityModel | None = None,
    outline: Mapping[str, list[Chunk]] | None = None,
) -> Extract:
    """Quote the answering sentences with a direct answer first, or refuse.

    `outline` (chunks by document) lets a heading that is asked about be answered by its
    children.
    """
    sentences = score_sentences(question, passages, outline)
    if not sentences or not question.terms or question.unknown_names:
        return refusal(question, sentences)
    if not any(_names_a_term(question, s.passage) for s in sentences[:CANDIDATES]):
        return refusal(question, sentences)  # nothing retrieved names anything asked
    children = heading_children(question, passages, outline) if outline else []
    if children:
        text, quotes = render_items(children)
        return Extract(text, quotes, False, ())
    model = model or load_model()
    if question.names and not any(_about(s.passage, question.names) for s in sentences[:10]):
        return refusal(question, sentences)  # the passages are about somewhere or something else
    weighed = weigh_candidates(question, [s for s in sentences if not s.heading], similarity, model)
    if not weighed or weighed[0].probability < model.threshold:
        said = _another_quantity_said(question, weighed)
        return refusal(question, sentences, weighed[0] if weighed else None, said)
    lead = weighed[0].sentence
    chosen = _select(question, lead, sentences + _read_on(question, lead, outline))
    unstated = ""
    if question.kind == "figure":  # the level is stated, not the change; or a later year
        unstated = change_unanswered(question, [s.text for s in chosen])
        unstated = unstated or _later_part_unstated(question, chosen)
    if unstated:  # the first part alone is answered: say so, and what it is
        said = later_part_left_open(_lead_figure(lead), unstated)
        return refusal(question, sentences, weighed[0], said)
    if _per_unit_unwritten(question, lead.text):  # 「…收入达19.79亿元」 is all of them together
        said = total_not_per_unit(_lead_figure(lead))
        return refusal(question, sentences, weighed[0], said)
    missing = _compared_year_unwritten(question, chosen)
    if missing:  # 「2024年…比2023年多了多少」 with 2024's figure alone
        (year,) = question.years - {missing}
        said = compared_year_left_open(_lead_figure(lead), year, missing)
        return refusal(question, sentences, weighed[0], said)
    text, quotes, direct = render_answer(question, chosen)
    return Extract(text, quotes, False, (), direct)
