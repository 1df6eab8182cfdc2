"""Indicator matching: the many wordings of one statistic map to one key.

Documents word the same indicator differently (研发经费投入占GDP比重 vs 全社会研究与开发投入
(R&D)占地区生产总值(GDP)的比重). A key never carries a scope: 广州市 and 黄埔区 values of one
key are two series of the same indicator, told apart by the fact's scope, not by its key.
The synonym table lives in ingest/data/indicator_synonyms.json so staff can extend it
without touching code.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib import resources

SYNONYM_FILE = "indicator_synonyms.json"

# Parenthesised abbreviations and units ("(R&D)", "(GDP)", "(亿元)") carry no meaning of
# their own once the Chinese name is there; quotes and punctuation vary by typist.
_PARENTHESISED = re.compile(r"[(（][^()（）]{0,12}[)）]")
_ABBREVIATION = re.compile(r"R&D|R＆D", re.IGNORECASE)
_NUMERAL = "零〇一二三四五六七八九十百千万亿两第"
_DASH_READ_AS_ONE = re.compile(
    rf"(?<=[\u4e00-\u9fff])(?<![{_NUMERAL}])一(?=[\u4e00-\u9fff])(?![{_NUMERAL}])"
)
_NOISE = re.compile(r"[\s\"'“”‘’《》〈〉「」『』\[\]【】、，,。.:：;；!！?？·\-—_*|/]|的")


def normalize_indicator(surface: str) -> str:
    """The matching form of an indicator name (NFKC, no punctuation, abbreviations or 的).

    OCR reads the dash in 「自然指数—科研城市」 as 一, so a 一 between two characters that
    are not numerals counts as the dash it prints like. Only for matching: what users read
    is always the surface text.
    """
    text = unicodedata.normalize("NFKC", surface)
    text = _PARENTHESISED.sub("", text)
    text = _ABBREVIATION.sub("", text)
    text = _DASH_READ_AS_ONE.sub("", text)
    return _NOISE.sub("", text)


@cache
def synonym_table() -> dict[str, str]:
    """normalised wording -> canonical key, from the packaged synonym file."""
    raw = json.loads(resources.files("ingest").joinpath("data", SYNONYM_FILE).read_text("utf-8"))
    table: dict[str, str] = {}
    for key, wordings in raw.items():
        if key.startswith("_"):
            continue
        for wording in (key, *wordings):
            table[normalize_indicator(wording)] = key
    return table


def indicator_key(surface: str) -> str:
    """The canonical key of an indicator wording; an unknown wording is its own key.

    Matching is exact on the normalised form: 新增高新技术企业 must not collapse into
    高新技术企业数量, so no substring matching.
    """
    normalized = normalize_indicator(surface)
    return synonym_table().get(normalized, normalized)


def rank_key(key: str) -> str:
    """A rank is an indicator of its own: 高新技术企业数量 ranks as 高新技术企业数量排名."""
    return key if key.endswith(("排名", "排行")) else key + "排名"


def known_keys() -> list[str]:
    """Every canonical key in the synonym file, for pickers and query expansion."""
    return sorted(set(synonym_table().values()))
