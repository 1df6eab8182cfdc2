"""`policy-qa docs`: the indexed documents; `docs rm|disable|enable DOC_ID` and
`docs move DOC_ID COLLECTION` manage one, and `docs set DOC_ID --status … --superseded-by …`
edits its policy metadata.

Deleting, disabling, enabling, moving and metadata edits go through the indexer's audited
services, the same the library tab and the API call; replacing a document is
`policy-qa ingest` of its new file.
"""

from __future__ import annotations

import argparse
import getpass
import json
import statistics
import sys
from typing import TYPE_CHECKING

from assistant.settings import Settings
from ingest.policy import DOC_TYPE_LABELS

if TYPE_CHECKING:
    from vectorstore.indexer import LifecycleAction

# `docs <action>` -> the indexer's lifecycle action.
ACTIONS: dict[str, tuple[LifecycleAction, str]] = {
    "rm": (
        "delete",
        "删除文档（分块、BM25、指标一并删除）/ delete a document and all derived data",
    ),
    "disable": ("disable", "停用文档：保留但不再检索或引用 / keep a document but never cite it"),
    "enable": ("enable", "重新启用已停用的文档 / cite a disabled document again"),
    "move": ("move", "把文档移到另一个集合 / put a document in another collection"),
}
DONE = {
    "delete": "已删除 / deleted",
    "disable": "已停用 / disabled",
    "enable": "已启用 / enabled",
    "move": "已移至集合 / moved to collection",
}
# `docs set` options -> the record field each sets ("" clears a field).
SET_OPTIONS: dict[str, tuple[str, str]] = {
    "--doc-number": ("doc_number", "文号, e.g. 穗科规字〔2019〕1号"),
    "--issuer": ("issuer", "发文机关 / issuing body"),
    "--type": ("doc_type", "类型 规划|政策文件|工作报告|新闻|申报指南"),
    "--date": ("date", "发布日期 / publication date YYYY[-MM[-DD]]"),
    "--effective-from": ("effective_from", "生效日期 / in force from YYYY[-MM[-DD]]"),
    "--effective-to": ("effective_to", "失效日期 / in force until YYYY[-MM[-DD]]"),
    "--status": ("status", "状态 现行有效|已失效|被替代|征求意见稿"),
    "--superseded-by": ("superseded_by", "替代它的文档编号 / id of the replacing document"),
    "--source-url": ("source_url", "来源链接 / source URL (http/https)"),
}


def register(commands: argparse._SubParsersAction) -> None:
    docs = commands.add_parser(
        "docs", help="列出或管理已索引文档 / list or manage indexed documents"
    )
    docs.add_argument("--json", action="store_true")
    docs.set_defaults(handler=run)
    actions = docs.add_subparsers(dest="action", metavar="ACTION")
    for name, (_, help_text) in ACTIONS.items():
        action = actions.add_parser(name, help=help_text)
        action.add_argument("doc_id", help="文档编号，见 policy-qa docs / document id")
        if name == "move":
            action.add_argument("collection", help="集合名称 / collection name, e.g. internal")
        action.add_argument("--json", action="store_true")
        action.set_defaults(handler=run_action)
    edit = actions.add_parser(
        "set", help="修改文档的政策元数据 / edit a document's policy metadata (文号, status, …)"
    )
    edit.add_argument("doc_id", help="文档编号，见 policy-qa docs / document id")
    for option, (field, help_text) in SET_OPTIONS.items():
        edit.add_argument(option, dest=field, metavar="VALUE", help=help_text)
    edit.add_argument("--json", action="store_true")
    edit.set_defaults(handler=run_set)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.app import open_app
    from vectorstore.scope import visible

    # Only the collections this run may see (policy-qa --collections ...; default public).
    records = visible(open_app(settings).store.documents())
    if args.json:
        rows = [record.__dict__ | {"validity": record.validity} for record in records]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not records:
        print(
            "索引为空，请先运行 policy-qa ingest / the index is empty; run `policy-qa ingest` first"
        )
        return 0
    for record in records:
        status = "  [已停用 disabled]" if record.disabled else ""
        number = f"  {record.doc_number}" if record.doc_number else ""
        status += f"  [{record.collection}]" if record.collection != "public" else ""
        print(
            f"{record.doc_id}  {record.date:<10}  {record.chunk_count:>4} chunks  "
            f"{record.table_rows:>3} rows  {DOC_TYPE_LABELS.get(record.doc_type, record.doc_type)}"
            f"  {record.validity}  {record.title}{number}{status}"
        )
    sizes = [record.chunk_count for record in records]
    print(
        f"\n{len(records)} 个文档 documents, {sum(sizes)} chunks "
        f"(median {statistics.median(sizes)} per document)"
    )
    return 0


def run_action(args: argparse.Namespace, settings: Settings) -> int:
    """Apply one lifecycle action; exit code 1 when the document is not in the index."""
    from assistant.app import open_app

    action = ACTIONS[args.action][0]
    collection = getattr(args, "collection", "")
    result = open_app(settings).indexer.change(action, args.doc_id, _actor(), "cli", collection)
    if args.json:
        print(
            json.dumps(
                {
                    "doc_id": args.doc_id,
                    "action": action,
                    "ok": result.ok,
                    "status": result.status,
                    "error": result.error,
                },
                ensure_ascii=False,
            )
        )
    elif result.ok:
        print(f"{args.doc_id}: {DONE[action]}{' ' + collection if collection else ''}")
    else:
        print(f"错误 / error: {result.error}", file=sys.stderr)
    return 0 if result.ok else 1


def run_set(args: argparse.Namespace, settings: Settings) -> int:
    """Edit a document's policy metadata; exit code 1 for a bad value or an unknown document."""
    from assistant.app import open_app
    from ingest.policy import PolicyEditError

    changes = {
        field: getattr(args, field)
        for field, _ in SET_OPTIONS.values()
        if getattr(args, field) is not None
    }
    if not changes:
        print(
            "错误 / error: 请至少给出一个要修改的字段 / give at least one field to set",
            file=sys.stderr,
        )
        return 1
    try:
        record = open_app(settings).indexer.set_policy(args.doc_id, changes, _actor(), "cli")
    except PolicyEditError as error:
        if args.json:
            print(
                json.dumps(
                    {"doc_id": args.doc_id, "ok": False, "error": str(error)}, ensure_ascii=False
                )
            )
        else:
            print(f"错误 / error: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(
            json.dumps(
                {
                    "doc_id": args.doc_id,
                    "ok": True,
                    "record": record.__dict__ | {"validity": record.validity},
                },
                ensure_ascii=False,
            )
        )
    else:
        shown = "，".join(f"{field}={record.__dict__[field]}" for field in changes)
        print(f"{args.doc_id}: 已更新 / updated ({shown}); 状态 / status: {record.validity}")
    return 0


def _actor() -> str:
    """Who ran the command, for the audit log: the operating-system user."""
    try:
        return f"cli@{getpass.getuser()}"
    except (OSError, KeyError):  # no user name in this environment
        return "cli@unknown"
