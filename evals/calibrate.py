"""Fit the answer-or-refuse model (assistant/answerability.json) on the dev split.

    python -m evals.calibrate            # run the pipeline on dev + variants, refit, write
    python -m evals.calibrate --reuse    # refit from evals/datasets/answerability_train.jsonl

Training questions are dev.jsonl items and variants generated from them (framings that keep
the answer, attribute swaps that must be refused); the test split is never read. Each
question's candidate sentences (assistant.extractive.weigh_candidates) are labelled: a
sentence of an answerable item that holds its evidence (or all its required strings) is
positive, one that holds none of them negative, anything in between is left out; every
candidate of an unanswerable question is negative. A logistic regression (numpy, L2) is
fitted on standardised features with both classes weighted equally; the threshold on the
best candidate's probability is chosen by grouped 5-fold cross-validation to maximise
balanced accuracy of the per-question decision (answer vs refuse), averaged over a window of
thresholds so that it is stable, and those
cross-validated numbers are printed, not the training fit.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from assistant.decision import FEATURES, WEIGHTS_FILE, AnswerabilityModel, load_model
from evals.dataset import EvalItem, load_dataset, normalize_for_match
from evals.metrics import proves
from evals.variants import attribute_swap_variants, framing_variants

DEV = Path(__file__).parent / "datasets" / "dev.jsonl"
TRAIN_FILE = Path(__file__).parent / "datasets" / "answerability_train.jsonl"
FRAMINGS_PER_ITEM = 2
L2 = 1.0
FOLDS = 5
SEED = 20261130
THRESHOLD_WINDOW = 0.03


def training_items(dev: list[EvalItem]) -> list[EvalItem]:
    """Dev items, up to two framings of each answerable one, and every attribute swap."""
    items = list(dev)
    for item in dev:
        items += framing_variants(item, limit=FRAMINGS_PER_ITEM)
        items += attribute_swap_variants(item)
    return items


def sentence_label(item: EvalItem, text: str, kind: str) -> int | None:
    """1: the sentence proves the answer; 0: it holds nothing of it; None: partly."""
    if not item.answerable:
        return 0
    sentence = normalize_for_match(text)
    passage = SimpleNamespace(text=text, chunk=SimpleNamespace(kind=kind))
    needed = [normalize_for_match(m) for m in item.must_contain]
    if any(proves(item, passage, e) for e in item.evidences):
        return 1
    if any(len(sentence) >= 10 and sentence in normalize_for_match(e) for e in item.evidences):
        return 1
    if needed and all(m in sentence for m in needed):
        return 1
    return 0 if not any(m in sentence for m in needed) else None


def collect(items: list[EvalItem]) -> list[dict[str, Any]]:
    """Run each question through retrieval and candidate weighing; one record per question."""
    from assistant.app import open_app
    from assistant.settings import load_settings

    assistant = open_app(load_settings(), require_documents=True).assistant
    records = []
    for n, item in enumerate(items, start=1):
        _, candidates = assistant.candidates(item.question)
        records.append(
            {
                "id": item.id,
                "group": item.id.split("~")[0],
                "question": item.question,
                "answerable": item.answerable,
                "candidates": [
                    {
                        "text": c.sentence.text,
                        "features": {k: round(v, 4) for k, v in c.features.items()},
                        "label": sentence_label(
                            item, c.sentence.text, c.sentence.passage.chunk.kind
                        ),
                    }
                    for c in candidates
                ],
            }
        )
        if n % 50 == 0:
            print(f"  {n}/{len(items)} questions", flush=True)
    return records


def _matrix(records: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per question with a candidate: its leading sentence's features; y = answerable;
    and each row's sample weight (see `_weights`)."""
    rows, labels, origins = [], [], []
    for record in records:
        if record["candidates"]:
            rows.append([record["candidates"][0]["features"][f] for f in FEATURES])
            labels.append(float(record["answerable"]))
            origins.append("generated" if "~" in record["id"] else "written")
    y = np.asarray(labels, dtype=float)
    return np.asarray(rows, dtype=float), y, _weights(y, origins)


def _weights(y: np.ndarray, origins: list[str]) -> np.ndarray:
    """Both classes weigh the same, and within a class, written and generated questions weigh
    the same: otherwise the most numerous kind of generated variant (swapped years) decides
    what the model attends to, and it let through text that names nothing asked."""
    groups = {(label, origin) for label, origin in zip(y, origins, strict=True)}
    weight = np.zeros(len(y))
    for label, origin in groups:
        members = np.array(
            [lab == label and o == origin for lab, o in zip(y, origins, strict=True)]
        )
        per_class = sum(1 for g in groups if g[0] == label)
        weight[members] = 0.5 / per_class / members.sum()
    return weight


