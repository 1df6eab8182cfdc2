"""What every route module shares: the App of this server and the common error responses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from assistant.app import App

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": text}
    for status, text in {
        400: "bad input",
        401: "missing or invalid token",
        429: "rate limited (Retry-After)",
        503: "store unavailable",
    }.items()
}


def serving(request: Request) -> App:
    return request.app.state.policy_app


Served = Annotated[App, Depends(serving)]
