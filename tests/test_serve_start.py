"""`policy-qa serve` listens before the page is built: the API answers while Gradio loads, the
page's paths say it is starting (503) until then, and a page that fails to build leaves the
API serving (ui/api/server.py, UiWhenReady)."""

from __future__ import annotations

import threading

import httpx
import pytest
from fastapi import FastAPI

from assistant.app import App, open_app
from assistant.settings import Settings
from tests.api_server import ThreadedServer
from ui.api.app import create_api
from ui.api.config import ApiSettings
from ui.api.server import UiWhenReady, create_ui_app
from vectorstore.settings import StoreSettings

QUESTION = "2025年黄埔区高新技术企业要达到多少家？"


@pytest.fixture(scope="module")
def app(indexed_settings: StoreSettings) -> App:
    return open_app(Settings(store=indexed_settings))


def _served(app: App, prepare: object) -> UiWhenReady:
    return UiWhenReady(create_api(app, ApiSettings(rate_per_minute=0)), prepare)  # type: ignore[arg-type]


def test_the_api_answers_while_the_page_is_built_then_the_page_is_served(app: App) -> None:
    release = threading.Event()

    def prepare() -> FastAPI:
        assert release.wait(120)
        return create_ui_app(app)

    served = _served(app, prepare)
    with ThreadedServer(served) as server:  # type: ignore[arg-type]
        starting = httpx.get(f"{server.url}/", timeout=30)
        assert starting.status_code == 503 and starting.headers["retry-after"] == "2"
        assert "界面正在启动" in starting.text and "starting" in starting.text
        answer = httpx.post(f"{server.url}/api/v1/ask", json={"question": QUESTION}, timeout=120)
        assert answer.status_code == 200 and "2600" in answer.json()["answer"]
        assert not served.ready.is_set()

        release.set()
        assert served.ready.wait(120)
        page = httpx.get(f"{server.url}/", timeout=30)
        assert page.status_code == 200 and "gradio" in page.text.lower()
        missing = httpx.get(f"{server.url}/api/v1/nothing-here", timeout=30)
        assert missing.status_code == 404 and missing.json()  # the API's JSON 404, not the page


def test_a_page_that_fails_to_build_leaves_the_api_serving(app: App) -> None:
    built = threading.Event()

    def prepare() -> FastAPI:
        built.set()
        raise RuntimeError("no page today")

    with ThreadedServer(_served(app, prepare)) as server:  # type: ignore[arg-type]
        assert built.wait(60)
        for _ in range(100):  # the failure is recorded right after prepare raises
            page = httpx.get(f"{server.url}/", timeout=30)
            if page.status_code != 503:
                break
        assert page.status_code == 500 and "界面启动失败" in page.text
        health = httpx.get(f"{server.url}/api/v1/health", timeout=60)
        assert health.status_code == 200
