"""Display width for the tools' plain-text tables: CJK characters take two columns."""

from __future__ import annotations


def display_width(text: str) -> int:
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)
