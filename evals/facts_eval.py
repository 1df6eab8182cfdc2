"""Fact-extraction metrics against the hand-labelled gold set (evals/datasets/facts.jsonl).

    python -m evals.facts_eval [--corpus data/corpus] [--out evals/reports/facts.json] [--show]

Runs ingest's extraction over the corpus (no index needed) and reports:
Every metric is given for the 'tune' split (labelled while the rules were written), the
'heldout' split (labelled afterwards from the text alone, never tuned on) and both:
- precision / recall: an extracted fact counts when doc, value, unit, scope and period all
  equal a gold fact's (one-to-one); precision only over the sections the gold set labels
  exhaustively (facts_coverage.json), recall over every gold fact;
- scope / period / kind / indicator accuracy over the extracted facts (in labelled sections)
  aligned with a gold fact by document, value and quoted text, whatever their other fields say;
- indicator accuracy also restricted to the indicators of the synonym file, the ones that
  occur in several documents and that matching exists for.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from evals.dataset import normalize_for_match
from evals.report import REPORTS_DIR
from ingest.facts import Fact, extract_facts
from ingest.indicators import known_keys
from ingest.pipeline import ProcessedDocument, process_paths

DATASETS = Path(__file__).parent / "datasets"
GOLD_FILE = DATASETS / "facts.jsonl"
COVERAGE_FILE = DATASETS / "facts_coverage.json"
CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
# Aligning a gold fact with an extracted one needs this many shared characters of quote.
MIN_SHARED_CHARS = 2
TARGETS = {"precision": 0.92, "recall": 0.85, "scope_accuracy": 0.95, "period_accuracy": 0.92}


@dataclass(frozen=True)
class GoldFact:
    doc_id: str
    indicator: str
    scope: str
    period: str | None
    value: float
    unit: str
    kind: str
    evidence: str
    split: str = "tune"


@dataclass(frozen=True)
class Extracted:
    fact: Fact
    section: str


def load_gold(path: Path = GOLD_FILE) -> list[GoldFact]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [GoldFact(**{**row, "value": float(row["value"])}) for row in rows]


Coverage = dict[str, list[str]]


def load_coverage(path: Path = COVERAGE_FILE) -> dict[str, Coverage]:
    """split -> document -> labelled section prefixes."""
    raw = json.loads(path.read_text("utf-8"))
    return {split: docs for split, docs in raw.items() if not split.startswith("_")}


def merged(coverages: dict[str, Coverage]) -> Coverage:
    union: Coverage = {}
    for docs in coverages.values():
        for doc, prefixes in docs.items():
            union.setdefault(doc, []).extend(prefixes)
    return union


def extract_corpus(corpus: Path) -> tuple[list[Extracted], list[ProcessedDocument]]:
    documents = [d for d in process_paths([corpus]) if isinstance(d, ProcessedDocument)]
    extracted = []
    for document in documents:
        sections = {chunk.id: chunk.section for chunk in document.chunks}
        extracted += [Extracted(f, sections[f.chunk_id]) for f in extract_facts(document)]
    return extracted, documents


def covered(item: Extracted, coverage: Coverage) -> bool:
    return any(item.section.startswith(prefix) for prefix in coverage.get(item.fact.doc_id, []))


def _shared_chars(gold: GoldFact, fact: Fact) -> int:
    a, b = normalize_for_match(gold.evidence), normalize_for_match(fact.quote)
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match().size


def same_value(gold: GoldFact, fact: Fact) -> bool:
    return fact.doc_id == gold.doc_id and math.isclose(fact.value, gold.value, abs_tol=1e-9)


def _full_match(gold: GoldFact, fact: Fact) -> bool:
    return (
        same_value(gold, fact)
        and fact.unit == gold.unit
        and fact.scope == gold.scope
        and (gold.period is None or fact.period == gold.period)
    )


def match_one_to_one(
    gold: Sequence[GoldFact], facts: Sequence[Fact], admissible: Callable[[GoldFact, Fact], bool]
) -> list[tuple[GoldFact, Fact]]:
    """Pairs, each gold and each fact used once, best-overlapping quotes first."""
    candidates = [
        (_shared_chars(g, f), gi, fi)
        for gi, g in enumerate(gold)
        for fi, f in enumerate(facts)
        if admissible(g, f)
    ]
    used_gold: set[int] = set()
    used_facts: set[int] = set()
    pairs = []
    for shared, gi, fi in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if gi in used_gold or fi in used_facts or shared < MIN_SHARED_CHARS:
            continue
        used_gold.add(gi)
        used_facts.add(fi)
        pairs.append((gold[gi], facts[fi]))
    return pairs


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def evaluate_splits(
    gold: Sequence[GoldFact], extracted: Sequence[Extracted], coverages: dict[str, Coverage]
) -> dict[str, dict[str, Any]]:
    """Metrics for every split ('tune', 'heldout') and for all of them together."""
    report = {"all": evaluate(gold, extracted, merged(coverages))}
    for split, coverage in coverages.items():
        report[split] = evaluate([g for g in gold if g.split == split], extracted, coverage)
    return report


def evaluate(
    gold: Sequence[GoldFact], extracted: Sequence[Extracted], coverage: Coverage
) -> dict[str, Any]:
    """All metrics plus the misses and false positives that explain them."""
    scored = [item.fact for item in extracted if covered(item, coverage)]
    matched = match_one_to_one(gold, scored, _full_match)
    aligned = match_one_to_one(gold, scored, same_value)
    dated = [(g, f) for g, f in aligned if g.period is not None]
    keys = set(known_keys())
    synonym_pairs = [(g, f) for g, f in aligned if g.indicator in keys]
    matched_ids = {id(f) for _, f in matched}
    matched_gold = {id(g) for g, _ in matched}
    return {
        "gold": len(gold),
        "extracted_in_coverage": len(scored),
        "extracted_total": len(extracted),
        "true_positives": len(matched),
        "precision": _rate(len(matched), len(scored)),
        "recall": _rate(len(matched), len(gold)),
        "aligned": len(aligned),
        "scope_accuracy": _rate(sum(g.scope == f.scope for g, f in aligned), len(aligned)),
        "period_accuracy": _rate(sum(g.period == f.period for g, f in dated), len(dated)),
        "kind_accuracy": _rate(sum(g.kind == f.kind for g, f in aligned), len(aligned)),
        "unit_accuracy": _rate(sum(g.unit == f.unit for g, f in aligned), len(aligned)),
        "indicator_accuracy": _rate(
            sum(g.indicator == f.indicator for g, f in aligned), len(aligned)
        ),
        "indicator_accuracy_synonym_keys": _rate(
            sum(g.indicator == f.indicator for g, f in synonym_pairs), len(synonym_pairs)
        ),
        "missed": [_row(g, "evidence") for g in gold if id(g) not in matched_gold],
        "false_positives": [_row(f, "quote") for f in scored if id(f) not in matched_ids],
        "wrong_attributes": [
            {"gold": _row(g, "evidence"), "extracted": _row(f, "quote")}
            for g, f in aligned
            if (g.scope, g.period or f.period, g.kind, g.unit)
            != (f.scope, f.period, f.kind, f.unit)
        ],
    }


_ROW_FIELDS = ("doc_id", "value", "unit", "scope", "period", "kind", "indicator")


def _row(item: GoldFact | Fact, text_field: str) -> dict[str, Any]:
    """What a report shows of a gold or an extracted fact, with its evidence or quote."""
    return {name: getattr(item, name) for name in (*_ROW_FIELDS, text_field)}


HEADLINE = (
    "precision",
    "recall",
    "scope_accuracy",
    "period_accuracy",
    "kind_accuracy",
    "unit_accuracy",
    "indicator_accuracy",
    "indicator_accuracy_synonym_keys",
)


def print_summary(reports: dict[str, dict[str, Any]], show: bool) -> None:
    for split, report in reports.items():
        print(f"\n[{split}]")
        _print_split(report)
    if not show:
        return
    for title in ("missed", "false_positives", "wrong_attributes"):
        print(f"\n{title}:")
        for row in reports["all"][title]:
            print("  " + json.dumps(row, ensure_ascii=False))


def _print_split(report: dict[str, Any]) -> None:
    print(
        f"gold facts {report['gold']}, extracted {report['extracted_total']} "
        f"({report['extracted_in_coverage']} in labelled sections), "
        f"matched {report['true_positives']}, aligned {report['aligned']}"
    )
    for name in HEADLINE:
        value = report[name]
        target = TARGETS.get(name)
        verdict = (
            "" if target is None or value is None else ("  ok" if value >= target else "  BELOW")
        )
        goal = f"  (target ≥ {target})" if target else ""
        print(f"  {name:<34} {'–' if value is None else f'{value:.3f}'}{goal}{verdict}")


def write_report(
    out: Path, corpus: Path = CORPUS, gold: Path = GOLD_FILE
) -> dict[str, dict[str, Any]]:
    """Extract the corpus's facts, score them per split and write the report as JSON."""
    extracted, _ = extract_corpus(corpus)
    report = evaluate_splits(load_gold(gold), extracted, load_coverage())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.facts_eval", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--gold", type=Path, default=GOLD_FILE)
    parser.add_argument("--out", type=Path, default=REPORTS_DIR / "facts.json")
    parser.add_argument("--show", action="store_true", help="list misses and false positives")
    args = parser.parse_args(argv)
    report = write_report(args.out, args.corpus, args.gold)
    print_summary(report, args.show)
    print(f"\nreport: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
