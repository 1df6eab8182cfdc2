"""Regression gate: retrieval and answers on the frozen test split must not fall below the baseline.

The gate reads the test split and the test entry of evals/baseline.json: the dev split is
tuned on, so only test numbers say whether a change generalises. Update the baseline only
when a change really improves the numbers (run `policy-qa eval` and copy the test
headline); the margin absorbs run-to-run noise of the approximate dense index, not real
regressions.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from evals.dataset import SPLIT_PATHS, load_dataset
from evals.metrics import answer_summary, retrieval_summary
from evals.report import load_baseline
from evals.runner import run_answers, run_retrieval
from vectorstore.search import HybridSearcher

pytestmark = pytest.mark.slow

MARGIN = 0.02


def _gate(metric: str, value: float, baseline: dict[str, Any]) -> None:
    floor = baseline.get(metric)
    if floor is None:
        pytest.skip(f"evals/baseline.json has no test {metric} yet; measure it and fill it in")
    assert value >= floor - MARGIN, (
        f"test-split {metric} fell to {value:.3f}, below baseline {floor:.3f} - {MARGIN}; "
        "run `policy-qa eval` and read the failures in the report"
    )


def test_hybrid_hit_at_5_holds(searcher: HybridSearcher) -> None:
    items = load_dataset(SPLIT_PATHS["test"])
    summary = retrieval_summary(run_retrieval(searcher, items, progress=False))
    _gate("hit@5", summary["hit@5"], load_baseline("test"))


def test_extractive_answer_accuracy_holds(searcher: HybridSearcher) -> None:
    from assistant.answer import Assistant
    from assistant.config import AssistantSettings

    settings = replace(AssistantSettings.from_env(), mode="extractive")
    items = load_dataset(SPLIT_PATHS["test"])
    results = run_answers(Assistant(searcher, settings), items, progress=False)
    _gate("accuracy", answer_summary(results)["accuracy"], load_baseline("test"))
