"""Metamorphic variants of eval items: framings, rephrasings, attribute swaps, follow-ups.

A question set written alongside the code rewards tuning; variants test whether an answer
survives the ways people really ask. Three relations, each generated from existing items
so no reference answer is ever invented:

- a *framing* (「据《…》，」「截至2023年6月，」「，文件里怎么说？」) must not change the answer;
  every frame states something true of the item's source (data/corpus/catalog.json);
- a *rephrasing* (是多少 -> 为多少, a closing 呢, 「请问，」, the topic put in front; the rules
  are in :mod:`evals.rephrasing`) keeps the meaning and must not change the answer either;
- an *attribute swap* asks the same entity for an attribute the documents do not give
  (a count -> the money spent, a rank -> a score, 2025 -> 2030); the answer must be a
  refusal. A swap is kept only when a corpus check shows no sentence that mentions the
  entity carries a span of the swapped type;
- a *follow-up pair* joins two items of one source about the same indicator or entity:
  the second is asked elliptically (「那2025年的目标呢？」, 「它…」) after the first.

Everything is deterministic: limits sample with a seeded RNG keyed by the item id.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import jieba

from assistant.framing import split_framing
from evals.dataset import EvalItem, normalize_for_match
from evals.rephrasing import RULES, rephrasings

CORPUS_DIR = Path(__file__).resolve().parents[1] / "data" / "corpus"
SEED = 20261130

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
#: Words that place a question in time on their own: a time frame would clash with them.
_TIME_WORDS = re.compile(
    r"十三五|十四五|过去|目前|现在|眼下|如今|最近|近几年|这几年|历年|以来|下一步|接下来|"
    r"未来|展望|计划|打算|准备|目标|前后|从.+到"
)
_END = re.compile(r"[？?。！!\s]+$")
#: A question that already opens with a frame gets no second one in front.
_OPENS_WITH_FRAME = re.compile(r"^(?:据|根据|按照|依据|截至|作为|从[^，]{1,20}来看)")


# --- the catalog -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFacts:
    """What the catalog says about one document, in the shape frames need."""

    doc_id: str
    title: str
    publisher: str
    date: str
    year: int
    doc_type: str

    @property
    def publisher_name(self) -> str | None:
        """The publisher without its parenthetical byline; None when the text is unsigned."""
        name = re.sub(r"[（(].*?[）)]", "", self.publisher).strip()
        return None if not name or name.startswith("未署名") else name

    @property
    def as_of(self) -> str | None:
        """「截至…」 true of every statement in the document, or None for a plan.

        A dated document speaks as of its month; one dated by year only reports on its
        catalog year as a finished year. A plan mixes baseline values and targets, so no
        single cut-off is true of all its figures.
        """
        if self.doc_type == "plan":
            return None
        match = re.fullmatch(r"(\d{4})-(\d{2})-\d{2}", self.date)
        if match:
            return f"截至{match[1]}年{int(match[2])}月"
        return f"截至{self.year}年底"

    @property
    def kind_noun(self) -> str:
        return {"plan": "规划", "news": "报道"}.get(self.doc_type, "材料")


@cache
def catalog(corpus_dir: Path = CORPUS_DIR) -> dict[str, SourceFacts]:
    """The bundled catalog as :class:`SourceFacts` per document id."""
    raw = json.loads((corpus_dir / "catalog.json").read_text(encoding="utf-8"))["documents"]
    return {
        doc_id: SourceFacts(
            doc_id,
            meta["title"],
            meta["publisher"],
            str(meta["date"]),
            int(meta["year"]),
            meta["doc_type"],
        )
        for doc_id, meta in raw.items()
    }


# --- framing ---------------------------------------------------------------------------------


def _core(question: str) -> str:
    """The question without its closing punctuation (a frame adds its own ？)."""
    return _END.sub("", question.strip())


def _has_own_time(question: str) -> bool:
    return bool(_YEAR.search(question) or _TIME_WORDS.search(question))


def frames_for(item: EvalItem) -> list[tuple[str, str]]:
    """(prefix, suffix) pairs true of ``item``'s source, in a fixed order.

    Source frames (title, publisher, cut-off date) only for single-document items whose
    question does not open with a frame already; time frames only when the question
    carries no time of its own, so none can contradict it.
    """
    frames: list[tuple[str, str]] = []
    facts = catalog().get(item.sources[0]) if len(item.sources) == 1 else None
    if facts and not _OPENS_WITH_FRAME.match(item.question):
        frames.append((f"据《{facts.title}》，", ""))
        if facts.publisher_name:
            verb = "的报道" if facts.doc_type == "news" else "发布的材料"
            frames.append((f"根据{facts.publisher_name}{verb}，", ""))
        if facts.as_of and not _has_own_time(item.question):
            frames.append((f"{facts.as_of}，", ""))
            if "月" not in facts.as_of and item.type == "figure":
                frames.append((f"从{facts.year}年的情况来看，", ""))
    frames.append(("", "（请注明出处）"))
    frames.append(("", "，文件里怎么说"))
    if facts:
        frames.append(("", f"，{facts.kind_noun}里是怎么写的"))
    return frames


def frame_question(question: str, prefix: str, suffix: str) -> str:
    """Join a frame to a question: the prefix before it, the suffix before its final ？."""
    return f"{prefix}{_core(question)}{suffix}？"


def framing_variants(item: EvalItem, limit: int | None = None, seed: int = SEED) -> list[EvalItem]:
    """The same answerable question in source/time frames; same expected answer.

    ``limit`` keeps a seeded sample of at most that many (ids keep their frame number).
    """
    if not item.answerable:
        return []
    variants = [
        replace(
            item,
            id=f"{item.id}~frame{n}",
            question=frame_question(item.question, prefix, suffix),
            paraphrased=True,
            style="framed",
            line_no=0,
        )
        for n, (prefix, suffix) in enumerate(frames_for(item), start=1)
    ]
    return _sample(variants, limit, f"{seed}:frame:{item.id}")


def rephrasing_variants(
    item: EvalItem, limit: int | None = None, seed: int = SEED
) -> list[EvalItem]:
    """The same answerable question in everyday rewordings; same expected answer.

    One variant per rule that applies (id ``~reph<n>``, n = the rule's place in
    :data:`evals.rephrasing.RULES`); ``limit`` keeps a seeded sample of at most that many.
    """
    if not item.answerable:
        return []
    variants = [
        replace(
            item,
            id=f"{item.id}~reph{number}",
            question=question,
            paraphrased=True,
            style="rephrased",
            line_no=0,
        )
        for number, _rule, question in rephrasings(item.question, item.must_contain)
    ]
    return _sample(variants, limit, f"{seed}:reph:{item.id}")


def rephrasing_rule(variant_id: str) -> str:
    """The name of the rule that made a ``~reph<n>`` variant ("" for any other id)."""
    _, _, tail = variant_id.rpartition("~reph")
    return RULES[int(tail) - 1].name if tail.isdigit() else ""


def all_rephrasings(
    items: Sequence[EvalItem], per_item: int | None = None, seed: int = SEED
) -> list[EvalItem]:
    """Rephrasings of every item, each sampled to ``per_item``; a question the set already
    has is not asked twice."""
    seen = {normalize_for_match(item.question) for item in items}
    return [v for item in items for v in _unseen(rephrasing_variants(item, per_item, seed), seen)]


def _unseen(variants: Sequence[EvalItem], seen: set[str]) -> list[EvalItem]:
    """The variants whose question is not in ``seen`` yet; they are added to it."""
    kept: list[EvalItem] = []
    for variant in variants:
        key = normalize_for_match(variant.question)
        if key not in seen:
            seen.add(key)
            kept.append(variant)
    return kept


def _sample(variants: list[EvalItem], limit: int | None, key: str) -> list[EvalItem]:
    if limit is None or len(variants) <= limit:
        return variants
    chosen = set(random.Random(key).sample(range(len(variants)), limit))
    return [v for i, v in enumerate(variants) if i in chosen]


# --- the corpus check for attribute swaps ----------------------------------------------------

#: Too common to mark a sentence as being about an entity.
_GENERIC = frozenset(
    [
        "广州",
        "广州市",
        "黄埔区",
        "广州开发区",
        "全市",
        "全区",
        "全省",
        "我市",
        "我区",
        "广东",
        "广东省",
        "企业",
        "机构",
        "项目",
        "平台",
        "数量",
        "情况",
        "多少",
        "什么",
        "哪些",
        "哪家",
        "哪个",
        "一共",
        "总共",
        "现在",
        "目前",
        "达到",
        "已经",
        "建设",
        "发展",
        "科技",
        "创新",
        "国家",
        "国家级",
        "省级",
        "市级",
        "工作",
        "单位",
        "我们",
        "这个",
        "他们",
        "全国",
        "全球",
        "规模",
        "有关",
        "相关",
    ]
)
_SENTENCE_END = re.compile(r"[。！？；!?;]")


@cache
def corpus_sentences(corpus_dir: Path = CORPUS_DIR) -> tuple[str, ...]:
    """Every sentence of every catalogued document, normalised for matching.

    Whitespace is removed before splitting, so a PDF-broken sentence is whole again and a
    table's one-cell-per-line run becomes one long "sentence": both err towards finding
    a span, which only ever drops a swap.
    """
    sentences: list[str] = []
    for doc_id in sorted(catalog(corpus_dir)):
        text = normalize_for_match((corpus_dir / doc_id).read_text(encoding="utf-8"))
        sentences += [s for s in _SENTENCE_END.split(text) if s]
    return tuple(sentences)


@cache
def _tokenizer() -> jieba.Tokenizer:
    return jieba.Tokenizer()


def entity_terms(phrase: str) -> tuple[str, ...]:
    """Content words of an entity phrase (years, places and generic words dropped)."""
    text = _YEAR.sub("", normalize_for_match(phrase))
    words = _tokenizer().lcut(re.sub(r"[^\w]", " ", text))
    return tuple(dict.fromkeys(w for w in words if len(w) >= 2 and w not in _GENERIC))


def mentions(phrase: str, corpus: Sequence[str]) -> list[str]:
    """Sentences naming any content word of ``phrase``: wide on purpose (conservative)."""
    terms = [normalize_for_match(t) for t in entity_terms(phrase)]
    return [s for s in corpus if any(t in s for t in terms)]


def unanswerable_in(phrase: str, span: re.Pattern[str], corpus: Sequence[str]) -> bool:
    """True when the corpus names the entity and no sentence naming it holds ``span``."""
    if not entity_terms(phrase):
        return False
    about = mentions(phrase, corpus)
    return bool(about) and not any(span.search(s) for s in about)


# --- attribute swaps -------------------------------------------------------------------------

_MONEY = re.compile(r"\d[\d.,]*(?:多|余)?(?:万|亿)?元|资金|投入|经费")
_SCORE = re.compile(r"\d+(?:\.\d+)?分|得分|分值|评分|分数")
_PERSON = re.compile(
    r"负责人|院长|主任|董事长|总经理|理事长|秘书长|会长|所长|局长|书记|总师|首席|主席|总裁|副总"
)
_CAPITAL = re.compile(r"注册资本|注册资金|资本金|\d[\d.,]*(?:万|亿)?元")
_FOUNDED = re.compile(r"(?:19|20)\d{2}年|成立|创立|组建|设立|揭牌|注册|落户|建成")
_TARGET_2030 = re.compile(r"2030")
_YEARS_RUN = re.compile(r"连续[一二两三四五六七八九十\d]+年|连年")
_ASKS_FIGURE = re.compile(r"多少|几[家个项位名件人所]|第几")
_GROWTH = re.compile(r"\d[\d.]*\s*[%％]|增长率|增幅|增速")
#: Who heads an organisation, by the kind its name ends in (a 实验室 has a 主任).
_HEAD_BY_SUFFIX = (
    (("实验室", "中心", "工作站"), "主任"),
    (("研究院", "研究所"), "院长"),
    (("公司", "集团"), "董事长"),
    (("联盟", "协会", "学会"), "理事长"),
    (("大学",), "校长"),
)

_ORG_SUFFIX = "研究院|研究所|实验室|中心|联盟|公司|集团|基金|大学|工作站|交易会"
#: A named organisation: no function words, digits or quotes inside (brackets may be, as
#: in 「环港科大(广州)…基金」), at least three characters before its suffix (「运营公司」 is a
#: kind of thing, not a name).
_ORG = re.compile(
    rf"(?:[^\W\d的和与及哪些有在了是由把给向从到对为被其该这那几多少各家个要将已现进入等]|[()（）]){{3,24}}?"
    rf"(?:{_ORG_SUFFIX})"
)
_COUNT_END = re.compile(
    r"^(?P<subj>[^，,？?]+?)(?:现在|目前|一共|共|总共|累计)?(?:要)?(?:有|达到|扩充到|发展到|集聚了|拥有)?"
    r"(?:了)?多少(?:家|个|项|名|位)(?:了)?$"
)
_RANK_END = re.compile(
    r"^(?P<subj>[^，,？?]+?)(?:全球|全国|全省)?(?:排名|排|位列|位居)第几(?:位)?$"
)
#: A kind of organisation (「省级重点实验室」), not one organisation: it has no 负责人.
_ORG_KIND = re.compile(r"省级|市级|区级|国家级|高水平|重点|博士后|全球|各类|企业")
_ORG_ASKED = re.compile(r"哪家|哪个单位|哪一家|由谁|是谁牵头|谁研制")


@dataclass(frozen=True)
class Swap:
    """One attribute swap: the new question and what the documents give instead."""

    question: str
    absent: str  # the swapped attribute, for the refusal's explanation
    stated: str  # what kind of answer the documents give ("" = the item's own answer)
    subject: str  # the entity whose mentions are checked
    span: re.Pattern[str]  # a span of the swapped type


def _count_swap(item: EvalItem, core: str) -> Swap | None:
    match = _COUNT_END.match(core)
    if not match or len(item.must_contain) != 1:
        return None
    subj = match["subj"]
    return Swap(f"{subj}累计获得了多少亿元资金投入？", "资金投入金额", "数量", subj, _MONEY)


def _growth_swap(item: EvalItem, core: str) -> Swap | None:
    """A count asked as a growth rate: 「……有多少家」 -> 「……比上年增长了百分之多少」."""
    match = _COUNT_END.match(core)
    if not match or len(item.must_contain) != 1:
        return None
    subj = match["subj"]
    return Swap(f"{subj}比上年增长了百分之多少？", "增长率", "数量", subj, _GROWTH)


def _rank_swap(item: EvalItem, core: str) -> Swap | None:
    match = _RANK_END.match(core)
    if not match:
        return None
    subj = match["subj"]
    joiner = "中的" if "在" in subj and not subj.endswith("中") else "的"
    return Swap(f"{subj}{joiner}得分是多少？", "得分", "排名", subj, _SCORE)


def _target_swap(item: EvalItem, core: str) -> Swap | None:
    years = set(_YEAR.findall(core))
    if years != {"2025"} or "十三五" in core:
        return None
    subject = _YEAR.sub("", core)
    return Swap(
        f"{core.replace('2025', '2030')}？", "2030年目标", "2025年的目标", subject, _TARGET_2030
    )


def _year_swap(item: EvalItem, core: str) -> Swap | None:
    """A figure asked for a year two years earlier than the one the item asks about: the
    documents report some years and not others (「2023年黄埔区技术合同成交额是多少」)."""
    framing = split_framing(core).framing
    years = set(_YEAR.findall(core))
    if framing or len(years) != 1 or "十三五" in core or "十四五" in core:
        return None  # a framing's year dates the source, not the figure
    year = years.pop()
    if year == "2025" or not _ASKS_FIGURE.search(core):
        return None
    earlier = str(int(year) - 2)
    subject = _YEAR.sub("", core)
    question = f"{_YEAR.sub(earlier + '年', core, count=1)}？"
    # a run of years written after the entity (「…在全球创新指数排名连续三年位居第2位」) may
    # cover the earlier year without writing it
    terms = "|".join(re.escape(normalize_for_match(t)) for t in entity_terms(subject))
    run = rf"|(?:{terms})[^。；，,]{{0,8}}(?:{_YEARS_RUN.pattern})" if terms else ""
    covered = re.compile(rf"{earlier}{run}")
    return Swap(question, f"{earlier}年的数值", f"{year}年的数值", subject, covered)


def _organisations(item: EvalItem) -> list[str]:
    """Named organisations the question asks about, or that an entity answer names.

    Only names the corpus spells the same way: a regex match that is not a real name
    (a phrase cut at the wrong place) is not in any document.
    """
    names = [m.group(0) for m in _ORG.finditer(item.question)]
    if item.type == "entity" and _ORG_ASKED.search(item.question):
        names += [m for m in item.must_contain if _ORG.fullmatch(m)]
    corpus = "".join(corpus_sentences())
    return [
        name
        for name in dict.fromkeys(names)
        if not _ORG_KIND.search(name) and normalize_for_match(name) in corpus
    ]


def _organisation_swaps(item: EvalItem) -> list[Swap]:
    swaps: list[Swap] = []
    for org in _organisations(item):
        head = next((role for ends, role in _HEAD_BY_SUFFIX if org.endswith(ends)), "负责人")
        swaps.append(Swap(f"{org}的{head}是谁？", head, "", org, _PERSON))
        if org.endswith(("公司", "集团")):
            swaps.append(Swap(f"{org}的注册资本是多少？", "注册资本", "", org, _CAPITAL))
        swaps.append(Swap(f"{org}是哪一年成立的？", "成立时间", "", org, _FOUNDED))
    return swaps


_SWAPPERS: tuple[Callable[[EvalItem, str], Swap | None], ...] = (
    _count_swap,
    _growth_swap,
    _rank_swap,
    _target_swap,
    _year_swap,
)


def candidate_swaps(item: EvalItem) -> list[Swap]:
    """Every swap the question's shape allows, before the corpus check."""
    core = _core(item.question)
    swaps = [swap for swapper in _SWAPPERS if (swap := swapper(item, core))]
    return swaps + _organisation_swaps(item)


