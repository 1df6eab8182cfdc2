"""The library: served documents with metadata, chunk counts and sectioned text; admin
uploads, deletes, disables, enables and metadata edits through App.indexer, the same path as the UI and the CLI.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from assistant.app import App
from ingest.policy import PolicyEditError
from ingest.structure import parse_blocks
from ui.api.auth import require_admin, require_reader
from ui.api.deps import Served
from ui.api.errors import ApiError, not_found
from ui.api.models import (
    CollectionChange,
    CollectionReport,
    DeleteReport,
    DocumentDetail,
    DocumentEntry,
    PolicyEdit,
    Section,
    StatusReport,
    UploadReport,
)
from vectorstore.audit import AuditLog, audit_path, who
from vectorstore.scope import collection_name

if TYPE_CHECKING:  # the indexer (and the ingest pipeline) is imported by app.indexer when used
    from vectorstore.indexer import LifecycleAction

reader = APIRouter(dependencies=[Depends(require_reader)])
admin = APIRouter(dependencies=[Depends(require_admin)], tags=["documents", "admin"])


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


@reader.get("/documents", response_model=list[DocumentEntry])
def documents(app: Served) -> Any:
    """The documents being served, with chunk counts, policy metadata and today's status."""
    return [DocumentEntry.of(r) for r in app.searcher.index.snapshot().documents.values()]


@reader.get(
    "/documents/{doc_id}",
    response_model=DocumentDetail,
    responses={404: {"description": "unknown document"}},
)
def document(doc_id: str, app: Served) -> Any:
    """One document's metadata, chunk count and cleaned text by section."""
    snapshot = app.searcher.index.snapshot()
    record = snapshot.documents.get(doc_id)
    if record is None:
        raise not_found(doc_id)
    return DocumentDetail(
        **asdict(DocumentEntry.of(record)), sections=sections_of(snapshot.text_of(doc_id))
    )


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _split_message(message: str) -> tuple[str, str]:
    """Upload results carry "中文 / English"; the error body keeps the two apart."""
    zh, _, en = message.partition(" / ")
    return zh, en or zh


@admin.post("/documents", response_model=UploadReport, status_code=201)
def upload(
    request: Request,
    file: Annotated[UploadFile, File()],
    app: Served,
    collection: Annotated[str, Form(max_length=32, pattern=r"^([a-z0-9][a-z0-9_-]*)?$")] = "",
) -> Any:
    """Upload one file (multipart field `file`, optional field `collection`, default public):
    checked, stored under a generated name and indexed exactly like a UI upload; the answer is
    its `policy-qa ingest --json` row."""
    chosen = collection_name(collection) if collection.strip() else None
    with tempfile.TemporaryDirectory(prefix="policy-qa-api-") as folder:
        source = Path(folder) / "upload"
        with source.open("wb") as handle:
            shutil.copyfileobj(file.file, handle)
        (result,) = app.indexer.ingest_upload(
            source, file.filename or "", collection=chosen
        ).results
    AuditLog(audit_path(app.settings.store.data_dir)).write(
        who(_client(request), True),
        "upload",
        via="api",
        file=result.name,
        collection=chosen or "public",
        ok=result.ok,
        doc_id=result.doc_id,
        message=result.message,
    )
    if not result.ok:
        raise ApiError(400, "upload_rejected", *_split_message(result.message))
    return JSONResponse({**result.to_json(), "message": result.message}, status_code=201)


@admin.delete("/documents/{doc_id}", response_model=DeleteReport)
def delete(doc_id: str, request: Request, app: Served) -> Any:
    """Remove a document from the index (its chunks and figures; a tombstone in the registry)."""
    _change(app, "delete", doc_id, request)
    return DeleteReport(doc_id=doc_id, deleted=True)


@admin.post("/documents/{doc_id}/disable", response_model=StatusReport)
def disable(doc_id: str, request: Request, app: Served) -> Any:
    """Keep a document but never search, quote or cite it (its figures are hidden too)."""
    _change(app, "disable", doc_id, request)
    return StatusReport(doc_id=doc_id, disabled=True)


@admin.post("/documents/{doc_id}/enable", response_model=StatusReport)
def enable(doc_id: str, request: Request, app: Served) -> Any:
    """Cite a disabled document again."""
    _change(app, "enable", doc_id, request)
    return StatusReport(doc_id=doc_id, disabled=False)


@admin.patch(
    "/documents/{doc_id}",
    response_model=DocumentEntry,
    responses={404: {"description": "unknown document"}, 422: {"description": "bad value"}},
)
def edit(doc_id: str, body: PolicyEdit, request: Request, app: Served) -> Any:
    """Edit a document's policy metadata (文号, type, validity, status, replacement, source);
    audited, and kept when the document is re-ingested."""
    if app.store.document(doc_id) is None:
        raise not_found(doc_id)
    changes = body.model_dump(exclude_none=True)
    try:
        record = app.indexer.set_policy(doc_id, changes, who(_client(request), True), "api")
    except PolicyEditError as error:
        raise ApiError(422, "invalid_metadata", error.message_zh, error.message_en) from None
    return DocumentEntry.of(record)


@admin.post("/documents/{doc_id}/collection", response_model=CollectionReport)
def move(doc_id: str, body: CollectionChange, request: Request, app: Served) -> Any:
    """Put a document in another collection: only callers granted it see it from now on."""
    _change(app, "move", doc_id, request, body.collection)
    return CollectionReport(doc_id=doc_id, collection=body.collection)


def _change(
    app: App, action: LifecycleAction, doc_id: str, request: Request, collection: str = ""
) -> None:
    """The indexer's audited lifecycle change; an unknown document is a 404."""
    result = app.indexer.change(action, doc_id, who(_client(request), True), "api", collection)
    if not result.ok:
        raise not_found(doc_id)
