"""Eval reports: report.json, report.md and PNG charts, plus ▲/▼ comparisons.

A report is a plain dict (see :func:`build_report`) so it can be written, re-read and
compared with an older run or with ``evals/baseline.json`` without any of the code that
produced it. Charts use English labels: a CJK font is often missing on CI machines.
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
from evals.metrics import (  # noqa: E402
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
LOWER_IS_BETTER = frozenset({"false_refusal_rate", "p50_ms", "p95_ms"})
#: Changes smaller than this are shown as "=": the baseline is written to three decimals.
EPSILON = 5e-4
#: Longest Markdown table cell; the full answer text stays in report.json.
CELL_CHARS = 160


def build_report(
    items: Sequence[EvalItem],
    retrieval: Mapping[str, Sequence[RetrievalResult]],
    answers: Sequence[AnswerResult] | None,
    meta: Mapping[str, Any],
) -> dict[str, Any]:
    """Everything a reader needs, as JSON-ready data.

    ``retrieval`` maps retriever name to per-item results and must hold "hybrid" (what
    the assistant uses); the others only fill the comparison table.
    """
    hybrid = breakdown(retrieval["hybrid"], retrieval_summary)
    answer_part = breakdown(answers, answer_summary) if answers else None
    return {
        "meta": dict(meta),
        "headline": headline(hybrid["overall"], answer_part and answer_part["overall"]),
        "retrieval": hybrid,
        "retrievers": {name: retrieval_summary(rs) for name, rs in retrieval.items()},
        "answers": answer_part,
        "failures": failures(items, retrieval["hybrid"], answers or []),
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


def load_baseline(path: Path = BASELINE_PATH) -> dict[str, Any]:
    """The baseline's headline metrics (null = not measured yet)."""
    return json.loads(path.read_text(encoding="utf-8"))["metrics"]


def previous_report(reports_dir: Path, before: Path | None = None) -> dict[str, Any] | None:
    """The newest report.json in ``reports_dir`` other than the one in ``before``."""
    paths = sorted(reports_dir.glob("*/report.json"), reverse=True)
    for path in paths:
        if before is None or path.parent.resolve() != before.resolve():
            return json.loads(path.read_text(encoding="utf-8"))
    return None


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
    "citation_support",
    "refusal_recall",
    "false_refusal_rate",
    "p50_ms",
    "p95_ms",
)


def render_markdown(
    report: Mapping[str, Any],
    comparisons: Mapping[str, Sequence[Delta]],
    charts: Sequence[Path] = (),
) -> str:
    """The human-readable report: headline, breakdowns, comparisons, failures."""
    meta = report["meta"]
    lines = [f"# policy-qa eval — {meta.get('created', '')}", ""]
    lines += [f"- {key}: {value}" for key, value in meta.items()] + [""]
    lines += ["## Headline", ""]
    lines += _table(["metric", "value"], list(report["headline"].items()))
    for name, deltas in comparisons.items():
        lines += [f"## Compared with {name}", ""]
        rows = [
            [d.metric, d.current, d.previous, d.arrow, _signed(d.change), d.verdict] for d in deltas
        ]
        lines += _table(["metric", "now", "before", "", "delta", "verdict"], rows)
    lines += ["## Retrievers (hybrid is what the assistant uses)", ""]
    lines += _summary_table("retriever", report["retrievers"], RETRIEVAL_KEYS)
    for part, keys in (("retrieval", RETRIEVAL_KEYS), ("answers", ANSWER_KEYS)):
        if report.get(part):
            lines += _breakdown_md(part, report[part], keys)
    lines += [f"## Failures ({len(report['failures'])})", ""]
    rows = [
        [f["id"], f["kind"], f["type"], f["question"], f["expected"], f["got"]]
        for f in report["failures"]
    ]
    lines += _table(["id", "kind", "type", "question", "expected", "got"], rows)
    lines += [f"![{chart.stem}]({chart.name})" for chart in charts]
    return "\n".join(lines) + "\n"


def _breakdown_md(part: str, data: Mapping[str, Any], keys: Sequence[str]) -> list[str]:
    lines = [f"## {part.capitalize()} by type", ""]
    lines += _summary_table("type", {"overall": data["overall"], **data["by_type"]}, keys)
    lines += [f"## {part.capitalize()} by difficulty", ""]
    lines += _summary_table("difficulty", data["by_difficulty"], keys)
    return lines


# --- charts --------------------------------------------------------------------------------


def write_charts(report: Mapping[str, Any], out: Path) -> list[Path]:
    """PNG bar charts; English labels only, so no CJK font is needed."""
    by_type = report["retrieval"]["by_type"]
    hit_keys = [f"hit@{k}" for k in HIT_KS]
    charts = [
        _bars(
            out / "hit_at_k_by_type.png",
            "Hybrid retrieval hit@k by question type",
            {name: [group.get(k) or 0.0 for k in hit_keys] for name, group in by_type.items()},
            hit_keys,
        ),
        _bars(
            out / "retriever_comparison.png",
            "Retriever comparison",
            {
                name: [row.get(k) or 0.0 for k in [*hit_keys, "mrr"]]
                for name, row in report["retrievers"].items()
            },
            [*hit_keys, "MRR"],
        ),
    ]
    if report.get("answers"):
        charts.append(_accuracy_chart(report["answers"]["by_type"], out / "accuracy_by_type.png"))
    return charts


def _accuracy_chart(by_type: Mapping[str, Mapping[str, Any]], path: Path) -> Path:
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
    ax.set_title("Answer accuracy by question type")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _bars(
    path: Path, title: str, series: Mapping[str, Sequence[float]], groups: Sequence[str]
) -> Path:
    """Grouped bars: one group per entry of ``groups``, one bar per series."""
    fig, ax = plt.subplots(figsize=(min(10.0, max(6.0, 0.3 * len(groups) * len(series))), 4.5))
    width = 0.8 / max(1, len(series))
    for index, (name, values) in enumerate(series.items()):
        xs = [g + index * width for g in range(len(groups))]
        bars = ax.bar(xs, values, width, label=name)
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.set_xticks([g + width * (len(series) - 1) / 2 for g in range(len(groups))], groups)
    ax.set_ylim(0, 1.1)
    ax.set_title(title)
    ax.legend(fontsize=8, ncol=min(4, len(series)), loc="upper center", bbox_to_anchor=(0.5, -0.08))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
