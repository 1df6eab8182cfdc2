"""`policy-qa config`: the effective settings, as the other commands would use them, redacted.

It prints the very settings object the other commands get (environment, then .env), so
what it shows is what `ingest`, `ask` and `serve` will do. Secrets are never printed: only
whether one is set and, for a long API key, its last four characters.
`policy-qa hash-password` makes the password hash a POLICY_QA_USERS entry stores.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from assistant.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    config = commands.add_parser(
        "config", help="显示生效的配置（密钥已隐藏）/ show the effective settings, key redacted"
    )
    config.add_argument("--json", action="store_true", help="machine-readable output")
    config.set_defaults(handler=run)
    hashing = commands.add_parser(
        "hash-password",
        help="生成用户密码哈希（用于 POLICY_QA_USERS）/ hash a UI user's password",
    )
    hashing.set_defaults(handler=run_hash)


def run_hash(args: argparse.Namespace, settings: Settings) -> int:
    """Read the password (prompted, or one line of stdin) and print its salted scrypt hash."""
    from assistant.access import hash_password

    password = getpass.getpass("密码 / password: ") if sys.stdin.isatty() else sys.stdin.readline()
    password = password.rstrip("\n")
    if not password:
        print("错误 / error: 密码为空 / empty password", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


def _embedding(embedding: dict[str, Any]) -> str:
    shown = f"{embedding['backend']} ({embedding['model']})"
    if "base_url" in embedding:
        shown += f" @ {embedding['base_url']}, modality {embedding['modality']}"
    return shown


def _grants(grants: dict[str, str]) -> str:
    """Names and their collections only: never a hash or a token."""
    return ", ".join(f"{name} ({scope})" for name, scope in grants.items()) or "无 / none"


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
        ("界面用户 UI users", _grants(settings["access"]["users"])),
        ("API 令牌 API tokens", _grants(settings["access"]["api_tokens"])),
    ]
    return "\n".join(f"{label}: {value}" for label, value in rows)


def run(args: argparse.Namespace, settings: Settings) -> int:
    shown = settings.redacted()
    if args.json:
        print(json.dumps(shown, ensure_ascii=False, indent=2))
    else:
        print(render(shown))
    return 0
