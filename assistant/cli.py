"""The `policy-qa` command line: ingest, docs, search, ask, config, and plugged-in commands.

Later stages (the UI's `serve`, the eval suite's `eval`) register their sub-commands
through the `policy_qa.commands` entry-point group, so this module never imports them.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from importlib.metadata import entry_points

from assistant import cli_ask, cli_check, cli_config, cli_figures, cli_ingest, cli_search
from assistant.settings import Settings, load_settings
from ingest.errors import BilingualError
from vectorstore.offline import apply_offline_defaults

Handler = Callable[[argparse.Namespace, Settings], int]


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
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    cli_ingest.register(commands)
    cli_search.register(commands)
    cli_ask.register(commands)
    cli_config.register(commands)
    cli_check.register(commands)
    cli_figures.register(commands)
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
    """Run one command. Exit codes: 0 ok, 1 some files or checks failed, 2 usage or config error.

    Settings are loaded once, before any command runs, so a bad setting is exit code 2 from
    every command; every error meant for people is a BilingualError, reported here on one line.
    """
    _quiet_libraries()
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args, load_settings())
    except BilingualError as error:
        print(f"错误 / error: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n已中断 / interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
