"""👍/👎 feedback on answers, appended to `<data_dir>/feedback.jsonl`; 👎 ones become draft eval items.

One JSON object per line, written with a single append under a lock, so concurrent
sessions never interleave lines. A person turns the drafts into eval items by filling
in the reference answer, `must_contain`, `source` and `evidence`.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

FEEDBACK_FILE_NAME = "feedback.jsonl"
_FIGURE_QUESTION = re.compile(r"多少|几[家个项位名亿万倍年次]|排名|第几|比例|占比|增长")
_LIST_QUESTION = re.compile(r"哪些|有哪|包括|分别")


def feedback_path(data_dir: Path) -> Path:
    return data_dir / FEEDBACK_FILE_NAME


class FeedbackLog:
    """Appends feedback records to a JSONL file; safe to share between threads."""

    _locks: dict[Path, threading.Lock] = {}
    _locks_guard = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._locks_guard:
            self._lock = self._locks.setdefault(path.resolve(), threading.Lock())

    def record(
        self,
        liked: bool,
        question: str,
        answer: str,
        citations: Sequence[dict[str, Any]] = (),
        mode: str = "",
        refused: bool = False,
        comment: str = "",
    ) -> dict[str, Any]:
        """Append one rating and return the record written."""
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "rating": "up" if liked else "down",
            "question": question,
            "answer": answer,
            "mode": mode,
            "refused": refused,
            "citations": [_citation_summary(c) for c in citations],
            "comment": comment,
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
        return entry


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


def _guess_type(question: str, refused: bool) -> str:
    if _FIGURE_QUESTION.search(question):
        return "figure"
    if _LIST_QUESTION.search(question):
        return "list"
    return "policy"


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
        digest = hashlib.sha1(question.encode("utf-8")).hexdigest()[:8]
        drafts[question] = {
            "id": f"fb-{digest}",
            "question": question,
            "answer": "",
            "must_contain": [],
            "source": source,
            "evidence": "",
            "type": _guess_type(question, bool(record.get("refused"))),
            "difficulty": "medium",
            "paraphrased": False,
        }
    return list(drafts.values())


def write_drafts(drafts: Sequence[dict[str, Any]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for item in drafts:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