def _refusal_answer(item: EvalItem, swap: Swap) -> str:
    """What a good refusal says: what is stated, and that the asked attribute is not."""
    if swap.stated:
        return (
            f"文档只给出了{swap.stated}（{'、'.join(item.must_contain)}），没有给出{swap.absent}。"
        )
    return f"文档提到{swap.subject}（{item.answer.rstrip('。')}），但没有给出其{swap.absent}。"


def attribute_swap_variants(
    item: EvalItem,
    limit: int | None = None,
    seed: int = SEED,
    corpus: Sequence[str] | None = None,
) -> list[EvalItem]:
    """Unanswerable variants of an answerable item, each verified against the corpus.

    Each verified swap is asked plain and once more in a source frame (a seeded choice
    among the frames true of the item's source): a frame must not talk the assistant into
    answering what the documents do not give.
    """
    if not item.answerable:
        return []
    sentences = corpus if corpus is not None else corpus_sentences()
    questions: list[tuple[str, Swap]] = []
    for swap in candidate_swaps(item):
        if swap.question == item.question or not unanswerable_in(
            swap.subject, swap.span, sentences
        ):
            continue
        questions.append((swap.question, swap))
        prefixes = [p for p, _ in frames_for(replace(item, question=swap.question)) if p]
        if prefixes:
            prefix = random.Random(f"{seed}:swapframe:{swap.question}").choice(prefixes)
            questions.append((frame_question(swap.question, prefix, ""), swap))
    variants = [
        EvalItem(
            id=f"{item.id}~swap{n}",
            question=question,
            answer=_refusal_answer(item, swap),
            must_contain=(),
            sources=(),
            evidences=(),
            type="unanswerable",
            difficulty=item.difficulty,
            paraphrased=True,
            style="attribute_swap",
        )
        for n, (question, swap) in enumerate(questions, start=1)
    ]
    return _sample(variants, limit, f"{seed}:swap:{item.id}")


