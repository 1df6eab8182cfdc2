"""👍/👎 feedback on answers in `<data_dir>/feedback.jsonl`; 👎 ones become draft eval items.

One JSON object per answer, keyed by the answer's question id: changing a vote rewrites that
record (a `history` keeps every change, a withdrawn vote becomes "removed"), so the file
never holds two contradicting lines for one answer. A 👎 can carry a reason (答案错误 /
没找到 / 引用不对 / 其他) and a comment. Writes happen under a lock and replace the file
atomically; lines that cannot be parsed are kept as they are, never dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.answer_types import asked_types
from assistant.question import question_kind

FEEDBACK_FILE_NAME = "feedback.jsonl"
REASONS = ("答案错误", "没找到", "引用不对", "其他")
MAX_COMMENT_CHARS = 2000


def feedback_path(data_dir: Path) -> Path:
    return data_dir / FEEDBACK_FILE_NAME


def new_question_id() -> str:
    """An id for one asked question and its answer (what feedback records are keyed by)."""
    return uuid.uuid4().hex[:16]


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _rating(liked: bool | None) -> str:
    return "removed" if liked is None else ("up" if liked else "down")


class FeedbackLog:
    """One record per answer in a JSONL file; safe to share between threads."""

    _locks: dict[Path, threading.Lock] = {}
    _locks_guard = threading.Lock()

    def __init__(
        self, path: Path, on_vote: Callable[[str, bool | None], None] | None = None
    ) -> None:
        self.path = path
        self.on_vote = on_vote  # the query log joins each vote to its question
        with self._locks_guard:
            self._lock = self._locks.setdefault(path.resolve(), threading.Lock())

    def record(
        self,
        liked: bool | None,
        question: str,
        answer: str,
        citations: Sequence[dict[str, Any]] = (),
        mode: str = "",
        refused: bool = False,
        comment: str = "",
        question_id: str | None = None,
    ) -> dict[str, Any]:
        """Set the vote on one answer (None withdraws it) and return the record as stored."""
        key = question_id or new_question_id()
        rating = _rating(liked)

        def change(entry: dict[str, Any] | None) -> dict[str, Any]:
            now = _now()
            if entry is None:
                entry = {
                    "id": key,
                    "time": now,
                    "question": question,
                    "answer": answer,
                    "mode": mode,
                    "refused": refused,
                    "citations": [_citation_summary(c) for c in citations],
                    "reason": "",
                    "comment": comment,
                    "history": [],
                }
            entry["rating"] = rating
            entry["updated"] = now
            entry["history"] = [*entry.get("history", []), {"time": now, "rating": rating}]
            return entry

        stored = self._update(key, change)
        if self.on_vote is not None:
            self.on_vote(question, liked)
        return stored

    def comment(self, question_id: str, reason: str, text: str) -> dict[str, Any] | None:
        """Attach why a 👎 answer was wrong; None when that answer has no record."""
        reason = reason if reason in REASONS else ""
        text = text.strip()[:MAX_COMMENT_CHARS]

        def change(entry: dict[str, Any] | None) -> dict[str, Any] | None:
            if entry is None:
                return None
            entry.update(reason=reason, comment=text, updated=_now())
            return entry

        return self._update(question_id, change)

    def _update(self, key: str, change: Any) -> Any:
        """Apply `change` to the record with id `key` (or to None) and store the result."""
        with self._lock:
            lines = self._lines()
            position = next((i for i, line in enumerate(lines) if _id_of(line) == key), None)
            current = json.loads(lines[position]) if position is not None else None
            entry = change(current)
            if entry is None:
                return None
            line = json.dumps(entry, ensure_ascii=False)
            if position is None:
                self._append(line)
            else:
                lines[position] = line
                self._rewrite(lines)
            return entry

    def _lines(self) -> list[str]:
        if not self.path.is_file():
            return []
        text = self.path.read_text(encoding="utf-8", errors="surrogateescape")
        return [line for line in text.splitlines() if line.strip()]

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()

    def _rewrite(self, lines: list[str]) -> None:
        """Write all lines to a temporary file, then rename it over the log (never half-written)."""
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            with temporary.open("w", encoding="utf-8", errors="surrogateescape") as handle:
                handle.write("".join(line + "\n" for line in lines))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)


def _id_of(line: str) -> str | None:
    try:
        entry = json.loads(line)
    except json.JSONDecodeError:
        return None
    return entry.get("id") if isinstance(entry, dict) else None


def _citation_summary(citation: dict[str, Any]) -> dict[str, Any]:
    keys = ("n", "doc_id", "title", "date", "section", "quote")
    return {key: citation.get(key) for key in keys if key in citation}


def read_feedback(path: Path) -> list[dict[str, Any]]:
    """Every well-formed record in the file (a torn or corrupt line is skipped)."""
    if not path.is_file():
        return []
    records = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and isinstance(record.get("question"), str):
            records.append(record)
    return records


def _draft_type(question: str) -> str:
    """The eval item type a draft starts with, from the assistant's own question analysis."""
    kind = question_kind(asked_types(question))
    return kind if kind in ("figure", "list") else "policy"


def export_drafts(path: Path) -> list[dict[str, Any]]:
    """Draft eval items (dev.jsonl/test.jsonl schema) from the 👎 records, one per distinct question.

    `source` is the first cited document as a hint; `answer`, `must_contain` and
    `evidence` are left empty for a person to fill in from the document.
    """
    drafts: dict[str, dict[str, Any]] = {}
    for record in read_feedback(path):
        if record.get("rating") != "down":
            continue
        question = " ".join(record["question"].split())
        if not question or question in drafts:
            continue
        citations = record.get("citations") or []
        source = next((c.get("doc_id") for c in citations if c.get("doc_id")), None)
        drafts[question] = {
            "id": _draft_id(question),
            "question": question,
            "answer": "",
            "must_contain": [],
            "source": source,
            "evidence": "",
            "type": _draft_type(question),
            "difficulty": "medium",
            "paraphrased": False,
        }
    return list(drafts.values())


def _draft_id(question: str) -> str:
    return "fb-" + hashlib.sha1(question.encode("utf-8")).hexdigest()[:8]


def draft_notes(path: Path) -> list[dict[str, Any]]:
    """What users said about each 👎 answer (reason, comment, the answer they saw).

    Kept apart from the drafts because the eval schema has no field for it; the draft id
    links the two, so whoever completes a draft can read why the answer was wrong.
    """
    notes = []
    for record in read_feedback(path):
        if record.get("rating") != "down" or not (record.get("reason") or record.get("comment")):
            continue
        question = " ".join(record["question"].split())
        notes.append(
            {
                "id": _draft_id(question),
                "question": question,
                "reason": record.get("reason", ""),
                "comment": record.get("comment", ""),
                "answer_shown": record.get("answer", ""),
                "citations": record.get("citations") or [],
            }
        )
    return notes


def write_drafts(drafts: Sequence[dict[str, Any]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for item in drafts:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
