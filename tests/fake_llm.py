"""A local OpenAI-compatible chat server for tests: scripted replies, recorded requests, failure modes.

It speaks just enough of `/v1/chat/completions` (JSON and SSE streaming) for the real
langchain-openai client, so the LLM path is tested end to end without a network.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from tests.helpers import free_port

DEFAULT_REPLY = "已收录的文档中没有找到相关信息。"


@dataclass
class FakeLLM:
    """Server state: replies to hand out in order, what was asked, and how to misbehave."""

    replies: list[str] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    # "" | "error" (HTTP 500) | "hang" (sleep past the client's timeout) | "ratelimit" (HTTP 429)
    # | "malformed" (HTTP 200, a stream of invalid JSON) | "empty" (HTTP 200, no content)
    # | "echo_key" (HTTP 401 whose message repeats the Authorization header, as some servers do)
    failure: str = ""
    hang_s: float = 3.0
    base_url: str = ""

    def reset(self) -> None:
        self.replies.clear()
        self.requests.clear()
        self.failure = ""

    def next_reply(self) -> str:
        return self.replies.pop(0) if self.replies else DEFAULT_REPLY


def _chunk(model: str, delta: dict[str, str], finish: str | None = None) -> str:
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def _sse(model: str, reply: str) -> Iterator[str]:
    yield _chunk(model, {"role": "assistant", "content": ""})
    for start in range(0, len(reply), 8):
        yield _chunk(model, {"content": reply[start : start + 8]})
    yield _chunk(model, {}, "stop")
    yield "data: [DONE]\n\n"


def _rate_limited(request: Request) -> Any:
    return JSONResponse(
        {"error": {"message": "rate limit exceeded", "type": "rate_limit_error"}},
        status_code=429,
        headers={"retry-after": "0"},
    )


def _malformed(request: Request) -> Any:
    def lines() -> Iterator[str]:
        yield 'data: {"id": "chatcmpl-fake", "choices": [{"delta": {"content": "半'
        yield "\n\ndata: not json at all\n\n"

    return StreamingResponse(lines(), media_type="text/event-stream")


def _empty(request: Request) -> Any:
    def lines() -> Iterator[str]:
        yield _chunk("fake", {"role": "assistant", "content": ""})
        yield _chunk("fake", {}, "stop")
        yield "data: [DONE]\n\n"

    return StreamingResponse(lines(), media_type="text/event-stream")


def _echo_key(request: Request) -> Any:
    header = request.headers.get("authorization", "")
    message = f"Incorrect API key provided: {header.removeprefix('Bearer ')}"
    return JSONResponse(
        {"error": {"message": message, "type": "invalid_request_error"}}, status_code=401
    )


_FAILURES = {
    "ratelimit": _rate_limited,
    "malformed": _malformed,
    "empty": _empty,
    "echo_key": _echo_key,
}


def build_app(state: FakeLLM) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def completions(request: Request) -> Any:
        payload = await request.json()
        state.requests.append(
            {**payload, "authorization": request.headers.get("authorization", "")}
        )
        if state.failure == "error":
            return JSONResponse(
                {"error": {"message": "internal error", "type": "server_error"}}, status_code=500
            )
        if state.failure == "hang":
            await asyncio.sleep(state.hang_s)
        if state.failure in _FAILURES:
            return _FAILURES[state.failure](request)
        model = payload.get("model", "fake")
        reply = state.next_reply()
        if payload.get("stream"):
            return StreamingResponse(_sse(model, reply), media_type="text/event-stream")
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    return app


class RunningServer:
    """uvicorn serving the fake app in a background thread, on a free port of 127.0.0.1."""

    def __init__(self, state: FakeLLM) -> None:
        port = free_port()
        config = uvicorn.Config(build_app(state), host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        state.base_url = f"http://127.0.0.1:{port}/v1"

    def __enter__(self) -> RunningServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake LLM server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
