"""`policy-qa eval`: the command's options; the work is in evals/command.py.

Registered through the `policy_qa.commands` entry point so the assistant's CLI never
imports the eval suite, and kept free of heavy imports so `policy-qa --help` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.settings import Settings

#: Framings (and rephrasings) asked per answerable item: every item is covered once, and `make eval` stays
#: within about 6 minutes on 2 cores (all attribute swaps and follow-ups are always asked).
FRAMES_PER_ITEM = 1


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("eval", help="运行评测并生成报告 / run the eval suite")
    parser.add_argument(
        "--mode", choices=("extractive", "llm"), help="answer mode (default: settings)"
    )
    parser.add_argument(
        "--dataset",
        type=Path,
        help="one JSONL question set instead of the dev and test splits",
    )
    parser.add_argument("--retrieval-only", action="store_true", help="skip answer metrics")
    parser.add_argument(
        "--no-metamorphic",
        action="store_true",
        help="skip framings, rephrasings, swaps and follow-ups",
    )
    parser.add_argument(
        "--frames-per-item",
        type=int,
        default=FRAMES_PER_ITEM,
        help=(
            "framings, and rephrasings, asked per answerable item "
            f"(default {FRAMES_PER_ITEM} of each)"
        ),
    )
    parser.add_argument("--out", type=Path, help="reports folder (default evals/reports)")
    parser.add_argument("-k", type=int, default=10, help="passages retrieved per question")
    parser.set_defaults(handler=run_eval)


def run_eval(args: argparse.Namespace, settings: Settings) -> int:
    from evals.command import run_eval as run

    return run(args, settings)
