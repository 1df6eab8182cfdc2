"""Per-file ingest errors that a person reads, in Chinese and English."""

from __future__ import annotations


class IngestError(Exception):
    """A file that cannot be ingested; the message names the file and the reason in both languages."""

    def __init__(self, path: str, reason_zh: str, reason_en: str) -> None:
        self.path = path
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"{path}: {reason_zh} / {reason_en}")
