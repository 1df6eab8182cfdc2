"""The web UI in a real Chromium: ask, read the streamed cited answer, browse the library.

Needs Debian's chromium at /usr/bin/chromium (`.ci/run` installs it). On a laptop without
it the tests skip with the reason; in CI (env CI set) a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, make_settings, warm_cache_into

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
SHOTS = REPO / "evals" / "reports" / "ui"
ADMIN_PASSWORD = "test-admin-密码"
# Document content (answers, citation passages, the reader, titles) may hold Latin words
# such as "R&D"; everything else a person reads on the page must be Chinese.
DOCUMENT_CONTENT = (
    '[data-testid="bot"] .prose, [data-testid="user"] .prose, .pqa-cite, .pqa-doc, '
    ".pqa-cover ul, #pqa-doc-table, #pqa-doc-select"
)
VISIBLE_LATIN_JS = """(content) => {
  const found = new Set();
  const latin = /[A-Za-z]{2,}/;
  const inContent = (el) => el.closest(content) !== null;
  const shown = (el) => el.getClientRects().length > 0 && !el.closest('svg, style, script, .sr-only');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    const el = node.parentElement, text = node.textContent.trim();
    if (el && text && latin.test(text) && shown(el) && !inContent(el)) found.add(text);
  }
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
    if (!shown(el) || inContent(el)) continue;
    for (const name of ['title', 'aria-label', 'placeholder']) {
      const value = el.getAttribute(name) || '';
      if (/^(提问|回答)：/.test(value)) continue;  // a message's own text, read aloud
      if (latin.test(value)) found.add(name + '=' + value);
    }
  }
  return [...found];
}"""


def _latin_in_view(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate(VISIBLE_LATIN_JS, DOCUMENT_CONTENT)


def _record_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _wait_for(condition, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.2)


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


UPLOAD_LIMIT = 1024 * 1024


def _serve(settings, admin_password: str | None = None, guard=None):  # type: ignore[no-untyped-def]
    """The served app (UI at /, API at /api/v1) over an index on a free localhost port;
    returns (server, url)."""
    from assistant.app import open_app
    from assistant.settings import Settings, WebSettings
    from tests.api_server import ThreadedServer
    from ui.api.server import create_server_app

    web = WebSettings(admin_password=admin_password, upload_max_bytes=UPLOAD_LIMIT)
    app = create_server_app(open_app(Settings(store=settings, web=web)), guard=guard)
    server = ThreadedServer(app).start()
    return server, f"{server.url}/"


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
    from vectorstore.indexer import index_outcomes
    from vectorstore.service import open_store

    source = tmp_path_factory.mktemp("evil-src")
    (source / "evil.txt").write_text(EVIL_TEXT, encoding="utf-8")
    data_dir = tmp_path_factory.mktemp("evil-index")
    warm_cache_into(data_dir)
    settings = make_settings(data_dir)
    results = list(index_outcomes(open_store(settings), process_paths([source])))
    assert [r.status for r in results] == ["indexed"]
    demo, url = _serve(settings, admin_password=ADMIN_PASSWORD)
    yield url, data_dir
    demo.close()


@pytest.fixture(scope="module")
def strict_app(evil_app) -> Iterator[tuple[str, Path]]:  # type: ignore[no-untyped-def]
    """The evil index again, with a guard that locks out after three wrong passwords."""
    from tests.conftest import make_settings as settings_for
    from ui.guard import AttemptGuard

    _, data_dir = evil_app
    guard = AttemptGuard(first_delay=2.0, lockout_after=3, lockout_seconds=600)
    demo, url = _serve(settings_for(data_dir), admin_password=ADMIN_PASSWORD, guard=guard)
    yield url, data_dir
    demo.close()


def _page(browser, locale: str = "zh-CN", **options):  # type: ignore[no-untyped-def]
    options = {"viewport": {"width": 1440, "height": 1000}, **options}
    page = browser.new_page(locale=locale, **options)
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
    page.locator("#pqa-upload").get_by_text("文档管理").click()
    page.locator("#pqa-password input").fill("wrong")
    page.locator("#pqa-unlock").click()
    page.get_by_text("管理员密码错误").wait_for()
    assert not page.locator("#pqa-files").is_visible()
    page.wait_for_timeout(1300)  # the first failure costs a one-second wait

    page.locator("#pqa-password input").fill(ADMIN_PASSWORD)
    page.locator("#pqa-unlock").click()
    page.locator("#pqa-files").wait_for(state="visible")
    good = tmp_path / "新政策.txt"
    good.write_text(
        "广州市上传测试政策\n\n一、支持措施\n对新认定的测试企业给予一次性奖励100万元。\n"
        f"（测试编号 {uuid.uuid4().hex}）\n",
        encoding="utf-8",
    )
    lying = tmp_path / "假的.pdf"
    lying.write_text("这不是PDF", encoding="utf-8")
    too_big = tmp_path / "太大.txt"
    too_big.write_bytes("大".encode() * (UPLOAD_LIMIT // 3 + 100))
    page.locator("#pqa-files input[type=file]").set_input_files([str(too_big)])
    page.get_by_text("文件超过大小上限").first.wait_for()  # Gradio's own check, in Chinese
    toast = page.locator('[data-testid="toast-body"]').last.inner_text()
    assert toast.startswith("错误") and "文件超过大小上限，未上传 / File(s) exceed" in toast
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
    # Imported files leave the picker and Gradio's temporary folder; the upload is in the
    # audit log, without the password.
    assert page.locator("#pqa-files .file-preview, #pqa-files table").count() == 0
    cache = Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio")
    content = good.read_bytes()
    assert not [p for p in cache.rglob("新政策.txt") if p.read_bytes() == content]
    audit = (data_dir / "audit.jsonl").read_text(encoding="utf-8")
    uploads = [json.loads(line) for line in audit.splitlines() if '"upload"' in line]
    assert {(u["file"], u["ok"]) for u in uploads} == {("新政策.txt", True), ("假的.pdf", False)}
    assert all(u["who"].startswith("admin@") for u in uploads)
    assert ADMIN_PASSWORD not in audit and "wrong" not in audit
    # No publication date in the text: 日期未知 until the admin sets one.
    row = page.locator("#pqa-admin-table tr", has_text="广州市上传测试政策")
    assert "日期未知" in row.inner_text()
    assert "分块数" in page.inner_text("#pqa-admin-table")
    page.locator("#pqa-date-doc input").click()
    page.get_by_role("option", name=stored[0].name).click()
    page.locator("#pqa-date-value textarea, #pqa-date-value input").first.fill("2024-03-15")
    page.locator("#pqa-date-go").click()
    page.get_by_text("已将日期设为 2024-03-15").wait_for()
    assert (
        "2024-03-15"
        in page.locator("#pqa-doc-table tr", has_text="广州市上传测试政策").inner_text()
    )
    assert dialogs == []
    page.close()


def test_first_screen_example_click_asks_and_no_english(browser, app_url) -> None:  # type: ignore[no-untyped-def]
    """An English-language browser still gets a Chinese page; clicking an example asks it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, dialogs = _page(browser, locale="en-US", viewport={"width": 1366, "height": 900})
    page.goto(app_url)
    page.wait_for_selector("#pqa-chat .pqa-cover")
    cover = page.inner_text("#pqa-chat .pqa-cover")
    assert "5 个文档" in cover and "2019–2025" in cover and "离线检索摘录" in cover
    assert PLAN_TITLE in cover and "羊城晚报" in cover
    assert _latin_in_view(page) == []
    page.screenshot(path=str(SHOTS / "first-screen.png"))

    page.locator("#pqa-examples-staff").get_by_text(QUESTION).click()
    page.wait_for_function(
        "() => document.querySelectorAll('#pqa-chat details.pqa-cite').length > 0",
        timeout=ANSWER_TIMEOUT_MS,
    )
    page.wait_for_function(
        "() => !document.querySelector('#pqa-chat').innerText.includes('▍')",
        timeout=ANSWER_TIMEOUT_MS,
    )
    answer = page.locator('#pqa-chat [data-testid="bot"]').last
    assert "2600" in answer.inner_text()
    assert QUESTION in page.locator('#pqa-chat [data-testid="user"]').last.inner_text()
    answer.hover()
    like = page.locator('#pqa-chat button[aria-label="赞"]').last
    dislike = page.locator('#pqa-chat button[aria-label="踩"]').last
    copy = page.locator('#pqa-chat button[aria-label="复制"]').last
    assert like.bounding_box()["x"] < dislike.bounding_box()["x"]  # 👍 before 👎
    assert copy.get_attribute("title") == "复制"
    answer.locator("details.pqa-cite summary").first.click()
    assert _latin_in_view(page) == []
    page.screenshot(path=str(SHOTS / "answer.png"), full_page=True)
    like.scroll_into_view_if_needed()
    page.locator("#pqa-chat").screenshot(path=str(SHOTS / "answer-end-with-votes.png"))

    page.get_by_role("tab", name="文档库").click()
    page.wait_for_selector("#pqa-reader .pqa-sec")
    assert _latin_in_view(page) == []
    assert dialogs == []
    page.close()


