"""The audit log: who did what to the library, when (`<data_dir>/audit.jsonl` + the server log).

Admin actions (login failures, lockouts, unlocks, uploads, date edits, deletes, disables and
enables) are rare and matter after the fact, so each is one JSON line: {"time", "who", "what",
...details}. `who` is "admin@<client>" once the password or admin token was accepted,
"client@<client>" before, and "cli@<os user>" from the command line. It lives in vectorstore
so the indexer's lifecycle service writes it for the CLI, the API and the UI alike. Callers
pass details explicitly; nothing here ever receives the password or a token.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

AUDIT_FILE_NAME = "audit.jsonl"
log = logging.getLogger("policy_qa.audit")


def audit_path(data_dir: Path) -> Path:
    return data_dir / AUDIT_FILE_NAME


def who(client: str, admin: bool) -> str:
    return f"{'admin' if admin else 'client'}@{client}"


class AuditLog:
    """Appends one line per action, under a lock so concurrent sessions never interleave."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(self, actor: str, what: str, **details: Any) -> dict[str, Any]:
        entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "who": actor, "what": what}
        entry.update(details)
        line = json.dumps(entry, ensure_ascii=False)
        alarming = what.endswith(("failed", "locked"))
        log.log(logging.WARNING if alarming else logging.INFO, "audit %s", line)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        return entry


def read_audit(path: Path) -> list[dict[str, Any]]:
    """Every parseable entry (for tests and for whoever reviews the log)."""
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries
