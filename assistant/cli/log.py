"""`policy-qa log report [--since DATE] [--json] [--chart FILE.svg]`: what users asked, per
day, about what, and which refused or 👎 questions keep coming back (grouped by similarity).

Reads `<data dir>/query_log.sqlite` and groups with the store's embedding model;
`--group-by bigram` needs no model (and groups worse, see assistant/query_report.py).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    log = commands.add_parser("log", help="查询日志 / the query log")
    actions = log.add_subparsers(dest="action", metavar="ACTION", required=True)
    report = actions.add_parser("report", help="提问统计与未回答问题 / questions and gaps")
    report.add_argument("--since", default="", help="起始日期 YYYY-MM-DD / first day")
    report.add_argument("--json", action="store_true", help="machine-readable output")
    report.add_argument("--chart", type=Path, help="把每日提问图写成 SVG 文件 / write the chart")
    report.add_argument(
        "--group-by",
        choices=("bigram", "embedding"),
        default="embedding",
        help="相似问题的分组方式 / how similar questions are grouped",
    )
    report.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.query_chart import per_day_svg
    from assistant.query_log import QueryLog
    from assistant.query_report import (
        BIGRAM_THRESHOLD,
        EMBEDDING_THRESHOLD,
        bigram_similarity,
        build_report,
        embedding_similarity,
        report_text,
    )
    from ingest.dates import valid_admin_date
    from ingest.errors import ConfigError

    if args.since and not valid_admin_date(args.since):
        raise ConfigError(
            f"--since 应为 YYYY、YYYY-MM 或 YYYY-MM-DD，当前为 {args.since!r}",
            f"--since must be YYYY, YYYY-MM or YYYY-MM-DD, got {args.since!r}",
        )
    log = QueryLog.in_dir(settings.store.data_dir, settings.query_log.retention_days)
    if args.group_by == "embedding":
        from assistant.app import open_app

        embeddings = open_app(settings).store.embeddings
        similarity, threshold = embedding_similarity(embeddings.embed_query), EMBEDDING_THRESHOLD
    else:
        similarity, threshold = bigram_similarity, BIGRAM_THRESHOLD
    report = build_report(log.entries(args.since), args.since, similarity, threshold)
    if args.chart:
        args.chart.parent.mkdir(parents=True, exist_ok=True)
        args.chart.write_text(per_day_svg(report.per_day), encoding="utf-8")
    print(
        json.dumps(report.to_json(), ensure_ascii=False, indent=2)
        if args.json
        else report_text(report)
    )
    return 0
