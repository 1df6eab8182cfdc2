"""JSON and SSE endpoints: ask, search, documents, feedback, health.

Answers and passages are serialised by the same `to_json` methods as `policy-qa ask|search
--json`, so the API returns exactly the CLI's objects.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse

from assistant.answer import Answer
from assistant.app import App
from ingest.structure import parse_blocks
from ui.api import sse
from ui.api.auth import require_admin, require_reader
from ui.api.errors import ApiError, from_store_error, internal_error, not_found
from ui.api.models import (
    AskRequest,
    AskResponse,
    DeleteReport,
    DocumentDetail,
    FeedbackReport,
    FeedbackRequest,
    Filters,
    Health,
    SearchHit,
    SearchRequest,
    Section,
    UploadReport,
)
from ui.audit import AuditLog, audit_path, who
from ui.feedback import FeedbackLog, feedback_path, new_question_id
from vectorstore.errors import StoreError
from vectorstore.search import RETRIEVERS, SearchFilters
from vectorstore.store import DocumentRecord

reader = APIRouter(dependencies=[Depends(require_reader)])
admin = APIRouter(dependencies=[Depends(require_admin)], tags=["admin"])
health = APIRouter()

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


def search_filters(filters: Filters | None) -> SearchFilters | None:
    if filters is None or not (filters.doc_ids or filters.years):
        return None
    return SearchFilters(frozenset(filters.doc_ids), frozenset(filters.years))


# -- ask and search ----------------------------------------------------------------------------


@reader.post("/ask", response_model=AskResponse, responses=ERRORS, tags=["answers"])
def ask(body: AskRequest, app: Served, stream: bool = False) -> Any:
    """A cited answer: the `policy-qa ask --json` object; `?stream=true` for Server-Sent Events
    (`delta` events with text increments, then one `answer` event with the whole object)."""
    history = [(turn.question, turn.answer) for turn in body.history]
    filters = search_filters(body.filters)
    if stream:
        events = _answer_events(app, body.question, history, filters, body.mode)
        return StreamingResponse(events, media_type=sse.MEDIA_TYPE, headers=sse.HEADERS)
    answer = app.assistant.ask(body.question, history, filters, body.mode)
    return JSONResponse(answer.to_json())


def _answer_events(
    app: App,
    question: str,
    history: list[tuple[str, str]],
    filters: SearchFilters | None,
    mode: str | None,
) -> Iterator[str]:
    try:
        for item in app.assistant.ask_stream(question, history, filters, mode):
            if isinstance(item, Answer):
                yield sse.event(item.to_json(), "answer")
            elif item:
                yield sse.event({"text": item}, "delta")
    except StoreError as error:  # the response has started: the error travels as an event
        yield sse.event(from_store_error(error).body(), "error")
    except Exception as error:
        yield sse.event(internal_error(error).body(), "error")


@reader.post("/search", response_model=list[SearchHit], responses=ERRORS, tags=["answers"])
def search(body: SearchRequest, app: Served) -> Any:
    """Ranked passages: the `policy-qa search --json` list."""
    passages = app.searcher.search(
        body.query, body.k, search_filters(body.filters), RETRIEVERS[body.retriever]
    )
    return JSONResponse([p.to_json(rank) for rank, p in enumerate(passages, start=1)])


# -- documents --------------------------------------------------------------------------------


def sections_of(text: str) -> tuple[Section, ...]:
    """The cleaned text cut at section changes, each piece verbatim (nothing rewritten)."""
    sections: list[Section] = []
    spans: list[tuple[str, int, int]] = []
    for block in parse_blocks(text):
        if spans and spans[-1][0] == block.section_path:
            spans[-1] = (block.section_path, spans[-1][1], block.end)
        else:
            spans.append((block.section_path, block.start, block.end))
    for path, start, end in spans:
        piece = text[start:end].strip()
        if piece:
            sections.append(Section(path, piece))
    return tuple(sections)


@reader.get("/documents", response_model=list[DocumentRecord], tags=["documents"])
def documents(app: Served) -> Any:
    """The documents being served, with chunk counts (what search and answers see)."""
    return list(app.searcher.index.snapshot().documents.values())


@reader.get(
    "/documents/{doc_id}",
    response_model=DocumentDetail,
    responses={404: {"description": "unknown document"}},
    tags=["documents"],
)
def document(doc_id: str, app: Served) -> Any:
    """One document's metadata, chunk count and cleaned text by section."""
    snapshot = app.searcher.index.snapshot()
    record = snapshot.documents.get(doc_id)
    if record is None:
        raise not_found(doc_id)
    return DocumentDetail(**asdict(record), sections=sections_of(snapshot.text_of(doc_id)))


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _split_message(message: str) -> tuple[str, str]:
    """Upload results carry "中文 / English"; the error body keeps the two apart."""
    zh, _, en = message.partition(" / ")
    return zh, en or zh