def fit(records: list[dict[str, Any]], threshold: float = 0.5) -> AnswerabilityModel:
    """L2 logistic regression on standardised features, weighted by `_weights`.

    Weights are kept non-negative. Each feature measures evidence (the focus covered, the
    asked type present), so a negative weight could only come from features' overlap in a
    small sample: fitted freely, `focus` went negative and the model answered 「瞪羚企业」
    from a row about 高新技术企业 because the row held a count next to 目标."""
    x, y, weight = _matrix(records)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    z = (x - mean) / scale
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(3000):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        grad = p - y
        w -= 0.5 * (z.T @ (weight * grad) + L2 * w / len(y))
        w = np.maximum(w, 0.0)  # every feature is built so that more of it is more evidence
        b -= 0.5 * float(weight @ grad)
    return AnswerabilityModel(
        {f: round(float(v), 4) for f, v in zip(FEATURES, w, strict=True)},
        round(b, 4),
        {f: round(float(v), 4) for f, v in zip(FEATURES, mean, strict=True)},
        {f: round(float(v), 4) for f, v in zip(FEATURES, scale, strict=True)},
        threshold,
    )


def lead_probability(model: AnswerabilityModel, record: dict[str, Any]) -> tuple[float, int | None]:
    """The leading candidate's probability and its label (no candidate: refused)."""
    if not record["candidates"]:
        return 0.0, 0
    lead = record["candidates"][0]
    return model.probability(lead["features"]), lead["label"]


def decision_metrics(
    pairs: list[tuple[dict[str, Any], float, int | None]], threshold: float
) -> dict[str, float]:
    """Refusal recall, false refusals and lead precision of the per-question decision."""
    answerable = [(p, lab) for r, p, lab in pairs if r["answerable"]]
    unanswerable = [p for r, p, _ in pairs if not r["answerable"]]
    answered = [lab for p, lab in answerable if p >= threshold]
    return {
        "false_refusals": sum(p < threshold for p, _ in answerable) / max(len(answerable), 1),
        "refusal_recall": sum(p < threshold for p in unanswerable) / max(len(unanswerable), 1),
        "lead_holds_answer": sum(lab == 1 for lab in answered) / max(len(answered), 1),
    }


def _balanced(metrics: dict[str, float]) -> float:
    return (1 - metrics["false_refusals"] + metrics["refusal_recall"]) / 2


def cross_validate(records: list[dict[str, Any]]) -> tuple[float, dict[str, float]]:
    """Out-of-fold lead probabilities (folds by source item) -> threshold, metrics."""
    groups = sorted({r["group"] for r in records})
    random.Random(SEED).shuffle(groups)
    fold_of = {g: i % FOLDS for i, g in enumerate(groups)}
    pairs = []
    for fold in range(FOLDS):
        train = [r for r in records if fold_of[r["group"]] != fold]
        model = fit(train)
        for record in records:
            if fold_of[record["group"]] == fold:
                pairs.append((record, *lead_probability(model, record)))
    grid = [t / 100 for t in range(5, 96)]
    balanced = {t: _balanced(decision_metrics(pairs, t)) for t in grid}
    # Balanced accuracy is flat over wide ranges: averaged over a window, one question more
    # or less on either side cannot swing the threshold from one end of a plateau to the other.
    smoothed = {
        t: statistics.fmean(balanced[u] for u in grid if abs(u - t) <= THRESHOLD_WINDOW + 1e-9)
        for t in grid
    }
    threshold = max(grid, key=lambda t: (smoothed[t], -abs(t - 0.5)))
    return threshold, decision_metrics(pairs, threshold)


def _start_from_scratch_if_features_changed() -> None:
    """Collecting runs the assistant, which loads the shipped model; after FEATURES changed that
    model cannot load, so a neutral one (no weights, threshold 0.5) stands in until refitted.
    Features do not depend on the model, only each candidate's probability does."""
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    if list(data.get("features", [])) == list(FEATURES):
        return
    neutral = AnswerabilityModel(
        dict.fromkeys(FEATURES, 0.0), 0.0, dict.fromkeys(FEATURES, 0.0),
        dict.fromkeys(FEATURES, 1.0), 0.5,
    )  # fmt: skip
    WEIGHTS_FILE.write_text(json.dumps(neutral.to_json(), indent=1) + "\n", encoding="utf-8")
    load_model.cache_clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", action="store_true", help=f"refit from {TRAIN_FILE.name}")
    args = parser.parse_args(argv)
    if args.reuse:
        lines = TRAIN_FILE.read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
    else:
        _start_from_scratch_if_features_changed()
        items = training_items(load_dataset(DEV))
        print(f"collecting candidates for {len(items)} questions (dev + variants)")
        records = collect(items)
        TRAIN_FILE.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
        )
    threshold, metrics = cross_validate(records)
    model = fit(records, threshold)
    WEIGHTS_FILE.write_text(
        json.dumps(model.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    x, y, _ = _matrix(records)
    print(
        f"{len(y)} questions with candidates "
        f"({int(y.sum())} answerable, {int(len(y) - y.sum())} not)"
    )
    print(f"threshold {threshold:.2f}; 5-fold cross-validated decision on dev + variants:")
    for name, value in metrics.items():
        print(f"  {name:20s} {value:.3f}")
    print("weights (per standard deviation of the feature):")
    for name in sorted(FEATURES, key=lambda f: -abs(model.weights[f])):
        print(f"  {name:12s} {model.weights[name]:+.3f}")
    print(f"wrote {WEIGHTS_FILE} and {TRAIN_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
