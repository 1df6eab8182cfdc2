"""`policy-qa search`: hybrid retrieval from the command line, single or batch, text or JSON."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from assistant.cli.options import add_filters, add_questions, filters_from, questions_from
from assistant.settings import Settings

if TYPE_CHECKING:
    from vectorstore.search import Passage

#: The --retriever choices (vectorstore.search.RETRIEVERS holds what each one means).
RETRIEVER_CHOICES = ("bm25", "dense", "hybrid")


def register(commands: argparse._SubParsersAction) -> None:
    search = commands.add_parser("search", help="检索相关段落 / retrieve passages")
    add_questions(search, "machine-readable output")
    search.add_argument("-k", type=int, default=10, help="number of passages (default 10)")
    search.add_argument("--retriever", choices=RETRIEVER_CHOICES, default="hybrid")
    add_filters(search)
    search.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.app import open_app
    from vectorstore.search import RETRIEVERS

    questions = questions_from(args)
    searcher = open_app(settings, require_documents=True).searcher
    filters = filters_from(args)
    for question in questions:
        passages = searcher.search(question, args.k, filters, RETRIEVERS[args.retriever])
        _print_passages(passages, args.json)
    return 0


def _print_passages(passages: list[Passage], as_json: bool) -> None:
    if as_json:
        ranked = [p.to_json(rank) for rank, p in enumerate(passages, start=1)]
        print(json.dumps(ranked, ensure_ascii=False), flush=True)
        return
    for rank, passage in enumerate(passages, start=1):
        print(
            f"{rank:>2}. [{passage.score:.4f}] {passage.title}（{passage.date}）{passage.section}"
        )
        print(f"    {passage.text[:200]}")
