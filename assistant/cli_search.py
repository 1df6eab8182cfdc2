"""`policy-qa search`: hybrid retrieval from the command line, single or batch, text or JSON."""

from __future__ import annotations

import argparse
import codecs
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.settings import Settings

if TYPE_CHECKING:
    from vectorstore.search import Passage

#: The --retriever choices (vectorstore.search.RETRIEVERS holds what each one means).
RETRIEVER_CHOICES = ("bm25", "dense", "hybrid")


def register(commands: argparse._SubParsersAction) -> None:
    search = commands.add_parser("search", help="检索相关段落 / retrieve passages")
    search.add_argument("question", nargs="?", help="问题 / question")
    search.add_argument("-k", type=int, default=10, help="number of passages (default 10)")
    search.add_argument("--batch", metavar="FILE", help="questions one per line; - for stdin")
    search.add_argument("--json", action="store_true", help="machine-readable output")
    search.add_argument("--retriever", choices=RETRIEVER_CHOICES, default="hybrid")
    search.add_argument("--doc", action="append", default=[], help="only this doc id (repeatable)")
    search.add_argument(
        "--year", action="append", type=int, default=[], help="only documents covering this year"
    )
    search.set_defaults(handler=run_search)


def read_questions(source: str) -> Iterator[str]:
    """Questions one per line from a file or stdin ("-"); blank lines are skipped.

    Lines end at \n (or \r\n, \r). A line that is not valid UTF-8 is still asked, with the
    undecodable bytes replaced by U+FFFD and a warning on stderr, the same for a file and
    for stdin, so one bad line never stops a batch.
    """
    if source == "-":
        stdin = getattr(sys.stdin, "buffer", None)
        raw: Iterable[bytes] = stdin if stdin is not None else (s.encode() for s in sys.stdin)
    else:
        try:
            raw = Path(source).read_bytes().splitlines()
        except OSError as error:
            raise SystemExit(
                f"错误 / error: 无法读取问题文件 / cannot read {source}: {error}"
            ) from None
    return _decoded_lines(raw)


_SURROGATE = re.compile("[\ud800-\udfff]")


def argument_question(question: str) -> str:
    """A question from the command line, safe to embed, search and print.

    Python hands over command-line bytes that are not valid UTF-8 as lone surrogates, which no
    encoder accepts; like a bad batch line, they become U+FFFD with a warning and the question
    is still answered.
    """
    if not _SURROGATE.search(question):
        return question
    print(
        "警告 / warning: 问题中有无法解码的字节，已替换为 \ufffd / the question has bytes that "
        "are not valid UTF-8; they were replaced",
        file=sys.stderr,
        flush=True,
    )
    return _SURROGATE.sub("\ufffd", question)


def _decoded_lines(raw: Iterable[bytes]) -> Iterator[str]:
    for number, data in enumerate(raw, start=1):
        if number == 1:
            data = data.removeprefix(codecs.BOM_UTF8)
        try:
            line = data.decode("utf-8")
        except UnicodeDecodeError:
            line = data.decode("utf-8", errors="replace")
            print(
                f"警告 / warning: 第 {number} 行不是有效的 UTF-8，无法解码的字节已替换为 \ufffd / "
                f"line {number} is not valid UTF-8; undecodable bytes were replaced",
                file=sys.stderr,
                flush=True,
            )
        line = line.strip()
        if line:
            yield line


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


def run_search(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here so that `policy-qa --help` does not load the models' libraries.
    from assistant.app import open_app
    from vectorstore.search import RETRIEVERS, SearchFilters

    if not args.question and not args.batch:
        print(
            "错误 / error: 请给出问题或 --batch 文件 / give a question or --batch FILE",
            file=sys.stderr,
        )
        return 2
    searcher = open_app(settings, require_documents=True).searcher
    filters = SearchFilters(frozenset(args.doc), frozenset(args.year))
    questions = (
        read_questions(args.batch) if args.batch else iter([argument_question(args.question)])
    )
    for question in questions:
        passages = searcher.search(question, args.k, filters, RETRIEVERS[args.retriever])
        _print_passages(passages, args.json)
    return 0
