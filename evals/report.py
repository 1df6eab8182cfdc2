"""Eval reports: report.json, report.md and PNG charts, plus ▲/▼ comparisons.

A report is a plain dict (see :func:`build_report`) so it can be written, re-read and
compared with an older run or with ``evals/baseline.json`` without any of the code that
produced it. It holds one part per split (dev, test, or a single ``--dataset`` file) and,
when both dev and test ran, the gap test − dev per headline metric: a gap is what tuning
on dev bought that does not carry over. Charts use English labels: a CJK font is often
missing on CI machines.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from evals.dataset import EvalItem  # noqa: E402
from evals.metamorphic import VariantResult, metamorphic_summary  # noqa: E402
from evals.metrics import (  # noqa: E402
    HEADLINE_KEYS,
    HIT_KS,
    AnswerResult,
    RetrievalResult,
    answer_summary,
    breakdown,
    headline,
    retrieval_summary,
)

EVALS_DIR = Path(__file__).resolve().parent
REPORTS_DIR = EVALS_DIR / "reports"
BASELINE_PATH = EVALS_DIR / "baseline.json"
#: Metrics where a smaller value is the improvement.
LOWER_IS_BETTER = frozenset({"false_refusal_rate", "p50_ms", "p95_ms", "answer_p50_ms"})
#: Issue 10's targets on the test split (extractive mode); false refusals is a ceiling.
TARGETS: dict[str, float] = {
    "accuracy": 0.90,
    "figure_accuracy": 0.85,
    "refusal_recall": 0.85,
    "false_refusal_rate": 0.05,
    "citation_support": 0.95,
    "framing_consistency": 0.95,
    "rephrasing_consistency": 0.95,
    "attribute_swap_refusal": 0.85,
    "follow_up_accuracy": 0.85,
}
#: The largest |test − dev| on a targeted metric that still counts as generalising.
GAP_TARGET = 0.03
#: Changes smaller than this are shown as "=": the baseline is written to three decimals.
EPSILON = 5e-4
#: Longest Markdown table cell; the full answer text stays in report.json.
CELL_CHARS = 160


def build_split(
    items: Sequence[EvalItem],
    retrieval: Mapping[str, Sequence[RetrievalResult]],
    answers: Sequence[AnswerResult] | None,
    variants: Sequence[VariantResult] | None = None,
) -> dict[str, Any]:
    """One split's part of a report, as JSON-ready data.

    ``retrieval`` maps retriever name to per-item results and must hold "hybrid" (what
    the assistant uses); the others only fill the comparison table.
    """
    hybrid = breakdown(retrieval["hybrid"], retrieval_summary)
    answer_part = breakdown(answers, answer_summary) if answers else None
    metamorphic = metamorphic_summary(variants) if variants else None
    return {
        "items": len(items),
        "headline": headline(
            hybrid["overall"], answer_part and answer_part["overall"], metamorphic
        ),
        "retrieval": hybrid,
        "retrievers": {name: retrieval_summary(rs) for name, rs in retrieval.items()},
        "answers": answer_part,
        "metamorphic": metamorphic,
        "failures": failures(items, retrieval["hybrid"], answers or []),
        "variant_failures": [_variant_failure(v) for v in variants or () if not v.passed],
    }


def build_report(
    splits: Mapping[str, Mapping[str, Any]], meta: Mapping[str, Any]
) -> dict[str, Any]:
    """The report: meta, each split's part, and the gap test − dev when both ran."""
    report: dict[str, Any] = {"meta": dict(meta), "splits": dict(splits)}
    if "dev" in splits and "test" in splits:
        report["gap"] = gap(splits["dev"]["headline"], splits["test"]["headline"])
    return report


def gap(dev: Mapping[str, Any], test: Mapping[str, Any]) -> dict[str, float | None]:
    """test − dev per headline metric (None where either is missing)."""
    return {
        key: None if dev.get(key) is None or test.get(key) is None else test[key] - dev[key]
        for key in HEADLINE_KEYS
    }


def _variant_failure(result: VariantResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "relation": result.relation,
        "kind": result.kind,
        "question": result.question,
        "history": result.history,
        "expected": result.expected,
        "got": result.answer,
    }


