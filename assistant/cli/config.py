"""`policy-qa config`: the effective settings, as the other commands would use them, redacted.

It prints the very settings object the other commands get (environment, then .env), so
what it shows is what `ingest`, `ask` and `serve` will do. Secrets are never printed: only
whether one is set and, for a long API key, its last four characters.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from assistant.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    config = commands.add_parser(
        "config", help="显示生效的配置（密钥已隐藏）/ show the effective settings, key redacted"
    )
    config.add_argument("--json", action="store_true", help="machine-readable output")
    config.set_defaults(handler=run)


def _embedding(embedding: dict[str, Any]) -> str:
    shown = f"{embedding['backend']} ({embedding['model']})"
    if "base_url" in embedding:
        shown += f" @ {embedding['base_url']}, modality {embedding['modality']}"
    return shown


def render(settings: dict[str, Any]) -> str:
    chroma = settings["chroma"]
    where = (
        f"服务器 server {chroma['host']}:{chroma['port']}"
        if chroma["mode"] == "server"
        else f"嵌入式 embedded {chroma['path']}"
    )
    llm, web = settings["llm"], settings["web"]
    mode = settings["answer_mode"]
    mode_note = "大模型 LLM" if mode == "llm" else "离线摘录 offline extractive"
    rows = [
        ("数据目录 data dir", f"{settings['data_dir']} ({settings['data_dir_resolved']})"),
        ("Chroma", where),
        ("嵌入 embedding", _embedding(settings["embedding"])),
        ("回答模式 answer mode", f"{mode} ({mode_note})"),
        ("大模型地址 LLM base URL", llm["base_url"]),
        ("大模型 LLM model", llm["model"]),
        ("超时 LLM timeout", f"{llm['timeout_s']:g} s"),
        ("API 密钥 API key", llm["api_key"] or "未设置 / not set"),
        ("写锁等待 lock timeout", f"{settings['lock_timeout_s']:g} s"),
        ("只读 read-only", "是 / yes" if settings["read_only"] else "否 / no"),
        ("上传上限 upload limit", f"{web['upload_max_mb']:g} MB"),
        ("管理员密码 admin password", web["admin_password"] or "未设置 / not set (uploads off)"),
        ("评测报告 eval reports", settings["eval"]["reports_dir"] or "evals/reports"),
    ]
    return "\n".join(f"{label}: {value}" for label, value in rows)


def run(args: argparse.Namespace, settings: Settings) -> int:
    shown = settings.redacted()
    if args.json:
        print(json.dumps(shown, ensure_ascii=False, indent=2))
    else:
        print(render(shown))
    return 0
