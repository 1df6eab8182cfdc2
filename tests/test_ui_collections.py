"""Collections in the real browser: logged out the page shows nothing of the internal brief;
logged in as a user granted `internal` it does; a citation card links to the original file at
its page (and the screenshot for the closing note is taken here)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.access import AccessSettings, hash_password
from assistant.app import App, open_app
from assistant.settings import Settings
from tests.api_server import ThreadedServer
from tests.conftest import REPO
from tests.test_collections import INTERNAL_DOC, INTERNAL_TITLE, PDF_DOC, QUESTIONS
from tests.test_collections import library as library  # noqa: F401  (the shared index fixture)
from tests.test_collections import sources as sources  # noqa: F401
from tests.test_ui_browser import _ask, _page, _require_chromium
from tests.test_ui_browser import browser as browser  # noqa: F401
from ui.api.config import ApiSettings
from ui.api.server import create_server_app

pytestmark = pytest.mark.browser
SHOT = REPO / "evals" / "reports" / "citation-page-link.png"
USER, PASSWORD = "alice", "alice-内部-pass"
INTERNAL_INDICATOR = "内部试点企业"  # the internal brief's one indicator (its 777 figure)


@pytest.fixture(scope="module")
def site(library: App) -> Iterator[str]:  # noqa: F811
    _require_chromium()
    access = AccessSettings.from_env(
        {"POLICY_QA_USERS": f"{USER}:{hash_password(PASSWORD)}:public+internal"}
    )
    app = open_app(Settings(store=library.settings.store, access=access))
    server = ThreadedServer(create_server_app(app, ApiSettings(rate_per_minute=0))).start()
    yield server.url
    server.close()


def _login(page, password: str) -> str:  # type: ignore[no-untyped-def]
    name = page.locator("#pqa-login-name textarea, #pqa-login-name input").first
    if not name.is_visible():
        page.locator("#pqa-login").get_by_text("内部用户登录").click()
    name.fill(USER)
    page.locator("#pqa-login-password input").fill(password)
    before = page.inner_text("#pqa-login-status")
    page.locator("#pqa-login-go").click()
    page.wait_for_function(
        "t => document.querySelector('#pqa-login-status').innerText.trim() !== t.trim()", arg=before
    )
    return page.inner_text("#pqa-login-status")


def _library_text(page) -> str:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="文档库").click()
    page.wait_for_selector("#pqa-doc-table")
    text = page.inner_text("#pqa-doc-table")
    page.get_by_role("tab", name="问答").click()
    return text


def _indicator_options(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="指标").click()
    page.locator("#pqa-indicator input").click()
    page.wait_for_selector("[role=option]")
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return [option.strip() for option in options]


def test_logged_out_sees_nothing_internal_logged_in_does(browser, site: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page, dialogs = _page(browser)
    page.goto(site)
    page.wait_for_selector("#pqa-input textarea")
    answer = _ask(page, QUESTIONS[0]).inner_text()
    assert "777" not in answer and INTERNAL_TITLE not in answer
    assert INTERNAL_TITLE not in _library_text(page)
    assert INTERNAL_INDICATOR not in _indicator_options(page)
    page.get_by_role("tab", name="问答").click()
    assert page.request.get(f"{site}/files/{INTERNAL_DOC}").status == 404

    assert "错误" in _login(page, "wrong-password")
    assert "777" not in _ask(page, QUESTIONS[0]).inner_text()

    page.wait_for_timeout(1500)  # the guard's wait after one wrong password (1 s)
    assert "已登录" in _login(page, PASSWORD)
    page.wait_for_function(
        "t => document.querySelector('#pqa-doc-table').innerText.includes(t)", arg=INTERNAL_TITLE
    )
    for _ in range(20):  # the login's refresh chain reloads the indicator list after the library
        if INTERNAL_INDICATOR in _indicator_options(page):
            break
        page.wait_for_timeout(500)
    assert INTERNAL_INDICATOR in _indicator_options(page)
    page.get_by_role("tab", name="问答").click()
    granted = _ask(page, QUESTIONS[0])
    assert "777" in granted.inner_text()
    card = granted.locator("details.pqa-cite").first
    assert INTERNAL_TITLE in card.locator("summary").inner_text()
    card.locator("summary").click()
    href = card.locator("a.pqa-file").get_attribute("href")
    assert href and href.startswith(f"/files/{INTERNAL_DOC}?grant=")
    assert page.request.get(f"{site}{href.split('#')[0]}").status == 200  # the granted link
    assert page.request.get(f"{site}/files/{INTERNAL_DOC}").status == 404  # no grant, no file
    assert dialogs == []
    page.close()


def test_citation_card_links_to_the_pdf_page(browser, site: str, sources, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page, _ = _page(browser)
    page.goto(site)
    page.wait_for_selector("#pqa-input textarea")
    answer = _ask(page, "编号甲3乙7的是哪一行？")
    card = answer.locator("details.pqa-cite").first
    card.locator("summary").click()
    link = card.locator("a.pqa-file")
    link.wait_for(state="visible")
    href = link.get_attribute("href") or ""
    assert href.startswith(f"/files/{PDF_DOC}#page=") and "第" in link.inner_text()
    page_number = int(href.rsplit("=", 1)[1])
    assert f"第{page_number}页" in card.inner_text()
    served = page.request.get(f"{site}{href.split('#')[0]}")
    assert served.status == 200 and served.headers["content-type"] == "application/pdf"
    assert served.body() == (sources[1] / PDF_DOC).read_bytes()
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "card.png"), full_page=True)
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tmp_path / "card.png", SHOT)
    page.close()
