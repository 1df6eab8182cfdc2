"""Support measures of a processed document: what government commits to do for whom.

A measure is a sentence in which a body commits to support, fund, reward, build, set up,
relax or simplify something for someone. Headings, statistics and goals use the same words
("2.加快高新技术企业自主创新能力提升。", "高新技术企业占 80%", "到2025年…达2600家"), so
they are recognised by their form first and never become measures. Each measure is tagged
(beneficiaries, industries, support types) from the staff-editable vocabulary in
ingest/data/measure_vocab.json and carries what its text states: amounts, conditions, and
the document's deadlines and contact points. Pure functions, rebuilt with the document.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from ingest.chunking import Chunk
from ingest.figures import find_figures
from ingest.measure_industries import Mention, targeted
from ingest.scopes import document_scope
from ingest.sentences import Span, split_sentences
from ingest.structure import Block

if TYPE_CHECKING:  # annotations only: importing the pipeline (pypdf) costs ~0.4 s
    from ingest.pipeline import ProcessedDocument

VOCAB_FILE = "measure_vocab.json"
# Bump when the rules change, so stored catalogues of unchanged documents are rebuilt.
MEASURE_RULES = "2026-12-01.3"
FACETS = ("beneficiaries", "industries", "support_types")


@dataclass(frozen=True)
class Measure:
    """One support measure; `start`/`end` index the document's cleaned text (`text` verbatim)."""

    doc_id: str
    chunk_id: str
    section: str
    start: int
    end: int
    text: str
    level: str
    period: str
    beneficiaries: tuple[str, ...]
    industries: tuple[str, ...]
    support_types: tuple[str, ...]
    amounts: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    deadlines: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()

    @property
    def measure_id(self) -> str:
        return f"{self.doc_id}:{self.start}"

    def tags(self, facet: str) -> tuple[str, ...]:
        return tuple(getattr(self, facet))


@dataclass(frozen=True)
class Vocabulary:
    """The measure words: cues, and per facet the (word, tag) pairs, longest word first."""

    support_cues: tuple[str, ...]
    facets: dict[str, tuple[tuple[str, str], ...]]
    needs: dict[str, tuple[str, ...]]
    stages: dict[str, str]
    first_person: tuple[str, ...]
    support_asks: tuple[str, ...]
    regions: tuple[str, ...]
    document_words: tuple[str, ...]
    result_cues: tuple[str, ...]
    regulation_cues: tuple[str, ...]
    description_cues: tuple[str, ...]

    def tag_names(self, facet: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(tag for _, tag in self.facets[facet] if tag))


def normalize(text: str) -> str:
    """NFKC without spaces: for matching only, never for what a reader sees."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@cache
def vocabulary() -> Vocabulary:
    raw = json.loads(resources.files("ingest").joinpath("data", VOCAB_FILE).read_text("utf-8"))
    # Place names hold tag words (粤港澳大湾区 is not 港澳): they are read as words with no tag.
    places = [(normalize(word), "") for word in raw["place_names"]]
    facets = {
        facet: tuple(
            sorted(
                [(normalize(w), tag) for tag, words in raw[facet].items() for w in words] + places,
                key=lambda pair: -len(pair[0]),
            )
        )
        for facet in FACETS
    }
    return Vocabulary(
        support_cues=tuple(normalize(cue) for cue in raw["support_cues"]),
        facets=facets,
        needs={need: tuple(types) for need, types in raw["needs"].items()},
        stages=dict(raw["stages"]),
        first_person=tuple(raw["first_person"]),
        support_asks=tuple(raw["support_asks"]),
        regions=tuple(raw["regions"]),
        document_words=tuple(raw["document_words"]),
        result_cues=tuple(raw["result_cues"]),
        regulation_cues=tuple(raw["regulation_cues"]),
        description_cues=tuple(raw["description_cues"]),
    )


def vocabulary_fingerprint() -> str:
    """The rules' version plus the vocabulary: a change to either means a new catalogue."""
    data = resources.files("ingest").joinpath("data", VOCAB_FILE).read_bytes()
    return hashlib.sha256(MEASURE_RULES.encode() + data).hexdigest()[:12]


