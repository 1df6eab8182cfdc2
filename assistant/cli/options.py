"""Options several commands share, defined once: questions (argument or --batch), --json,
and the --doc/--year filters; plus reading questions the same way for every command."""

from __future__ import annotations

import argparse
import codecs
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.errors import BilingualError

if TYPE_CHECKING:
    from vectorstore.search import SearchFilters

_SURROGATE = re.compile("[\ud800-\udfff]")


class UsageError(BilingualError):
    """The command was given something it cannot use (exit code 2)."""


def add_questions(parser: argparse.ArgumentParser, json_help: str) -> None:
    """A question as argument, or --batch FILE (one per line, - for stdin), and --json."""
    parser.add_argument("question", nargs="?", help="问题 / question")
    parser.add_argument("--batch", metavar="FILE", help="questions one per line; - for stdin")
    parser.add_argument("--json", action="store_true", help=json_help)


def add_filters(parser: argparse.ArgumentParser) -> None:
    """--doc, --year, --status and --type (each repeatable) narrow retrieval."""
    parser.add_argument("--doc", action="append", default=[], help="only this doc id (repeatable)")
    parser.add_argument(
        "--year", action="append", type=int, default=[], help="only documents covering this year"
    )
    parser.add_argument(
        "--status",
        action="append",
        default=[],
        help="only documents with this status: 现行有效|已失效|被替代|征求意见稿 "
        "(repeatable or comma list)",
    )
    parser.add_argument(
        "--type",
        dest="doc_type",
        action="append",
        default=[],
        help="only documents of this type: 规划|政策文件|工作报告|新闻|申报指南 "
        "(or plan|policy|work_report|news|guide; repeatable or comma list)",
    )


def filters_from(args: argparse.Namespace) -> SearchFilters | None:
    """The --doc/--year/--status/--type filters, or None when none was given."""
    from ingest.policy import PolicyEditError, doc_type_code, status_value
    from vectorstore.search import SearchFilters

    if not (args.doc or args.year or args.status or args.doc_type):
        return None
    try:
        statuses = frozenset(status_value(v) for v in _listed(args.status))
        doc_types = frozenset(doc_type_code(v, "--type") for v in _listed(args.doc_type))
    except PolicyEditError as error:
        raise UsageError(error.message_zh, error.message_en) from None
    return SearchFilters(frozenset(args.doc), frozenset(args.year), statuses, doc_types)


def _listed(values: Iterable[str]) -> list[str]:
    """Repeated options and comma lists (either comma) as one list of values."""
    return [part.strip() for value in values for part in re.split("[,，]", value) if part.strip()]


def questions_from(args: argparse.Namespace) -> Iterator[str]:
    """The questions to answer; UsageError when neither a question nor --batch was given."""
    if args.batch:
        return read_questions(args.batch)
    if args.question:
        return iter([argument_question(args.question)])
    raise UsageError("请给出问题或 --batch 文件", "give a question or --batch FILE")


def read_questions(source: str) -> Iterator[str]:
    """Questions one per line from a file or stdin ("-"); blank lines are skipped.

    Lines end at \\n (or \\r\\n, \\r). A line that is not valid UTF-8 is still asked, with the
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
            raise UsageError(
                f"无法读取问题文件 {source}（{error.strerror}）", f"cannot read {source}: {error}"
            ) from None
    return _decoded_lines(raw)


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
