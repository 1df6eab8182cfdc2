"""Retrieval and answer metrics: pure functions over per-item results.

Kept free of I/O and of the searcher/assistant so every rule (what counts as a hit, what
counts as a correct answer) can be unit-tested on hand-built passages. Matching always
goes through :func:`normalize_for_match` because PDF extraction mixes full-width and
ASCII characters and sprinkles spaces ("2000 家").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from evals.dataset import DEFAULT_STYLE, EvalItem, normalize_for_match

HIT_KS: tuple[int, ...] = (1, 3, 5, 10)
#: Beyond this rank a passage is worth nothing to the answerer, so MRR ignores it.
MRR_CUTOFF = 10

_PUNCTUATION = re.compile(r"[^\w%.]")
_DIGIT = re.compile(r"\d")


class ChunkLike(Protocol):
    @property
    def kind(self) -> str: ...


class PassageLike(Protocol):
    """What the metrics read from a retrieved passage (a vectorstore Passage fits)."""

    @property
    def text(self) -> str: ...

    @property
    def chunk(self) -> ChunkLike: ...


# --- retrieval -----------------------------------------------------------------------------


def _loose(text: str) -> str:
    """Normalised text without punctuation: a rebuilt table row drops colons and quotes."""
    return _PUNCTUATION.sub("", normalize_for_match(text))


def _is_table_row(passage: PassageLike) -> bool:
    return getattr(passage.chunk, "kind", "text") == "table_row"


def proves(item: EvalItem, passage: PassageLike, evidence: str) -> bool:
    """True when ``passage`` holds ``evidence``.

    A table row is rebuilt from one-cell-per-line text, so it rarely contains the raw
    evidence verbatim; for ``table`` items a row also counts when it names the indicator
    (the evidence, punctuation ignored) and holds every required value.
    """
    text = normalize_for_match(passage.text)
    if normalize_for_match(evidence) in text:
        return True
    if item.type != "table" or not _is_table_row(passage):
        return False
    values = (normalize_for_match(m) for m in item.must_contain)
    return _loose(evidence) in _loose(passage.text) and all(v in text for v in values)


def first_hit_rank(
    item: EvalItem, passages: Sequence[PassageLike], cutoff: int = MRR_CUTOFF
) -> int | None:
    """1-based rank at which the top passages together prove every evidence, else None.

    Temporal and multi-source items cite several documents; the hit is complete only
    when each evidence has been seen, so the rank is that of the last one found.
    """
    missing = set(range(len(item.evidences)))
    if not missing:
        return None
    for rank, passage in enumerate(passages[:cutoff], start=1):
        missing -= {i for i in missing if proves(item, passage, item.evidences[i])}
        if not missing:
            return rank
    return None


@dataclass(frozen=True)
class RetrievalResult:
    """One answerable question's retrieval outcome."""

    item_id: str
    type: str
    difficulty: str
    rank: int | None
    latency_ms: float
    top: tuple[str, ...] = ()
    style: str = DEFAULT_STYLE

    def hit_at(self, k: int) -> bool:
        return self.rank is not None and self.rank <= k


def retrieval_summary(results: Sequence[RetrievalResult]) -> dict[str, float | int]:
    """hit@1/3/5/10, MRR and latency percentiles over ``results``."""
    if not results:
        return {"n": 0}
    n = len(results)
    summary: dict[str, float | int] = {"n": n}
    for k in HIT_KS:
        summary[f"hit@{k}"] = sum(r.hit_at(k) for r in results) / n
    summary["mrr"] = sum(1 / r.rank for r in results if r.rank and r.rank <= MRR_CUTOFF) / n
    latencies = [r.latency_ms for r in results]
    summary["p50_ms"] = percentile(latencies, 50)
    summary["p95_ms"] = percentile(latencies, 95)
    return summary


# --- answers -------------------------------------------------------------------------------


def asks_figure(item: EvalItem) -> bool:
    """An answerable item whose required strings hold a number (a count, amount, share,
    rank, year or table value): what "figure accuracy" is measured on, whatever its type."""
    return item.answerable and any(_DIGIT.search(m) for m in item.must_contain)


def answer_correct(item: EvalItem, text: str) -> bool:
    """Every required string occurs in the answer, ignoring width and whitespace."""
    answer = normalize_for_match(text)
    return all(normalize_for_match(m) in answer for m in item.must_contain)


