"""Tables derived from documents (facts, measures): one SQLite file each in the data dir.

What they share is how they live with their document: one connection per call (UI and API
threads never share one), a per-document row recording the version the rows were built
from, an atomic replace of one document's rows, and their deletion with the document.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar, Self

from vectorstore.scope import PUBLIC, collection_name, current_scope

# Created by the first disable, so a table built before it opens unchanged (read-only too).
_HIDDEN_SCHEMA = "CREATE TABLE IF NOT EXISTS hidden_documents (doc_id TEXT PRIMARY KEY)"
# Documents outside `public`, created by the first such document; not listed = public.
_COLLECTIONS_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS document_collections "
    "(doc_id TEXT PRIMARY KEY, collection TEXT NOT NULL)"
)


class DerivedTable:
    """A subclass names its file, schema, documents table and rows table."""

    FILE: ClassVar[str]
    SCHEMA: ClassVar[str]
    DOCUMENTS: ClassVar[str]
    ROWS: ClassVar[str]

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            connection.executescript(self.SCHEMA)

    @classmethod
    def in_dir(cls, data_dir: Path) -> Self:
        return cls(data_dir / cls.FILE)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("PRAGMA foreign_keys = ON")
        try:
            with connection:  # one transaction: commit on success, roll back on any error
                yield connection
        finally:
            connection.close()

    def version(self, doc_id: str) -> str | None:
        """The document version the stored rows were built from, None if it has none."""
        with self._connect() as connection:
            row = connection.execute(
                f"SELECT version FROM {self.DOCUMENTS} WHERE doc_id = ?", (doc_id,)
            ).fetchone()
        return row[0] if row else None

    def _replace(
        self,
        doc_id: str,
        document: tuple[str, str, str],
        columns: Sequence[str],
        rows: Sequence[tuple[object, ...]],
    ) -> int:
        """Make `rows` the document's rows, atomically; `document` is (version, title, date)."""
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        with self._connect() as connection:
            connection.execute(f"DELETE FROM {self.ROWS} WHERE doc_id = ?", (doc_id,))
            connection.execute(
                f"INSERT OR REPLACE INTO {self.DOCUMENTS} (doc_id, version, title, date) "
                "VALUES (?, ?, ?, ?)",
                (doc_id, *document),
            )
            connection.executemany(f"INSERT INTO {self.ROWS} ({names}) VALUES ({marks})", rows)
        return len(rows)

    def delete_document(self, doc_id: str) -> bool:
        """Remove a document's rows; False if it had none recorded."""
        with self._connect() as connection:
            self._on_delete(connection, doc_id)
            connection.execute(f"DELETE FROM {self.ROWS} WHERE doc_id = ?", (doc_id,))
            gone = connection.execute(f"DELETE FROM {self.DOCUMENTS} WHERE doc_id = ?", (doc_id,))
        return gone.rowcount > 0

    def _on_delete(self, connection: sqlite3.Connection, doc_id: str) -> None:
        """A deleted document is no longer marked hidden either (same transaction)."""
        if _has_table(connection, "hidden_documents"):
            connection.execute("DELETE FROM hidden_documents WHERE doc_id = ?", (doc_id,))
        if _has_table(connection, "document_collections"):
            connection.execute("DELETE FROM document_collections WHERE doc_id = ?", (doc_id,))

    def set_hidden(self, doc_id: str, hidden: bool) -> None:
        """Keep a (disabled) document's rows out of every query, or let them back in."""
        with self._connect() as connection:
            connection.execute(_HIDDEN_SCHEMA)
            if hidden:
                connection.execute(
                    "INSERT OR IGNORE INTO hidden_documents (doc_id) VALUES (?)", (doc_id,)
                )
            else:
                connection.execute("DELETE FROM hidden_documents WHERE doc_id = ?", (doc_id,))

    def set_collection(self, doc_id: str, collection: str) -> None:
        """Record the collection whose callers may see this document's rows."""
        collection = collection_name(collection)
        with self._connect() as connection:
            if collection != PUBLIC:
                connection.execute(_COLLECTIONS_SCHEMA)
                connection.execute(
                    "INSERT OR REPLACE INTO document_collections (doc_id, collection) "
                    "VALUES (?, ?)",
                    (doc_id, collection),
                )
            elif _has_table(connection, "document_collections"):
                connection.execute("DELETE FROM document_collections WHERE doc_id = ?", (doc_id,))

    def count(self) -> int:
        with self._connect() as connection:
            return int(connection.execute(f"SELECT COUNT(*) FROM {self.ROWS}").fetchone()[0])


def visible_only(connection: sqlite3.Connection, alias: str) -> list[str]:
    """The WHERE conditions that leave out hidden documents' rows and rows of documents outside
    the caller's collections (vectorstore.scope): every query of a derived table adds them."""
    conditions = []
    if _has_table(connection, "hidden_documents"):
        conditions.append(f"{alias}.doc_id NOT IN (SELECT doc_id FROM hidden_documents)")
    allowed = current_scope().collections
    if allowed is not None and _has_table(connection, "document_collections"):
        # Names are checked by collection_name (letters, digits, - and _): safe to inline.
        names = ", ".join(f"'{collection_name(name)}'" for name in sorted(allowed))
        conditions.append(
            f"{alias}.doc_id NOT IN (SELECT doc_id FROM document_collections "
            f"WHERE collection NOT IN ({names}))"
        )
    return conditions


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    found = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return found is not None
