"""Assistant settings: which answer mode, which LLM endpoint, how long to wait for it.

No API key means fully offline extractive answers; the key itself never leaves this
object except to build the client, so it is masked in repr.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_TOP_K = 8
MODES = ("extractive", "llm")


@dataclass(frozen=True)
class AssistantSettings:
    """How answers are produced; `mode` is "llm" when a key is configured, else "extractive"."""

    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    model: str = DEFAULT_MODEL
    timeout_s: float = DEFAULT_TIMEOUT_S
    retries: int = 1
    top_k: int = DEFAULT_TOP_K
    mode: str = "extractive"

    def __repr__(self) -> str:
        key = "***" if self.api_key else None
        return (
            f"AssistantSettings(api_key={key!r}, base_url={self.base_url!r}, model={self.model!r}, "
            f"timeout_s={self.timeout_s!r}, retries={self.retries!r}, top_k={self.top_k!r}, mode={self.mode!r})"
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AssistantSettings:
        """Read OPENAI_API_KEY, OPENAI_BASE_URL, POLICY_QA_LLM_MODEL, POLICY_QA_LLM_TIMEOUT."""
        source = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = source.get(name, "").strip()
            return value or None

        api_key = get("OPENAI_API_KEY")
        timeout = get("POLICY_QA_LLM_TIMEOUT")
        try:
            timeout_s = float(timeout) if timeout else DEFAULT_TIMEOUT_S
        except ValueError as error:
            raise ValueError(
                f"POLICY_QA_LLM_TIMEOUT 必须是秒数 / must be a number of seconds, got {timeout!r}"
            ) from error
        if timeout_s <= 0:
            raise ValueError(
                f"POLICY_QA_LLM_TIMEOUT 必须大于 0 / must be positive, got {timeout!r}"
            )
        return cls(
            api_key=api_key,
            base_url=get("OPENAI_BASE_URL"),
            model=get("POLICY_QA_LLM_MODEL") or DEFAULT_MODEL,
            timeout_s=timeout_s,
            mode="llm" if api_key else "extractive",
        )
