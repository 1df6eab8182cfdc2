"""The assistant: question -> retrieval -> cited answer (extractive offline, or LLM with fallback).

Whatever happens (empty input, LLM down or hung, no evidence) the user gets an Answer:
the LLM path falls back to the extractive answer with a visible notice and a warning.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace

from assistant.amend import AnswerNotes
from assistant.config import MODES, AssistantSettings
from assistant.decision import load_model
from assistant.extractive import (
    Candidate,
    Extract,
    extract_answer,
    score_sentences,
    weigh_candidates,
)
from assistant.followup import is_follow_up, rewrite_by_rule
from assistant.llm import (
    FALLBACK_NOTICE,
    LlmClient,
    LlmUnavailable,
    best_quote,
    check_answer,
    looks_refused,
)
from assistant.measure_answer import measure_answer
from assistant.parts import (
    asks_of_the_answer,
    names_its_own,
    part_left_open,
    quoted_answer,
    ranks_a_figure_unwritten,
    standalone_part,
    unmarked,
    with_parts_added,
)
from assistant.question import (
    Question,
    TermWeigher,
    asked_parts,
    clean_question,
    for_retrieval,
)
from assistant.semantic import SentenceSimilarity
from assistant.trend import Indicators, cross_year_warning, is_trend_question, trend_answer
from assistant.validity import validity_warnings
from vectorstore.index import PerSnapshot, Snapshot
from vectorstore.originals import file_link
from vectorstore.search import HybridSearcher, Passage, SearchFilters, allowed_documents

EMPTY_QUESTION = "请输入一个问题。/ Please enter a question."


@dataclass(frozen=True)
class Citation:
    """Marker [n] in the answer -> the passage and the exact span of it that supports the claim."""

    n: int
    passage: Passage
    quote: str

    def to_json(self) -> dict[str, object]:
        passage = self.passage
        return {
            "n": self.n,
            "doc_id": passage.doc_id,
            "title": passage.title,
            "date": passage.date,
            "section": passage.section,
            "page": passage.chunk.page,
            "paragraph": passage.chunk.paragraph,
            "text": passage.text,
            "quote": self.quote,
            "doc_type": passage.document.doc_type,
            "doc_number": passage.document.doc_number,
            "status": passage.document.validity,
            # The original file at the quoted page; None when no original was kept.
            "link": file_link(passage.doc_id, passage.chunk.page)
            if passage.document.original
            else None,
        }


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    citations: tuple[Citation, ...]
    mode: str
    refused: bool
    warnings: tuple[str, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    standalone_question: str = ""
    direct_answer: str | None = None

    def to_json(self) -> dict[str, object]:
        """The `policy-qa ask --json` contract."""
        return {
            "question": self.question,
            "answer": self.text,
            "mode": self.mode,
            "refused": self.refused,
            "warnings": list(self.warnings),
            "citations": [c.to_json() for c in self.citations],
            "timings_ms": {name: round(ms, 1) for name, ms in self.timings_ms.items()},
            "direct_answer": self.direct_answer,
        }


class Assistant:
    """Answers questions over a HybridSearcher; one instance serves many questions."""

    def __init__(self, searcher: HybridSearcher, settings: AssistantSettings | None = None) -> None:
        self.searcher = searcher
        self.settings = settings or AssistantSettings()
        # Per document set: callers of different collections get different snapshots.
        self._weighers = PerSnapshot(
            lambda snapshot: TermWeigher(
                snapshot.tokenizer,
                [c.text for c in snapshot.chunks.values()],
                [c.doc_id for c in snapshot.chunks.values()],
                {doc_id: record.title for doc_id, record in snapshot.documents.items()},
            )
        )
        self._llm: LlmClient | None = None
        self.notes = AnswerNotes()
        self._indicators = PerSnapshot(self._read_facts)
        self.similarity = SentenceSimilarity(searcher.embeddings)
        # Sees every final answer (the App logs it in the query log); never raises.
        self.on_answer: Callable[[Answer], None] | None = None

    def ask(
        self,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        filters: SearchFilters | None = None,
        mode: str | None = None,
    ) -> Answer:
        answer = None
        for item in self.ask_stream(question, history, filters, mode):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def ask_stream(
        self,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        filters: SearchFilters | None = None,
        mode: str | None = None,
    ) -> Iterator[str | Answer]:
        """Text increments as they are produced, then the final Answer."""
        started = time.perf_counter()
        mode = mode or self.settings.mode
        if mode not in MODES:
            raise ValueError(f"未知模式 / unknown mode {mode!r}; choose {' | '.join(MODES)}")
        text, warnings = clean_question(question)
        if not for_retrieval(text):
            yield EMPTY_QUESTION
            yield Answer(
                question, EMPTY_QUESTION, (), mode, True, tuple(warnings), {"total": 0.0}, ""
            )
            return
        timings: dict[str, float] = {}
        standalone = self._standalone(text, history, mode, warnings, timings)
        begin = time.perf_counter()
        analysed = self._analyse(standalone)
        timings["analyse"] = (time.perf_counter() - begin) * 1000
        begin = time.perf_counter()
        passages = self.searcher.search(analysed.query, self.settings.top_k, filters)
        timings["retrieve"] = (time.perf_counter() - begin) * 1000
        begin = time.perf_counter()
        if mode == "llm":
            answer = yield from self._llm_answer(text, analysed, passages, warnings)
        else:
            snapshot = self.searcher.index.snapshot()
            extract = (
                self._trend(analysed, filters, snapshot)
                or measure_answer(standalone, self.searcher, snapshot, filters)
                or self._with_series_warning(
                    analysed,
                    extract_answer(analysed, passages, self.similarity, outline=snapshot.by_doc),
                    snapshot,
                )
            )
            if not extract.refused:
                extract = self._parts_checked(analysed, extract, filters, snapshot)
            extract = self.notes.amend(extract, standalone, history, self.searcher.index.snapshot())
            answer = yield from _streamed(text, extract, warnings)
        timings["answer"] = (time.perf_counter() - begin) * 1000
        timings["total"] = (time.perf_counter() - started) * 1000
        final = Answer(
            question,
            answer.text,
            answer.citations,
            answer.mode,
            answer.refused,
            answer.warnings
            + validity_warnings(
                (c.passage for c in answer.citations), self.searcher.index.snapshot().documents
            ),
            timings,
            standalone,
            answer.direct_answer,
        )
        if self.on_answer is not None:
            self.on_answer(final)
        yield final

    def _parts_checked(
        self,
        analysed: Question,
        extract: Extract,
        filters: SearchFilters | None,
        snapshot: Snapshot,
    ) -> Extract:
        """A multi-part question is answered only when each part, asked in the first
        part's setting, would be answered alone; else what is left open is said."""
        parts = asked_parts(analysed.core or analysed.text)
        if not parts:
            return extract
        first = self._analyse(parts[0] + "？")
        asked = [self._part_question(analysed, first, parts, n) for n in range(len(parts))]
        answers: dict[int, Extract] = {}
        said = unmarked(extract.direct_answer)  # the first line, without its markers
        for n, part in enumerate(parts):
            if asks_of_the_answer(part):
                continue
            alone, own_words = asked[n]
            # a part with no word of its own asks another side of the lead's figure, which
            # official texts write in the same sentence (「促成600多个项目…，涉及金额近500亿元」)
            if quoted_answer(alone, extract.quotes, tied=own_words, said=said):
                continue
            answers[n] = self._answered_alone(alone, filters, snapshot)
            if answers[n].refused or ranks_a_figure_unwritten(part, said, answers[n]):
                return part_left_open(part, n, extract, answers[n])
        if _fewer_figures(extract.direct_answer, len(parts)) and not any(
            map(asks_of_the_answer, parts)
        ):
            # the first line answers fewer parts than asked: add what a part's own answer states
            pieces = [
                answers.get(n) or self._answered_alone(question, filters, snapshot)
                for n, (question, _) in enumerate(asked)
            ]
            return with_parts_added(extract, [p for p in pieces if not p.refused])
        return extract

    def _answered_alone(
        self, question: Question, filters: SearchFilters | None, snapshot: Snapshot
    ) -> Extract:
        """The extractive answer to one part, retrieved for that part's own words."""
        passages = self.searcher.search(question.query, self.settings.top_k, filters)
        return extract_answer(question, passages, self.similarity, outline=snapshot.by_doc)

    def _part_question(
        self, analysed: Question, first: Question, parts: list[str], n: int
    ) -> tuple[Question, bool]:
        """Part n in the first part's setting, asking what the part itself asks (its type,
        counter and attribute, not the first part's words left in the setting); a part that
        names nothing of its own (「到2025年要达到多少家？」) keeps the first part's attribute.
        Also whether the part has words of its own."""
        if n == 0:
            return first, True
        alone = self._analyse(standalone_part(parts[n], parts[0]))
        own = self._analyse(parts[n] + "？")
        own_words = names_its_own(own, first)
        named = own if own_words else analysed
        return replace(
            alone,
            kind=own.kind,
            types=own.types,
            counter=own.counter,
            attribute=named.attribute,
            attribute_terms=named.attribute_terms,
            indicator_wordings=named.indicator_wordings,
        ), own_words

    def _trend(
        self, question: Question, filters: SearchFilters | None, snapshot: Snapshot
    ) -> Extract | None:
        """A trend or comparison question answered with a table from the fact table; not one
        that names what the documents never do (「和深圳南山区相比」: no table compares them)."""
        if not is_trend_question(question) or question.unknown_names:
            return None
        indicators = self._facts(snapshot)
        if filters:
            allowed = allowed_documents(snapshot, filters)
            kept = [
                fact
                for facts in indicators.by_key.values()
                for fact in facts
                if fact.fact.doc_id in allowed
            ]
            indicators = Indicators.of(kept)
        return trend_answer(question, indicators, snapshot)

    def _with_series_warning(
        self, question: Question, extract: Extract, snapshot: Snapshot
    ) -> Extract:
        """A figure answer whose quotes give one indicator's different values in documents of
        different years says so; one named year picks its document instead."""
        if extract.refused or question.kind != "figure" or len(question.years) == 1:
            return extract
        warning = cross_year_warning(question, extract.quotes, self._facts(snapshot), snapshot)
        return replace(extract, warnings=(*extract.warnings, warning)) if warning else extract

    def _facts(self, snapshot: Snapshot) -> Indicators:
        """The fact table by indicator, read once per snapshot (it changes with documents)."""
        return self._indicators.get(snapshot)

    def _read_facts(self, snapshot: Snapshot) -> Indicators:
        """The facts of the snapshot's documents (the table applies the caller's scope too)."""
        try:
            facts = self.searcher.index.store.facts.query()
        except (sqlite3.Error, OSError):
            facts = []  # no fact table (a read-only data dir built before it)
        return Indicators.of([s for s in facts if s.fact.doc_id in snapshot.documents])

    def candidates(
        self, question: str, filters: SearchFilters | None = None
    ) -> tuple[Question, list[Candidate]]:
        """The analysed question and its weighed candidate sentences (for calibration)."""
        analysed = self._analyse(for_retrieval(question))
        passages = self.searcher.search(analysed.query, self.settings.top_k, filters)
        outline = self.searcher.index.snapshot().by_doc
        sentences = [s for s in score_sentences(analysed, passages, outline) if not s.heading]
        return analysed, weigh_candidates(analysed, sentences, self.similarity, load_model())

    def _standalone(
        self,
        text: str,
        history: Sequence[tuple[str, str]],
        mode: str,
        warnings: list[str],
        timings: dict[str, float],
    ) -> str:
        """Follow-ups are rewritten by the LLM in LLM mode (rule on failure), else by the rule."""
        if not is_follow_up(text, history):
            return text
        begin = time.perf_counter()
        try:
            if mode == "llm":
                return self._client().rewrite(text, history)
        except LlmUnavailable as error:
            warnings.append(f"追问改写失败，已按规则改写 / follow-up rewrite failed ({error})")
        finally:
            timings["rewrite"] = (time.perf_counter() - begin) * 1000
        return rewrite_by_rule(text, history)

    def _analyse(self, text: str) -> Question:
        """Key terms weighted by the current corpus; the weigher is rebuilt when it changes."""
        return self._weighers.get(self.searcher.index.snapshot()).analyse(text)

    def _client(self) -> LlmClient:
        if self._llm is None:
            self._llm = LlmClient(self.settings)
        return self._llm

    def _llm_answer(
        self, question: str, analysed: Question, passages: list[Passage], warnings: list[str]
    ) -> Generator[str, None, Answer]:
        """Stream the model's answer and check it; on failure, the extractive one with a notice."""
        pieces: list[str] = []
        try:
            for piece in self._client().stream_answer(analysed.text, passages):
                pieces.append(piece)
                yield piece
        except LlmUnavailable as error:
            fallback = extract_answer(analysed, passages, self.similarity)
            notice = "\n\n" if pieces else ""
            extract = Extract(
                f"{FALLBACK_NOTICE}\n{fallback.text}",
                fallback.quotes,
                fallback.refused,
                fallback.warnings,
                fallback.direct_answer,
            )
            warnings.append(
                f"大模型调用失败，已改用离线摘录答案 / LLM unavailable, extractive fallback ({error})"
            )
            yield notice
            return (yield from _streamed(question, extract, warnings))
        text, cited, checks = check_answer("".join(pieces), passages)
        citations = tuple(
            Citation(n, passages[n - 1], best_quote(passages[n - 1], text)) for n in cited
        )
        return Answer(
            question, text, citations, "llm", looks_refused(text, cited), tuple(warnings + checks)
        )


def _fewer_figures(direct: str | None, parts: int) -> bool:
    """The first line (「1296 家[1]」) gives fewer figures than the question has parts."""
    return bool(direct) and len(unmarked(direct).split("，")) < parts


def _streamed(question: str, extract: Extract, warnings: list[str]) -> Generator[str, None, Answer]:
    """Yield an extractive answer line by line; return it as an Answer (timings filled later)."""
    lines = extract.text.split("\n")
    for i, line in enumerate(lines):
        yield line + ("\n" if i < len(lines) - 1 else "")
    citations = tuple(Citation(n, p, quote) for n, (p, quote) in enumerate(extract.quotes, start=1))
    return Answer(
        question,
        extract.text,
        citations,
        "extractive",
        extract.refused,
        tuple(warnings) + extract.warnings,
        direct_answer=extract.direct_answer,
    )
