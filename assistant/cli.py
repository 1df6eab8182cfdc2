"""The `policy-qa` command line: ingest, docs, search, ask, config, and plugged-in commands.

Later stages (the UI's `serve`, the eval suite's `eval`) register their sub-commands
through the `policy_qa.commands` entry-point group, so this module never imports them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from importlib.metadata import entry_points

from assistant import cli_ask, cli_check, cli_config, cli_figures, cli_ingest, cli_search
from vectorstore.errors import StoreError

Handler = Callable[[argparse.Namespace], int]


def _quiet_libraries() -> None:
    """Offline by default: no telemetry, no hub downloads, no noisy third-party logs."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("bm25s", "chromadb", "httpx", "jieba", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _load_dotenv() -> None:
    """Settings may come from a .env file in the working directory; the environment wins."""
    from dotenv import load_dotenv

    load_dotenv(override=False)


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
    _quiet_libraries()
    _load_dotenv()
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except StoreError as error:
        print(f"错误 / error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n已中断 / interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
