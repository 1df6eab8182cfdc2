"""The metamorphic suite: does an answer hold when a question is framed, reworded, swapped or
followed up?

Variants come from :mod:`evals.variants` (generated from the split's own answerable items),
so the four rates measure generalisation without new reference answers:

- framing consistency: a framed question gets the same outcome as its original (refused
  exactly when it was, and right exactly when it was): a frame must change nothing. An
  original the product gets wrong is not the frame's doing, so framed accuracy (the framed
  question answered correctly) is reported beside it;
- rephrasing consistency and rephrased accuracy: the same two rates for everyday rewordings
  (是多少 -> 为多少, a closing 呢, 「请问，」…), which keep the meaning; a failure names its
  rule (``kind``), so a weakness shows up as a rule;
- attribute-swap refusal: a swapped attribute the documents do not give is refused;
- follow-up accuracy: asked after the first question (with the assistant's own first
  answer as history), the follow-up's answer holds the expected strings and is not refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evals.dataset import EvalItem, normalize_for_match
from evals.metrics import AnswerResult, answer_correct, percentile
from evals.runner import AssistantLike, progress_bar, timed_ask
from evals.variants import (
    SEED,
    FollowUpCase,
    all_rephrasings,
    all_variants,
    follow_up_pairs,
    rephrasing_rule,
)

RELATIONS = ("framing", "rephrasing", "attribute_swap", "follow_up")


@dataclass(frozen=True)
class VariantResult:
    """One variant's outcome; ``passed`` is what its relation's rate counts."""

    id: str
    relation: str
    source_id: str
    question: str
    passed: bool
    refused: bool
    answer: str
    expected: str
    latency_ms: float
    history: str = ""
    kind: str = ""
    correct: bool = False  # the expected strings are in the answer (framings, rephrasings)


@dataclass(frozen=True)
class Suite:
    """The generated cases of one split, before any is asked."""

    framed: list[EvalItem]
    swapped: list[EvalItem]
    follow_ups: list[FollowUpCase]
    rephrased: list[EvalItem] = field(default_factory=list)


def build_suite(items: Sequence[EvalItem], frames_per_item: int | None, seed: int = SEED) -> Suite:
    """Every attribute swap and follow-up pair, and a seeded sample of framings and of
    rephrasings per item (``frames_per_item`` of each; None = all of them)."""
    framed, swapped = all_variants(items, frames_per_item, None, seed)
    rephrased = all_rephrasings(items, frames_per_item, seed)
    return Suite(framed, swapped, follow_up_pairs(items), rephrased)


def run_suite(
    assistant: AssistantLike,
    suite: Suite,
    originals: Mapping[str, AnswerResult],
    progress: bool = True,
) -> list[VariantResult]:
    """Ask every case; ``originals`` (by item id) give each original's refusal and answer."""
    results = _consistency(assistant, suite.framed, "framing", originals, progress)
    results += _consistency(assistant, suite.rephrased, "rephrasing", originals, progress)
    for item in progress_bar(suite.swapped, "attribute swaps", progress):
        _, view, latency = timed_ask(assistant, item.question)
        results.append(
            VariantResult(
                item.id,
                "attribute_swap",
                item.id.split("~")[0],
                item.question,
                view.refused,
                view.refused,
                view.text,
                "refusal",
                latency,
            )
        )
    for case in progress_bar(suite.follow_ups, "follow-ups", progress):
        history = ((case.history_question, originals[case.first_id].answer),)
        _, view, latency = timed_ask(assistant, case.follow_up, history)
        text = normalize_for_match(view.text)
        correct = all(normalize_for_match(m) in text for m in case.must_contain)
        results.append(
            VariantResult(
                case.id,
                "follow_up",
                case.expected_id,
                case.follow_up,
                correct and not view.refused,
                view.refused,
                view.text,
                ", ".join(case.must_contain),
                latency,
                history=case.history_question,
                kind=case.kind,
            )
        )
    return results


def _consistency(
    assistant: AssistantLike,
    variants: Sequence[EvalItem],
    relation: str,
    originals: Mapping[str, AnswerResult],
    progress: bool,
) -> list[VariantResult]:
    """Ask meaning-keeping variants: each passes when its outcome is its original's (refused
    exactly when it was, right exactly when it was)."""
    results: list[VariantResult] = []
    for item in progress_bar(variants, f"{relation}s", progress):
        _, view, latency = timed_ask(assistant, item.question)
        original = originals[item.id.split("~")[0]]
        correct = answer_correct(item, view.text)  # as the originals' accuracy counts it
        results.append(
            VariantResult(
                item.id,
                relation,
                original.item_id,
                item.question,
                view.refused == original.refused and correct == original.correct,
                view.refused,
                view.text,
                ", ".join(item.must_contain),
                latency,
                kind=rephrasing_rule(item.id),
                correct=correct,
            )
        )
    return results


def _rate(results: Sequence[VariantResult], counted: str = "passed") -> float | None:
    """Share of `results` whose `counted` flag is set (None for no results)."""
    return sum(getattr(r, counted) for r in results) / len(results) if results else None


def metamorphic_summary(results: Sequence[VariantResult]) -> dict[str, Any]:
    """The four rates (and framed and rephrased accuracy) with their counts, follow-ups per
    kind and rephrasings per rule, and the latency."""
    by_relation = {name: [r for r in results if r.relation == name] for name in RELATIONS}
    follow_ups, rephrased = by_relation["follow_up"], by_relation["rephrasing"]
    latencies = [r.latency_ms for r in results]
    return {
        "framing_consistency": _rate(by_relation["framing"]),
        "framed_accuracy": _rate(by_relation["framing"], "correct"),
        "rephrasing_consistency": _rate(rephrased),
        "rephrased_accuracy": _rate(rephrased, "correct"),
        "attribute_swap_refusal": _rate(by_relation["attribute_swap"]),
        "follow_up_accuracy": _rate(follow_ups),
        "n": {name: len(group) for name, group in by_relation.items()},
        "follow_up_by_kind": _by_kind(follow_ups),
        "rephrasing_by_rule": _by_kind(rephrased),
        "rephrasing_n_by_rule": {
            rule: sum(r.kind == rule for r in rephrased)
            for rule in sorted({r.kind for r in rephrased})
        },
        "p50_ms": percentile(latencies, 50) if latencies else None,
    }


def _by_kind(results: Sequence[VariantResult]) -> dict[str, float | None]:
    """The pass rate per kind (follow-up kind, rephrasing rule)."""
    return {
        kind: _rate([r for r in results if r.kind == kind])
        for kind in sorted({r.kind for r in results})
    }


__all__ = [
    "RELATIONS",
    "Suite",
    "VariantResult",
    "build_suite",
    "metamorphic_summary",
    "run_suite",
]