def test_vote_change_updates_one_record_and_comment_is_stored(
    browser, app_url, indexed_settings
) -> None:  # type: ignore[no-untyped-def]
    feedback = indexed_settings.data_dir / "feedback.jsonl"
    before = len(_record_lines(feedback))
    page, dialogs = _page(browser)
    page.goto(app_url)
    page.wait_for_selector("#pqa-input textarea")
    answer = _ask(page, "广州在自然指数全球科研城市中排第几？")
    answer.hover()
    page.locator('#pqa-chat button[aria-label="赞"]').last.click()
    _wait_for(lambda: len(_record_lines(feedback)) == before + 1)
    assert _record_lines(feedback)[-1]["rating"] == "up"
    assert not page.locator("#pqa-reason").is_visible()

    answer.hover()
    page.locator('#pqa-chat button[aria-label="踩"]').last.click()
    page.locator("#pqa-reason").wait_for(state="visible")
    _wait_for(lambda: _record_lines(feedback)[-1]["rating"] == "down")
    records = _record_lines(feedback)
    assert len(records) == before + 1  # changed in place, not a second line
    page.locator("#pqa-reason").get_by_text("引用不对").click()
    page.locator("#pqa-comment-text textarea").fill("应引用2024年的新闻")
    page.locator("#pqa-comment-send").click()
    page.locator("#pqa-reason").wait_for(state="hidden")
    _wait_for(lambda: _record_lines(feedback)[-1].get("comment") == "应引用2024年的新闻")
    record = _record_lines(feedback)[-1]
    assert record["reason"] == "引用不对" and record["id"] and record["citations"]
    assert record["question"] == "广州在自然指数全球科研城市中排第几？"

    answer.hover()
    page.locator('#pqa-chat button[aria-label^="已踩"]').last.click()  # withdraw the vote
    _wait_for(lambda: _record_lines(feedback)[-1]["rating"] == "removed")
    records = _record_lines(feedback)
    assert len(records) == before + 1
    assert [h["rating"] for h in records[-1]["history"]] == ["up", "down", "removed"]
    assert records[-1]["comment"] == "应引用2024年的新闻"  # what the user wrote is kept
    assert dialogs == []
    page.close()


