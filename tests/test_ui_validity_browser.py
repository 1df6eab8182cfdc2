"""Policy metadata in the real browser: the library lists type, 文号 and status; an admin edits
a document's replacement in the 文档库 tab; the chat's status filter then finds only that
document, whose citation card carries the 被替代 badge and whose answer names the replacement.

Screenshot for the closing note: evals/reports/library-metadata.png.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_ui_browser import (
    ADMIN_PASSWORD,
    ANSWER_TIMEOUT_MS,
    _ask,
    _page,
    _require_chromium,
    _serve,
    browser,  # noqa: F401  (the module's Chromium fixture)
)
from tests.test_validity import NEW, NEW_TITLE, OLD, OLD_TITLE, QUESTION, build_library
from vectorstore.audit import audit_path, read_audit

pytestmark = pytest.mark.browser
SCREENSHOT = Path(__file__).resolve().parents[1] / "evals" / "reports" / "library-metadata.png"


@pytest.fixture(scope="module")
def validity_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    _require_chromium()
    settings = build_library(tmp_path_factory.mktemp("ui-validity") / "data")
    server, url = _serve(settings, admin_password=ADMIN_PASSWORD)
    yield url, settings.data_dir
    server.close()


def test_admin_marks_a_document_superseded_and_the_chat_shows_it(  # type: ignore[no-untyped-def]
    browser,  # noqa: F811
    validity_app,
    tmp_path,
) -> None:
    url, data_dir = validity_app
    page, dialogs = _page(browser)
    page.goto(url)
    page.wait_for_selector("#pqa-input textarea")
    page.get_by_role("tab", name="文档库").click()
    row = page.locator("#pqa-doc-table tr", has_text=OLD_TITLE)
    assert "穗科规字〔2019〕1号" in row.inner_text() and "已失效" in row.inner_text()
    assert "申报指南" in page.inner_text("#pqa-doc-table")

    page.locator("#pqa-upload").get_by_text("文档管理").click()
    page.locator("#pqa-password input").fill(ADMIN_PASSWORD)
    page.locator("#pqa-unlock").click()
    page.locator("#pqa-life-doc").wait_for(state="visible")
    page.locator("#pqa-life-doc input").click()
    page.get_by_role("option", name=f"{OLD_TITLE}（2019-02-01）").click()
    number = page.locator("#pqa-meta-doc_number textarea, #pqa-meta-doc_number input").first
    page.wait_for_function(
        "() => [...document.querySelectorAll('#pqa-meta-doc_number textarea, "
        "#pqa-meta-doc_number input')].some(e => e.value.includes('〔2019〕'))",
        timeout=ANSWER_TIMEOUT_MS,
    )
    assert number.input_value() == "穗科规字〔2019〕1号"
    page.locator("#pqa-meta-superseded_by textarea, #pqa-meta-superseded_by input").first.fill(NEW)
    page.locator("#pqa-meta-go").click()
    page.wait_for_function(
        "() => document.querySelector('#pqa-meta-result').innerText.trim().length > 0",
        timeout=ANSWER_TIMEOUT_MS,
    )
    result = page.inner_text("#pqa-meta-result")
    assert "已保存：被替代为；当前状态：被替代" in result, result
    page.wait_for_function(
        "t => [...document.querySelectorAll('#pqa-doc-table tr')]"
        ".some(r => r.innerText.includes(t) && r.innerText.includes('被替代'))",
        arg=OLD_TITLE,
        timeout=ANSWER_TIMEOUT_MS,
    )
    page.screenshot(path=str(tmp_path / "library-metadata.png"), full_page=True)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tmp_path / "library-metadata.png", SCREENSHOT)

    page.get_by_role("tab", name="智能问答").click()
    page.locator("#pqa-kind-filter input").click()
    page.get_by_role("option", name="状态：被替代").click()
    page.keyboard.press("Escape")
    answer = _ask(page, QUESTION)
    cards = answer.locator("details.pqa-cite summary").all_inner_texts()
    assert cards and all(OLD_TITLE in card and "被替代" in card for card in cards)
    assert f"《{NEW_TITLE}》替代" in answer.inner_text()

    entries = [e for e in read_audit(audit_path(data_dir)) if e.get("via") == "ui"]
    assert [(e["what"], e["doc_id"], e["ok"]) for e in entries] == [("set", OLD, True)]
    assert entries[0]["changes"] == {"superseded_by": NEW}
    assert dialogs == []
    page.close()
