"""Support-measure catalogue and profile matching against evals/datasets/measures.jsonl.

    python -m evals.measures_eval [--out evals/reports/measures.json] [--embeddings DATA_DIR]

The gold file was labelled from reading the corpus, before the extractor was tuned. It holds
hand-labelled measures (with their tags), non-measure decoys (goals, statistics, headings)
and enterprise profiles with the gold measures each should return; every item has a split
(dev: tuned on; test: reported only). Metrics, per split:
- extraction precision / recall over the labelled sentences (measures and decoys): a gold
  item is found when an extracted measure of its document contains its text or lies in it;
- decoy rejection: the share of decoys that are not extracted;
- tagging macro-F1 per facet (beneficiaries, industries, support types) over found measures,
  averaged over the tags with at least one gold or predicted occurrence in the split (a tag
  predicted where gold has none scores 0; a tag absent from both is not counted); also, as a
  second view that is never the headline, over the tags with at least one gold occurrence;
  industries are labelled by the rule in evals/datasets/measures_label_audit.md, which lists
  the audited rows (each keeps `industries_original`); macro-F1 is reported on the audited
  labels and, beside it, on the original ones;
- the catalogue sample (kind "sample"): catalogue sentences drawn at random (seed 2613) before
  the extractor was changed for hard negatives, each labelled measure or not (descriptions of
  an institution or an area, news, general principles, administration): precision and recall
  of extraction on them, and the share of those hard negatives rejected;
- industry macro-F1 on evals/datasets/measures_industry_labels.jsonl: sentences that the gold
  set does not hold, labelled with the industries they target (tagging only: the tagger is run
  on their text, whether or not they are measures): 96 catalogue sentences of the dev sections,
  and every one of the 31 sentences of the test sections that names an industry word
  (tools/sample_industry_sentences.py lists them);
- generated variants of the gold measures (evals/measure_variants.py): the share of swapped-in
  industries tagged and of industries moved into another noun not tagged.
- profile recall@10 / precision@10 on the judged (condensed) ranking: unlabelled catalogue
  measures are left out of the ranking before cutting at 10, since the gold set is a sample.
Profile relevance (the rule the gold file's profile sets were computed by, from the gold
tags): a gold measure applies in the profile's region, (when needs are given) offers a needed
support type, and names one of its types or industries — or, when needs are given, names no
beneficiary at all (support open to any enterprise).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.measures import MeasureFinder, Profile
from evals.measure_variants import variants_report
from evals.report import REPORTS_DIR
from ingest.measures import FACETS, Measure, normalize, targeted_industries
from ingest.pipeline import ProcessedDocument, process_paths
from vectorstore.measures import MeasureStore

GOLD_FILE = Path(__file__).parent / "datasets" / "measures.jsonl"
INDUSTRY_LABELS = Path(__file__).parent / "datasets" / "measures_industry_labels.jsonl"
CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
SPLITS = ("dev", "test")
TARGETS = {
    "precision": 0.85,
    "recall": 0.80,
    "decoy_rejection": 0.90,
    "recall@10": 0.80,
    "precision@10": 0.70,
    **{f"macro_f1_{facet}": 0.80 for facet in FACETS},
    "macro_f1_industries_original_labels": 0.80,
}


@dataclass(frozen=True)
class GoldItem:
    id: str
    kind: str
    split: str
    row: dict[str, Any]


def load_gold(path: Path = GOLD_FILE) -> list[GoldItem]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [GoldItem(r["id"], r["kind"], r["split"], r) for r in rows]


def found_in(item: GoldItem, measures: Sequence[Measure]) -> Measure | None:
    """The extracted measure of the item's document that holds its text (or lies in it)."""
    text = normalize(item.row["text"])
    for measure in measures:
        if measure.doc_id != item.row["doc_id"]:
            continue
        extracted = normalize(measure.text)
        if text in extracted or extracted in text:
            return measure
    return None


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def macro_f1(
    pairs: Sequence[tuple[set[str], set[str]]], gold_tags_only: bool = False
) -> float | None:
    """Mean over tags (seen in gold or prediction; with `gold_tags_only`, seen in gold) of
    each tag's F1."""
    tags = sorted(
        {t for gold, predicted in pairs for t in (gold if gold_tags_only else gold | predicted)}
    )
    scores = []
    for tag in tags:
        hit = sum(tag in g and tag in p for g, p in pairs)
        wrong = sum(tag not in g and tag in p for g, p in pairs)
        missed = sum(tag in g and tag not in p for g, p in pairs)
        scores.append(2 * hit / (2 * hit + wrong + missed))
    return sum(scores) / len(scores) if scores else None


