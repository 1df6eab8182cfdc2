"""Eval metric rules on hand-built passages and results, and the report writer's files,
split gap and comparisons."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from evals.dataset import EvalItem
from evals.judge import parse_scores
from evals.metamorphic import Suite, VariantResult, metamorphic_summary, run_suite
from evals.metrics import (
    AnswerResult,
    RetrievalResult,
    answer_correct,
    answer_summary,
    asks_figure,
    breakdown,
    citation_supported,
    first_hit_rank,
    percentile,
    retrieval_summary,
)
from evals.report import (
    Delta,
    build_report,
    build_split,
    compare,
    comparisons_for,
    headline_table,
    meets_target,
    previous_report,
    render_markdown,
    write_report,
)
from evals.runner import AnswerView


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


def test_direct_accuracy_is_over_figure_questions_whose_first_line_holds_the_answer() -> None:
    def figure(id_: str, correct: bool, direct_correct: bool) -> AnswerResult:
        result = answer(id_, True, False, correct)
        return replace(result, figure=True, direct_correct=direct_correct)

    results = [
        figure("a", True, True),
        figure("b", True, False),  # in the quotes, not on the first line
        figure("c", False, False),
        replace(answer("d", True, False, True), direct_correct=False),  # not a figure question
        answer("u", False, True),
    ]
    summary = answer_summary(results)
    assert summary["figure_accuracy"] == pytest.approx(2 / 3)
    assert summary["direct_accuracy"] == pytest.approx(1 / 3)


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


def _split(answer_ok: bool, hit_rank: int | None, variants: list[VariantResult] | None = None):
    items = [
        item(id_="q1"),
        item("list", difficulty="hard", id_="q2"),
        item("unanswerable", (), (), "u1"),
    ]
    hybrid = [
        RetrievalResult("q1", "figure", "easy", 1, 12.0),
        RetrievalResult("q2", "list", "hard", hit_rank, 14.0, style="framed"),
    ]
    retrieval = {"dense": hybrid[:1], "bm25": hybrid, "hybrid": hybrid}
    answers = [
        AnswerResult("q1", "figure", "easy", True, False, answer_ok, answer_ok, 1.0, figure=True),
        AnswerResult(
            "q2", "list", "hard", True, False, False, False, 1.0, "第一行\n第二|行", style="framed"
        ),
        answer("u1", False, True),
    ]
    return build_split(items, retrieval, answers, variants)


def variant(relation: str, passed: bool, kind: str = "") -> VariantResult:
    return VariantResult(
        f"q1~{relation}",
        relation,
        "q1",
        "问题？",
        passed,
        False,
        "答",
        "x",
        5.0,
        kind=kind,
        correct=passed,
    )


def test_figure_accuracy_and_style_breakdown() -> None:
    split = _split(answer_ok=True, hit_rank=None)
    answers = split["answers"]
    assert answers["overall"]["accuracy"] == 0.5
    assert answers["overall"]["figure_accuracy"] == 1.0
    assert answers["by_style"]["framed"]["accuracy"] == 0.0
    assert split["retrieval"]["by_style"]["plain"]["hit@1"] == 1.0


def test_asks_figure_means_a_number_is_required() -> None:
    assert asks_figure(item(must=("2000家",)))
    assert asks_figure(item("table", must=("预期性", "40")))
    assert not asks_figure(item("entity", must=("粤芯半导体",)))
    assert not asks_figure(item("unanswerable", (), ()))


def test_answer_view_reads_the_json_contract() -> None:
    class Answer:
        def __init__(self, data: dict) -> None:
            self.data = data

        def to_json(self) -> dict:
            return self.data

    citations = [{"n": 1, "doc_id": "d1", "text": "原文2600家"}]
    view = AnswerView.of(
        Answer(
            {
                "answer": "依据：原文",
                "refused": False,
                "citations": citations,
                "direct_answer": "2600家[1]",
            }
        )
    )
    assert view.text.startswith("2600家[1]") and view.cited_docs == ("d1",)
    assert view.direct == "2600家[1]"
    assert view.cited_texts == ("原文2600家",)
    plain = AnswerView.of(Answer({"answer": "没有找到", "refused": True, "citations": []}))
    assert plain.refused and plain.text == "没有找到" and plain.direct == ""


def test_metamorphic_rates() -> None:
    results = [
        variant("framing", True),
        variant("framing", True),
        variant("framing", False),
        variant("rephrasing", True, "句末呢"),
        variant("rephrasing", False, "请问"),
        variant("rephrasing", True, "请问"),
        variant("attribute_swap", True),
        variant("follow_up", True, "year"),
        variant("follow_up", False, "pronoun"),
    ]
    summary = metamorphic_summary(results)
    assert summary["framing_consistency"] == pytest.approx(2 / 3)
    assert summary["framed_accuracy"] == pytest.approx(2 / 3)
    assert summary["attribute_swap_refusal"] == 1.0
    assert summary["follow_up_accuracy"] == 0.5
    assert summary["follow_up_by_kind"] == {"pronoun": 0.0, "year": 1.0}
    assert summary["rephrasing_consistency"] == pytest.approx(2 / 3)
    assert summary["rephrased_accuracy"] == pytest.approx(2 / 3)
    assert summary["rephrasing_by_rule"] == {"句末呢": 1.0, "请问": 0.5}
    assert summary["rephrasing_n_by_rule"] == {"句末呢": 1, "请问": 2}
    assert summary["n"] == {"framing": 3, "rephrasing": 3, "attribute_swap": 1, "follow_up": 2}
    assert metamorphic_summary([])["framing_consistency"] is None
    assert metamorphic_summary([variant("framing", True)])["rephrasing_consistency"] is None


def test_gap_is_test_minus_dev() -> None:
    dev = _split(answer_ok=True, hit_rank=2, variants=[variant("framing", True)])
    test = _split(answer_ok=False, hit_rank=None, variants=[variant("framing", False)])
    report = build_report({"dev": dev, "test": test}, {"created": "now"})
    assert report["gap"]["accuracy"] == -0.5
    assert report["gap"]["hit@5"] == -0.5
    assert report["gap"]["framing_consistency"] == -1.0
    assert report["gap"]["citation_support"] == -0.5
    single = build_report({"dev": dev}, {"created": "now"})
    assert "gap" not in single


def test_headline_table_marks_targets_and_gaps() -> None:
    dev = _split(answer_ok=True, hit_rank=1)
    test = _split(answer_ok=True, hit_rank=1)
    table = "\n".join(headline_table(build_report({"dev": dev, "test": test}, {})))
    assert "| accuracy | 0.500 | 0.500 | +0.000 | ≥ 0.90 | ✗ gap ✓ |" in table
    assert "| false_refusal_rate | 0.000 | 0.000 | +0.000 | ≤ 0.05 | ✓ gap ✓ |" in table
    assert "- dev: 3 items" in table
    assert meets_target("refusal_recall", 0.85) == "✓"
    assert meets_target("hit@1", 0.1) == ""


def test_report_files_and_comparison(tmp_path: Path) -> None:
    dev = _split(answer_ok=True, hit_rank=None, variants=[variant("follow_up", True, "year")])
    test = _split(answer_ok=True, hit_rank=None)
    report = build_report({"dev": dev, "test": test}, {"created": "now", "mode": "extractive"})
    assert report["splits"]["test"]["headline"]["hit@5"] == 0.5
    assert report["splits"]["dev"]["headline"]["follow_up_accuracy"] == 1.0
    assert {f["id"] for f in report["splits"]["test"]["failures"]} == {"q2"}

    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "report.json").write_text('{"meta": {}, "headline": {}}', "utf-8")
    first = write_report(report, tmp_path)
    assert previous_report(tmp_path, before=first) is None  # the old-format report is skipped
    improved_test = {**test, "headline": {**test["headline"], "hit@5": 0.75}}
    improved = build_report({"dev": dev, "test": improved_test}, {"created": "later"})
    baseline = {"test": {"hit@5": 0.8, "accuracy": None}}
    comparisons = comparisons_for(improved, previous_report(tmp_path), baseline)
    assert set(comparisons) == {
        "dev: previous report (now)",
        "test: previous report (now)",
        "test: baseline",
    }
    second = write_report(improved, tmp_path, comparisons)

    assert second != first
    for name in (
        "report.json",
        "report.md",
        "test_hit_at_k_by_type.png",
        "dev_accuracy_by_type.png",
        "metamorphic_by_split.png",
    ):
        assert (second / name).stat().st_size > 0
    assert (second / "headline_by_split.png").read_bytes()[:4] == b"\x89PNG"
    markdown = (second / "report.md").read_text(encoding="utf-8")
    assert "## Compared with test: previous report (now)" in markdown
    assert "| hit@5 | 0.750 | 0.500 | ▲ | +0.250 | better |" in markdown
    assert "| hit@5 | 0.750 | 0.800 | ▼ | -0.050 | worse |" in markdown
    assert "## dev: metamorphic suite" in markdown
    assert (
        "- dev: 3 items; cases: framing 0, rephrasing 0, attribute_swap 0, follow_up 1" in markdown
    )
    assert "## test: answers by style" in markdown
    assert "问题？" in markdown
    assert "| 第一行 第二\\|行 |" in markdown
    saved = json.loads((second / "report.json").read_text(encoding="utf-8"))
    assert saved["comparisons"]["test: previous report (now)"][1]["arrow"] == "▲"
    assert saved["gap"]["hit@5"] == pytest.approx(0.25)


class _Scripted:
    """Answers each question with a fixed text; 「没有找到」 answers are refusals."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers

    def ask(self, question: str, history=()) -> SimpleNamespace:  # type: ignore[no-untyped-def]
        text = self.answers[question]
        data = {"answer": text, "refused": "没有找到" in text, "citations": []}
        return SimpleNamespace(to_json=lambda: data)


