"""`make bench` only: what HTTP adds to an answer. `POST /api/v1/ask` p50 against
`Assistant.ask` p50 on the same questions and the same Assistant, target within 20 ms.

The server is a real uvicorn on 127.0.0.1 (in a thread of this process); the client keeps
one connection alive, as an integrating service would. The two are measured alternately,
question by question, so load on the shared machine affects both alike.
"""

from __future__ import annotations

import json
import statistics
import time

import httpx
import pytest

from assistant.app import open_app
from assistant.settings import Settings
from tests.api_server import ThreadedServer
from tests.conftest import REPO
from ui.api.app import create_api
from ui.api.config import ApiSettings
from vectorstore.settings import StoreSettings

pytestmark = pytest.mark.bench

QUESTIONS = 30
ROUNDS = 3
TARGET_MS = 20.0


def _questions() -> list[str]:
    lines = (REPO / "evals" / "datasets" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines[:QUESTIONS]]


def test_api_ask_adds_under_20_ms_at_p50(indexed_settings: StoreSettings) -> None:
    served = open_app(Settings(store=indexed_settings))
    questions = _questions()
    direct: list[float] = []
    over_http: list[float] = []
    api = create_api(served, ApiSettings(rate_per_minute=0))
    with ThreadedServer(api) as server, httpx.Client(base_url=server.url, timeout=120) as client:
        for question in questions[:3]:  # warm up: model, BM25, term weights, connection
            served.assistant.ask(question)
            client.post("/api/v1/ask", json={"question": question}).raise_for_status()
        for _ in range(ROUNDS):
            for question in questions:
                began = time.perf_counter()
                served.assistant.ask(question)
                direct.append((time.perf_counter() - began) * 1000)
                began = time.perf_counter()
                client.post("/api/v1/ask", json={"question": question}).raise_for_status()
                over_http.append((time.perf_counter() - began) * 1000)
    p50_direct, p50_http = statistics.median(direct), statistics.median(over_http)
    print(
        f"\nAssistant.ask p50 {p50_direct:.1f} ms; POST /api/v1/ask p50 {p50_http:.1f} ms; "
        f"difference {p50_http - p50_direct:.1f} ms (target < {TARGET_MS:.0f} ms; "
        f"{len(direct)} answers each)"
    )
    assert p50_http - p50_direct < TARGET_MS
