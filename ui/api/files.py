"""Original files behind citation links: `/files/{doc_id}` and `/api/v1/documents/{id}/file`.

Only a document the caller may see is served (the scoped snapshot decides, like every other
read); an unknown and a forbidden document get the same 404, so a guessed URL reveals
nothing, not even that a title exists. The path never comes from the request: the doc id is
looked up, and the record names its kept file (vectorstore.originals).

A browser following a card's link sends no bearer token and the UI login lives in the page
session, so cards of a logged-in user carry a signed grant for that one document
(`?grant=<expiry>.<signature>`), valid for an hour and only in this server process.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse

from assistant.app import App
from ui.api.auth import require_reader, scope_of_request
from ui.api.deps import Served
from ui.api.errors import not_found
from vectorstore.originals import content_type, file_link, original_path
from vectorstore.scope import ALL_COLLECTIONS, scoped

GRANT_SECONDS = 3600

reader = APIRouter(dependencies=[Depends(require_reader)], tags=["documents"])
direct = APIRouter()


@dataclass(frozen=True)
class LinkGrants:
    """Signed file links for logged-in users (a browser following a link sends no token).

    The key is `POLICY_QA_LINK_SECRET` when set, so that every replica behind a load
    balancer accepts the links any of them made; else one per process."""

    secret: bytes = field(repr=False)

    def link(self, doc_id: str, page: int = 0) -> str:
        """A card's link: signed for this one document, for an hour."""
        expires = int(time.time()) + GRANT_SECONDS
        return file_link(doc_id, page, f"grant={expires}.{self._signature(doc_id, expires)}")

    def allows(self, doc_id: str, grant: str) -> bool:
        expires_text, _, signature = grant.partition(".")
        if not expires_text.isdigit() or int(expires_text) < time.time():
            return False
        return hmac.compare_digest(signature, self._signature(doc_id, int(expires_text)))

    def _signature(self, doc_id: str, expires: int) -> str:
        message = f"{doc_id}\x00{expires}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:32]


def serve_original(app: App, doc_id: str) -> FileResponse:
    """The kept original of a document in the current scope, shown inline; else 404."""
    record = app.searcher.index.snapshot().documents.get(doc_id)
    path = original_path(app.settings.store.data_dir, record.original) if record else None
    if record is None or path is None:
        raise not_found(doc_id)
    name = quote(doc_id.rsplit("/", 1)[-1], safe="")
    return FileResponse(
        path,
        media_type=content_type(record.original),
        headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{name}",
            "X-Content-Type-Options": "nosniff",
            # An uploaded HTML file is shown, never run: no script, no form, no same origin.
            "Content-Security-Policy": "sandbox",
        },
    )


@reader.get(
    "/documents/{doc_id:path}/file",
    response_class=FileResponse,
    responses={404: {"description": "unknown document, or one the caller may not see"}},
)
def document_file(doc_id: str, app: Served) -> Any:
    """The original file of a document (PDF pages open with `#page=N`)."""
    return serve_original(app, doc_id)


@direct.get("/files/{doc_id:path}", include_in_schema=False)
def linked_file(doc_id: str, request: Request, app: Served, grant: str = "") -> Any:
    """A citation card's link: public documents, a bearer token's collections, or a grant."""
    granted = grant and LinkGrants(app.settings.access.link_secret).allows(doc_id, grant)
    scope = ALL_COLLECTIONS if granted else scope_of_request(request)
    with scoped(scope):
        return serve_original(app, doc_id)