def _original(id_: str, correct: bool, refused: bool = False) -> AnswerResult:
    return AnswerResult(id_, "figure", "easy", True, refused, correct, correct, 1.0)


def test_framing_consistency_compares_with_the_original_and_framed_accuracy_with_the_gold() -> None:
    """A frame that changes nothing is consistent even where the original is wrong; a frame
    that turns a right answer into a refusal is not, and framed accuracy counts only right
    answers."""
    framed = [
        EvalItem(
            f"{id_}~frame1",
            f"据规划，{who}有多少家？",
            "",
            (must,),
            ("d",),
            ("e",),
            "figure",
            "easy",
            True,
        )
        for id_, who, must in (("q1", "甲", "2000家"), ("q2", "乙", "30家"), ("q3", "丙", "5家"))
    ]
    assistant = _Scripted(
        {
            "据规划，甲有多少家？": "2000家[1]",  # right, like its original
            "据规划，乙有多少家？": "40家[1]",  # wrong, like its original
            "据规划，丙有多少家？": "已收录的文档中没有找到……",  # refused; the original was right
        }
    )
    originals = {
        "q1": _original("q1", True),
        "q2": _original("q2", False),
        "q3": _original("q3", True),
    }
    results = run_suite(assistant, Suite(framed, [], []), originals, progress=False)  # type: ignore[arg-type]
    assert [r.passed for r in results] == [True, True, False]
    assert [r.correct for r in results] == [True, False, False]
    summary = metamorphic_summary(results)
    assert summary["framing_consistency"] == pytest.approx(2 / 3)
    assert summary["framed_accuracy"] == pytest.approx(1 / 3)


