"""Feedback: one record per answer (votes change it in place), safe from many threads;
👎 records export as draft eval items, with the users' reasons alongside."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

from evals.dataset import FIELDS, ITEM_TYPES
from ui.feedback import FeedbackLog, draft_notes, export_drafts, feedback_path, read_feedback

CITATION = {
    "n": 1,
    "doc_id": "003_d7285df370a477b8.txt",
    "title": "黄埔区、广州开发区科技创新“十四五”规划",
    "date": "2021",
    "section": "二、总体要求",
    "text": "很长的段落……",
    "quote": "高新技术企业数量达2600家",
}


def test_records_appended_with_question_answer_and_citations(tmp_path: Path) -> None:
    path = feedback_path(tmp_path)
    log = FeedbackLog(path)
    log.record(True, "问题一", "答案一[1]", [CITATION], "extractive", False)
    log.record(False, "问题二<script>", "答案二", [], "llm", True)
    records = read_feedback(path)
    assert [r["rating"] for r in records] == ["up", "down"]
    assert records[0]["question"] == "问题一"
    assert records[0]["answer"] == "答案一[1]"
    assert records[0]["citations"][0]["doc_id"] == CITATION["doc_id"]
    assert records[0]["citations"][0]["quote"] == CITATION["quote"]
    assert "text" not in records[0]["citations"][0]  # passages are not copied, the quote is
    assert records[1]["question"] == "问题二<script>"  # stored verbatim; escaping is the UI's job


def test_changing_or_withdrawing_a_vote_updates_the_same_record(tmp_path: Path) -> None:
    path = feedback_path(tmp_path)
    log = FeedbackLog(path)
    log.record(True, "其他问题", "答", [CITATION], question_id="q-other")
    log.record(True, "问题", "答案[1]", [CITATION], "extractive", question_id="q1")
    log.record(False, "问题", "答案[1]", [CITATION], "extractive", question_id="q1")
    assert log.comment("q1", "引用不对", "  应引用2024年的新闻  ")["reason"] == "引用不对"
    log.record(None, "问题", "答案[1]", [CITATION], "extractive", question_id="q1")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    record = read_feedback(path)[1]
    assert record["id"] == "q1" and record["rating"] == "removed"
    assert [h["rating"] for h in record["history"]] == ["up", "down", "removed"]
    assert record["comment"] == "应引用2024年的新闻" and record["citations"][0]["quote"]
    assert read_feedback(path)[0]["rating"] == "up"  # the other answer is untouched
    assert log.comment("unknown-id", "其他", "x") is None
    assert log.comment("q1", "不存在的理由", "x")["reason"] == ""  # only the offered reasons


def test_concurrent_votes_never_interleave_or_duplicate(tmp_path: Path) -> None:
    path = feedback_path(tmp_path)

    def worker(n: int) -> None:
        log = FeedbackLog(path)
        for i in range(25):
            log.record(
                i % 2 == 0,
                f"问题{n}" + "长" * 2000,
                "答" * 3000,
                [CITATION],
                question_id=f"q{n}-{i % 5}",
            )

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 40  # 8 sessions x 5 answers, each voted on 5 times
    assert all(len(r["history"]) == 5 and r["answer"] == "答" * 3000 for r in records)


def test_corrupt_lines_skipped(tmp_path: Path) -> None:
    path = feedback_path(tmp_path)
    FeedbackLog(path).record(False, "好问题", "答")
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"torn": \n[1,2]\n')
    FeedbackLog(path).record(False, "第二个问题", "答", question_id="q2")
    FeedbackLog(path).record(True, "第二个问题", "答", question_id="q2")  # rewrites the file
    assert [r["question"] for r in read_feedback(path)] == ["好问题", "第二个问题"]
    assert '{"torn": ' in path.read_text(encoding="utf-8")  # kept, never dropped


def test_export_drafts_from_thumbs_down(tmp_path: Path) -> None:
    path = feedback_path(tmp_path)
    log = FeedbackLog(path)
    log.record(True, "答得好的问题", "答", [CITATION])
    log.record(False, "2025年黄埔区高新技术企业要达到多少家？", "错的答案", [CITATION])
    log.record(False, "2025年黄埔区高新技术企业要达到多少家？", "重复", [])
    log.record(False, "企业有哪些支持政策", "没有引用", [], refused=True)
    drafts = export_drafts(path)
    assert [d["question"] for d in drafts] == [
        "2025年黄埔区高新技术企业要达到多少家？",
        "企业有哪些支持政策",
    ]
    first, second = drafts
    assert tuple(first) == FIELDS  # exactly the eval dataset keys, in order
    assert first["must_contain"] == [] and first["evidence"] == "" and first["answer"] == ""
    assert first["source"] == CITATION["doc_id"]
    assert first["type"] == "figure" and second["type"] == "list"
    assert second["source"] is None
    assert all(d["type"] in ITEM_TYPES for d in drafts)
    assert first["id"] != second["id"] and first["id"].startswith("fb-")
    assert export_drafts(tmp_path / "missing.jsonl") == []


def test_draft_notes_carry_the_users_reason(tmp_path: Path) -> None:
    path = feedback_path(tmp_path)
    log = FeedbackLog(path)
    log.record(False, "广州有多少家新型研发机构？", "错的答案", [CITATION], question_id="a")
    log.comment("a", "答案错误", "应为 82 家")
    log.record(False, "没有说明的问题", "答", question_id="b")
    [draft] = [d for d in export_drafts(path) if d["question"].startswith("广州")]
    [note] = draft_notes(path)
    assert note["id"] == draft["id"] and note["reason"] == "答案错误"
    assert note["comment"] == "应为 82 家" and note["answer_shown"] == "错的答案"


def test_cli_feedback_export(tmp_path: Path) -> None:
    log = FeedbackLog(feedback_path(tmp_path))
    log.record(False, "广州有多少家新型研发机构？", "答", [CITATION], question_id="q")
    log.comment("q", "没找到", "")
    out = tmp_path / "drafts.jsonl"
    env = {"POLICY_QA_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "feedback", "export", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [item["question"] for item in items] == ["广州有多少家新型研发机构？"]
    assert "已导出 1 条" in done.stderr
    notes = out.with_name("drafts.notes.jsonl").read_text(encoding="utf-8")
    assert json.loads(notes)["reason"] == "没找到"
