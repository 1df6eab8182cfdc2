"""What `policy-qa eval` does: run the splits, write the report, print the comparisons.

By default both splits run (dev: tuned on; test: frozen) and the report shows the gap
between them; `--dataset PATH` runs one file instead. Each split gets the metamorphic
suite generated from its own items (framings, rephrasings, attribute swaps, follow-ups). The assistant
is imported only when answers are evaluated, so `--retrieval-only` works on a machine (or
a branch) without it.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.app import App, open_app
from assistant.settings import QueryLogSettings, Settings
from evals.dataset import SPLIT_PATHS, EvalItem, load_dataset
from evals.judge import Judge
from evals.metamorphic import build_suite, run_suite
from evals.report import (
    REPORTS_DIR,
    Delta,
    build_report,
    build_split,
    comparisons_for,
    headline_table,
    load_baseline,
    previous_report,
    write_report,
)
from evals.runner import AssistantLike, compare_retrievers, run_answers


def run_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Run the eval as `policy-qa eval` asked; see evals/cli.py for the options."""
    if args.mode == "llm" and not settings.llm.api_key:
        print(
            "错误 / error: --mode llm 需要设置 OPENAI_API_KEY / --mode llm needs OPENAI_API_KEY",
            file=sys.stderr,
        )
        return 2
    paths = {args.dataset.stem: args.dataset} if args.dataset else dict(SPLIT_PATHS)
    datasets = {name: load_dataset(path) for name, path in paths.items()}
    if args.mode:
        settings = dataclasses.replace(
            settings, llm=dataclasses.replace(settings.llm, mode=args.mode)
        )
    # Eval questions are not users' questions: they stay out of the query log.
    settings = dataclasses.replace(settings, query_log=QueryLogSettings(enabled=False))
    app = open_app(settings, require_documents=True)
    searcher = app.searcher
    assistant, judge, mode = (None, None, None) if args.retrieval_only else _assistant(app)
    metamorphic = assistant is not None and not args.no_metamorphic
    parts = {}
    for name, items in datasets.items():
        print(f"{name}: {len(items)} items", file=sys.stderr)
        parts[name] = _run_split(
            searcher, items, args.k, assistant, judge, metamorphic, args.frames_per_item
        )
    meta = {
        "created": datetime.now().isoformat(timespec="seconds"),
        "datasets": {name: str(path) for name, path in paths.items()},
        "items": {name: len(items) for name, items in datasets.items()},
        "k": args.k,
        "mode": mode or "retrieval-only",
        "metamorphic": (
            f"all attribute swaps and follow-up pairs, {args.frames_per_item} framing(s) and "
            f"{args.frames_per_item} rephrasing(s) per answerable item (seeded samples)"
            if metamorphic
            else "not run"
        ),
    }
    report = build_report(parts, meta)
    reports_dir = args.out or settings.eval.reports_dir or REPORTS_DIR
    baseline = {name: load_baseline(name) for name in parts}
    comparisons = comparisons_for(report, previous_report(reports_dir), baseline)
    out = write_report(report, reports_dir, comparisons)
    _print_summary(report, comparisons)
    if not args.dataset and not args.retrieval_only:
        _facts_eval(out)
        _measures_eval(out, app)
    print(f"\nreport: {out / 'report.md'}")
    return 0


def _facts_eval(out: Path) -> None:
    """The fact table against its gold set (evals/datasets/facts.jsonl): extraction precision
    and recall, scope, period and indicator-matching accuracy, per split."""
    from evals.facts_eval import print_summary, write_report

    facts = write_report(out / "facts.json")
    print("\nfacts (evals/datasets/facts.jsonl):")
    print_summary({k: v for k, v in facts.items() if k != "all"}, show=False)


def _measures_eval(out: Path, app: App) -> None:
    """The measure catalogue against evals/datasets/measures.jsonl: extraction, tagging,
    decoy rejection and profile ranking (with the app's cached embeddings), per split."""
    from evals.measures_eval import summary_lines, write_report

    measures = write_report(out / "measures.json", app.store.embeddings)
    print("\nmeasures (evals/datasets/measures.jsonl):")
    print("\n".join(summary_lines(measures)))


def _run_split(
    searcher: Any,
    items: Sequence[EvalItem],
    k: int,
    assistant: AssistantLike | None,
    judge: Judge | None,
    metamorphic: bool,
    frames_per_item: int,
) -> dict[str, Any]:
    """Retrieval, answers and (if asked) the metamorphic suite of one split."""
    comparison = compare_retrievers(searcher, items, k)
    if assistant is None:
        return build_split(items, comparison.results, None)
    answers = run_answers(assistant, items, judge)
    variants = None
    if metamorphic:
        suite = build_suite(items, frames_per_item)
        variants = run_suite(assistant, suite, {a.item_id: a for a in answers})
    return build_split(items, comparison.results, answers, variants)


def _assistant(app: App) -> tuple[AssistantLike, Judge | None, str]:
    """The app's assistant, and a judge when an LLM is set up."""
    settings = app.settings.llm
    judge = None
    if settings.mode == "llm":
        from evals.judge import make_judge

        judge = make_judge(settings.model, settings.base_url, settings.api_key)
    else:
        print("note: judge metrics (faithfulness, answer relevance) need an LLM; skipped")
    return app.assistant, judge, settings.mode


def _print_summary(report: Mapping[str, Any], comparisons: Mapping[str, Sequence[Delta]]) -> None:
    print("\n" + "\n".join(headline_table(report)))
    for name, split in report["splits"].items():
        print(f"\n{name}: retriever  hit@1  hit@3  hit@5  hit@10  MRR    p50ms  p95ms")
        for retriever, row in split["retrievers"].items():
            values = [row[f"hit@{k}"] for k in (1, 3, 5, 10)] + [row["mrr"]]
            latency = f"{row['p50_ms']:6.1f} {row['p95_ms']:6.1f}"
            print(f"  {retriever:<16} " + " ".join(f"{v:6.3f}" for v in values) + f" {latency}")
        if split.get("metamorphic"):
            print(f"  metamorphic cases: {split['metamorphic']['n']}")
    for name, deltas in comparisons.items():
        print(f"\nvs {name}:")
        for delta in deltas:
            print(f"  {delta.line()}")
