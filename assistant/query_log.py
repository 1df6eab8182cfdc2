"""The query log: every answered question in `<data dir>/query_log.sqlite`, for the report of
what users asked and did not find (`policy-qa log report`, the admin page).

One `QueryLog` per App: the assistant calls `record` with each final Answer, so the UI, the
API and `policy-qa ask` are logged by the same code. A row holds the question, time, mode,
whether it was refused, the cited document ids, the latency, the 👍/👎 (set later by
`feedback`) and the collection; never a token, key or password (the assistant never sees
them). Logging must never cost an answer: a failing write (read-only data dir, full disk) is
warned about once and otherwise ignored. Rows older than the retention are purged on the
first write of a process and then hourly.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from vectorstore.scope import current_scope

if TYPE_CHECKING:
    from assistant.answer import Answer

QUERY_LOG_FILE = "query_log.sqlite"
PURGE_EVERY_S = 3600.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS queries (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    question TEXT NOT NULL,
    mode TEXT NOT NULL,
    refused INTEGER NOT NULL,
    doc_ids TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    feedback TEXT NOT NULL DEFAULT '',
    collection TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS queries_by_time ON queries(time);
CREATE INDEX IF NOT EXISTS queries_by_question ON queries(question);
"""
log = logging.getLogger(__name__)
# Questions asked by the product itself (the UI's warm-up) are not users' questions.
_paused: contextvars.ContextVar[bool] = contextvars.ContextVar("query_log_paused", default=False)


@dataclass(frozen=True)
class LoggedQuery:
    """One row of the log."""

    time: str  # ISO 8601, UTC
    question: str
    mode: str
    refused: bool
    doc_ids: tuple[str, ...]
    latency_ms: float
    feedback: str  # "" | "up" | "down"
    collection: str

    @property
    def day(self) -> str:
        return self.time[:10]


@contextmanager
def paused() -> Iterator[None]:
    """Answers given inside this block (in this thread) are not logged."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class QueryLog:
    """query_log.sqlite over one connection shared by the app's threads (under a lock)."""

    def __init__(self, path: Path, retention_days: int) -> None:
        self.path = path
        self.retention_days = retention_days
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._next_purge = 0.0
        self._warned = False

    @classmethod
    def in_dir(cls, data_dir: Path, retention_days: int) -> QueryLog:
        return cls(data_dir / QUERY_LOG_FILE, retention_days)

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=5, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")  # a lost last row beats a slow answer
            connection.executescript(_SCHEMA)
            self._connection = connection
        return self._connection

    def record(self, answer: Answer) -> None:
        """Log one final answer; never raises (a failure is warned about once)."""
        if _paused.get():
            return
        self.add(
            LoggedQuery(
                time=now_iso(),
                question=answer.question,
                mode=answer.mode,
                refused=answer.refused,
                doc_ids=tuple(sorted({c.passage.doc_id for c in answer.citations})),
                latency_ms=round(answer.timings_ms.get("total", 0.0), 1),
                feedback="",
                collection=current_scope().label(),  # the asker's collections, "*" for all
            )
        )

    def add(self, entry: LoggedQuery) -> None:
        """Append one row (also how tests and the grouping study write generated logs)."""
        self._write(
            "INSERT INTO queries (time, question, mode, refused, doc_ids, latency_ms, feedback, "
            "collection) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.time,
                entry.question,
                entry.mode,
                int(entry.refused),
                json.dumps(list(entry.doc_ids), ensure_ascii=False),
                entry.latency_ms,
                entry.feedback,
                entry.collection,
            ),
        )

    def feedback(self, question: str, liked: bool | None) -> None:
        """Join a 👍/👎 (None: withdrawn) to the newest logged asking of `question`."""
        rating = "" if liked is None else ("up" if liked else "down")
        self._write(
            "UPDATE queries SET feedback = ? WHERE id = "
            "(SELECT id FROM queries WHERE question = ? ORDER BY time DESC, id DESC LIMIT 1)",
            (rating, question),
        )

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        try:
            with self._lock:
                connection = self._connect()
                with connection:
                    connection.execute(sql, params)
                if time.monotonic() >= self._next_purge:
                    self._purge(connection)
        except (sqlite3.Error, OSError) as error:
            if not self._warned:
                self._warned = True
                log.warning(
                    "查询日志无法写入，已跳过 / query log not written (%s): %s", self.path, error
                )

    def _purge(self, connection: sqlite3.Connection) -> None:
        cutoff = datetime.now(UTC) - timedelta(days=self.retention_days)
        with connection:
            connection.execute("DELETE FROM queries WHERE time < ?", (cutoff.isoformat(),))
        self._next_purge = time.monotonic() + PURGE_EVERY_S

    def entries(self, since: str = "") -> list[LoggedQuery]:
        """Rows at or after `since` (an ISO date or time; "" = all kept), oldest first."""
        if not self.path.is_file():
            return []
        cutoff = (datetime.now(UTC) - timedelta(days=self.retention_days)).isoformat()
        since = max(since, cutoff)  # expired rows not purged yet are never reported
        with self._lock:
            rows = (
                self._connect()
                .execute(
                    "SELECT time, question, mode, refused, doc_ids, latency_ms, feedback, "
                    "collection FROM queries WHERE time >= ? ORDER BY time, id",
                    (since,),
                )
                .fetchall()
            )
        return [
            LoggedQuery(t, q, m, bool(r), tuple(json.loads(d)), float(lat), f, c)
            for t, q, m, r, d, lat, f, c in rows
        ]

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


class DisabledQueryLog(QueryLog):
    """POLICY_QA_QUERY_LOG=off or a read-only data dir: nothing is written (the report still
    reads what earlier runs kept)."""

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        return None