def citation_supported(item: EvalItem, cited_texts: Iterable[str]) -> bool:
    """Some cited passage holds an evidence string or all the required figures."""
    evidences = [normalize_for_match(e) for e in item.evidences]
    needed = [normalize_for_match(m) for m in item.must_contain]
    for cited in cited_texts:
        text = normalize_for_match(cited)
        if any(e in text for e in evidences) or (needed and all(m in text for m in needed)):
            return True
    return False


@dataclass(frozen=True)
class AnswerResult:
    """One question's answer outcome, with what the failure list needs to show."""

    item_id: str
    type: str
    difficulty: str
    answerable: bool
    refused: bool
    correct: bool
    supported: bool
    latency_ms: float
    answer: str = ""
    cited_docs: tuple[str, ...] = ()
    judge: Mapping[str, float] = field(default_factory=dict)
    style: str = DEFAULT_STYLE
    figure: bool = False
    direct_correct: bool = False  # the first line (`direct_answer`) alone holds the answer


def _share(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def answer_summary(results: Sequence[AnswerResult]) -> dict[str, Any]:
    """Accuracy, figure accuracy, citation support, refusal recall, false refusals, latency.

    Accuracy and false refusals are over answerable items (figure accuracy over those whose
    required strings hold a number, see :func:`asks_figure`); citation support only over
    answers actually given (a refusal has nothing to support), so it measures whether
    citations are right rather than repeating the refusal rate.
    """
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    answered = [r for r in answerable if not r.refused]
    latencies = [r.latency_ms for r in results]
    summary: dict[str, Any] = {
        "n": len(results),
        "accuracy": _share([r.correct for r in answerable]),
        "figure_accuracy": _share([r.correct for r in answerable if r.figure]),
        # of the same figure questions, the share whose first line is the answer
        "direct_accuracy": _share([r.direct_correct for r in answerable if r.figure]),
        "citation_support": _share([r.supported for r in answered]),
        "refusal_recall": _share([r.refused for r in unanswerable]),
        "false_refusal_rate": _share([r.refused for r in answerable]),
        "p50_ms": percentile(latencies, 50) if latencies else None,
        "p95_ms": percentile(latencies, 95) if latencies else None,
    }
    for name in sorted({k for r in results for k in r.judge}):
        scores = [r.judge[name] for r in results if name in r.judge]
        summary[name] = sum(scores) / len(scores)
    return summary


# --- shared --------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile with linear interpolation (numpy's default), without numpy."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


R = TypeVar("R", RetrievalResult, AnswerResult)


def breakdown(
    results: Sequence[R], summarize: Callable[[Sequence[R]], dict[str, Any]]
) -> dict[str, Any]:
    """``summarize`` overall, per question type, difficulty and wording style."""
    return {
        "overall": summarize(results),
        "by_type": _grouped(results, summarize, lambda r: r.type),
        "by_difficulty": _grouped(results, summarize, lambda r: r.difficulty),
        "by_style": _grouped(results, summarize, lambda r: r.style),
    }


def _grouped(
    results: Sequence[R],
    summarize: Callable[[Sequence[R]], dict[str, Any]],
    key: Callable[[R], str],
) -> dict[str, Any]:
    groups: dict[str, list[R]] = {}
    for result in results:
        groups.setdefault(key(result), []).append(result)
    return {name: summarize(group) for name, group in sorted(groups.items())}


#: The numbers a report leads with, compared across splits, reports and the baseline.
HEADLINE_KEYS: tuple[str, ...] = (
    "hit@1",
    "hit@5",
    "mrr",
    "accuracy",
    "figure_accuracy",
    "direct_accuracy",
    "refusal_recall",
    "false_refusal_rate",
    "citation_support",
    "answer_p50_ms",
    "framing_consistency",
    "framed_accuracy",
    "rephrasing_consistency",
    "rephrased_accuracy",
    "attribute_swap_refusal",
    "follow_up_accuracy",
)


def headline(
    retrieval: Mapping[str, Any],
    answers: Mapping[str, Any] | None,
    metamorphic: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The few numbers compared against the baseline and the previous report."""
    answers, metamorphic = answers or {}, metamorphic or {}
    values = {**retrieval, **answers, "answer_p50_ms": answers.get("p50_ms"), **metamorphic}
    return {key: values.get(key) for key in HEADLINE_KEYS}


__all__ = [
    "HEADLINE_KEYS",
    "HIT_KS",
    "AnswerResult",
    "RetrievalResult",
    "answer_correct",
    "answer_summary",
    "asks_figure",
    "breakdown",
    "citation_supported",
    "first_hit_rank",
    "headline",
    "percentile",
    "proves",
    "retrieval_summary",
]
