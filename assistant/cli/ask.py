"""`policy-qa ask`: cited answers from the command line, single or batch, text or JSON."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from assistant.cli.options import add_filters, add_questions, filters_from, questions_from
from assistant.config import MODES
from assistant.settings import Settings
from ingest.policy import CURRENT

if TYPE_CHECKING:
    from assistant.answer import Answer


def register(commands: argparse._SubParsersAction) -> None:
    ask = commands.add_parser(
        "ask", help="提问并给出带引用的答案 / ask a question, get a cited answer"
    )
    add_questions(ask, "one JSON object per answer")
    ask.add_argument(
        "--mode", choices=MODES, help="extractive (offline) or llm; default: llm when a key is set"
    )
    add_filters(ask)
    ask.set_defaults(handler=run)


def render(answer: Answer) -> str:
    """Answer text, warnings, then numbered citations with title, date, section, page (PDF,
    OFD and scans) and quote."""
    lines = [answer.text]
    lines += [f"⚠ {warning}" for warning in answer.warnings]
    if answer.citations:
        lines.append("\n引用 / citations:")
    for citation in answer.citations:
        p = citation.passage
        page = f" 第{p.chunk.page}页" if p.chunk.page else ""
        number = f" {p.document.doc_number}" if p.document.doc_number else ""
        status = f" [{p.document.validity}]" if p.document.validity != CURRENT else ""
        lines.append(f"[{citation.n}] 《{p.title}》{number}（{p.date}）{p.section}{page}{status}")
        lines.append(f"    「{' '.join(citation.quote.split())}」")
    return "\n".join(lines)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.app import open_app

    questions = questions_from(args)
    assistant = open_app(settings, require_documents=True).assistant
    filters = filters_from(args)
    for question in questions:
        answer = assistant.ask(question, filters=filters, mode=args.mode)
        print(
            json.dumps(answer.to_json(), ensure_ascii=False) if args.json else render(answer),
            flush=True,
        )
    return 0
