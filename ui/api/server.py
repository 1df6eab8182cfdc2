"""`policy-qa serve`: one process, one port: the Gradio UI at / and the API at /api/v1.

Both are built over the same served objects (ui/api/wiring.py), so the UI and the API share
one snapshot, one embedding model and one assistant.
"""

from __future__ import annotations

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


def main(host: str, port: int) -> None:
    """Serve on host:port until Ctrl+C (loopback by default; never a public share link)."""
    started = time.perf_counter()
    app = open_serving_app()
    server_app = create_server_app(app)
    warm_up(app.assistant)
    print(
        f"policy-qa 已就绪（{time.perf_counter() - started:.1f} s）：界面 http://{host}:{port}  "
        f"API http://{host}:{port}/api/v1/docs  按 Ctrl+C 退出 / press Ctrl+C to stop",
        flush=True,
    )
    uvicorn.run(server_app, host=host, port=port, log_level="warning", access_log=False)
