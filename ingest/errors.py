"""Per-file ingest errors that a person reads, in Chinese and English."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A file that cannot be ingested; the message names the file and the reason in both languages."""

    def __init__(self, path: str, reason_zh: str, reason_en: str) -> None:
        self.path = path
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"{path}: {reason_zh} / {reason_en}")


def corrupt_file_error(path: Path | str, kind: str, exc: BaseException) -> IngestError:
    """A parser gave up on the file; its own message (cut short) tells a person what broke."""
    detail = f"{type(exc).__name__}: {exc}"[:200]
    return IngestError(
        str(path),
        f"{kind} 文件已损坏或格式无效（{detail}）",
        f"corrupt or invalid {kind} file ({detail})",
    )
