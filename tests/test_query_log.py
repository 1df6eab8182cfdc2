"""The query log: every answered question from the CLI (a real subprocess), the API (a real
uvicorn) and the assistant the UI uses is logged once; votes join their question; retention,
opt-out and a read-only data dir; and the report on a generated log, from the CLI with its chart.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from assistant.app import App, open_app
from assistant.query_log import QueryLog, paused
from assistant.query_report import (
    BIGRAM_THRESHOLD,
    EMBEDDING_THRESHOLD,
    bigram_similarity,
    build_report,
    embedding_similarity,
    group_questions,
)
from assistant.settings import QueryLogSettings, Settings
from evals.query_grouping import SPLITS, generated_log, topic_of
from ingest.errors import ConfigError
from tests.api_server import ThreadedServer
from tests.concurrency import cli_env
from tests.helpers import POLICY_QA
from ui.api.app import create_api
from ui.api.config import ApiSettings
from ui.feedback import FeedbackLog, feedback_path
from vectorstore.settings import StoreSettings

QUESTION = "2025年黄埔区高新技术企业要达到多少家？"
GAP = "人才公寓怎么申请？"


def rows(data_dir: Path) -> list[tuple[str, bool, tuple[str, ...], str]]:
    log = QueryLog.in_dir(data_dir, 365)
    return [(e.question, e.refused, e.doc_ids, e.feedback) for e in log.entries()]


@pytest.fixture
def app(indexed_settings: StoreSettings, tmp_path: Path) -> Iterator[App]:
    """The session's corpus index, with the query log in its data dir emptied around each test."""
    served = open_app(Settings(store=indexed_settings))
    log_file = indexed_settings.data_dir / "query_log.sqlite"
    served.query_log.close()
    for leftover in indexed_settings.data_dir.glob("query_log.sqlite*"):
        leftover.unlink()
    yield served
    served.query_log.close()
    for leftover in log_file.parent.glob("query_log.sqlite*"):
        leftover.unlink()


@pytest.mark.slow  # CLI subprocesses over a new index
def test_cli_ask_is_logged_and_off_switch_is_obeyed(app: App) -> None:
    data_dir = app.settings.store.data_dir
    for switch in ("off", "on"):
        env = cli_env(data_dir, POLICY_QA_QUERY_LOG=switch)
        asked = subprocess.run(
            [POLICY_QA, "ask", QUESTION, "--json"], env=env, capture_output=True, text=True
        )
        assert asked.returncode == 0, asked.stderr
        if switch == "off":
            assert rows(data_dir) == []
    answer = json.loads(asked.stdout)
    cited = tuple(sorted({c["doc_id"] for c in answer["citations"]}))
    assert rows(data_dir) == [(QUESTION, answer["refused"], cited, "")]
    entry = QueryLog.in_dir(data_dir, 365).entries()[0]
    assert entry.mode == "extractive" and entry.collection == "public" and entry.latency_ms > 0


def test_api_and_ui_answers_are_logged_once_and_votes_join(app: App) -> None:
    settings = ApiSettings(rate_per_minute=0)
    with ThreadedServer(create_api(app, settings)) as server:
        url = server.url + "/api/v1"
        answer = httpx.post(f"{url}/ask", json={"question": GAP}, timeout=120).json()
        streamed = httpx.post(f"{url}/ask?stream=true", json={"question": QUESTION}, timeout=120)
        assert "event: answer" in streamed.text
        chat = {"model": "policy-qa", "messages": [{"role": "user", "content": GAP}]}
        assert httpx.post(f"{url}/chat/completions", json=chat, timeout=120).status_code == 200
        vote = {"question": GAP, "answer": answer["answer"], "rating": "down"}
        assert httpx.post(f"{url}/feedback", json=vote, timeout=30).status_code == 200
    # The UI's chat asks the same assistant and votes through the same FeedbackLog hook.
    ui_answer = app.assistant.ask(QUESTION)
    FeedbackLog(feedback_path(app.settings.store.data_dir), app.query_log.feedback).record(
        True, QUESTION, ui_answer.text
    )
    with paused():  # the UI's warm-up question is the product's, not a user's
        app.assistant.ask("广州科技创新")
    logged = rows(app.settings.store.data_dir)
    assert [(q, f) for q, _, _, f in logged] == [
        (GAP, ""),
        (QUESTION, ""),
        (GAP, "down"),  # a vote joins the newest asking of its question
        (QUESTION, "up"),
    ]
    assert logged[0][1] is answer["refused"]


def test_retention_purges_old_rows_and_never_reports_them(tmp_path: Path) -> None:
    old = generated_log(days=30, per_day=3)
    kept_a_year = QueryLog.in_dir(tmp_path, retention_days=365)
    for entry in old:
        kept_a_year.add(entry)
    assert len(kept_a_year.entries()) == len(old)
    kept_a_year.close()

    week = QueryLog.in_dir(tmp_path, retention_days=7)  # the next process, with 7 days
    cutoff = (datetime.now(UTC) - timedelta(days=7)).isoformat()
    reported = week.entries()
    assert reported and all(e.time >= cutoff for e in reported) and len(reported) < len(old)
    week.add(old[-1])  # its first write purges
    with sqlite3.connect(tmp_path / "query_log.sqlite") as connection:  # gone from disk
        stored = connection.execute("SELECT COUNT(*) FROM queries").fetchone()[0]
    assert stored == len(reported) + 1 == len(week.entries())


