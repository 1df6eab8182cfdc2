"""The FastAPI application: /api/v1 routes, error bodies, auth, limits, CORS, freshness."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse

from assistant.app import App
from ui.api import answers, chat, documents, errors, files, health, indicators, measures
from ui.api.config import ApiSettings
from ui.api.docs_page import docs_html
from ui.api.freshness import SnapshotWatcher
from ui.api.limits import API_PREFIX, ApiGuard, RateLimiter

DESCRIPTION = """广州科技创新政策问答 HTTP API / Cited Q&A over Guangzhou S&T innovation documents.

Errors: `{"error": {"code", "message_zh", "message_en"}}`. With `POLICY_QA_API_TOKENS` set,
send `Authorization: Bearer <token>`; admin endpoints need `POLICY_QA_ADMIN_TOKEN`."""

fallback = APIRouter()


@fallback.api_route(
    "/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
)
def unknown_endpoint(path: str) -> None:
    """Anything else under /api/v1 is a JSON 404, not the UI's page."""
    raise errors.ApiError(404, "not_found", "没有这个接口", f"no endpoint /api/v1/{path}")


def create_api(app: App, settings: ApiSettings | None = None) -> FastAPI:
    """The API over `app` (the same objects the UI uses); mount the UI on it afterwards."""
    settings = settings or ApiSettings.from_env()

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        watcher = SnapshotWatcher(lambda: app.searcher.index.snapshot(), settings.refresh_s)
        watcher.start()
        try:
            yield
        finally:
            watcher.stop()

    api = FastAPI(
        title="policy-qa API",
        version="1",
        description=DESCRIPTION,
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN: blank offline
        openapi_url=f"{API_PREFIX}/openapi.json",
        redoc_url=None,
        lifespan=lifespan,
    )
    api.state.policy_app = app
    api.state.api_settings = settings
    errors.install(api)
    routers = (
        health.router,
        answers.router,
        documents.reader,
        files.reader,
        documents.admin,
        indicators.router,
        measures.router,
        chat.router,
    )
    for router in routers:
        api.include_router(router, prefix=API_PREFIX)

    @api.get(f"{API_PREFIX}/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """The API reference, built from the schema; nothing loaded from outside."""
        return HTMLResponse(docs_html(api.openapi()))

    api.include_router(fallback, prefix=API_PREFIX)
    api.include_router(files.direct)  # citation links, outside /api/v1 (before the UI mount)
    api.add_middleware(
        ApiGuard,
        settings=settings,
        limiter=RateLimiter(settings.rate_per_minute),
        upload_max_bytes=app.settings.web.upload_max_bytes,
    )
    if settings.cors_origins:
        api.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    return api
