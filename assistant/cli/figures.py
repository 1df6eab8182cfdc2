"""`policy-qa figures "技术合同成交额"`: every stored figure of an indicator, with its source.

Reads the fact table only (facts.sqlite in the data dir), so it needs neither the
embedding model nor Chroma and answers instantly.
"""

from __future__ import annotations

import argparse
import json
import sys

from assistant.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    figures = commands.add_parser("figures", help="指标数据表 / the figures of an indicator")
    figures.add_argument("indicator", help="指标名称（任意写法）/ indicator name, any wording")
    figures.add_argument("--scope", default="", help="只看这个范围，如 广州市 / only this scope")
    figures.add_argument("--json", action="store_true", help="machine-readable output")
    figures.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.facts import display_value
    from vectorstore.facts import FactStore

    store = FactStore.in_dir(settings.store.data_dir)
    found = store.query(args.indicator, args.scope)
    if args.json:
        print(json.dumps([s.as_dict() for s in found], ensure_ascii=False), flush=True)
        return 0
    if not found:
        hint = (
            ""
            if store.count()
            else "（数据表为空，请先运行 policy-qa ingest / run policy-qa ingest first）"
        )
        print(
            f"未找到指标 {args.indicator} 的数据{hint} / no figures for {args.indicator!r}",
            file=sys.stderr,
        )
        return 1
    print("时期 | 范围 | 数值 | 类型 | 来源 | 原文")
    print("period | scope | value | kind | source | quote")
    for sourced in found:
        fact = sourced.fact
        source = f"{sourced.title}（{sourced.date}）"
        print(
            f"{fact.period} | {fact.scope} | {display_value(fact)} | {fact.kind} | {source} | "
            f"「{fact.quote}」"
        )
    return 0
