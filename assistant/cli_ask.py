"""`policy-qa ask`: cited answers from the command line, single or batch, text or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from assistant.cli_search import argument_question, read_questions
from assistant.config import MODES
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.answer import Answer


def register(commands: argparse._SubParsersAction) -> None:
    ask = commands.add_parser(
        "ask", help="提问并给出带引用的答案 / ask a question, get a cited answer"
    )
    ask.add_argument("question", nargs="?", help="问题 / question")
    ask.add_argument("--batch", metavar="FILE", help="questions one per line; - for stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per answer")
    ask.add_argument(
        "--mode", choices=MODES, help="extractive (offline) or llm; default: llm when a key is set"
    )
    ask.add_argument("--doc", action="append", default=[], help="only this doc id (repeatable)")
    ask.add_argument(
        "--year", action="append", type=int, default=[], help="only documents covering this year"
    )
    ask.set_defaults(handler=run_ask)


def render(answer: Answer) -> str:
    """Answer text, warnings, then numbered citations with title, date, section and quote."""
    lines = [answer.text]
    lines += [f"⚠ {warning}" for warning in answer.warnings]
    if answer.citations:
        lines.append("\n引用 / citations:")
    for citation in answer.citations:
        p = citation.passage
        lines.append(f"[{citation.n}] 《{p.title}》（{p.date}）{p.section}")
        lines.append(f"    「{' '.join(citation.quote.split())}」")
    return "\n".join(lines)


def run_ask(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here so that `policy-qa --help` does not load the models' libraries.
    from assistant.app import open_app
    from vectorstore.search import SearchFilters

    if not args.question and not args.batch:
        print(
            "错误 / error: 请给出问题或 --batch 文件 / give a question or --batch FILE",
            file=sys.stderr,
        )
        return 2
    assistant = open_app(settings, require_documents=True).assistant
    filters = (
        SearchFilters(frozenset(args.doc), frozenset(args.year)) if args.doc or args.year else None
    )
    questions = (
        read_questions(args.batch) if args.batch else iter([argument_question(args.question)])
    )
    for question in questions:
        answer = assistant.ask(question, filters=filters, mode=args.mode)
        print(
            json.dumps(answer.to_json(), ensure_ascii=False) if args.json else render(answer),
            flush=True,
        )
    return 0
