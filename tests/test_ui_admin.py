"""Admin hardening and upload dates: per-client guessing limits, the audit log, publication dates."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.dates import publication_date, valid_admin_date
from ui.guard import AttemptGuard
from vectorstore.audit import AuditLog, audit_path, read_audit, who


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_wait_doubles_per_failure_then_locks_out() -> None:
    clock = Clock()
    guard = AttemptGuard(
        first_delay=1, max_delay=60, lockout_after=4, lockout_seconds=900, clock=clock
    )
    assert guard.check("a").allowed
    waits = []
    for _ in range(3):
        verdict = guard.failed("a")
        waits.append(verdict.wait_seconds)
        assert not guard.check("a").allowed  # must wait before the next try
        clock.now += verdict.wait_seconds
        assert guard.check("a").allowed
    assert waits == [1, 2, 4]
    locked = guard.failed("a")
    assert locked.locked and locked.wait_seconds == 900
    clock.now += 899
    assert guard.check("a").locked
    assert guard.check("b").allowed  # other clients are not affected
    clock.now += 2
    assert guard.check("a").allowed
    assert guard.failed("a").wait_seconds == 1  # a served lockout starts the count again


def test_success_resets_and_delay_is_capped() -> None:
    clock = Clock()
    guard = AttemptGuard(first_delay=1, max_delay=5, lockout_after=100, clock=clock)
    waits = [guard.failed("a").wait_seconds for _ in range(6)]
    assert waits[-1] == 5
    guard.succeeded("a")
    assert guard.check("a").allowed and guard.failures("a") == 0


def test_audit_log_lines(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    log = AuditLog(audit_path(tmp_path))
    with caplog.at_level("INFO", logger="policy_qa.audit"):
        log.write(who("10.0.0.7", False), "admin_login_failed", failures=1)
        log.write(who("10.0.0.7", True), "upload", file="a.txt", ok=True)
    entries = read_audit(audit_path(tmp_path))
    assert [(e["who"], e["what"]) for e in entries] == [
        ("client@10.0.0.7", "admin_login_failed"),
        ("admin@10.0.0.7", "upload"),
    ]
    assert all(e["time"] for e in entries)
    assert "admin_login_failed" in caplog.text and "upload" in caplog.text  # the server log too


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("关于申报的通知\n申报时间为2024年3月1日至2024年4月30日。\n请按时申报。", ""),
        ("关于申报的通知\n正文。\n广州市科学技术局\n2024年2月20日", "2024-02-20"),
        ("标题\n发布日期：2023-06-02\n正文，2024年3月1日截止。", "2023-06-02"),
        ("标题\n正文。\n科技工作者之家2021-07-19", "2021-07-19"),
        ("广州市科学技术局\n二〇二三年六月二日\n正文。", "2023-06-02"),
        ("新闻\n6月2日，联盟揭牌成立。截至2022年底共有82家。", ""),
    ],
)
def test_publication_date_only_when_stated(text: str, expected: str) -> None:
    assert publication_date(text) == expected


def test_admin_date_forms() -> None:
    assert all(valid_admin_date(v) for v in ("2024", "2024-03", "2024-03-15", " 2024-03-15 "))
    assert not any(valid_admin_date(v) for v in ("", "2024-13", "24-03-15", "2024/03/15", "明年"))