def failures(
    items: Sequence[EvalItem],
    retrieval: Sequence[RetrievalResult],
    answers: Sequence[AnswerResult],
    k: int = 5,
) -> list[dict[str, Any]]:
    """Questions that missed: hybrid not in top ``k``, wrong answer, or missed refusal."""
    by_id = {item.id: item for item in items}
    rows: list[dict[str, Any]] = []
    for result in retrieval:
        if not result.hit_at(k):
            item = by_id[result.item_id]
            expected = " / ".join(item.evidences)
            got = f"rank {result.rank}" if result.rank else "not in top results"
            got += "; top 1: " + (result.top[0] if result.top else "nothing")
            rows.append(_failure(item, f"retrieval@{k}", expected, got))
    for answer in answers:
        item = by_id[answer.item_id]
        if item.answerable and not answer.correct:
            rows.append(_failure(item, "answer", ", ".join(item.must_contain), answer.answer))
        elif not item.answerable and not answer.refused:
            rows.append(_failure(item, "refusal", "refusal", answer.answer))
    return rows


def _failure(item: EvalItem, kind: str, expected: str, got: str) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": kind,
        "type": item.type,
        "question": item.question,
        "expected": expected,
        "got": got,
    }


# --- comparison ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Delta:
    """One metric now versus before: ▲ up, ▼ down, = unchanged or not comparable."""

    metric: str
    current: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def arrow(self) -> str:
        change = self.change
        if change is None or abs(change) <= EPSILON:
            return "="
        return "▲" if change > 0 else "▼"

    @property
    def verdict(self) -> str:
        """better/worse, taking metrics where lower is better into account."""
        change = self.change
        if change is None or abs(change) <= EPSILON:
            return ""
        better = (change < 0) if self.metric in LOWER_IS_BETTER else (change > 0)
        return "better" if better else "worse"

    def line(self) -> str:
        if self.change is None:
            return f"{self.metric}: {_fmt(self.current)} (before {_fmt(self.previous)}) ="
        return (
            f"{self.metric}: {_fmt(self.current)} {self.arrow} {self.change:+.3f} "
            f"(before {_fmt(self.previous)}) {self.verdict}".rstrip()
        )


def compare(current: Mapping[str, Any], previous: Mapping[str, Any]) -> list[Delta]:
    """Deltas for every headline metric of ``current`` (missing before = not comparable)."""
    return [Delta(metric, value, previous.get(metric)) for metric, value in current.items()]


def load_baseline(split: str = "test", path: Path = BASELINE_PATH) -> dict[str, Any]:
    """The baseline's headline metrics for ``split`` (null = not measured; {} = no such split)."""
    return json.loads(path.read_text(encoding="utf-8"))["splits"].get(split, {})


def previous_report(reports_dir: Path, before: Path | None = None) -> dict[str, Any] | None:
    """The newest report.json with per-split parts in ``reports_dir``, other than ``before``.

    Reports written before the dev/test split have no "splits" and are not comparable.
    """
    paths = sorted(reports_dir.glob("*/report.json"), reverse=True)
    for path in paths:
        if before is not None and path.parent.resolve() == before.resolve():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        if "splits" in data:
            return data
    return None


def comparisons_for(
    report: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    baseline: Mapping[str, Mapping[str, Any]],
) -> dict[str, list[Delta]]:
    """▲/▼ of each split against the same split of the previous report and the baseline."""
    result: dict[str, list[Delta]] = {}
    for name, split in report["splits"].items():
        before = (previous or {}).get("splits", {}).get(name)
        if before:
            created = previous["meta"].get("created")  # type: ignore[index]
            result[f"{name}: previous report ({created})"] = compare(
                split["headline"], before["headline"]
            )
        if baseline.get(name):
            result[f"{name}: baseline"] = compare(split["headline"], baseline[name])
    return result


# --- writing -------------------------------------------------------------------------------


