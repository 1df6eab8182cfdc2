"""Matching forms of text, the one home of NFKC in the product.

NFKC folds what PDF extraction and typing mix freely (full-width digits and letters,
"（" and "(", compatibility ideographs). These forms are only ever compared, never shown:
what a user reads keeps its original characters, numbers and names.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """NFKC and lower case (full-width "ＡＢＣ２０２５" matches "abc2025")."""
    return unicodedata.normalize("NFKC", text).lower()


def squeeze(text: str) -> str:
    """NFKC with all whitespace removed ("2018 年" matches "2018年")."""
    return "".join(unicodedata.normalize("NFKC", text).split())
