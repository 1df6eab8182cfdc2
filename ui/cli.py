"""`policy-qa serve` (the web UI) and `policy-qa feedback export` (👎 answers -> eval drafts)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.settings import Settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860


def register(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="启动网页界面 / start the web UI")
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"listen address (default {DEFAULT_HOST}: this machine only; 0.0.0.0 exposes it)",
    )
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    serve.set_defaults(handler=run_serve)


def register_feedback(commands: argparse._SubParsersAction) -> None:
    feedback = commands.add_parser("feedback", help="用户反馈 / answer feedback")
    actions = feedback.add_subparsers(dest="feedback_command", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export", help="把 👎 反馈导出为评测草稿 / export 👎 feedback as draft eval items"
    )
    export.add_argument("--out", type=Path, help="write JSONL here (default: stdout)")
    export.set_defaults(handler=run_feedback_export)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    if not 1 <= args.port <= 65535:
        print(f"错误 / error: 端口无效 / invalid port {args.port}", file=sys.stderr)
        return 2
    from ui.app import main

    main(settings, args.host, args.port)
    return 0


def run_feedback_export(args: argparse.Namespace, settings: Settings) -> int:
    from ui.feedback import draft_notes, export_drafts, feedback_path, write_drafts

    source = feedback_path(settings.store.data_dir)
    drafts = export_drafts(source)
    if args.out:
        write_drafts(drafts, args.out)
        notes = draft_notes(source)
        notes_path = args.out.with_name(args.out.stem + ".notes.jsonl")
        if notes:
            write_drafts(notes, notes_path)
        print(
            f"已导出 {len(drafts)} 条评测草稿到 {args.out}（来自 {source}）；请补全 answer、"
            f"must_contain、source、evidence / exported {len(drafts)} draft items"
            + (f"；用户说明见 {notes_path} / user notes in {notes_path}" if notes else ""),
            file=sys.stderr,
        )
    else:
        for item in drafts:
            print(json.dumps(item, ensure_ascii=False))
        print(f"{len(drafts)} 条草稿 / draft items（{source}）", file=sys.stderr)
    return 0
