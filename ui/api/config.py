"""API settings from the environment: tokens, rate limit, body size limit, CORS, refresh.

The upload limit is the web settings' one (`Settings.web.upload_max_bytes`): a file may be
as large through the API as through the UI.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from assistant.access import TOKENS_ENV, ApiToken, parse_tokens
from ingest.errors import ConfigError

ADMIN_TOKEN_ENV = "POLICY_QA_ADMIN_TOKEN"
RATE_ENV = "POLICY_QA_API_RATE_PER_MIN"
MAX_BODY_ENV = "POLICY_QA_API_MAX_BODY_KB"
CORS_ENV = "POLICY_QA_CORS_ORIGINS"
REFRESH_ENV = "POLICY_QA_REFRESH_S"
DEFAULT_RATE_PER_MIN = 600
DEFAULT_MAX_BODY_BYTES = 256 * 1024
# Multipart framing around an uploaded file (boundaries, part headers).
UPLOAD_OVERHEAD_BYTES = 64 * 1024
DEFAULT_REFRESH_S = 2.0


def _split(raw: str) -> frozenset[str]:
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


def _number(name: str, raw: str, default: float) -> float:
    if not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        raise ConfigError(
            f"{name} 必须是非负数，当前为 {raw!r}", f"{name} must be a number >= 0, got {raw!r}"
        )
    return value


@dataclass(frozen=True)
class ApiSettings:
    """Who may call what, how often, how much; secrets are masked in repr."""

    read_tokens: frozenset[str] = field(default=frozenset(), repr=False)
    # Tokens granted collections beyond public (POLICY_QA_API_TOKENS name:token:collections).
    scoped_tokens: tuple[ApiToken, ...] = field(default=(), repr=False)
    admin_token: str | None = field(default=None, repr=False)
    rate_per_minute: float = DEFAULT_RATE_PER_MIN  # per client; 0 switches the limit off
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    cors_origins: tuple[str, ...] = ()
    refresh_s: float = DEFAULT_REFRESH_S  # how often an idle server looks for others' writes

    @property
    def reads_need_token(self) -> bool:
        return bool(self.read_tokens)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ApiSettings:
        source = os.environ if env is None else env
        admin = source.get(ADMIN_TOKEN_ENV, "").strip()
        tokens = parse_tokens(source.get(TOKENS_ENV, ""))
        return cls(
            read_tokens=frozenset(token.token for token in tokens),
            scoped_tokens=tokens,
            admin_token=admin or None,
            rate_per_minute=_number(RATE_ENV, source.get(RATE_ENV, ""), DEFAULT_RATE_PER_MIN),
            max_body_bytes=int(
                _number(MAX_BODY_ENV, source.get(MAX_BODY_ENV, ""), DEFAULT_MAX_BODY_BYTES / 1024)
                * 1024
            ),
            cors_origins=tuple(sorted(_split(source.get(CORS_ENV, "")))),
            refresh_s=_number(REFRESH_ENV, source.get(REFRESH_ENV, ""), DEFAULT_REFRESH_S),
        )