def extraction_report(items: Sequence[GoldItem], measures: Sequence[Measure]) -> dict[str, Any]:
    gold = [i for i in items if i.kind == "measure"]
    decoys = [i for i in items if i.kind == "decoy"]
    found = {i.id: found_in(i, measures) for i in (*gold, *decoys)}
    hits = [i for i in gold if found[i.id]]
    accepted_decoys = [i for i in decoys if found[i.id]]
    report: dict[str, Any] = {
        "gold_measures": len(gold),
        "decoys": len(decoys),
        "precision": _ratio(len(hits), len(hits) + len(accepted_decoys)),
        "recall": _ratio(len(hits), len(gold)),
        "decoy_rejection": _ratio(len(decoys) - len(accepted_decoys), len(decoys)),
        "missed": [i.row["text"] for i in gold if not found[i.id]],
        "decoys_accepted": [i.row["text"] for i in accepted_decoys],
    }
    for facet in FACETS:
        pairs = [(set(i.row[facet]), set(found[i.id].tags(facet))) for i in hits]  # type: ignore[union-attr]
        report[f"macro_f1_{facet}"] = macro_f1(pairs)
        report[f"macro_f1_{facet}_gold_tags"] = macro_f1(pairs, gold_tags_only=True)
    original = [
        (set(i.row.get("industries_original", i.row["industries"])), set(measure.industries))
        for i in hits
        if (measure := found[i.id])
    ]
    report["macro_f1_industries_original_labels"] = macro_f1(original)
    return report


