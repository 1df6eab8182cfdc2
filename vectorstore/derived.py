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

# Created by the first disable, so a table built before it opens unchanged (read-only too).
_HIDDEN_SCHEMA = "CREATE TABLE IF NOT EXISTS hidden_documents (doc_id TEXT PRIMARY KEY)"


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
        if _has_hidden(connection):
            connection.execute("DELETE FROM hidden_documents WHERE doc_id = ?", (doc_id,))

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

    def count(self) -> int:
        with self._connect() as connection:
            return int(connection.execute(f"SELECT COUNT(*) FROM {self.ROWS}").fetchone()[0])


def visible_only(connection: sqlite3.Connection, alias: str) -> list[str]:
    """The WHERE condition that leaves hidden documents' rows out (none before any disable)."""
    if not _has_hidden(connection):
        return []
    return [f"{alias}.doc_id NOT IN (SELECT doc_id FROM hidden_documents)"]


def _has_hidden(connection: sqlite3.Connection) -> bool:
    found = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'hidden_documents'"
    ).fetchone()
    return found is not None
