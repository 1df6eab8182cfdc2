"""The product's error family: every error a person reads, in Chinese and English.

It lives in the first stage so that every later stage (store, assistant, UI, CLI) can raise
and catch the same base class; the CLI catches `BilingualError` once and exits with code 2.
"""

from __future__ import annotations

from pathlib import Path


class BilingualError(Exception):
    """Base class: `str(error)` is the one-line message "中文 / English" shown to users."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_zh} / {message_en}")


class ConfigError(BilingualError, ValueError):
    """A setting that cannot be used; reported at start-up instead of deep inside a request."""


class IngestError(BilingualError):
    """A file that cannot be ingested; the message names the file and the reason."""

    def __init__(self, path: str, reason_zh: str, reason_en: str) -> None:
        self.path = path
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"{path}: {reason_zh}", reason_en)


def corrupt_file_error(path: Path | str, kind: str, exc: BaseException) -> IngestError:
    """A parser gave up on the file; its own message (cut short) tells a person what broke."""
    detail = f"{type(exc).__name__}: {exc}"[:200]
    return IngestError(
        str(path),
        f"{kind} 文件已损坏或格式无效（{detail}）",
        f"corrupt or invalid {kind} file ({detail})",
    )
