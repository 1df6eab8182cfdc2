"""Eval metric rules on hand-built passages, and the report writer's files and comparisons."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from evals.dataset import EvalItem
from evals.judge import parse_scores
from evals.metrics import (
    AnswerResult,
    RetrievalResult,
    answer_correct,
    answer_summary,
    breakdown,
    citation_supported,
    first_hit_rank,
    percentile,
    retrieval_summary,
)
from evals.report import Delta, build_report, compare, previous_report, write_report


def item(
    type_: str = "figure",
    evidences: tuple[str, ...] = ("新增高新技术企业超过 2000 家",),
    must: tuple[str, ...] = ("2000家",),
    id_: str = "q1",
    difficulty: str = "easy",
) -> EvalItem:
    sources = tuple(f"doc{i}" for i in range(len(evidences)))
    return EvalItem(id_, "问题？", "答案", must, sources, evidences, type_, difficulty, False)


def passage(text: str, kind: str = "text") -> SimpleNamespace:
    return SimpleNamespace(text=text, chunk=SimpleNamespace(kind=kind))


NOISE = passage("无关段落：广州推进科技创新。")


def test_hit_ignores_width_and_spaces() -> None:
    proof = passage("2018年新增高新技术企业超过２０００家，总量达1.1万家。")
    assert first_hit_rank(item(), [NOISE, proof]) == 2


def test_no_hit_within_cutoff_is_none() -> None:
    proof = passage("新增高新技术企业超过2000家")
    assert first_hit_rank(item(), [NOISE] * 10 + [proof]) is None
    assert first_hit_rank(item(), [NOISE, NOISE, proof], cutoff=2) is None


def test_multi_evidence_hit_needs_every_evidence() -> None:
    temporal = item("temporal", ("排名第 25 位", "跃升至全球第10位"), ("25", "第10位"))
    first, second = passage("我市排名第25位。"), passage("广州跃升至全球第10位。")
    assert first_hit_rank(temporal, [first, NOISE, NOISE, second]) == 4
    assert first_hit_rank(temporal, [first, NOISE]) is None
    assert first_hit_rank(temporal, [passage("排名第25位，后跃升至全球第10位")]) == 1


def test_table_row_counts_with_indicator_and_values() -> None:
    table = item("table", ("表2.1:黄埔区发展目标",), ("预期性", "40"))
    row = passage(
        "表2.1 黄埔区发展目标 | 3 省新型研发机构(家): 2025年目标值 40; 指标属性 预期性", "table_row"
    )
    assert first_hit_rank(table, [row]) == 1


def test_table_row_without_values_or_not_a_row_does_not_count() -> None:
    table = item("table", ("表2.1:黄埔区发展目标",), ("预期性", "40"))
    no_value = passage(
        "表2.1 黄埔区发展目标 | 省新型研发机构(家): 2025年目标值 30; 预期性", "table_row"
    )
    prose = passage("表2.1 黄埔区发展目标 40 预期性")
    assert first_hit_rank(table, [no_value, prose]) is None


def test_unanswerable_has_no_rank() -> None:
    assert first_hit_rank(item("unanswerable", (), ()), [NOISE]) is None


def test_retrieval_summary_hits_and_mrr() -> None:
    results = [
        RetrievalResult("a", "figure", "easy", 1, 10.0),
        RetrievalResult("b", "figure", "easy", 4, 20.0),
        RetrievalResult("c", "list", "hard", None, 30.0),
        RetrievalResult("d", "list", "hard", 10, 40.0),
    ]
    summary = retrieval_summary(results)
    assert summary["hit@1"] == 0.25
    assert summary["hit@3"] == 0.25
    assert summary["hit@5"] == 0.5
    assert summary["hit@10"] == 0.75
    assert summary["mrr"] == pytest.approx((1 + 1 / 4 + 1 / 10) / 4)
    assert summary["p50_ms"] == 25.0
    split = breakdown(results, retrieval_summary)
    assert split["by_type"]["list"]["hit@10"] == 0.5
    assert split["by_difficulty"]["easy"]["mrr"] == pytest.approx(0.625)


@pytest.mark.parametrize("text", ["超过2000家", "超过 2000 家", "超过２０００ 家", "2000\n家"])
def test_answer_accuracy_normalises(text: str) -> None:
    assert answer_correct(item(), text)


def test_answer_needs_every_required_string() -> None:
    two = item(must=("2020年", "26家"))
    assert answer_correct(two, "2020 年有26 家")
    assert not answer_correct(two, "2020年有25家")


def test_citation_support_by_evidence_or_figures() -> None:
    figures = item(must=("2000家", "1.1万家"))
    assert citation_supported(figures, ["新增高新技术企业超过2000家"])
    assert citation_supported(figures, ["企业2000家，总数1.1万家"])
    assert not citation_supported(figures, ["企业2000家"])
    assert not citation_supported(figures, [])


def answer(id_: str, answerable: bool, refused: bool, correct: bool = False, ms: float = 1.0):
    return AnswerResult(
        id_,
        "figure" if answerable else "unanswerable",
        "easy",
        answerable,
        refused,
        correct,
        correct,
        ms,
    )


def test_refusal_metrics() -> None:
    results = [
        answer("a", True, False, True, 10.0),
        answer("b", True, True, False, 20.0),
        answer("c", True, False, False, 30.0),
        answer("d", True, False, True, 40.0),
        answer("u1", False, True),
        answer("u2", False, False),
    ]
    summary = answer_summary(results)
    assert summary["accuracy"] == 0.5
    assert summary["false_refusal_rate"] == 0.25
    assert summary["refusal_recall"] == 0.5
    assert summary["citation_support"] == pytest.approx(2 / 3)
    assert summary["p95_ms"] == pytest.approx(37.5)


def test_percentile_interpolates() -> None:
    assert percentile([5.0], 95) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile(list(map(float, range(1, 101))), 95) == pytest.approx(95.05)
    with pytest.raises(ValueError):
        percentile([], 50)


def test_judge_reply_parsing() -> None:
    assert parse_scores('好的 {"faithfulness": 1.2, "answer_relevance": 0.5}') == {
        "faithfulness": 1.0,
        "answer_relevance": 0.5,
    }
    assert parse_scores("无法评分") == {}


def test_deltas_arrows_and_verdicts() -> None:
    deltas = {
        d.metric: d
        for d in compare(
            {"hit@5": 0.80, "mrr": 0.6, "false_refusal_rate": 0.10, "accuracy": None},
            {"hit@5": 0.75, "mrr": 0.6, "false_refusal_rate": 0.05, "accuracy": 0.7},
        )
    }
    assert (deltas["hit@5"].arrow, deltas["hit@5"].verdict) == ("▲", "better")
    assert deltas["hit@5"].change == pytest.approx(0.05)
    assert deltas["mrr"].arrow == "="
    assert Delta("mrr", 0.77312, 0.773).arrow == "="
    assert (deltas["false_refusal_rate"].arrow, deltas["false_refusal_rate"].verdict) == (
        "▲",
        "worse",
    )
    assert deltas["accuracy"].arrow == "=" and deltas["accuracy"].change is None
    assert "▼ -0.050" in Delta("hit@1", 0.5, 0.55).line()


def test_report_files_and_comparison(tmp_path: Path) -> None:
    items = [
        item(id_="q1"),
        item("list", difficulty="hard", id_="q2"),
        item("unanswerable", (), (), "u1"),
    ]
    hybrid = [
        RetrievalResult("q1", "figure", "easy", 1, 12.0),
        RetrievalResult("q2", "list", "hard", None, 14.0),
    ]
    retrieval = {"dense": hybrid[:1], "bm25": hybrid, "hybrid": hybrid}
    answers = [
        answer("q1", True, False, True),
        AnswerResult("q2", "list", "hard", True, False, False, False, 1.0, "第一行\n第二|行"),
        answer("u1", False, True),
    ]
    report = build_report(items, retrieval, answers, {"created": "now", "mode": "extractive"})
    assert report["headline"]["hit@5"] == 0.5
    assert report["headline"]["accuracy"] == 0.5
    assert {f["id"] for f in report["failures"]} == {"q2"}

    first = write_report(report, tmp_path)
    assert previous_report(tmp_path, before=first) is None
    improved = {**report, "headline": {**report["headline"], "hit@5": 0.75}}
    previous = previous_report(tmp_path)
    assert previous is not None
    deltas = compare(improved["headline"], previous["headline"])
    second = write_report(improved, tmp_path, {"previous report": deltas})

    assert second != first
    for name in ("report.json", "report.md", "hit_at_k_by_type.png", "accuracy_by_type.png"):
        assert (second / name).stat().st_size > 0
    assert (second / "retriever_comparison.png").read_bytes()[:4] == b"\x89PNG"
    markdown = (second / "report.md").read_text(encoding="utf-8")
    assert "| hit@5 | 0.750 | 0.500 | ▲ | +0.250 | better |" in markdown
    assert "问题？" in markdown
    assert "| 第一行 第二\\|行 |" in markdown
    saved = json.loads((second / "report.json").read_text(encoding="utf-8"))
    assert saved["comparisons"]["previous report"][2]["arrow"] == "▲"
