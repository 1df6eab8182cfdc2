"""`policy-qa docs`: the indexed documents, with chunk and table-row counts."""

from __future__ import annotations

import argparse
import json
import statistics

from assistant.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    docs = commands.add_parser("docs", help="列出已索引文档 / list indexed documents")
    docs.add_argument("--json", action="store_true")
    docs.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.app import open_app

    records = open_app(settings).store.documents()
    if args.json:
        print(json.dumps([record.__dict__ for record in records], ensure_ascii=False, indent=2))
        return 0
    if not records:
        print(
            "索引为空，请先运行 policy-qa ingest / the index is empty; run `policy-qa ingest` first"
        )
        return 0
    for record in records:
        print(
            f"{record.doc_id}  {record.date:<10}  {record.chunk_count:>4} chunks  "
            f"{record.table_rows:>3} rows  {record.title}"
        )
    sizes = [record.chunk_count for record in records]
    print(
        f"\n{len(records)} 个文档 documents, {sum(sizes)} chunks "
        f"(median {statistics.median(sizes)} per document)"
    )
    return 0
