"""The web UI in a real Chromium: ask, read the streamed cited answer, browse the library.

Needs Debian's chromium at /usr/bin/chromium (`.ci/run` installs it). On a laptop without
it the tests skip with the reason; in CI (env CI set) a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, make_settings, warm_cache_into
from tests.helpers import free_port

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOT = REPO / "evals" / "reports" / "ui-screenshot.png"
QUESTION = "2025年黄埔区高新技术企业要达到多少家？"
PLAN_TITLE = "黄埔区、广州开发区科技创新“十四五”规划"
ANSWER_TIMEOUT_MS = 180_000
EVIL_TEXT = (
    "广州市注入测试文档\n\n一、总体情况\n"
    "本文件用于安全测试。<script>alert('doc-script')</script>广州市注入测试专项资金为5000万元。\n"
    "第二段包含图片标签<img src=x onerror=alert('doc-img')>，注入测试专项资金由市科技局管理。\n"
)


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {CHROMIUM} is missing: .ci/run must install Debian chromium")
    pytest.skip(f"{CHROMIUM} not found (apt-get install chromium to run the browser tests)")


def _serve(settings, admin_password: str | None = None):  # type: ignore[no-untyped-def]
    """build_app over an index, launched on a free localhost port; returns (demo, url)."""
    from assistant.answer import Assistant
    from assistant.config import AssistantSettings
    from ui.app import build_app, launch
    from vectorstore.index import SearchIndex
    from vectorstore.search import HybridSearcher
    from vectorstore.service import open_store

    store = open_store(settings)
    assistant = Assistant(
        HybridSearcher(SearchIndex(store), store.embeddings), AssistantSettings.from_env({})
    )
    demo = build_app(assistant, store, settings, admin_password_value=admin_password)
    port = free_port()
    launch(demo, "127.0.0.1", port, prevent_thread_lock=True)
    return demo, f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def app_url(indexed_settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    _require_chromium()
    demo, url = _serve(indexed_settings)
    yield url
    demo.close()


@pytest.fixture(scope="module")
def evil_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A separate tiny index holding one document full of markup, served by its own app."""
    _require_chromium()
    from ingest.pipeline import process_paths
    from vectorstore.service import index_outcomes, open_store

    source = tmp_path_factory.mktemp("evil-src")
    (source / "evil.txt").write_text(EVIL_TEXT, encoding="utf-8")
    data_dir = tmp_path_factory.mktemp("evil-index")
    warm_cache_into(data_dir)
    settings = make_settings(data_dir)
    results = list(index_outcomes(open_store(settings), process_paths([source])))
    assert [r.status for r in results] == ["indexed"]
    demo, url = _serve(settings, admin_password="test-admin-密码")
    yield url, data_dir
    demo.close()


def _page(browser):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return page, dialogs


def _ask(page, question: str):  # type: ignore[no-untyped-def]
    """Type a question, send it, wait until the answer's citation cards arrive."""
    before = page.locator("#pqa-chat details.pqa-cite").count()
    page.locator("#pqa-input textarea").fill(question)
    page.locator("#pqa-send").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#pqa-chat details.pqa-cite').length > n",
        arg=before,
        timeout=ANSWER_TIMEOUT_MS,
    )
    # Streaming is over when the cursor is gone and the send button is idle again.
    page.wait_for_function(
        "() => !document.querySelector('#pqa-chat').innerText.includes('▍')",
        timeout=ANSWER_TIMEOUT_MS,
    )
    return page.locator('#pqa-chat [data-testid="bot"]').last


def test_ask_answer_cites_plan_and_library_lists_documents(browser, app_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page, dialogs = _page(browser)
    page.goto(app_url)
    page.wait_for_selector("#pqa-input textarea")
    assert "广州科技创新政策问答助手" in page.inner_text("body")
    assert "离线检索摘录" in page.inner_text("#pqa-mode")

    answer = _ask(page, QUESTION)
    text = answer.inner_text()
    assert "2600" in text
    summaries = answer.locator("details.pqa-cite summary").all_inner_texts()
    assert any(PLAN_TITLE in s for s in summaries), summaries
    first = answer.locator("details.pqa-cite").first
    first.locator("summary").click()
    expect_marked = first.locator(".pqa-passage mark")
    expect_marked.wait_for(state="visible")
    assert expect_marked.inner_text().strip()

    page.screenshot(path=str(tmp_path / "ui-chat.png"), full_page=True)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tmp_path / "ui-chat.png", SCREENSHOT)

    # A follow-up in the same conversation is answered with the history.
    follow = _ask(page, "那规模以上国家高新技术企业呢？")
    assert "800" in follow.inner_text()

    page.get_by_role("tab", name="文档库").click()
    page.wait_for_selector("#pqa-doc-table")
    page.wait_for_function("() => document.querySelector('#pqa-doc-count').innerText.includes('5')")
    table = page.inner_text("#pqa-doc-table")
    assert PLAN_TITLE in table
    assert "共收录 5 个文档" in page.inner_text("#pqa-doc-count")
    assert page.locator("#pqa-reader .pqa-sec h4").count() > 1
    page.screenshot(path=str(tmp_path / "ui-library.png"), full_page=True)
    assert dialogs == []
    page.close()