def test_rephrasing_consistency_is_asked_like_framing_and_counted_per_rule() -> None:
    """A rewording passes when its outcome is its original's; a failure names its rule."""
    rephrased = [
        EvalItem(f"{id_}~reph{n}", question, "", (must,), ("d",), ("e",), "figure", "easy", True)
        for id_, n, question, must in (
            ("q1", 11, "甲有多少家呢？", "2000家"),  # rule 11: 句末呢
            ("q2", 14, "请问，乙有多少家？", "30家"),  # rule 14: 请问
        )
    ]
    assistant = _Scripted({"甲有多少家呢？": "2000家[1]", "请问，乙有多少家？": "没有找到"})
    originals = {"q1": _original("q1", True), "q2": _original("q2", True)}
    suite = Suite([], [], [], rephrased)
    results = run_suite(assistant, suite, originals, progress=False)  # type: ignore[arg-type]
    assert [(r.relation, r.kind, r.passed) for r in results] == [
        ("rephrasing", "句末呢", True),
        ("rephrasing", "请问", False),
    ]
    summary = metamorphic_summary(results)
    assert summary["rephrasing_consistency"] == 0.5
    assert summary["rephrased_accuracy"] == 0.5
    assert summary["framing_consistency"] is None
    dev = _split(answer_ok=True, hit_rank=1, variants=results)
    assert dev["headline"]["rephrasing_consistency"] == 0.5
    assert dev["variant_failures"][0]["kind"] == "请问"
    markdown = render_markdown(build_report({"dev": dev}, {}), {})
    assert "| rephrasing consistency (请问) | 1 | 0.000 |" in markdown
    assert "| q2~reph14 | rephrasing (请问) |" in markdown
    assert meets_target("rephrasing_consistency", 0.95) == "✓"
