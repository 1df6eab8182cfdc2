"""A small load test: 3 concurrent sessions × 3 questions (one a follow-up) through the Gradio API.

The same module as `make loadtest`, on the session's index: the UI answers are compared with
single-user answers from the same server, and the CLI batch answers (another process) with
those too, so the same question gets the same answer whichever way it is asked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import loadtest
from vectorstore.settings import StoreSettings

pytestmark = pytest.mark.slow


def test_plan_is_deterministic_mixed_and_has_follow_ups() -> None:
    pools = loadtest.load_pools()
    plan = loadtest.plan_sessions(20, 10, pools)
    assert plan == loadtest.plan_sessions(20, 10, pools)
    assert len(plan) == 20 and all(len(s) == 10 for s in plan)
    follow_ups = [
        (s, i) for s in plan for i in range(len(s)) if len(loadtest.conversation_of(s, i)) == 2
    ]
    assert len(follow_ups) == 40  # positions 2 and 6 of every session
    by_type = {q: t for t, qs in pools.items() for q in qs}
    asked_types = {by_type[q] for s in plan for q in s if q in by_type}
    assert {"figure", "list", "policy", "table", "temporal", "unanswerable"} <= asked_types


@pytest.mark.timeout(180)
def test_small_load_has_no_errors_and_no_mismatches(
    indexed_settings: StoreSettings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = loadtest.main(
        [
            "--sessions",
            "3",
            "--questions",
            "3",
            "--timeout-s",
            "120",
            "--call-timeout-s",
            "60",
            "--data-dir",
            str(indexed_settings.data_dir),
            "--report-dir",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    row = next(line for line in out.splitlines() if line.startswith("UI (gradio_client"))
    cells = row.split()
    # path (3 words), answered, errors, mismatches, ...
    assert cells[3:6] == ["9/9", "0", "0"], row
    reports = list(tmp_path.glob("loadtest-*.md"))
    assert len(reports) == 1
    report = reports[0].read_text(encoding="utf-8")
    assert "| UI (gradio_client /ask) | 9/9 | 0 | 0 |" in report
    # the same sessions through the HTTP API of the same server: identical answers
    assert "| API (POST /api/v1/ask) | 9/9 | 0 | 0 |" in report
    # the CLI batch path runs in another process: its answers must be identical too
    assert "| CLI (ask --batch - --json) | 9/9 | 0 | 0 |" in report
