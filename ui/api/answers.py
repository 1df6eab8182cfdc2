"""Answers and passages: ask (JSON or Server-Sent Events), search, and feedback on answers.

Answers and passages are serialised by the same `to_json` methods as `policy-qa ask|search
--json`, so the API returns exactly the CLI's objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, StreamingResponse

from assistant.answer import Answer
from assistant.app import App
from ingest.policy import PolicyEditError, doc_type_code, status_value
from ui.api import sse
from ui.api.auth import require_reader
from ui.api.deps import ERRORS, Served
from ui.api.errors import ApiError, from_store_error, internal_error
from ui.api.models import (
    AskRequest,
    AskResponse,
    FeedbackReport,
    FeedbackRequest,
    Filters,
    SearchHit,
    SearchRequest,
)
from ui.feedback import FeedbackLog, feedback_path, new_question_id
from vectorstore.errors import StoreError
from vectorstore.search import RETRIEVERS, SearchFilters

router = APIRouter(dependencies=[Depends(require_reader)])


def search_filters(filters: Filters | None) -> SearchFilters | None:
    """The request's filters; an unknown status or type is a 422 naming the valid ones."""
    if filters is None or not (
        filters.doc_ids or filters.years or filters.statuses or filters.doc_types
    ):
        return None
    try:
        statuses = frozenset(status_value(value) for value in filters.statuses)
        doc_types = frozenset(doc_type_code(value, "doc_types") for value in filters.doc_types)
    except PolicyEditError as error:
        raise ApiError(422, "invalid_filter", error.message_zh, error.message_en) from None
    return SearchFilters(frozenset(filters.doc_ids), frozenset(filters.years), statuses, doc_types)


@router.post("/ask", response_model=AskResponse, responses=ERRORS, tags=["answers"])
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


@router.post("/search", response_model=list[SearchHit], responses=ERRORS, tags=["answers"])
def search(body: SearchRequest, app: Served) -> Any:
    """Ranked passages: the `policy-qa search --json` list."""
    passages = app.searcher.search(
        body.query, body.k, search_filters(body.filters), RETRIEVERS[body.retriever]
    )
    return JSONResponse([p.to_json(rank) for rank, p in enumerate(passages, start=1)])


@router.post("/feedback", response_model=FeedbackReport, tags=["feedback"])
def feedback(body: FeedbackRequest, app: Served) -> Any:
    """A 👍/👎 vote on an answer (same log as the UI: one record per question id)."""
    log = FeedbackLog(feedback_path(app.settings.store.data_dir), app.query_log.feedback)
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
