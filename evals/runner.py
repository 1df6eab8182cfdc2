"""Run the question set through the searcher and the assistant, one result per item.

The runner only measures and records; deciding what counts as a hit or a correct answer
is :mod:`evals.metrics`' job, so the same rules apply whether results come from here or
from a unit-test fixture. Answers are read through their JSON form (the `ask --json`
contract: answer, refused, citations, direct_answer), never through the assistant's
internals, so the answering code can change freely underneath.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tqdm import tqdm

from evals.dataset import EvalItem
from evals.judge import Judge
from evals.metrics import (
    AnswerResult,
    RetrievalResult,
    answer_correct,
    asks_figure,
    citation_supported,
    first_hit_rank,
    retrieval_summary,
)
from vectorstore.search import RETRIEVERS, HybridSearcher, Retriever

#: Characters of each top passage kept for the failure list.
PREVIEW_CHARS = 80


class AnswerLike(Protocol):
    def to_json(self) -> Mapping[str, Any]: ...


class AssistantLike(Protocol):
    def ask(self, question: str, history: Sequence[tuple[str, str]] = ()) -> AnswerLike: ...


@dataclass(frozen=True)
class AnswerView:
    """What the metrics read from an answer, taken from its `ask --json` form.

    ``text`` starts with the direct answer when the answer has one the text lacks, so a
    correct first line counts even if the evidence below words it differently.
    """

    text: str
    refused: bool
    cited_texts: tuple[str, ...]
    cited_docs: tuple[str, ...]
    direct: str = ""

    @classmethod
    def of(cls, answer: AnswerLike) -> AnswerView:
        data = answer.to_json()
        text = str(data.get("answer") or "")
        direct = data.get("direct_answer")
        if direct and str(direct) not in text:
            text = f"{direct}\n{text}"
        citations = data.get("citations") or []
        return cls(
            text=text,
            refused=bool(data.get("refused")),
            cited_texts=tuple(str(c.get("text", "")) for c in citations),
            cited_docs=tuple(str(c.get("doc_id", "")) for c in citations),
            direct=str(direct or ""),
        )


def timed_ask(
    assistant: AssistantLike, question: str, history: Sequence[tuple[str, str]] = ()
) -> tuple[AnswerLike, AnswerView, float]:
    """Ask once; the answer, its view and the wall time in milliseconds."""
    started = time.perf_counter()
    answer = assistant.ask(question, history) if history else assistant.ask(question)
    latency = (time.perf_counter() - started) * 1000
    return answer, AnswerView.of(answer), latency


def progress_bar(items: Sequence[Any], label: str, show: bool) -> Any:
    return tqdm(items, desc=label, unit="q", disable=not show, leave=False)


def run_retrieval(
    searcher: HybridSearcher,
    items: Sequence[EvalItem],
    k: int = 10,
    retrievers: Sequence[Retriever] = RETRIEVERS["hybrid"],
    progress: bool = True,
) -> list[RetrievalResult]:
    """Search every answerable item; unanswerable ones have nothing to find."""
    answerable = [item for item in items if item.answerable]
    if answerable:
        # The first query loads the embedding model; keep that out of the latencies.
        searcher.search(answerable[0].question, k, retrievers=retrievers)
    results: list[RetrievalResult] = []
    for item in progress_bar(answerable, f"retrieval {'+'.join(retrievers)}", progress):
        started = time.perf_counter()
        passages = searcher.search(item.question, k, retrievers=retrievers)
        latency = (time.perf_counter() - started) * 1000
        results.append(
            RetrievalResult(
                item_id=item.id,
                type=item.type,
                difficulty=item.difficulty,
                rank=first_hit_rank(item, passages, cutoff=k),
                latency_ms=latency,
                top=tuple(f"{p.doc_id}: {p.text[:PREVIEW_CHARS]}" for p in passages[:3]),
                style=item.style,
            )
        )
    return results


@dataclass(frozen=True)
class RetrieverComparison:
    """Per-item results and the summary row for each retriever configuration."""

    results: dict[str, list[RetrievalResult]]
    table: dict[str, dict[str, float | int]]


def compare_retrievers(
    searcher: HybridSearcher, items: Sequence[EvalItem], k: int = 10, progress: bool = True
) -> RetrieverComparison:
    """dense vs bm25 vs hybrid on the same items: where the fusion gains or loses."""
    results = {
        name: run_retrieval(searcher, items, k, retrievers, progress)
        for name, retrievers in RETRIEVERS.items()
    }
    return RetrieverComparison(
        results, {name: retrieval_summary(rs) for name, rs in results.items()}
    )


def run_answers(
    assistant: AssistantLike,
    items: Sequence[EvalItem],
    judge: Judge | None = None,
    progress: bool = True,
) -> list[AnswerResult]:
    """Ask every item (answerable or not) and score the answer against its reference."""
    results: list[AnswerResult] = []
    for item in progress_bar(items, "answers", progress):
        answer, view, latency = timed_ask(assistant, item.question)
        results.append(
            AnswerResult(
                item_id=item.id,
                type=item.type,
                difficulty=item.difficulty,
                answerable=item.answerable,
                refused=view.refused,
                correct=item.answerable and answer_correct(item, view.text),
                supported=item.answerable and citation_supported(item, view.cited_texts),
                latency_ms=latency,
                answer=view.text,
                cited_docs=view.cited_docs,
                judge=judge(item, answer) if judge and not view.refused else {},
                style=item.style,
                figure=asks_figure(item),
                direct_correct=item.answerable
                and bool(view.direct)
                and answer_correct(item, view.direct),
            )
        )
    return results