def test_reader_shows_tables_and_no_photo_credit_sections(browser, app_url) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, dialogs = _page(browser, viewport={"width": 1366, "height": 900})
    page.goto(app_url)
    page.get_by_role("tab", name="文档库").click()
    page.wait_for_selector("#pqa-reader .pqa-sec")
    assert "分块" not in page.inner_text("#pqa-doc-table")
    assert "分块" not in page.inner_text("#pqa-reader .pqa-doc-head")

    page.locator("#pqa-doc-select input").click()
    page.get_by_role("option", name=f"{PLAN_TITLE}（2021）").click()
    table = page.locator("#pqa-reader table", has_text="表2.1")
    table.wait_for()
    assert table.locator("tbody tr").count() == 17
    row = table.locator("tr", has_text="高新技术企业数量(家)").first
    assert [c.strip() for c in row.locator("td").all_inner_texts()][-3:] == [
        "2109",
        "2600",
        "预期性",
    ]
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "reader-table-2.1.png"))

    page.locator("#pqa-doc-select input").click()
    page.get_by_role("option", name="回首2024年：广州科技创新和现代产业体系建设（2025）").click()
    page.wait_for_function(
        "() => document.querySelector('#pqa-reader h3').innerText.includes('回首2024年')"
    )
    sections = page.locator("#pqa-reader .pqa-sec h4").all_inner_texts()
    assert sections and not any("图/" in s or "文/" in s for s in sections), sections
    assert "图/广州市科技局" in page.inner_text("#pqa-reader")  # still there, as text
    assert dialogs == []
    page.close()


