"""Generated variants of the gold measures that check the industry tagger beyond its rules.

- swap: the targeted industry word of a gold measure is replaced by another industry's name
  (生物医药 -> 集成电路); the new industry must be tagged.
- compound: an item naming an industry inside another noun (「集成电路自动化设计」,
  「新材料检测认证资质」) is put into a list of a gold measure that names no industry; the
  industry must not be tagged. The nouns are not words the tagger's rules list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ingest.measures import industry_mentions, normalize, targeted_industries, vocabulary

# Nouns an industry word can modify without being the field of the support.
COMPOUND_NOUNS = ("自动化设计", "检测认证资质", "设备进口", "数据跨境共享", "人才公寓配套")


def industry_names() -> dict[str, str]:
    """Each industry tag and the longest word naming it (its most explicit name)."""
    names: dict[str, str] = {}
    for word, tag in vocabulary().facets["industries"]:
        if tag and tag not in names:
            names[tag] = word
    return names


def swap_variants(rows: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(variant text, the tag swapped in) for each gold measure with a targeted industry."""
    names = industry_names()
    tags = list(names)
    variants = []
    for row in rows:
        plain = normalize(row["text"])
        mentions = industry_mentions(plain)
        mention = next((m for m in mentions if m.tag in row["industries"]), None)
        if mention is None:
            continue
        named = {m.tag for m in mentions}
        start = tags.index(mention.tag)
        other = next(t for t in tags[start + 1 :] + tags[:start] if t not in named)
        variants.append((plain.replace(mention.word, names[other]), other))
    return variants


def compound_variants(rows: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(variant text, the tag that must not be tagged) for each gold measure with a list and
    no industry word."""
    names = list(industry_names().items())
    variants = []
    for n, row in enumerate(rows):
        plain = normalize(row["text"])
        if "、" not in plain or industry_mentions(plain):
            continue
        tag, word = names[n % len(names)]
        noun = COMPOUND_NOUNS[n % len(COMPOUND_NOUNS)]
        at = plain.index("、") + 1
        variants.append((plain[:at] + word + noun + "、" + plain[at:], tag))
    return variants


def variants_report(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    swaps = swap_variants(rows)
    compounds = compound_variants(rows)
    kept = [text for text, tag in swaps if tag in targeted_industries(text)]
    rejected = [text for text, tag in compounds if tag not in targeted_industries(text)]
    return {
        "industry_swaps": len(swaps),
        "industry_swap_tagged": len(kept) / len(swaps) if swaps else None,
        "industry_compounds": len(compounds),
        "industry_compound_rejected": len(rejected) / len(compounds) if compounds else None,
        "industry_compounds_tagged": [
            text for text, tag in compounds if tag in targeted_industries(text)
        ],
    }
