"""The 文档库 tab's admin actions in a real Chromium: disable, enable and delete a document,
each followed by a question in the chat whose citations must (not) come from it; the library
shows 已停用; the audit log records the UI as the way in; and the admin 查询日志报告 page.

Screenshots for the closing note: evals/reports/ui/library-admin.png and query-report.png.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.query_log import QueryLog
from evals.query_grouping import generated_log
from tests.test_lifecycle import build_index
from tests.test_ui_browser import (
    ADMIN_PASSWORD,
    ANSWER_TIMEOUT_MS,
    PLAN_TITLE,
    QUESTION,
    SHOTS,
    _ask,
    _page,
    _require_chromium,
    _serve,
    browser,  # noqa: F401  (the module's Chromium fixture)
)
from vectorstore.audit import audit_path, read_audit

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("indexed_settings")]
PLAN = "003_d7285df370a477b8.txt"
EARLIER = 14 * 20


@pytest.fixture(scope="module")
def library_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The corpus in its own data dir (documents get deleted here), served with an admin."""
    _require_chromium()
    settings = build_index(tmp_path_factory.mktemp("ui-library"))
    earlier = QueryLog.in_dir(settings.data_dir, 365)
    for entry in generated_log(days=14, per_day=20):  # two weeks of questions before today's
        earlier.add(entry)
    earlier.close()
    server, url = _serve(settings, admin_password=ADMIN_PASSWORD)
    yield url, settings.data_dir
    server.close()


def _cited_titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    answer = _ask(page, QUESTION)
    return answer.locator("details.pqa-cite summary").all_inner_texts()


def _act(page, action: str, done: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#pqa-life-doc input").click()
    page.get_by_role("option", name=f"{PLAN_TITLE}（2021）").click()
    page.locator(f"#pqa-{action}").click()
    page.wait_for_function(
        "text => document.querySelector('#pqa-life-status').innerText.includes(text)",
        arg=done,
        timeout=ANSWER_TIMEOUT_MS,
    )


def _to_library(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="文档库").click()
    page.wait_for_selector("#pqa-doc-table")


def _to_chat(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="智能问答").click()


def test_disable_enable_delete_from_the_library_tab(browser, library_app, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, data_dir = library_app
    page, dialogs = _page(browser)
    page.goto(url)
    page.wait_for_selector("#pqa-input textarea")
    assert any(PLAN_TITLE in title for title in _cited_titles(page))

    _to_library(page)
    page.locator("#pqa-upload").get_by_text("文档管理").click()
    page.locator("#pqa-password input").fill(ADMIN_PASSWORD)
    page.locator("#pqa-unlock").click()
    page.locator("#pqa-life-doc").wait_for(state="visible")

    _act(page, "disable", "已停用")
    row = page.locator("#pqa-doc-table tr", has_text=PLAN_TITLE)
    assert "已停用" in row.inner_text()
    page.screenshot(path=str(tmp_path / "library-admin.png"), full_page=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tmp_path / "library-admin.png", SHOTS / "library-admin.png")
    _to_chat(page)
    assert not any(PLAN_TITLE in title for title in _cited_titles(page))

    _to_library(page)
    _act(page, "enable", "已启用")
    assert "已停用" not in page.locator("#pqa-doc-table tr", has_text=PLAN_TITLE).inner_text()
    _to_chat(page)
    assert any(PLAN_TITLE in title for title in _cited_titles(page))

    _to_library(page)
    _act(page, "delete", "已删除")
    page.wait_for_function("() => document.querySelector('#pqa-doc-count').innerText.includes('4')")
    assert PLAN_TITLE not in page.inner_text("#pqa-doc-table")
    _to_chat(page)
    assert not any(PLAN_TITLE in title for title in _cited_titles(page))

    ui_entries = [e for e in read_audit(audit_path(data_dir)) if e.get("via") == "ui"]
    assert [(e["what"], e["doc_id"], e["ok"]) for e in ui_entries] == [
        ("disable", PLAN, True),
        ("enable", PLAN, True),
        ("delete", PLAN, True),
    ]
    assert all(e["who"].startswith("admin@") for e in ui_entries)

    # The questions just asked are in the admin's query log report, with its chart.
    _to_library(page)
    page.locator("#pqa-report-panel").get_by_text("查询日志报告").click()
    page.locator("#pqa-report-go").click()
    page.locator("#pqa-report svg.pqa-query-chart").wait_for(timeout=ANSWER_TIMEOUT_MS)
    report = page.inner_text("#pqa-report")
    assert f"共 {EARLIER + 4} 个提问" in report and "热门主题" in report
    assert "人才公寓" in report and "未回答或差评的问题" in report
    page.locator("#pqa-report-panel").screenshot(path=str(tmp_path / "query-report.png"))
    shutil.copyfile(tmp_path / "query-report.png", SHOTS / "query-report.png")
    assert dialogs == []
    page.close()
