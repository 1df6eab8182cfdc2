"""`GET /health`: store reachable, documents and chunks served, embedding model, answer mode.

Never rate-limited or behind a token, so a monitor or load balancer can always ask.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ui.api.deps import Served
from ui.api.models import Health, StoreHealth
from vectorstore.errors import StoreError

router = APIRouter()


@router.get("/health", response_model=Health, responses={503: {"model": Health}}, tags=["health"])
def health_check(app: Served) -> Any:
    """Store reachable, documents and chunks served, embedding model, answer mode."""
    store = StoreHealth(
        reachable=True,
        backend="server" if app.settings.store.chroma_host else "embedded",
        documents=0,
        chunks=0,
    )
    model: str = app.settings.store.embedding  # the configured backend until the store answers
    try:
        app.store.heartbeat()
        model = app.store.model_name
        snapshot = app.searcher.index.snapshot()
        store.documents, store.chunks = len(snapshot.documents), len(snapshot.chunks)
    except StoreError as error:
        store.reachable, store.error = False, str(error)
    body = Health(
        status="ok" if store.reachable else "unavailable",
        store=store,
        embedding_model=model,
        answer_mode=app.settings.llm.mode,
    )
    return JSONResponse(body.model_dump(), status_code=200 if store.reachable else 503)
