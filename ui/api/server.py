"""`policy-qa serve`: one process, one port: the Gradio UI at / and the API at /api/v1.

Both are built over the one App (assistant.app.open_app), so the UI and the API share one
snapshot, one embedding model and one assistant.
"""

from __future__ import annotations

import sys
import time

import gradio as gr
import uvicorn
from fastapi import FastAPI

from assistant.app import App, open_app
from assistant.settings import Settings
from ui.api.app import create_api
from ui.api.config import ApiSettings
from ui.app import build_app, page_options, warm_up
from ui.guard import AttemptGuard

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def create_server_app(
    app: App, settings: ApiSettings | None = None, guard: AttemptGuard | None = None
) -> FastAPI:
    """The API with the UI mounted at / (the UI's Chinese locale handling applies to it)."""
    api = create_api(app, settings)
    demo = build_app(app, guard)
    options = page_options(app.settings.web.upload_max_bytes)
    return gr.mount_gradio_app(api, demo, path="/", **options)


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
    warm_up(app.assistant)  # loads the model and the snapshot while the UI is being built
    server_app = create_server_app(app, api_settings)
    print(
        f"policy-qa 已就绪（{time.perf_counter() - started:.1f} s）：界面 http://{host}:{port}  "
        f"API http://{host}:{port}/api/v1/docs  按 Ctrl+C 退出 / press Ctrl+C to stop",
        flush=True,
    )
    uvicorn.run(server_app, host=host, port=port, log_level="warning", access_log=False)