def test_indicator_tab_draws_each_scope_and_links_points_to_sources(browser, app_url) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, dialogs = _page(browser, viewport={"width": 1366, "height": 1000})
    page.goto(app_url)
    page.get_by_role("tab", name="指标").click()
    page.locator("#pqa-indicator input").click()
    page.get_by_role("option", name="技术合同成交额", exact=True).click()
    page.wait_for_function("() => document.querySelectorAll('#pqa-indicator-table tr').length >= 6")
    chart = page.locator("#pqa-indicator-chart svg")
    assert chart.locator("polyline").count() == 1  # 广州市 2017 -> 2018; never across scopes
    assert chart.locator("polygon.pqa-target").count() >= 1  # 黄埔区's 2025 target
    legend = page.inner_text("#pqa-indicator-chart")
    assert "黄埔区、广州开发区" in legend and "广州市" in legend
    table = page.inner_text("#pqa-indicator-table")
    assert "2646亿元" in table and "《黄埔区、广州开发区科技创新“十四五”规划》" in table
    chart.locator("a").first.click()
    assert page.evaluate("location.hash") == "#pqa-fact-1"
    page.screenshot(path=str(SHOTS / "indicators.png"), full_page=True)
    assert dialogs == []
    page.close()


def _choose(page, field: str, option: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f"{field} input").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def test_measures_tab_finds_cited_measures_for_a_huangpu_biomedicine_high_tech_enterprise(
    browser, app_url
) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, dialogs = _page(browser, viewport={"width": 1366, "height": 1000})
    page.goto(app_url)
    page.get_by_role("tab", name="扶持措施").click()
    _choose(page, "#pqa-measure-region", "黄埔区")
    _choose(page, "#pqa-measure-industries", "生物医药")
    _choose(page, "#pqa-measure-beneficiaries", "高新技术企业")
    page.locator("#pqa-measure-find").click()
    page.wait_for_function(
        "() => document.querySelectorAll('#pqa-measure-list details.pqa-measure').length >= 5",
        timeout=ANSWER_TIMEOUT_MS,
    )
    results = page.inner_text("#pqa-measure-results")
    assert "企业画像：黄埔区 · 生物医药 · 高新技术企业" in results
    cards = page.locator("#pqa-measure-list details.pqa-measure")
    assert cards.count() == 10
    for text in cards.all_inner_texts():
        assert "《" in text and "》" in text  # every card cites its document
        assert "适用对象" in text or "产业领域" in text  # and says why it matched
    assert page.locator("#pqa-measure-list h4.pqa-measure-group").count() >= 2
    assert "加快高新技术企业自主创新能力提升。" not in results  # a heading, never a measure
    assert "高新技术企业占 80%" not in results  # a statistic, never a measure
    for export in ("#pqa-measure-md", "#pqa-measure-csv"):
        page.wait_for_function(
            "sel => document.querySelector(sel).innerText.includes('扶持措施')", arg=export
        )
    page.screenshot(path=str(SHOTS / "measures.png"), full_page=True)
    assert dialogs == []
    page.close()


