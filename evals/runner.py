"""Run the question set through the searcher and the assistant, one result per item.

The runner only measures and records; deciding what counts as a hit or a correct answer
is :mod:`evals.metrics`' job, so the same rules apply whether results come from here or
from a unit-test fixture.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tqdm import tqdm

from evals.dataset import EvalItem
from evals.judge import Judge
from evals.metrics import (
    AnswerResult,
    RetrievalResult,
    answer_correct,
    citation_supported,
    first_hit_rank,
    retrieval_summary,
)
from vectorstore.search import HybridSearcher

RETRIEVERS: dict[str, tuple[str, ...]] = {
    "dense": ("dense",),
    "bm25": ("bm25",),
    "hybrid": ("dense", "bm25"),
}
#: Characters of each top passage kept for the failure list.
PREVIEW_CHARS = 80


class AssistantLike(Protocol):
    def ask(self, question: str) -> Any: ...


def _progress(items: Sequence[EvalItem], label: str, show: bool) -> Any:
    return tqdm(items, desc=label, unit="q", disable=not show, leave=False)


def run_retrieval(
    searcher: HybridSearcher,
    items: Sequence[EvalItem],
    k: int = 10,
    retrievers: Sequence[str] = RETRIEVERS["hybrid"],
    progress: bool = True,
) -> list[RetrievalResult]:
    """Search every answerable item; unanswerable ones have nothing to find."""
    answerable = [item for item in items if item.answerable]
    if answerable:
        # The first query loads the embedding model; keep that out of the latencies.
        searcher.search(answerable[0].question, k, retrievers=retrievers)
    results: list[RetrievalResult] = []
    for item in _progress(answerable, f"retrieval {'+'.join(retrievers)}", progress):
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
    for item in _progress(items, "answers", progress):
        started = time.perf_counter()
        answer = assistant.ask(item.question)
        latency = (time.perf_counter() - started) * 1000
        cited = [c.passage for c in answer.citations]
        results.append(
            AnswerResult(
                item_id=item.id,
                type=item.type,
                difficulty=item.difficulty,
                answerable=item.answerable,
                refused=bool(answer.refused),
                correct=item.answerable and answer_correct(item, answer.text),
                supported=item.answerable and citation_supported(item, [p.text for p in cited]),
                latency_ms=latency,
                answer=answer.text,
                cited_docs=tuple(p.doc_id for p in cited),
                judge=judge(item, answer) if judge and not answer.refused else {},
            )
        )
    return results