def industry_labels_f1(split: str, path: Path = INDUSTRY_LABELS) -> float | None:
    """Industry macro-F1 of the tagger on the extra labelled sentences of `split`."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    pairs = [
        (set(row["industries"]), set(targeted_industries(row["text"])))
        for row in rows
        if row["split"] == split
    ]
    return macro_f1(pairs)


def sample_report(items: Sequence[GoldItem], measures: Sequence[Measure]) -> dict[str, Any]:
    """Extraction on the random catalogue sample: its hard negatives are what the decoys
    (goals, statistics, headings) do not test."""
    sample = [i for i in items if i.kind == "sample"]
    kept = [i for i in sample if found_in(i, measures)]
    kept_measures = [i for i in kept if i.row["measure"]]
    negatives = [i for i in sample if not i.row["measure"]]
    kept_negatives = [i for i in kept if not i.row["measure"]]
    return {
        "sample": len(sample),
        "sample_precision": _ratio(len(kept_measures), len(kept)),
        "sample_recall": _ratio(len(kept_measures), len(sample) - len(negatives)),
        "hard_negative_rejection": _ratio(len(negatives) - len(kept_negatives), len(negatives)),
        "hard_negatives_accepted": [i.row["text"] for i in kept_negatives],
        "sample_measures_missed": [
            i.row["text"] for i in sample if i.row["measure"] and i not in kept
        ],
    }


def profile_of(row: dict[str, Any]) -> Profile:
    raw = row["profile"]
    return Profile(
        region=raw.get("region", ""),
        industries=tuple(raw.get("industries", ())),
        beneficiaries=tuple(raw.get("beneficiaries", ())),
        stage=raw.get("stage", ""),
        needs=tuple(raw.get("needs", ())),
    )


def profile_report(
    profiles: Sequence[GoldItem], judged: Sequence[GoldItem], finder: MeasureFinder
) -> dict[str, Any]:
    """recall@10 and precision@10 on the rankings condensed to judged measures."""
    catalogue = [s.measure for s in finder.store.all()]
    label: dict[str, str] = {}
    for item in judged:
        measure = found_in(item, catalogue)
        if measure is not None:
            label[measure.measure_id] = item.id
    recalls, precisions, rows = [], [], []
    for item in profiles:
        ranked = finder.find(profile_of(item.row), limit=len(catalogue) or 1)
        condensed = [
            label[m.sourced.measure.measure_id]
            for m in ranked
            if m.sourced.measure.measure_id in label
        ][:10]
        expected = set(item.row["expected"])
        relevant = sum(1 for gold_id in condensed if gold_id in expected)
        if expected:
            recalls.append(relevant / min(len(expected), 10))
        if condensed:
            precisions.append(relevant / len(condensed))
        rows.append(
            {"id": item.id, "expected": len(expected), "returned": condensed, "relevant": relevant}
        )
    return {
        "profiles": len(profiles),
        "recall@10": sum(recalls) / len(recalls) if recalls else None,
        "precision@10": sum(precisions) / len(precisions) if precisions else None,
        "per_profile": rows,
    }


def evaluate(
    documents: Sequence[ProcessedDocument],
    scratch: Path,
    embeddings: Embeddings | None = None,
    gold_path: Path = GOLD_FILE,
) -> dict[str, Any]:
    """Build a catalogue of `documents` in `scratch` and score it per split."""
    store = MeasureStore.in_dir(scratch)
    for document in documents:
        store.sync(document)
    measures = [s.measure for s in store.all()]
    finder = MeasureFinder(store, embeddings)
    gold = load_gold(gold_path)
    judged = [i for i in gold if i.kind in ("measure", "decoy")]
    report: dict[str, Any] = {"catalogue_size": len(measures), "splits": {}}
    for split in SPLITS:
        items = [i for i in gold if i.split == split]
        section = extraction_report(items, measures)
        section.update(sample_report(items, measures))
        section.update(variants_report([i.row for i in items if i.kind == "measure"]))
        section["macro_f1_industries_extra_labels"] = industry_labels_f1(split)
        profiles = [i for i in items if i.kind == "profile"]
        section.update(profile_report(profiles, judged, finder))
        report["splits"][split] = section
    return report


def write_report(
    out: Path, embeddings: Embeddings | None = None, corpus: Path = CORPUS
) -> dict[str, Any]:
    documents = [d for d in process_paths([corpus]) if isinstance(d, ProcessedDocument)]
    with tempfile.TemporaryDirectory(prefix="measures-eval-") as scratch:
        report = evaluate(documents, Path(scratch), embeddings)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return report


HEADLINE = (
    "precision",
    "recall",
    "decoy_rejection",
    *(f"macro_f1_{facet}" for facet in FACETS),
    "macro_f1_industries_original_labels",
    "recall@10",
    "precision@10",
    "sample_precision",
    "sample_recall",
    "hard_negative_rejection",
    *(f"macro_f1_{facet}_gold_tags" for facet in FACETS),
    "macro_f1_industries_extra_labels",
    "industry_swap_tagged",
    "industry_compound_rejected",
)


def summary_lines(report: dict[str, Any]) -> list[str]:
    lines = [
        f"catalogue: {report['catalogue_size']} measures",
        "metric".ljust(38) + "  dev    test",
    ]
    for name in HEADLINE:
        values = [report["splits"][s][name] for s in SPLITS]
        shown = "  ".join("  –  " if v is None else f"{v:.3f}" for v in values)
        target = TARGETS.get(name)
        below = target is not None and any(v is not None and v < target for v in values)
        verdict = f"  (target ≥ {target})" + ("  BELOW" if below else "  ok") if target else ""
        lines.append(f"  {name:<36}{shown}{verdict}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.measures_eval", description=__doc__)
    parser.add_argument("--out", type=Path, default=REPORTS_DIR / "measures.json")
    parser.add_argument(
        "--embeddings",
        type=Path,
        help="a data dir whose embedding model and cache rank by similarity too",
    )
    args = parser.parse_args(argv)
    embeddings = None
    if args.embeddings is not None:
        from vectorstore.embeddings import CachedEmbeddings, EmbeddingCache, make_embeddings
        from vectorstore.settings import StoreSettings

        settings = StoreSettings.from_env({"POLICY_QA_DATA_DIR": str(args.embeddings)})
        embeddings = CachedEmbeddings(
            make_embeddings(settings), EmbeddingCache.in_dir(args.embeddings)
        )
    report = write_report(args.out, embeddings)
    print("\n".join(summary_lines(report)))
    print(f"\nreport: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