# --- follow-up pairs -------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpCase:
    """A first question, then an elliptical follow-up whose answer an existing item gives."""

    id: str
    kind: str  # "year" | "pronoun" | "scope"
    history_question: str
    follow_up: str
    must_contain: tuple[str, ...]
    first_id: str
    expected_id: str


_PLACES = ("广州开发区", "黄埔区", "广州市", "广州", "全市", "全省")
_PRONOUN_TARGET = re.compile(rf"({_ORG_SUFFIX})$")


def _single_year(item: EvalItem) -> str | None:
    years = set(_YEAR.findall(item.question))
    if "十四五" in item.question and "末" in item.question:
        years.add("2025")
    if "十三五" in item.question and "末" in item.question:
        years.add("2020")
    return next(iter(years)) if len(years) == 1 else None


def _year_case(first: EvalItem, second: EvalItem) -> str | None:
    """「那2025年的目标呢？」 when both items ask one indicator for different single years."""
    if first.evidences != second.evidences or len(first.sources) != 1:
        return None
    year_a, year_b = _single_year(first), _single_year(second)
    if not year_a or not year_b or year_a == year_b:
        return None
    target = "目标" in second.question or "要" in second.question or "计划" in second.question
    return f"那{year_b}年的目标呢？" if target and year_b > year_a else f"那{year_b}年呢？"


