"""`policy-qa serve`: one process, one port: the Gradio UI at / and the API at /api/v1.

Both are built over the same served objects (ui/api/wiring.py), so the UI and the API share
one snapshot, one embedding model and one assistant.
"""

from __future__ import annotations

import sys
import time

import gradio as gr
import uvicorn
from fastapi import FastAPI

from ui.api.app import create_api
from ui.api.config import ApiSettings
from ui.api.wiring import ServingApp, open_serving_app
from ui.app import build_app, page_options, warm_up


def create_server_app(
    app: ServingApp, settings: ApiSettings | None = None, **ui: object
) -> FastAPI:
    """The API with the UI mounted at /; `ui` passes options to `build_app` (tests)."""
    settings = settings or ApiSettings.from_env()
    api = create_api(app, settings)
    demo = build_app(app.assistant, app.store, app.settings, **ui)  # type: ignore[arg-type]
    max_upload = ui.get("max_upload_bytes") or settings.max_upload_bytes
    return gr.mount_gradio_app(api, demo, path="/", **page_options(max_upload))  # type: ignore[arg-type]


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def main(host: str, port: int) -> None:
    """Serve on host:port until Ctrl+C (loopback by default; never a public share link)."""
    started = time.perf_counter()
    try:
        settings = ApiSettings.from_env()
        app = open_serving_app()
    except ValueError as error:  # a misconfiguration: one bilingual line, no traceback
        print(f"错误 / error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    if host not in LOOPBACK and not settings.reads_need_token:
        print(
            f"警告 / warning: 在 {host} 上监听且未设置 POLICY_QA_API_TOKENS，任何能访问该端口的人"
            "都可以调用问答接口 / listening on a non-loopback address without "
            "POLICY_QA_API_TOKENS: anyone who can reach the port can call the read endpoints",
            file=sys.stderr,
        )
    server_app = create_server_app(app, settings)
    warm_up(app.assistant)
    print(
        f"policy-qa 已就绪（{time.perf_counter() - started:.1f} s）：界面 http://{host}:{port}  "
        f"API http://{host}:{port}/api/v1/docs  按 Ctrl+C 退出 / press Ctrl+C to stop",
        flush=True,
    )
    uvicorn.run(server_app, host=host, port=port, log_level="warning", access_log=False)
