"""`policy-qa serve`: one process, one port: the Gradio UI at / and the API at /api/v1.

Both are built over the one App (assistant.app.open_app), so the UI and the API share one
snapshot, one embedding model and one assistant.

Start-up order: the socket listens as soon as the API is built; one background thread then
warms up the assistant (snapshot, embedding model, tokenizers) and only after that imports
Gradio and builds the page. Importing Gradio and building the page were most of a 6.4 s start
(1x index, load 3), and a replica restarted under load should answer API calls meanwhile;
until the page is ready, its paths answer 503 with a page that reloads itself.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI
from starlette.responses import HTMLResponse

from assistant.answer import Assistant
from assistant.app import App, open_app
from assistant.query_log import paused
from assistant.settings import Settings
from ui.api.app import create_api
from ui.api.config import ApiSettings
from ui.api.limits import API_PREFIX
from ui.guard import AttemptGuard

log = logging.getLogger(__name__)

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
# What the UI's paths answer while the page is being built (it reloads itself every 2 s).
STARTING_PAGE = (
    '<!doctype html><html lang="zh"><head><meta charset="utf-8">'
    '<meta http-equiv="refresh" content="2"><title>policy-qa</title></head>'
    "<body><p>界面正在启动，请稍候… / The web UI is starting, one moment…</p></body></html>"
)
FAILED_PAGE = (
    '<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>policy-qa</title>'
    "</head><body><p>界面启动失败，请查看服务日志；API 仍可使用 / "
    "The web UI failed to start (see the server log); the API still works</p></body></html>"
)

Asgi = Callable[..., Any]


def create_server_app(
    app: App, settings: ApiSettings | None = None, guard: AttemptGuard | None = None
) -> FastAPI:
    """The API with the UI mounted at /, both built before this returns."""
    import gradio as gr

    from ui.app import build_app, page_options

    api = create_api(app, settings)
    demo = build_app(app, guard)
    options = page_options(app.settings.web.upload_max_bytes)
    return gr.mount_gradio_app(api, demo, path="/", **options)


def create_ui_app(app: App, guard: AttemptGuard | None = None) -> FastAPI:
    """The Gradio page alone at /, its start-up (Gradio's queue) in the app's lifespan."""
    import gradio as gr

    from ui.app import build_app, page_options

    demo = build_app(app, guard)
    options = page_options(app.settings.web.upload_max_bytes)
    return gr.mount_gradio_app(FastAPI(), demo, path="/", **options)


class UiWhenReady:
    """ASGI app: the API at once, every other path served by the UI once it is built.

    `prepare` runs in a background thread started with the API's lifespan and returns the UI
    app; its lifespan is entered on the server's event loop, then requests reach it.
    """

    def __init__(self, api: FastAPI, prepare: Callable[[], FastAPI]) -> None:
        self.api = api
        self.ready = threading.Event()
        self._prepare = prepare
        self._ui: FastAPI | None = None
        self._ui_lifespan: AbstractAsyncContextManager[Any] | None = None
        self._failed = False
        api_lifespan = api.router.lifespan_context

        @asynccontextmanager
        async def lifespan(served: FastAPI) -> AsyncIterator[Any]:
            async with api_lifespan(served) as state:
                loop = asyncio.get_running_loop()
                threading.Thread(
                    target=self._build, args=(loop,), name="policy-qa-ui", daemon=True
                ).start()
                try:
                    yield state
                finally:
                    if self._ui_lifespan is not None:
                        await self._ui_lifespan.__aexit__(None, None, None)

        api.router.lifespan_context = lifespan

    async def __call__(self, scope: dict[str, Any], receive: Asgi, send: Asgi) -> None:
        path = scope.get("path", "")
        if scope["type"] == "lifespan" or path == API_PREFIX or path.startswith(f"{API_PREFIX}/"):
            await self.api(scope, receive, send)
        elif self._ui is not None:
            await self._ui(scope, receive, send)
        elif scope["type"] == "http":
            page, status = (FAILED_PAGE, 500) if self._failed else (STARTING_PAGE, 503)
            await HTMLResponse(page, status, {"Retry-After": "2"})(scope, receive, send)
        else:  # a websocket before the page exists: refuse, the page will reconnect
            await send({"type": "websocket.close", "code": 1013})

    def _build(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            ui = self._prepare()
            asyncio.run_coroutine_threadsafe(self._open(ui), loop).result()
        except Exception as error:  # the API keeps serving; the page says what happened
            self._failed = True
            log.error("界面启动失败 / the web UI failed to start: %s", error, exc_info=True)

    async def _open(self, ui: FastAPI) -> None:
        context = ui.router.lifespan_context(ui)
        await context.__aenter__()
        self._ui_lifespan, self._ui = context, ui
        self.ready.set()


def warm_up(assistant: Assistant) -> None:
    """Load the snapshot, the embedding model and the term weights with a first question."""
    started = time.perf_counter()
    try:
        with paused():  # the product's own question: not in the query log
            assistant.ask("广州科技创新")
        log.info("warm-up done in %.1f s", time.perf_counter() - started)
    except Exception as error:  # a cold first question is the only cost
        log.warning("warm-up failed: %s", error)


def main(settings: Settings, host: str, port: int) -> None:
    """Serve on host:port until Ctrl+C (loopback by default; never a public share link)."""
    started = time.perf_counter()
    api_settings = ApiSettings.from_env()  # a bad value: ConfigError, one line from the CLI
    if host not in LOOPBACK and not api_settings.reads_need_token:
        print(
            f"警告 / warning: 在 {host} 上监听且未设置 POLICY_QA_API_TOKENS，任何能访问该端口的人"
            "都可以调用问答接口 / listening on a non-loopback address without "
            "POLICY_QA_API_TOKENS: anyone who can reach the port can call the read endpoints",
            file=sys.stderr,
        )
    app = open_app(settings)

    def prepare() -> FastAPI:
        warm_up(app.assistant)
        ui = create_ui_app(app)
        print(f"界面已就绪 / web UI ready（{time.perf_counter() - started:.1f} s）", flush=True)
        return ui

    server_app = UiWhenReady(create_api(app, api_settings), prepare)
    print(
        f"policy-qa 已启动（{time.perf_counter() - started:.1f} s）：界面 http://{host}:{port}  "
        f"API http://{host}:{port}/api/v1/docs  按 Ctrl+C 退出 / press Ctrl+C to stop",
        flush=True,
    )
    uvicorn.run(server_app, host=host, port=port, log_level="warning", access_log=False)
