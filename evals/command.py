"""What `policy-qa eval` does: run the question set, write the report, print the comparisons.

The assistant is imported only when answers are evaluated, so `--retrieval-only` works on
a machine (or a branch) without it.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from evals.dataset import EvalItem, load_dataset
from evals.metrics import AnswerResult
from evals.report import (
    REPORTS_DIR,
    Delta,
    build_report,
    compare,
    load_baseline,
    previous_report,
    write_report,
)
from evals.runner import compare_retrievers, run_answers
from vectorstore.search import HybridSearcher
from vectorstore.service import open_searcher
from vectorstore.settings import StoreSettings


def run_eval(args: argparse.Namespace) -> int:
    """Run the eval as `policy-qa eval` asked; see evals/cli.py for the options."""
    if args.mode == "llm" and not os.environ.get("OPENAI_API_KEY"):
        print("错误 / error: --mode llm needs OPENAI_API_KEY", file=sys.stderr)
        return 2
    items = load_dataset(args.dataset)
    searcher = open_searcher(StoreSettings.from_env(), require_documents=True)
    comparison = compare_retrievers(searcher, items, args.k)
    answers, mode = (None, None) if args.retrieval_only else _answers(searcher, items, args.mode)
    meta = {
        "created": datetime.now().isoformat(timespec="seconds"),
        "dataset": str(args.dataset),
        "items": len(items),
        "k": args.k,
        "mode": mode or "retrieval-only",
    }
    report = build_report(items, comparison.results, answers, meta)
    comparisons = _comparisons(report["headline"], args.out or REPORTS_DIR)
    out = write_report(report, args.out or REPORTS_DIR, comparisons)
    _print_summary(report, comparisons)
    print(f"\nreport: {out / 'report.md'}")
    return 0


def _answers(
    searcher: HybridSearcher, items: Sequence[EvalItem], mode: str | None
) -> tuple[list[AnswerResult], str]:
    """Answer every item with the assistant in ``mode``; judge them when an LLM is set up."""
    from assistant.answer import Assistant
    from assistant.config import AssistantSettings

    settings = AssistantSettings.from_env()
    if mode:
        settings = dataclasses.replace(settings, mode=mode)
    judge = None
    if settings.mode == "llm":
        from evals.judge import make_judge

        judge = make_judge(settings.model, settings.base_url, settings.api_key)
    else:
        print("note: judge metrics (faithfulness, answer relevance) need an LLM; skipped")
    return run_answers(Assistant(searcher, settings), items, judge), settings.mode


def _comparisons(headline: Mapping[str, Any], reports_dir: Path) -> dict[str, list[Delta]]:
    comparisons: dict[str, list[Delta]] = {}
    previous = previous_report(reports_dir)
    if previous:
        comparisons[f"previous report ({previous['meta'].get('created')})"] = compare(
            headline, previous["headline"]
        )
    comparisons["baseline"] = compare(headline, load_baseline())
    return comparisons


def _print_summary(report: Mapping[str, Any], comparisons: Mapping[str, Sequence[Delta]]) -> None:
    print("\nheadline:")
    for metric, value in report["headline"].items():
        print(f"  {metric:<20} {'–' if value is None else f'{value:.3f}'}")
    print("\nretriever   hit@1  hit@3  hit@5  hit@10  MRR    p50ms  p95ms")
    for name, row in report["retrievers"].items():
        values = [row[f"hit@{k}"] for k in (1, 3, 5, 10)] + [row["mrr"]]
        latency = f"{row['p50_ms']:6.1f} {row['p95_ms']:6.1f}"
        print(f"{name:<10} " + " ".join(f"{v:6.3f}" for v in values) + f" {latency}")
    for name, deltas in comparisons.items():
        print(f"\nvs {name}:")
        for delta in deltas:
            print(f"  {delta.line()}")