@cache
def _facet_words(facet: str) -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """One alternation of the facet's words, longest first (so the longest wins where
    several start at one place), and each word's tags."""
    pairs = vocabulary().facets[facet]
    tags: dict[str, tuple[str, ...]] = {}
    for word, tag in pairs:
        tags[word] = (*tags.get(word, ()), *([tag] if tag else []))
    return re.compile("|".join(re.escape(word) for word in tags)), tags


def tag_text(text: str, facet: str) -> tuple[str, ...]:
    """The facet's tags named in `text`; at each place the longest word wins."""
    pattern, tags = _facet_words(facet)
    found = [tag for match in pattern.finditer(normalize(text)) for tag in tags[match.group(0)]]
    return tuple(dict.fromkeys(found))


def industry_mentions(plain: str) -> list[Mention]:
    """Every industry word of a normalised text with its tags (place names carry none)."""
    pattern, tags = _facet_words("industries")
    return [
        Mention(match.group(0), tag, match.start(), match.end())
        for match in pattern.finditer(plain)
        for tag in tags[match.group(0)]
    ]


def targeted_industries(text: str) -> tuple[str, ...]:
    """The industries a measure targets (ingest.measure_industries), not every one it names."""
    plain = normalize(text)
    return targeted(plain, industry_mentions(plain), vocabulary().support_cues)


# --- what is not a measure ----------------------------------------------------------------

_NUMBERED = re.compile(
    r"^\s*(?:\d{1,2}\s?[.、．]|[一二三四五六七八九十]+[是、]|[（(][一二三四五六七八九十\d]+[)）]|——)"
)
_SECTION_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")
_PAUSE = re.compile(r"[，,；;：:]")
_GOAL = re.compile(r"^(?:力争|目标|预计)|(?:到|至|在)\s?20\d\d\s?年")
_ADVERBS = re.compile(
    r"^(?:积极|大力|全力|全面|进一步|持续|深入|着力|重点|努力|充分|逐步|尽快|切实|优先|"
    r"加快|同时|稳步|不断|主动|率先|首次|继续|还|广州|我市|全市|全区|各区)*"
)
_AMOUNT_LEAD = re.compile(
    r"(?:最高|不超过|最多|给予|补贴|奖励|资助|规模|投入|每年|每家|按|额度)\s?$"
)
SHORT_HEADING = 24


def is_heading(sentence: str) -> bool:
    """A numbered lead ("1.…", "一是…", "（二）…") or a short line with no pause in it."""
    if _SECTION_NUMBER.match(sentence):
        return True
    if _PAUSE.search(sentence.rstrip("。；;")):
        return False
    return bool(_NUMBERED.match(sentence)) or len(normalize(sentence)) <= SHORT_HEADING


def is_goal(sentence: str) -> bool:
    """A target to reach ("到2025年…达到", "力争…"), not a commitment to support."""
    return bool(_GOAL.search(normalize(sentence)))


def _starts_with_cue(sentence: str) -> bool:
    plain = normalize(_NUMBERED.sub("", sentence))
    plain = _ADVERBS.sub("", plain)
    return plain.startswith(vocabulary().support_cues)


def is_statistic(sentence: str) -> bool:
    """States counts or results; an amount of support ("最高500万元") is not a statistic."""
    if _starts_with_cue(sentence):
        return False
    return any(
        not _AMOUNT_LEAD.search(sentence[max(0, figure.start - 8) : figure.start])
        for figure in find_figures(sentence)
    )


def reports_results(sentence: str) -> bool:
    """Says what was achieved (成功研制、获得、取得成效) rather than committing to support."""
    plain = normalize(sentence)
    return not _starts_with_cue(sentence) and any(c in plain for c in vocabulary().result_cues)


