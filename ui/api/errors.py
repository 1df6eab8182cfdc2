"""One error body for every failure: `{"error": {"code", "message_zh", "message_en"}}`.

Clients branch on `code` and the HTTP status; people read the two messages. Nothing else
leaves the server: an unexpected exception is logged here and answered with a generic 500,
never with a traceback.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from vectorstore.errors import EmptyIndex, StoreError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A failure the client must see with its HTTP status, code and bilingual message."""

    def __init__(
        self,
        status: int,
        code: str,
        message_zh: str,
        message_en: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.status = status
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.headers = headers or {}

    def body(self) -> dict[str, dict[str, str]]:
        return {
            "error": {
                "code": self.code,
                "message_zh": self.message_zh,
                "message_en": self.message_en,
            }
        }

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def not_found(doc_id: str) -> ApiError:
    return ApiError(404, "not_found", f"没有文档 {doc_id}", f"no document {doc_id!r}")


def from_store_error(error: StoreError) -> ApiError:
    """The store's own bilingual message; an empty index is unusable like a store that is down."""
    code = "index_empty" if isinstance(error, EmptyIndex) else "store_unavailable"
    return ApiError(503, code, error.message_zh, error.message_en)


def internal_error(error: BaseException) -> ApiError:
    log.error("API request failed", exc_info=error)
    return ApiError(
        500,
        "internal_error",
        "内部错误，请稍后重试",
        f"internal error ({type(error).__name__})",
    )


def _validation_message(error: RequestValidationError) -> str:
    """Where the input is wrong, e.g. `body.question: Field required` (no input echoed)."""
    parts = []
    for problem in error.errors()[:3]:
        where = ".".join(str(p) for p in problem.get("loc", ()))
        parts.append(f"{where}: {problem.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


_HTTP_CODES = {
    400: ("bad_request", "请求无效", "bad request"),
    404: ("not_found", "没有这个地址", "no such endpoint"),
    405: ("method_not_allowed", "不支持该请求方法", "method not allowed"),
}


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into the one error body."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return error.response()

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        message = _validation_message(error)
        return ApiError(400, "bad_request", f"请求无效：{message}", message).response()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code, zh, en = _HTTP_CODES.get(error.status_code, ("http_error", "请求失败", "failed"))
        return ApiError(error.status_code, code, zh, en, dict(error.headers or {})).response()

    @app.exception_handler(StoreError)
    async def store_down(request: Request, error: StoreError) -> JSONResponse:
        return from_store_error(error).response()

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        return internal_error(error).response()
