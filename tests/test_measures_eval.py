"""The measure eval: its metrics on tiny inputs, and the gold set against the catalogue."""

from __future__ import annotations

from pathlib import Path

from evals.measures_eval import (
    SPLITS,
    TARGETS,
    evaluate,
    found_in,
    load_gold,
    macro_f1,
    summary_lines,
)
from ingest.measures import Measure
from ingest.pipeline import ProcessedDocument


def _measure(text: str, doc_id: str = "d.txt") -> Measure:
    return Measure(doc_id, "c", "s", 0, len(text), text, "广州市", "2024", (), (), ())


def test_macro_f1_averages_each_tag_seen_in_gold_or_prediction() -> None:
    pairs = [({"a"}, {"a"}), ({"a", "b"}, {"a"}), (set(), {"c"})]
    # a: 2 hits -> 1.0; b: 1 miss -> 0.0; c: 1 wrong -> 0.0
    assert macro_f1(pairs) == 1 / 3
    assert macro_f1([]) is None


def test_a_gold_item_is_found_by_containment_within_its_document() -> None:
    item = load_gold()[0]
    text = item.row["text"]
    assert found_in(item, [_measure("前文，" + text, item.row["doc_id"])]) is not None
    assert found_in(item, [_measure(text[: len(text) // 2], item.row["doc_id"])]) is not None
    assert found_in(item, [_measure(text, "other.txt")]) is None


def test_the_gold_set_has_what_the_issue_asks_for() -> None:
    gold = load_gold()
    kinds = [item.kind for item in gold]
    assert kinds.count("measure") >= 100 and kinds.count("decoy") >= 40
    assert kinds.count("profile") >= 25
    assert {item.split for item in gold} == set(SPLITS)
    decoy_kinds = {item.row["decoy"] for item in gold if item.kind == "decoy"}
    assert {"goal", "statistic", "heading"} <= decoy_kinds


def test_the_catalogue_meets_the_targets_on_dev(
    processed_corpus: dict[str, ProcessedDocument], tmp_path: Path
) -> None:
    report = evaluate(list(processed_corpus.values()), tmp_path)
    dev = report["splits"]["dev"]
    for name, target in TARGETS.items():
        assert dev[name] >= target, (name, dev[name])
    assert report["splits"]["test"]["decoy_rejection"] >= TARGETS["decoy_rejection"]
    assert any("precision@10" in line for line in summary_lines(report))
