"""The LLM section of the settings: which answer mode, which endpoint, how long to wait for it.

No API key means fully offline extractive answers; the key itself never leaves this
object except to build the client, so it is masked in repr.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal, get_args

from ingest.errors import ConfigError
from vectorstore.settings import Env, env_value, openai_endpoint, redacted_repr

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_TOP_K = 8
Mode = Literal["extractive", "llm"]
MODES: tuple[Mode, ...] = get_args(Mode)


@dataclass(frozen=True)
class AssistantSettings:
    """How answers are produced; `mode` is "llm" when a key is configured, else "extractive"."""

    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    model: str = DEFAULT_MODEL
    timeout_s: float = DEFAULT_TIMEOUT_S
    retries: int = 1
    top_k: int = DEFAULT_TOP_K
    mode: Mode = "extractive"

    def __repr__(self) -> str:
        return redacted_repr(self, frozenset({"api_key"}))

    @classmethod
    def from_env(cls, env: Env | None = None) -> AssistantSettings:
        """Read OPENAI_API_KEY, OPENAI_BASE_URL, POLICY_QA_LLM_MODEL, POLICY_QA_LLM_TIMEOUT."""
        source = os.environ if env is None else env
        api_key, base_url = openai_endpoint(source)
        timeout = env_value(source, "POLICY_QA_LLM_TIMEOUT")
        try:
            timeout_s = float(timeout) if timeout else DEFAULT_TIMEOUT_S
        except ValueError:
            timeout_s = -1.0
        if timeout_s <= 0:
            raise ConfigError(
                f"POLICY_QA_LLM_TIMEOUT 必须是大于 0 的秒数，当前为 {timeout!r}",
                f"POLICY_QA_LLM_TIMEOUT must be a positive number of seconds, got {timeout!r}",
            )
        return cls(
            api_key=api_key,
            base_url=base_url,
            model=env_value(source, "POLICY_QA_LLM_MODEL") or DEFAULT_MODEL,
            timeout_s=timeout_s,
            mode="llm" if api_key else "extractive",
        )