def test_phone_layout(browser, app_url) -> None:  # type: ignore[no-untyped-def]
    """390x844: header stays in view, the input gets the width, the empty chat stays short."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    width, height = 390, 844
    page, dialogs = _page(
        browser,
        viewport={"width": width, "height": height},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page.goto(app_url)
    page.wait_for_selector("#pqa-chat .pqa-cover")
    page.wait_for_timeout(1000)
    assert page.evaluate("() => window.scrollY") == 0  # no jump to the input
    header = page.locator("#pqa-header").bounding_box()
    assert header["y"] >= 0 and header["y"] + header["height"] <= height
    box = page.locator("#pqa-input").bounding_box()
    send = page.locator("#pqa-send").bounding_box()
    assert box["width"] >= 0.8 * width
    assert send["y"] >= box["y"] + box["height"] or send["width"] <= 56  # below, or an icon
    chat = page.locator("#pqa-chat").bounding_box()
    assert chat["height"] <= 0.6 * height  # the empty chat does not push the rest far down
    examples = page.locator("#pqa-examples-staff").bounding_box()
    assert examples["y"] - (chat["y"] + chat["height"]) <= 250
    page.screenshot(path=str(SHOTS / "phone.png"), full_page=True)

    # An example below the chat, once clicked, brings the chat with its answer into view.
    page.locator("#pqa-examples-staff").get_by_text("2018年广州市技术合同成交额是多少？").click()
    page.locator("#pqa-chat details.pqa-cite").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    chat_top = page.locator("#pqa-chat").bounding_box()["y"]
    assert -5 <= chat_top < height / 2, chat_top
    page.screenshot(path=str(SHOTS / "phone-answer.png"))

    page.get_by_role("tab", name="文档库").click()
    page.wait_for_selector("#pqa-doc-table td.pqa-t-date")
    # Each date's text must sit on one line (its own height, not the row's).
    dates = page.evaluate(
        """() => [...document.querySelectorAll('#pqa-doc-table td.pqa-t-date')].map(td => {
            const range = document.createRange();
            range.selectNodeContents(td);
            return [td.innerText, range.getClientRects().length,
                    parseFloat(getComputedStyle(td).fontSize)];
        })"""
    )
    assert dates and all(lines == 1 for _, lines, _ in dates), dates
    page.screenshot(path=str(SHOTS / "phone-library.png"), full_page=True)
    assert dialogs == []
    page.close()


def test_admin_password_guessing_is_delayed_then_locked_out(browser, strict_app) -> None:  # type: ignore[no-untyped-def]
    from vectorstore.audit import read_audit

    url, data_dir = strict_app
    page, dialogs = _page(browser)
    page.goto(url)
    page.get_by_role("tab", name="文档库").click()
    page.locator("#pqa-upload").get_by_text("文档管理").click()
    status = page.locator("#pqa-unlock-status")

    def attempt(password: str, expect: str) -> str:
        page.locator("#pqa-password input").fill(password)
        page.locator("#pqa-unlock").click()
        page.wait_for_function(
            "t => document.querySelector('#pqa-unlock-status').innerText.includes(t)", arg=expect
        )
        return status.inner_text()

    attempt("guess-1", "请稍候")
    assert "尝试过于频繁" in attempt("guess-2", "尝试过于频繁")  # too soon: not even checked
    page.wait_for_timeout(2100)  # the first failure costs 2 s
    assert "4 秒" in attempt("guess-2", "请稍候 4 秒")  # the second one twice that
    page.wait_for_timeout(4100)
    attempt("guess-3", "已锁定")
    text = attempt(ADMIN_PASSWORD, "尝试次数过多")  # even the right password, while locked
    assert not page.locator("#pqa-files").is_visible(), text
    entries = read_audit(data_dir / "audit.jsonl")
    whats = [e["what"] for e in entries]
    assert whats.count("admin_login_failed") >= 2 and "admin_login_locked" in whats
    assert "admin_login_refused" in whats
    raw = (data_dir / "audit.jsonl").read_text(encoding="utf-8")
    assert ADMIN_PASSWORD not in raw and "guess-" not in raw
    assert all(e["who"].startswith("client@") for e in entries if "login" in e["what"])
    assert dialogs == []
    page.close()


def test_gradio_upload_endpoint_is_capped_at_the_upload_limit(evil_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """/gradio_api/upload is open to any visitor (Gradio's design); it must respect the limit."""
    import httpx

    url, _ = evil_app
    small = {"files": ("small.txt", "小文件".encode(), "text/plain")}
    assert httpx.post(url + "gradio_api/upload", files=small, timeout=30).status_code == 200
    big = {"files": ("big.txt", b"x" * (UPLOAD_LIMIT + 1024), "text/plain")}
    response = httpx.post(url + "gradio_api/upload", files=big, timeout=30)
    assert response.status_code == 413, response.text
