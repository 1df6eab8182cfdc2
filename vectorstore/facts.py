"""The fact table: every figure of every indexed document, in SQLite in the data dir.

Facts are derived from a document, so they live and die with it: `replace_document`
swaps one document's facts in a single transaction (a reader sees the old set or the new
set, never a mix or nothing), and `delete_document` removes them. Each document's row in
`fact_documents` records the document version and extraction rules its facts were built
from, so re-indexing an unchanged document costs one lookup, while an index built before
facts existed, or by older rules, gets new facts on the next ingest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

from ingest.facts import Fact, extract_facts, extraction_fingerprint
from ingest.indicators import indicator_key, normalize_indicator
from vectorstore.derived import DerivedTable, visible_only

if TYPE_CHECKING:  # annotations only: the ingest pipeline (pypdf, loaders) costs ~0.4 s to import
    from ingest.pipeline import ProcessedDocument

FACTS_FILE = "facts.sqlite"
_FACT_COLUMNS = tuple(f.name for f in fields(Fact))
_SCHEMA = """
CREATE TABLE IF NOT EXISTS fact_documents (
    doc_id TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS facts (
    doc_id TEXT NOT NULL REFERENCES fact_documents(doc_id) ON DELETE CASCADE,
    chunk_id TEXT NOT NULL,
    indicator TEXT NOT NULL,
    surface TEXT NOT NULL,
    scope TEXT NOT NULL,
    period TEXT NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    qualifier TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    quote TEXT NOT NULL,
    surface_match TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_by_indicator ON facts(indicator, scope);
CREATE INDEX IF NOT EXISTS facts_by_doc ON facts(doc_id);
"""


@dataclass(frozen=True)
class SourcedFact:
    """A fact with what a citation shows about its document."""

    fact: Fact
    title: str
    date: str

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self.fact), "title": self.title, "date": self.date}


class FactStore(DerivedTable):
    """facts.sqlite: one connection per call, so threads (UI, API) never share one."""

    FILE = FACTS_FILE
    SCHEMA = _SCHEMA
    DOCUMENTS = "fact_documents"
    ROWS = "facts"

    def replace_document(
        self, doc_id: str, version: str, facts: Iterable[Fact], title: str = "", date: str = ""
    ) -> int:
        """Make `facts` the document's facts, atomically; returns how many were stored."""
        rows = [_row(fact) for fact in facts]
        return self._replace(
            doc_id, (version, title, date), (*_FACT_COLUMNS, "surface_match"), rows
        )

    def sync(self, processed: ProcessedDocument, version: str) -> bool:
        """Rebuild a document's facts unless built from this version by these rules; True if
        built."""
        version = f"{version}+{extraction_fingerprint()}"
        if self.version(processed.doc_id) == version:
            return False
        meta = processed.meta
        self.replace_document(
            processed.doc_id, version, extract_facts(processed), meta.title, meta.date
        )
        return True

    # -- reads ----------------------------------------------------------------------------

    def query(
        self, indicator: str = "", scope: str = "", doc_ids: Sequence[str] | None = None
    ) -> list[SourcedFact]:
        """Facts of an indicator (any wording: its key, a synonym, or part of its name).

        An exact key match wins; otherwise every fact whose name contains the query.
        Sorted by scope, period, kind so one scope's series reads top to bottom.
        """
        where: list[str] = []
        params: list[object] = []
        if indicator:
            key, loose = indicator_key(indicator), normalize_indicator(indicator)
            where.append("(indicator = ? OR surface_match LIKE ? OR indicator LIKE ?)")
            params += [key, f"%{loose}%", f"%{loose}%"]
        if scope:
            where.append("scope LIKE ?")
            params.append(f"%{scope}%")
        if doc_ids is not None:
            where.append(f"f.doc_id IN ({', '.join('?' for _ in doc_ids)})")
            params += list(doc_ids)
        with self._connect() as connection:
            where += visible_only(connection, "f")
            sql = (
                "SELECT " + ", ".join(f'f."{c}"' for c in _FACT_COLUMNS) + ", d.title, d.date "
                "FROM facts f JOIN fact_documents d ON d.doc_id = f.doc_id"
                + (" WHERE " + " AND ".join(where) if where else "")
                + " ORDER BY f.scope, f.period, f.kind, f.doc_id, f.start"
            )
            rows = connection.execute(sql, params).fetchall()
        found = [_sourced(row) for row in rows]
        if indicator:
            exact = [s for s in found if s.fact.indicator == indicator_key(indicator)]
            return exact or found
        return found


def _row(fact: Fact) -> tuple[object, ...]:
    return (*(getattr(fact, c) for c in _FACT_COLUMNS), normalize_indicator(fact.surface))


def _sourced(row: Sequence[object]) -> SourcedFact:
    values = dict(zip(_FACT_COLUMNS, row[: len(_FACT_COLUMNS)], strict=True))
    return SourcedFact(Fact(**values), str(row[-2]), str(row[-1]))  # type: ignore[arg-type]


def series(facts: Iterable[SourcedFact]) -> dict[tuple[str, str], list[SourcedFact]]:
    """(indicator, scope) -> its facts by period: one line of a chart, never two scopes mixed."""
    grouped: dict[tuple[str, str], list[SourcedFact]] = {}
    for sourced in facts:
        grouped.setdefault((sourced.fact.indicator, sourced.fact.scope), []).append(sourced)
    return {
        key: sorted(group, key=lambda s: (s.fact.period, s.fact.kind))
        for key, group in grouped.items()
    }


def conflicts(facts: Iterable[SourcedFact]) -> list[tuple[SourcedFact, SourcedFact]]:
    """Pairs that state different values for one indicator, scope, period, kind and unit.

    Only these are conflicts: 广州市's 3.12% and 黄埔区's 6% target differ in scope and
    kind, so they are separate rows, not a disagreement.
    """
    by_claim: dict[tuple[str, str, str, str, str], list[SourcedFact]] = {}
    for sourced in facts:
        fact = sourced.fact
        claim = (fact.indicator, fact.scope, fact.period, fact.kind, fact.unit)
        by_claim.setdefault(claim, []).append(sourced)
    return [
        (first, other)
        for group in by_claim.values()
        for index, first in enumerate(group)
        for other in group[index + 1 :]
        if other.fact.value != first.fact.value
    ]
