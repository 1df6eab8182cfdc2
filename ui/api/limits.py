"""Per-client rate limit (429 + Retry-After) and request body limits (413) for /api/v1.

Both run before any route, so an oversized or excessive request costs the server almost
nothing: a declared Content-Length over the limit is refused before reading, and a body
without one is counted as it arrives and refused as soon as it passes the limit.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from ui.api.config import UPLOAD_OVERHEAD_BYTES, ApiSettings
from ui.api.errors import ApiError

API_PREFIX = "/api/v1"
# Probes and the schema are never limited (a monitor must see a busy server as healthy).
UNLIMITED = frozenset({f"{API_PREFIX}/health", f"{API_PREFIX}/docs", f"{API_PREFIX}/openapi.json"})
UPLOAD_PATH = f"{API_PREFIX}/documents"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """A token bucket per client: `per_minute` requests a minute, bursts up to that many."""

    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = per_minute
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def wait_needed(self, client: str) -> float:
        """0 if `client` may go now (and counts the request), else seconds until it may."""
        if self.capacity <= 0:
            return 0.0
        with self._lock:
            now = self.clock()
            bucket = self._buckets.setdefault(client, _Bucket(self.capacity, now))
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate


class _TooLarge(Exception):
    pass


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "payload_too_large",
        f"请求过大，上限为 {limit // 1024} KB",
        f"request too large; the limit is {limit // 1024} KB",
    )


def _body_limit(scope: Scope, settings: ApiSettings, upload_max_bytes: int) -> int:
    if scope.get("method") == "POST" and scope["path"].rstrip("/") == UPLOAD_PATH:
        return upload_max_bytes + UPLOAD_OVERHEAD_BYTES
    return settings.max_body_bytes


class ApiGuard:
    """ASGI middleware: rate limit by client address, then the body size limit."""

    def __init__(
        self, app: Asgi, settings: ApiSettings, limiter: RateLimiter, upload_max_bytes: int
    ) -> None:
        self.app = app
        self.settings = settings
        self.limiter = limiter
        self.upload_max_bytes = upload_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        if path not in UNLIMITED:
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.limiter.wait_needed(client)
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                error = ApiError(
                    429,
                    "rate_limited",
                    f"请求过于频繁，请 {seconds} 秒后再试",
                    f"too many requests; retry in {seconds} s",
                    {"Retry-After": str(seconds)},
                )
                await error.response()(scope, receive, send)
                return
        limit = _body_limit(scope, self.settings, self.upload_max_bytes)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(limit).response()(scope, receive, send)
            return
        await self._counted(scope, receive, send, limit)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Count the body as it arrives; past the limit, whatever the app answers becomes 413
        (a parser may catch the stop and report it as its own error)."""
        received = 0
        over = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    raise _TooLarge
            return message

        async def replacing_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if over:
                    await _too_large(limit).response()(scope, receive, send)
                    return
            if not over:
                await send(message)

        try:
            await self.app(scope, counting_receive, replacing_send)
        except _TooLarge:
            if not started:
                await _too_large(limit).response()(scope, receive, send)
