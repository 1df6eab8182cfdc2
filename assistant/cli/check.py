"""`policy-qa check [--repair] [--json]`: is the index consistent, and fix it if asked.

Exit 0: consistent; 1: problems found (or left after --repair); 2: the store cannot be used.
"""

from __future__ import annotations

import argparse
import json

from assistant.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser(
        "check", help="检查索引一致性 / check the index for consistency (--repair fixes it)"
    )
    check.add_argument("--repair", action="store_true", help="fix what can be fixed, then recheck")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.app import open_app
    from vectorstore.consistency import check, repair, set_aside_damaged
    from vectorstore.errors import StoreCorrupt

    try:
        store = open_app(settings).store
    except StoreCorrupt:
        if not args.repair:
            raise
        moved = set_aside_damaged(settings.store)
        print(
            f"已将损坏的索引数据库移到 {moved}，请重新运行 policy-qa ingest（向量来自缓存）/ "
            f"moved the damaged index to {moved}; run `policy-qa ingest` again "
            "(vectors come from the cache)"
        )
        return 1
    report = repair(store) if args.repair else check(store)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0 if report.consistent else 1
    for line in report.repaired:
        print(f"已修复 repaired: {line}")
    for finding in report.problems:
        print(f"问题 problem: {finding.line()}")
    for finding in report.notes:
        print(f"提示 note: {finding.line()}")
    verdict = "一致 / consistent" if report.consistent else "不一致 / inconsistent"
    print(f"{report.documents} 个文档 documents, {report.records} 条记录 records: {verdict}")
    return 0 if report.consistent else 1
