"""The support-measure catalogue: every measure of every indexed document, in SQLite.

Like the fact table, measures are derived from a document and live and die with it:
`replace_document` swaps one document's measures in one transaction (readers see the old
set or the new one), `delete_document` removes them, and each document's row records the
version (text, metadata, rules and vocabulary) its measures were built from, so re-indexing
an unchanged document costs one lookup.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from ingest.measures import Measure, extract_measures, vocabulary_fingerprint
from vectorstore.derived import DerivedTable, visible_only

if TYPE_CHECKING:  # annotations only: the ingest pipeline (pypdf, loaders) costs ~0.4 s to import
    from ingest.pipeline import ProcessedDocument

MEASURES_FILE = "measures.sqlite"
_COLUMNS = tuple(f.name for f in fields(Measure))
_LISTS = {
    name
    for name in _COLUMNS
    if name not in ("doc_id", "chunk_id", "section", "start", "end", "text", "level", "period")
}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS measure_documents (
    doc_id TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS measures (
    doc_id TEXT NOT NULL REFERENCES measure_documents(doc_id) ON DELETE CASCADE,
    chunk_id TEXT NOT NULL,
    section TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    level TEXT NOT NULL,
    period TEXT NOT NULL,
    beneficiaries TEXT NOT NULL,
    industries TEXT NOT NULL,
    support_types TEXT NOT NULL,
    amounts TEXT NOT NULL,
    conditions TEXT NOT NULL,
    deadlines TEXT NOT NULL,
    contacts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS measures_by_doc ON measures(doc_id);
"""


@dataclass(frozen=True)
class SourcedMeasure:
    """A measure with what its citation shows about the document."""

    measure: Measure
    title: str
    date: str


def document_version(processed: ProcessedDocument) -> str:
    """What the measures of a document depend on: its text, metadata, rules and vocabulary."""
    meta = processed.meta
    digest = hashlib.sha256(processed.cleaned.encode())
    digest.update(f"{meta.title}\x00{meta.publisher}\x00{meta.period}".encode())
    return f"{digest.hexdigest()[:16]}+{vocabulary_fingerprint()}"


class MeasureStore(DerivedTable):
    """measures.sqlite: one connection per call, so UI and API threads never share one."""

    FILE = MEASURES_FILE
    SCHEMA = _SCHEMA
    DOCUMENTS = "measure_documents"
    ROWS = "measures"

    def replace_document(
        self, doc_id: str, version: str, measures: Iterable[Measure], title: str, date: str
    ) -> int:
        """Make `measures` the document's catalogue, atomically; returns how many."""
        rows = [_row(measure) for measure in measures]
        return self._replace(doc_id, (version, title, date), _COLUMNS, rows)

    def sync(self, processed: ProcessedDocument) -> bool:
        """Rebuild a document's measures unless built from this version; True if built."""
        version = document_version(processed)
        if self.version(processed.doc_id) == version:
            return False
        meta = processed.meta
        self.replace_document(
            processed.doc_id, version, extract_measures(processed), meta.title, meta.date
        )
        return True

    def all(self, doc_ids: Sequence[str] | None = None) -> list[SourcedMeasure]:
        """Every measure (of `doc_ids` when given), by document and place."""
        where: list[str] = []
        params: list[object] = []
        if doc_ids is not None:
            where.append(f"m.doc_id IN ({', '.join('?' for _ in doc_ids)})")
            params = list(doc_ids)
        with self._connect() as connection:
            where += visible_only(connection, "m")  # a disabled document's measures
            sql = (
                "SELECT " + ", ".join(f'm."{c}"' for c in _COLUMNS) + ", d.title, d.date "
                "FROM measures m JOIN measure_documents d ON d.doc_id = m.doc_id"
                + (" WHERE " + " AND ".join(where) if where else "")
                + " ORDER BY m.doc_id, m.start"
            )
            rows = connection.execute(sql, params).fetchall()
        return [_sourced(row) for row in rows]


def _row(measure: Measure) -> tuple[object, ...]:
    return tuple(
        json.dumps(list(getattr(measure, c)), ensure_ascii=False)
        if c in _LISTS
        else getattr(measure, c)
        for c in _COLUMNS
    )


def _sourced(row: Sequence[object]) -> SourcedMeasure:
    values = {
        c: tuple(json.loads(str(v))) if c in _LISTS else v
        for c, v in zip(_COLUMNS, row[: len(_COLUMNS)], strict=True)
    }
    return SourcedMeasure(Measure(**values), str(row[-2]), str(row[-1]))  # type: ignore[arg-type]
