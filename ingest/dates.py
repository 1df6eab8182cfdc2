"""An uploaded document's publication date: only a date the text states as such.

Ingest takes the latest full date anywhere in a text when no catalog entry exists, which
for a call for applications is a deadline, not when it was published. For uploads the UI
is stricter: a labelled date (发布日期：…, 印发时间：…), a date alone on one of the first
or last lines (a dateline or sign-off), or a short closing signature line ending in a date.
Anything else is "unknown" (shown as 日期未知) until the admin sets it.
"""

from __future__ import annotations

import re

from ingest.catalog import guess_date

_LABELLED = re.compile(r"^(?:发布|印发|成文|发文|公布|发稿)?(?:日期|时间)\s*[:：]\s*(?P<rest>.+)$")
_DATE_ONLY = re.compile(r"^[\d〇零○一二三四五六七八九十\s年月日号\-/.]{6,20}$")
_SIGN_OFF = re.compile(
    r"^[^\s，。；,;]{2,20}?\s*[\d〇零○一二三四五六七八九十]{4}[年\-/.][^，。；,;]{2,8}$"
)
EDGE_LINES = 5
_ADMIN_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


def publication_date(text: str) -> str:
    """YYYY-MM-DD when the text states when it was published, else ""."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        labelled = _LABELLED.match(line)
        if labelled and guess_date(labelled.group("rest")):
            return guess_date(labelled.group("rest"))
    edges = lines[-EDGE_LINES:][::-1] + lines[:EDGE_LINES]
    for line in edges:
        if (_DATE_ONLY.match(line) or _SIGN_OFF.match(line)) and guess_date(line):
            return guess_date(line)
    return ""


def valid_admin_date(value: str) -> bool:
    """What an admin may type: YYYY, YYYY-MM or YYYY-MM-DD (the catalog's date forms)."""
    return bool(_ADMIN_DATE.fullmatch(value.strip()))
