"""Warnings for answers that cite a document no longer in force.

Staff must never quote a repealed measure as current: when an answer cites an expired or
superseded document it says so, naming the replacement when the library knows it, so the
reader checks the current text before relying on the figure or rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ingest.policy import EXPIRED, SUPERSEDED
from vectorstore.search import Passage
from vectorstore.store import DocumentRecord


def validity_warnings(
    passages: Iterable[Passage], documents: Mapping[str, DocumentRecord]
) -> tuple[str, ...]:
    """One bilingual line per cited document that is expired or superseded, in citation order."""
    lines: list[str] = []
    seen: set[str] = set()
    for passage in passages:
        record = passage.document
        if record.doc_id in seen:
            continue
        seen.add(record.doc_id)
        line = _warning(record, documents)
        if line:
            lines.append(line)
    return tuple(lines)


def _warning(record: DocumentRecord, documents: Mapping[str, DocumentRecord]) -> str:
    status = record.validity
    title = record.title or record.doc_id
    if status == SUPERSEDED:
        replacement = documents.get(record.superseded_by)
        new = replacement.title if replacement else record.superseded_by
        named = f"（被《{new}》替代）" if new else ""
        named_en = f' (replaced by "{new}")' if new else ""
        return (
            f"所引《{title}》已失效{named}，请以现行文件为准 / "
            f'the cited "{title}" is superseded{named_en}; rely on the current document'
        )
    if status == EXPIRED:
        until = f"（有效期至{record.effective_to}）" if record.effective_to else ""
        until_en = f" on {record.effective_to}" if record.effective_to else ""
        return (
            f"所引《{title}》已失效{until}，请核实现行政策 / "
            f'the cited "{title}" expired{until_en}; check the policy now in force'
        )
    return ""