def write_report(
    report: Mapping[str, Any],
    reports_dir: Path = REPORTS_DIR,
    comparisons: Mapping[str, Sequence[Delta]] | None = None,
) -> Path:
    """Write report.json, report.md and charts into a new timestamped folder; return it."""
    out = _new_run_dir(reports_dir)
    data = {**report, "comparisons": _comparisons_json(comparisons or {})}
    (out / "report.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    charts = write_charts(report, out)
    (out / "report.md").write_text(render_markdown(report, comparisons or {}, charts), "utf-8")
    return out


def _new_run_dir(reports_dir: Path) -> Path:
    """A fresh folder named by time; a suffix keeps two runs in one second apart."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = reports_dir / stamp
    suffix = 1
    while out.exists():
        suffix += 1
        out = reports_dir / f"{stamp}-{suffix}"
    out.mkdir(parents=True)
    return out


def _comparisons_json(comparisons: Mapping[str, Sequence[Delta]]) -> dict[str, Any]:
    return {
        name: [{**asdict(d), "change": d.change, "arrow": d.arrow} for d in deltas]
        for name, deltas in comparisons.items()
    }


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _signed(change: float | None) -> str:
    return "–" if change is None else f"{change:+.3f}"


def _cell(value: Any) -> str:
    """One Markdown table cell: answers hold newlines and pipes, and can be long."""
    text = " ".join(_fmt(value).split()).replace("|", "\\|")
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def _summary_table(
    label: str, groups: Mapping[str, Mapping[str, Any]], keys: Sequence[str]
) -> list[str]:
    rows = [[name, group.get("n"), *(group.get(k) for k in keys)] for name, group in groups.items()]
    return _table([label, "n", *keys], rows)


RETRIEVAL_KEYS = (*(f"hit@{k}" for k in HIT_KS), "mrr", "p50_ms", "p95_ms")
ANSWER_KEYS = (
    "accuracy",
    "figure_accuracy",
    "direct_accuracy",
    "citation_support",
    "refusal_recall",
    "false_refusal_rate",
    "p50_ms",
    "p95_ms",
)


def meets_target(metric: str, value: float | None) -> str:
    """✓/✗ against issue 10's target, "" where the metric has none."""
    if metric not in TARGETS or value is None:
        return ""
    if metric == "false_refusal_rate":
        return "✓" if value <= TARGETS[metric] else "✗"
    return "✓" if value >= TARGETS[metric] else "✗"


def _target_text(metric: str) -> str:
    if metric not in TARGETS:
        return ""
    return f"{'≤' if metric == 'false_refusal_rate' else '≥'} {TARGETS[metric]:.2f}"


def headline_table(report: Mapping[str, Any]) -> list[str]:
    """One row per metric: each split, the gap, the target and whether the test split meets it."""
    splits = report["splits"]
    names = list(splits)
    gaps = report.get("gap") or {}
    judged = "test" if "test" in splits else names[-1]
    headers = [
        "metric",
        *names,
        *(["gap (test − dev)"] if gaps else []),
        "target",
        f"{judged} meets it",
    ]
    rows = []
    for metric in HEADLINE_KEYS:
        values = [splits[name]["headline"].get(metric) for name in names]
        gap_cells = [_signed(gaps.get(metric))] if gaps else []
        verdict = meets_target(metric, splits[judged]["headline"].get(metric))
        if gaps and metric in TARGETS and gaps.get(metric) is not None:
            verdict += " gap ✓" if abs(gaps[metric]) <= GAP_TARGET else " gap ✗"
        rows.append([metric, *values, *gap_cells, _target_text(metric), verdict])
    return _table(headers, rows) + _counts_lines(splits)


def _counts_lines(splits: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """How many items and metamorphic cases each rate rests on: a rate over three
    follow-ups moves by a third with one answer."""
    lines = []
    for name, split in splits.items():
        cases = (split.get("metamorphic") or {}).get("n", {})
        counted = ", ".join(f"{relation} {n}" for relation, n in cases.items())
        lines.append(
            f"- {name}: {split['items']} items" + (f"; cases: {counted}" if counted else "")
        )
    return [*lines, ""]


def _metamorphic_md(name: str, part: Mapping[str, Any]) -> list[str]:
    counts = part["n"]
    lines = [f"## {name}: metamorphic suite", ""]
    rows = [
        ["framing consistency", counts["framing"], part["framing_consistency"]],
        ["framed accuracy", counts["framing"], part.get("framed_accuracy")],
        ["rephrasing consistency", counts.get("rephrasing"), part.get("rephrasing_consistency")],
        ["rephrased accuracy", counts.get("rephrasing"), part.get("rephrased_accuracy")],
        ["attribute-swap refusal", counts["attribute_swap"], part["attribute_swap_refusal"]],
        ["follow-up accuracy", counts["follow_up"], part["follow_up_accuracy"]],
        *[
            [f"follow-up accuracy ({kind})", "", rate]
            for kind, rate in part["follow_up_by_kind"].items()
        ],
        *[
            [f"rephrasing consistency ({rule})", part["rephrasing_n_by_rule"][rule], rate]
            for rule, rate in part.get("rephrasing_by_rule", {}).items()
        ],
    ]
    return lines + _table(["rate", "n", "value"], rows)


def render_markdown(
    report: Mapping[str, Any],
    comparisons: Mapping[str, Sequence[Delta]],
    charts: Sequence[Path] = (),
) -> str:
    """The human-readable report: headline per split and gap, comparisons, breakdowns, failures."""
    meta = report["meta"]
    lines = [f"# policy-qa eval — {meta.get('created', '')}", ""]
    lines += [f"- {key}: {value}" for key, value in meta.items()] + [""]
    lines += ["## Headline", ""] + headline_table(report)
    for name, deltas in comparisons.items():
        lines += [f"## Compared with {name}", ""]
        rows = [
            [d.metric, d.current, d.previous, d.arrow, _signed(d.change), d.verdict] for d in deltas
        ]
        lines += _table(["metric", "now", "before", "", "delta", "verdict"], rows)
    for name, split in report["splits"].items():
        lines += _split_md(name, split)
    lines += [f"![{chart.stem}]({chart.name})" for chart in charts]
    return "\n".join(lines) + "\n"


def _split_md(name: str, split: Mapping[str, Any]) -> list[str]:
    lines = [f"## {name}: retrievers (hybrid is what the assistant uses)", ""]
    lines += _summary_table("retriever", split["retrievers"], RETRIEVAL_KEYS)
    for part, keys in (("retrieval", RETRIEVAL_KEYS), ("answers", ANSWER_KEYS)):
        if split.get(part):
            lines += _breakdown_md(f"{name}: {part}", split[part], keys)
    if split.get("metamorphic"):
        lines += _metamorphic_md(name, split["metamorphic"])
    lines += [f"## {name}: failures ({len(split['failures'])})", ""]
    rows = [
        [f["id"], f["kind"], f["type"], f["question"], f["expected"], f["got"]]
        for f in split["failures"]
    ]
    lines += _table(["id", "kind", "type", "question", "expected", "got"], rows)
    if split.get("variant_failures"):
        lines += [f"## {name}: metamorphic failures ({len(split['variant_failures'])})", ""]
        rows = [
            [f["id"], _relation(f), f["history"], f["question"], f["expected"], f["got"]]
            for f in split["variant_failures"]
        ]
        lines += _table(["id", "relation", "after", "question", "expected", "got"], rows)
    return lines


def _relation(failure: Mapping[str, Any]) -> str:
    """The relation, with the rule or kind that made the case (older reports have none)."""
    kind = failure.get("kind")
    return f"{failure['relation']} ({kind})" if kind else failure["relation"]


def _breakdown_md(title: str, data: Mapping[str, Any], keys: Sequence[str]) -> list[str]:
    lines = [f"## {title} by type", ""]
    lines += _summary_table("type", {"overall": data["overall"], **data["by_type"]}, keys)
    for group in ("difficulty", "style"):
        lines += [f"## {title} by {group}", ""]
        lines += _summary_table(group, data.get(f"by_{group}", {}), keys)
    return lines


# --- charts --------------------------------------------------------------------------------

METAMORPHIC_METRICS = (
    "framing_consistency",
    "framed_accuracy",
    "rephrasing_consistency",
    "rephrased_accuracy",
    "attribute_swap_refusal",
    "follow_up_accuracy",
)
#: Rate metrics drawn side by side for each split (latency has another scale).
CHART_METRICS = tuple(
    k for k in HEADLINE_KEYS if k not in METAMORPHIC_METRICS and not k.endswith("_ms")
)


def write_charts(report: Mapping[str, Any], out: Path) -> list[Path]:
    """PNG bar charts; English labels only, so no CJK font is needed."""
    splits = report["splits"]
    charts = [
        _split_bars(splits, CHART_METRICS, out / "headline_by_split.png", "Headline by split"),
    ]
    if any(split.get("metamorphic") for split in splits.values()):
        charts.append(
            _split_bars(
                splits, METAMORPHIC_METRICS, out / "metamorphic_by_split.png", "Metamorphic suite"
            )
        )
    for name, split in splits.items():
        charts += _split_charts(name, split, out)
    return charts


def _split_charts(name: str, split: Mapping[str, Any], out: Path) -> list[Path]:
    by_type = split["retrieval"]["by_type"]
    hit_keys = [f"hit@{k}" for k in HIT_KS]
    charts = [
        _bars(
            out / f"{name}_hit_at_k_by_type.png",
            f"{name}: hybrid retrieval hit@k by question type",
            {t: [group.get(k) or 0.0 for k in hit_keys] for t, group in by_type.items()},
            hit_keys,
        ),
        _bars(
            out / f"{name}_retriever_comparison.png",
            f"{name}: retriever comparison",
            {
                retriever: [row.get(k) or 0.0 for k in [*hit_keys, "mrr"]]
                for retriever, row in split["retrievers"].items()
            },
            [*hit_keys, "MRR"],
        ),
    ]
    if split.get("answers"):
        charts.append(
            _accuracy_chart(split["answers"]["by_type"], out / f"{name}_accuracy_by_type.png", name)
        )
    return charts


def _split_bars(
    splits: Mapping[str, Mapping[str, Any]], metrics: Sequence[str], path: Path, title: str
) -> Path:
    """Grouped bars (one bar per split) per metric, with each target drawn as a line."""
    series = {name: [split["headline"].get(m) for m in metrics] for name, split in splits.items()}
    fig, ax = _grouped(series, metrics, title)
    for index, metric in enumerate(metrics):
        if metric in TARGETS:
            ax.hlines(TARGETS[metric], index - 0.45, index + 0.45, colors="red", linestyles="--")
    ax.plot([], [], "r--", label="target")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _save(fig, path)


def _accuracy_chart(by_type: Mapping[str, Mapping[str, Any]], path: Path, split: str) -> Path:
    """One bar per type: accuracy, or refusal recall for the unanswerable questions."""
    values = {
        name: group["refusal_recall"] if name == "unanswerable" else group["accuracy"]
        for name, group in by_type.items()
    }
    labels = [f"{n}\n(refusal recall)" if n == "unanswerable" else n for n in values]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    bars = ax.bar(labels, [v or 0.0 for v in values.values()], color="tab:blue")
    ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set_ylim(0, 1.1)
    ax.set_title(f"{split}: answer accuracy by question type")
    return _save(fig, path)


def _bars(
    path: Path, title: str, series: Mapping[str, Sequence[float]], groups: Sequence[str]
) -> Path:
    """Grouped bars: one group per entry of ``groups``, one bar per series."""
    fig, ax = _grouped(series, groups, title)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _save(fig, path)


def _grouped(
    series: Mapping[str, Sequence[float | None]], groups: Sequence[str], title: str
) -> tuple[Any, Any]:
    """Bars per group and series; a missing value (None) is drawn as no bar, labelled "–"."""
    fig, ax = plt.subplots(figsize=(min(12.0, max(7.0, 0.45 * len(groups) * len(series))), 4.8))
    width = 0.8 / max(1, len(series))
    for index, (name, values) in enumerate(series.items()):
        xs = [g - 0.4 + width * (index + 0.5) for g in range(len(groups))]
        bars = ax.bar(xs, [v or 0.0 for v in values], width, label=name)
        labels = ["–" if v is None else f"{v:.2f}" for v in values]
        ax.bar_label(bars, labels=labels, fontsize=7)
    ax.set_xticks(range(len(groups)), groups, fontsize=8, rotation=25, ha="right")
    ax.set_ylim(0, 1.1)
    ax.set_title(title)
    return fig, ax


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
