"""The `policy-qa` command line: one module per command, shared options in `options`.

Exit codes, the same for every command: 0 ok, 1 some files or checks failed (the rest went
on), 2 usage or configuration error. Settings are loaded once, before any command runs, so a
bad setting is exit code 2 from every command; every error meant for people is a
`BilingualError`, reported here once, on one line, without a traceback.

Imports: a command module imports only the standard library and `assistant.settings` /
`assistant.cli.options` at the top; everything that loads models, Chroma or the parsers is
imported inside its `run`, so `policy-qa --help` and `policy-qa config` start instantly.

Later stages (the UI's `serve` and `feedback`, the eval suite's `eval`) register their
commands through the `policy_qa.commands` entry-point group, so this package never imports
them.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from importlib.metadata import entry_points

from assistant.cli import ask, check, config, docs, figures, ingest, log, measures, search
from assistant.settings import Settings, load_settings
from ingest.errors import BilingualError
from vectorstore.offline import apply_offline_defaults
from vectorstore.scope import parse_scope, scoped

Handler = Callable[[argparse.Namespace, Settings], int]
COMMANDS = (ingest, docs, search, ask, config, check, figures, measures, log)


def _quiet_libraries() -> None:
    """Offline by default, and no noisy third-party logs."""
    apply_offline_defaults()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("bm25s", "chromadb", "httpx", "jieba", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policy-qa",
        description="广州科技创新政策问答（带引用）/ Cited Q&A over Guangzhou S&T innovation documents",
    )
    parser.add_argument(
        "--collections",
        default="public",
        metavar="NAMES",
        help="本次可见的集合，如 public+internal 或 all（默认 public）/ collections this run "
        "may see, e.g. public+internal or all (default public)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    for plugin in entry_points(group="policy_qa.commands"):
        try:
            register = plugin.load()
        except ImportError as error:  # one broken optional command must not disable the rest
            logging.getLogger(__name__).warning(
                "命令 %s 不可用 / command unavailable: %s", plugin.name, error
            )
            continue
        register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code."""
    _quiet_libraries()
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        with scoped(parse_scope(args.collections)):  # what search, answers and figures may use
            return handler(args, load_settings())
    except BilingualError as error:
        print(f"错误 / error: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n已中断 / interrupted", file=sys.stderr)
        return 130