def regulates(sentence: str) -> bool:
    """Oversight or internal administration (查处、考核、党风廉政): not support for anyone."""
    plain = normalize(sentence)
    return any(cue in plain for cue in vocabulary().regulation_cues)


# Phrases whose verb commits no support: a principle (「发挥…作用/优势」) or an area's
# aspiration (「打造…策源地/高地/枢纽」, 「争创…示范区」).
_NO_COMMITMENT = re.compile(
    r"发挥[^，,；;。]*?(?:作用|优势)"
    r"|(?:打造|建设成为|创建|争创)[^，,；;。、]{0,30}?"
    r"(?:策源地|高地|节点|枢纽|之城|之都|标杆|引领区|核心区|集聚区|承载区|示范区|先行区|新格局|合作区|研发中心)"
)
# A period summary with a place as its subject (「“十四五”期间,黄埔区…将构建…」), or a spatial
# layout (「以知识城和科学城为极核,以创新大道为依托…」): descriptions of an area.
_PERIOD_SUMMARY = re.compile(
    r"^“?十[一二三四五]五”?期间,?(?:黄埔区|广州开发区|广州市|我市|全区|全市)"
)
_LAYOUT_FRAME = re.compile(r"以[^，,；;。]{1,20}?为(?:核心|主轴|极核|依托|节点|龙头|支撑|重点)")
# An institution's own programme (专栏 of research institutes): 「依托中科院金属所,…打造…」.
_INSTITUTION_PROGRAMME = re.compile(
    r"^依托[^，,。；;]{0,25}?(?:所|研究院|大学|学院|实验室)[，,的、]"
)


def describes(sentence: str) -> bool:
    """A general principle, a mission, an institution's own programme or an area's layout
    (贯彻…为指导, 秉承…理念, 依托中科院…所,…, 以…为核心,以…为节点…), not a commitment to
    support someone."""
    plain = normalize(sentence)
    if _INSTITUTION_PROGRAMME.match(plain) or _PERIOD_SUMMARY.match(plain):
        return True
    if _starts_with_cue(sentence):
        return False
    laid_out = len(_LAYOUT_FRAME.findall(plain)) >= 2
    return laid_out or any(cue in plain for cue in vocabulary().description_cues)


def commits_support(sentence: str) -> bool:
    plain = _NO_COMMITMENT.sub("", normalize(sentence))
    return any(cue in plain for cue in vocabulary().support_cues)


def is_measure(sentence: str) -> bool:
    """The whole decision: not a heading, goal, statistic, result, regulation or description;
    a support verb; some tag."""
    if is_heading(sentence) or is_goal(sentence) or is_statistic(sentence):
        return False
    if reports_results(sentence) or regulates(sentence) or describes(sentence):
        return False
    if not commits_support(sentence):
        return False
    return any(tag_text(sentence, facet) for facet in FACETS)


# --- what a measure states ----------------------------------------------------------------

_AMOUNT = re.compile(
    r"(?:最高|不超过|最多|不低于|给予|每年|每家)?\s?(?:\d+(?:\.\d+)?\s?(?:万亿|亿|万|千)?\s?元)"
    r"(?:/(?:年|家|项))?"
)
# Who qualifies: 「对…的企业」「符合条件的…」「凡…的」「经认定的」, or a requirement
# (须/需要/应当/不低于 N/N 以上).
_CONDITION = re.compile(
    r"(?<![面针相绝应核比])对(?![接外于话照标象])[^，,；;。：:]{2,40}?的[^，,；;。]{0,8}?"
    r"(?:企业|单位|机构|项目|人才|团队)"
    r"|符合(?:条件|要求)的[^，,；;。]{0,20}|凡[^，,；;。]{2,40}?的[^，,；;。]{0,12}"
    r"|经(?:认定|批准|备案|评审|审核)的[^，,；;。]{0,20}"
    r"|[^，,；;。]{0,30}(?:须|需要|应当|不低于|不少于)\s?\d?[^，,；;。]{1,40}"
)
_DEADLINE = re.compile(
    r"截止|申报时间|受理时间|申报期|前提交|逾期|\d{4}\s?年\s?\d{1,2}\s?月\s?\d{1,2}\s?日\s?(?:前|止)"
)
_CONTACT = re.compile(r"联系人|联系电话|咨询电话|电话|邮箱|电子邮件|联系地址")
_CONDITION_SECTION = re.compile(r"条件|对象|要求|范围")