def test_markup_in_documents_and_questions_renders_inert(browser, evil_app) -> None:  # type: ignore[no-untyped-def]
    url, data_dir = evil_app
    page, dialogs = _page(browser)
    page.goto(url)
    page.wait_for_selector("#pqa-input textarea")
    scripts_before = page.locator("script").count()
    payload = "注入测试专项资金是多少？<script>alert('q-script')</script><img src=x onerror=alert('q-img')>"
    answer = _ask(page, payload)
    for card in answer.locator("details.pqa-cite summary").all():
        card.click()
    chat = page.locator("#pqa-chat")
    chat_text = chat.inner_text()
    assert "<script>alert('q-script')</script>" in chat_text  # shown as text
    assert "<img src=x onerror=alert('doc-img')>" in chat_text  # the document's markup, as text
    assert chat.locator("script").count() == 0
    assert chat.locator("img").count() == 0
    assert page.locator("script").count() == scripts_before

    # 👎 on the answer is recorded with its question and citations.
    answer.hover()
    # The page is in zh-CN, where Gradio labels the buttons 赞 / 踩.
    page.locator(
        '#pqa-chat button[aria-label="踩"], #pqa-chat button[aria-label="Dislike"]'
    ).last.click()
    feedback = data_dir / "feedback.jsonl"
    deadline = time.monotonic() + 20
    while not feedback.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    record = json.loads(feedback.read_text(encoding="utf-8").splitlines()[-1])
    assert record["rating"] == "down" and record["question"] == payload
    assert record["citations"] and record["citations"][0]["doc_id"] == "evil.txt"

    page.get_by_role("tab", name="文档库").click()
    reader = page.locator("#pqa-reader")
    reader.locator(".pqa-sec").first.wait_for()
    assert "<script>alert('doc-script')</script>" in reader.inner_text()
    assert reader.locator("script").count() == 0 and reader.locator("img").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []
    page.close()


def test_upload_needs_the_admin_password(browser, evil_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url, data_dir = evil_app
    page, dialogs = _page(browser)
    page.goto(url)
    page.get_by_role("tab", name="文档库").click()
    page.locator("#pqa-upload").get_by_text("上传新文档").click()
    page.locator("#pqa-password input").fill("wrong")
    page.locator("#pqa-unlock").click()
    page.get_by_text("管理员密码错误").wait_for()
    assert not page.locator("#pqa-files").is_visible()

    page.locator("#pqa-password input").fill("test-admin-密码")
    page.locator("#pqa-unlock").click()
    page.locator("#pqa-files").wait_for(state="visible")
    good = tmp_path / "新政策.txt"
    good.write_text(
        "广州市上传测试政策\n\n一、支持措施\n对新认定的测试企业给予一次性奖励100万元。\n",
        encoding="utf-8",
    )
    lying = tmp_path / "假的.pdf"
    lying.write_text("这不是PDF", encoding="utf-8")
    page.locator("#pqa-files input[type=file]").set_input_files([str(good), str(lying)])
    page.locator("#pqa-upload-go").click()
    status = page.locator("#pqa-upload-status")
    page.wait_for_function(
        "() => document.querySelector('#pqa-upload-status').innerText.includes('导入结果')",
        timeout=ANSWER_TIMEOUT_MS,
    )
    text = status.inner_text()
    assert "1 个成功，1 个失败" in text
    assert "不是 PDF" in text and "not a PDF" in text
    page.wait_for_function("() => document.querySelector('#pqa-doc-count').innerText.includes('2')")
    stored = list((data_dir / "uploads").iterdir())
    assert len(stored) == 1 and stored[0].name.endswith("_新政策.txt")
    assert dialogs == []
    page.close()