def test_a_read_only_data_dir_never_breaks_answering(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, app: App
) -> None:
    # A directory where the log file should be: no write can succeed, even as root.
    (tmp_path / "query_log.sqlite").mkdir()
    log = QueryLog.in_dir(tmp_path, 30)
    answer = app.assistant.ask(QUESTION)
    with caplog.at_level(logging.WARNING):
        log.record(answer)
        log.record(answer)
        log.feedback(QUESTION, False)
    assert len([r for r in caplog.records if "query log not written" in r.getMessage()]) == 1


def test_settings_switch_and_retention_are_validated() -> None:
    assert QueryLogSettings.from_env({"POLICY_QA_QUERY_LOG": "off"}).enabled is False
    assert QueryLogSettings.from_env({"POLICY_QA_QUERY_LOG_DAYS": "30"}).retention_days == 30
    for bad in ({"POLICY_QA_QUERY_LOG": "maybe"}, {"POLICY_QA_QUERY_LOG_DAYS": "0"}):
        with pytest.raises(ConfigError):
            QueryLogSettings.from_env(bad)


def test_report_on_a_generated_log(app: App) -> None:
    entries = generated_log(days=10, per_day=20)
    similarity = embedding_similarity(app.store.embeddings.embed_query)
    report = build_report(entries, "", similarity, EMBEDDING_THRESHOLD)
    assert report.total == 200 and len(report.per_day) == 10
    assert sum(day[1] for day in report.per_day) == 200
    unanswered = [e for e in entries if e.refused or e.feedback == "down"]
    assert sum(day[2] for day in report.per_day) == len(unanswered)
    assert report.refused == sum(e.refused for e in entries)
    topics, _ = SPLITS["tune"]
    # Groups follow subjects, not wordings: most unanswered askings are in single-subject
    # groups, and every missing subject shows up (evals/query_grouping.py measures the F1).
    assert sum(g.count for g in report.groups) == len(unanswered)
    pure = [g for g in report.groups if len({topic_of(x, topics) for x in g.examples}) == 1]
    assert sum(g.count for g in pure) >= 0.75 * len(unanswered)
    assert len(report.groups) < 2 * len(topics) + 3  # 8 subjects + the 👎 answered ones
    shown = {topic_of(x, topics) for g in report.groups for x in g.examples}
    assert set(topics) <= shown
    top_words = [topic for topic, _ in report.topics]
    assert {"黄埔区", "研发"} <= set(top_words[:3])
    assert not {"多少", "怎么", "申请", "达到"} & set(top_words)


def test_embeddings_group_paraphrases_better_than_bigrams(app: App) -> None:
    """The measurement behind the default (evals/query_grouping.py), on the held-out split."""
    topics, frames = SPLITS["held-out"]
    texts = [frame.format(topic) for topic in topics for frame in frames]
    by_embedding = group_questions(
        texts, embedding_similarity(app.store.embeddings.embed_query), EMBEDDING_THRESHOLD
    )
    by_bigram = group_questions(texts, bigram_similarity, BIGRAM_THRESHOLD)

    def pure(groups: list[list[int]]) -> int:
        return sum(len({topic_of(texts[i], topics) for i in group}) == 1 for group in groups)

    assert pure(by_embedding) == len(by_embedding)
    assert len(by_embedding) <= 2 * len(topics)
    assert pure(by_bigram) < len(by_bigram)


@pytest.mark.slow  # CLI subprocesses over a new index
def test_cli_report_prints_groups_and_writes_the_chart(tmp_path: Path, app: App) -> None:
    data_dir = tmp_path / "logged"
    log = QueryLog.in_dir(data_dir, 365)
    for entry in generated_log(days=5, per_day=10):
        log.add(entry)
    log.close()
    since = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    chart = tmp_path / "report.svg"
    env = cli_env(data_dir)
    text = subprocess.run(
        [POLICY_QA, "log", "report", "--group-by", "bigram", "--chart", str(chart)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert text.returncode == 0, text.stderr
    assert "每日提问" in text.stdout and "按相似度分组" in text.stdout
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.count("<rect") == 2 * 5
    as_json = subprocess.run(
        [POLICY_QA, "log", "report", "--since", since, "--json", "--group-by", "bigram"],
        env=env,
        capture_output=True,
        text=True,
    )
    report = json.loads(as_json.stdout)
    assert len(report["per_day"]) == 3 and report["per_day"][0]["day"] == since
    assert report["total"] == 30 and report["groups"]
    bad = subprocess.run(
        [POLICY_QA, "log", "report", "--since", "last week"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