def amounts(sentence: str) -> tuple[str, ...]:
    return tuple(m.group(0).strip() for m in _AMOUNT.finditer(sentence) if m.group(0).strip())


def conditions(sentence: str) -> tuple[str, ...]:
    return tuple(m.group(0).strip() for m in _CONDITION.finditer(sentence))


def _document_notes(blocks: Sequence[Block]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Deadlines and contact points stated anywhere in the document (a guide states them
    once, in their own section, for every measure it lists)."""
    deadlines: list[str] = []
    contacts: list[str] = []
    for block in blocks:
        if block.kind not in ("paragraph", "heading"):
            continue
        for sentence in split_sentences(block.text):
            if _DEADLINE.search(sentence.text):
                deadlines.append(sentence.text)
            if _CONTACT.search(sentence.text):
                contacts.append(sentence.text)
    return tuple(dict.fromkeys(deadlines)), tuple(dict.fromkeys(contacts))


def _section_conditions(blocks: Sequence[Block]) -> tuple[str, ...]:
    """Sentences under a heading about eligibility (申报条件, 支持对象): they apply to all."""
    found = [
        sentence.text
        for block in blocks
        if block.kind == "paragraph"
        and block.section
        and _CONDITION_SECTION.search(block.section[-1])
        for sentence in split_sentences(block.text)
    ]
    return tuple(found)


def _chunk_at(chunks: Iterable[Chunk], start: int) -> str:
    return next((c.id for c in chunks if c.kind == "text" and c.start <= start < c.end), "")


def extract_measures(processed: ProcessedDocument) -> list[Measure]:
    """Every measure of a document, in reading order."""
    meta = processed.meta
    level = document_scope(meta.title, meta.publisher)
    deadlines, contacts = _document_notes(processed.blocks)
    shared_conditions = _section_conditions(processed.blocks)
    measures: list[Measure] = []
    for block in processed.blocks:
        if block.kind != "paragraph":
            continue
        for sentence in split_sentences(block.text, block.start):
            if not is_measure(sentence.text):
                continue
            measures.append(_measure(processed, block, sentence, level))
    return [_with_notes(m, deadlines, contacts, shared_conditions) for m in measures]


def _measure(processed: ProcessedDocument, block: Block, sentence: Span, level: str) -> Measure:
    text = sentence.text
    return Measure(
        doc_id=processed.doc_id,
        chunk_id=_chunk_at(processed.chunks, sentence.start),
        section=block.section_path,
        start=sentence.start,
        end=sentence.end,
        text=text,
        level=level,
        period=processed.meta.period,
        beneficiaries=tag_text(text, "beneficiaries"),
        industries=targeted_industries(text),
        support_types=tag_text(text, "support_types"),
        amounts=amounts(text),
        conditions=conditions(text),
    )


def _with_notes(
    measure: Measure,
    deadlines: tuple[str, ...],
    contacts: tuple[str, ...],
    shared_conditions: tuple[str, ...],
) -> Measure:
    extra = tuple(c for c in shared_conditions if c != measure.text)
    return replace(
        measure,
        conditions=tuple(dict.fromkeys(measure.conditions + extra)),
        deadlines=deadlines,
        contacts=contacts,
    )