_DEMONSTRATIVE = re.compile(r"(?:这个|这家|这一|这|该|那个|那家|那)$")
#: A connector before a match: the match may be the tail of a longer name (「…通信与网络创新
#: 研究院」 is one institute, not 「网络创新研究院」).
_JOINED = re.compile(r"[与和及]$")
#: An organisation named as part of an event (「…联盟成立大会」): the event is the subject.
_EVENT = re.compile(r"成立大会|大会|会议|论坛|仪式|活动")


def _names_as_subject(question: str, org: str) -> bool:
    """The question is about the organisation itself: not its event (「…联盟成立大会」) and not
    a body whose longer name starts with it (「…交易会项目投融资联盟」 is not the 交易会)."""
    at = question.find(org)
    end = at + len(org)
    return at >= 0 and not _EVENT.match(question, end) and not _ORG.match(question, end)


def _pronoun_case(first: EvalItem, second: EvalItem) -> str | None:
    """「它…？」 when the second question is about an organisation the first one names."""
    if first.sources != second.sources or first.evidences == second.evidences:
        return None
    question = second.question
    for match in _ORG.finditer(question):
        org = match.group(0)
        if not _names_as_subject(first.question, org) or question.count(org) != 1:
            continue
        if _ORG_KIND.search(org):
            continue
        if _JOINED.search(question[: match.start()]):
            return None
        lead = _DEMONSTRATIVE.sub("", question[: match.start()])
        rest = question[match.end() :]
        if not lead:  # (「它，宗旨…」 is no sentence: a subject set off by a comma stays named)
            return None if rest[:1] in "，," else f"它{rest}"
        suffix = _PRONOUN_TARGET.search(org)
        return f"{lead}该{suffix.group(1)}{rest}" if suffix else None
    return None


