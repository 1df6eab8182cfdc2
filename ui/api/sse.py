"""Server-Sent Events framing: one JSON object per event, so a line break can never split one."""

from __future__ import annotations

import json
from typing import Any

MEDIA_TYPE = "text/event-stream"
# Proxies (nginx) must pass events on at once instead of buffering the stream.
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def event(data: Any, name: str | None = None) -> str:
    """`event: NAME` (if any) and one `data:` line holding `data` as JSON."""
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n"


def done() -> str:
    """The OpenAI stream terminator."""
    return "data: [DONE]\n\n"