@admin.post("/documents", response_model=UploadReport, status_code=201, tags=["documents"])
def upload(request: Request, file: Annotated[UploadFile, File()], app: Served) -> Any:
    """Upload one file (multipart field `file`): checked, stored under a generated name and
    indexed exactly like a UI upload; the answer is its `policy-qa ingest --json` row."""
    with tempfile.TemporaryDirectory(prefix="policy-qa-api-") as folder:
        source = Path(folder) / "upload"
        with source.open("wb") as handle:
            shutil.copyfileobj(file.file, handle)
        (result,) = app.indexer.ingest_upload(source, file.filename or "").results
    AuditLog(audit_path(app.settings.store.data_dir)).write(
        who(_client(request), True),
        "upload",
        via="api",
        file=result.name,
        ok=result.ok,
        doc_id=result.doc_id,
        message=result.message,
    )
    if not result.ok:
        raise ApiError(400, "upload_rejected", *_split_message(result.message))
    return JSONResponse({**result.to_json(), "message": result.message}, status_code=201)


@admin.delete("/documents/{doc_id}", response_model=DeleteReport, tags=["documents"])
def delete(doc_id: str, request: Request, app: Served) -> Any:
    """Remove a document from the index (its chunks and figures; a tombstone in the registry)."""
    (result,) = app.indexer.delete(doc_id).results
    AuditLog(audit_path(app.settings.store.data_dir)).write(
        who(_client(request), True), "delete", via="api", doc_id=doc_id, ok=result.ok
    )
    if not result.ok:
        raise not_found(doc_id)
    return DeleteReport(doc_id=doc_id, deleted=True)


# -- feedback and health -------------------------------------------------------------------------


@reader.post("/feedback", response_model=FeedbackReport, tags=["feedback"])
def feedback(body: FeedbackRequest, app: Served) -> Any:
    """A 👍/👎 vote on an answer (same log as the UI: one record per question id)."""
    log = FeedbackLog(feedback_path(app.settings.store.data_dir))
    question_id = body.question_id or new_question_id()
    liked = {"up": True, "down": False, "none": None}[body.rating]
    citations = [c.model_dump() for c in body.citations]
    log.record(
        liked,
        body.question,
        body.answer,
        citations,
        body.mode,
        body.refused,
        question_id=question_id,
    )
    if body.reason or body.comment:
        log.comment(question_id, body.reason, body.comment)
    return FeedbackReport(question_id=question_id, rating=body.rating)


@health.get("/health", response_model=Health, responses={503: {"model": Health}}, tags=["health"])
def health_check(app: Served) -> Any:
    """Store reachable, documents and chunks served, embedding model, answer mode."""
    backend = "server" if app.settings.store.chroma_host else "embedded"
    store: dict[str, Any] = {"reachable": True, "backend": backend, "documents": 0, "chunks": 0}
    try:
        app.store.heartbeat()
        snapshot = app.searcher.index.snapshot()
        store.update(documents=len(snapshot.documents), chunks=len(snapshot.chunks))
    except StoreError as error:
        store.update(reachable=False, error=str(error))
    body = Health(
        status="ok" if store["reachable"] else "unavailable",
        store=store,  # type: ignore[arg-type]
        embedding_model=app.store.model_name,
        answer_mode=app.settings.llm.mode,
    )
    return JSONResponse(body.model_dump(), status_code=200 if store["reachable"] else 503)