def _scope_key(question: str) -> tuple[str, str | None]:
    text = _core(question)
    place = next((p for p in _PLACES if p in text), None)
    return (text.replace(place, "", 1) if place else text), place


def _scope_case(first: EvalItem, second: EvalItem) -> str | None:
    """「那黄埔区呢？」 when two questions differ only in their place."""
    key_a, place_a = _scope_key(first.question)
    key_b, place_b = _scope_key(second.question)
    if not place_a or not place_b or place_a == place_b or key_a != key_b:
        return None
    return f"那{place_b}呢？"


_PAIRERS: tuple[tuple[str, Callable[[EvalItem, EvalItem], str | None]], ...] = (
    ("year", _year_case),
    ("pronoun", _pronoun_case),
    ("scope", _scope_case),
)


def follow_up_pairs(items: Sequence[EvalItem]) -> list[FollowUpCase]:
    """Every (first, follow-up) pair the answerable items support, in dataset order."""
    answerable = [item for item in items if item.answerable]
    cases: list[FollowUpCase] = []
    for first in answerable:
        for second in answerable:
            if first.id == second.id:
                continue
            for kind, pairer in _PAIRERS:
                follow_up = pairer(first, second)
                if follow_up:
                    cases.append(
                        FollowUpCase(
                            id=f"{first.id}>{second.id}~{kind}",
                            kind=kind,
                            history_question=first.question,
                            follow_up=follow_up,
                            must_contain=second.must_contain,
                            first_id=first.id,
                            expected_id=second.id,
                        )
                    )
                    break
    return cases


def all_variants(
    items: Sequence[EvalItem],
    frames_per_item: int | None = None,
    swaps_per_item: int | None = None,
    seed: int = SEED,
) -> tuple[list[EvalItem], list[EvalItem]]:
    """(framing variants, attribute swaps) of every item, each sampled to its per-item limit.

    Two items about one entity can yield the same swap, and a swap can repeat a question
    the set already has: each question is kept once.
    """
    seen = {normalize_for_match(item.question) for item in items}
    framed: list[EvalItem] = []
    swapped: list[EvalItem] = []
    for item in items:
        framed += _unseen(framing_variants(item, frames_per_item, seed), seen)
        swapped += _unseen(attribute_swap_variants(item, swaps_per_item, seed), seen)
    return framed, swapped


__all__ = [
    "SEED",
    "FollowUpCase",
    "SourceFacts",
    "all_rephrasings",
    "all_variants",
    "attribute_swap_variants",
    "catalog",
    "corpus_sentences",
    "entity_terms",
    "follow_up_pairs",
    "frame_question",
    "frames_for",
    "framing_variants",
    "rephrasing_rule",
    "rephrasing_variants",
    "unanswerable_in",
]
