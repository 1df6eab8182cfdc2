"""`policy-qa measures --industry 生物医药 --beneficiary 高新技术企业`: matching support measures.

Reads the measure catalogue (measures.sqlite in the data dir, built by `policy-qa ingest`)
and ranks it for the profile given; prints a grouped, cited list, or JSON rows with --json.
"""

from __future__ import annotations

import argparse
import json
import sys

from assistant.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    measures = commands.add_parser("measures", help="扶持措施查找 / support measures for a profile")
    measures.add_argument("--region", default="", help="所在区域，如 黄埔区 / region")
    measures.add_argument(
        "--industry", action="append", default=[], help="产业领域，如 生物医药（可重复）"
    )
    measures.add_argument(
        "--beneficiary", action="append", default=[], help="企业类型，如 高新技术企业（可重复）"
    )
    measures.add_argument("--stage", default="", help="发展阶段，如 初创 / stage")
    measures.add_argument("--need", action="append", default=[], help="需求，如 融资（可重复）")
    measures.add_argument("--limit", type=int, default=10, help="最多条数 / at most this many")
    measures.add_argument("--json", action="store_true", help="machine-readable output")
    measures.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.app import open_app
    from assistant.measure_export import match_row, to_markdown
    from assistant.measures import Profile

    profile = Profile(
        region=args.region,
        industries=tuple(args.industry),
        beneficiaries=tuple(args.beneficiary),
        stage=args.stage,
        needs=tuple(args.need),
    )
    finder = open_app(settings).measures
    if not finder.store.count():
        print(
            "扶持措施目录为空，请先运行 policy-qa ingest / "
            "the measure catalogue is empty; run policy-qa ingest first",
            file=sys.stderr,
        )
        return 1
    matches = finder.find(profile, limit=max(1, args.limit))
    if args.json:
        rows = [match_row(m) for m in matches]
        print(json.dumps({"profile": profile.as_dict(), "measures": rows}, ensure_ascii=False))
        return 0
    print(to_markdown(profile, matches), end="")
    return 0
