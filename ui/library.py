"""The library tab: the document table, the reader, and what every tab shows of the documents."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.config import AssistantSettings
from ui import render
from vectorstore.errors import StoreError
from vectorstore.indexer import Indexer
from vectorstore.scope import ALL_COLLECTIONS, current_scope, scoped, visible
from vectorstore.store import ChunkStore, DocumentRecord

log = logging.getLogger(__name__)


class Library:
    """The documents as the page shows them; a store that is down shows an empty list."""

    def __init__(self, store: ChunkStore, indexer: Indexer, settings: AssistantSettings) -> None:
        self.store = store
        self.indexer = indexer
        self.settings = settings

    def documents(self) -> list[DocumentRecord]:
        """The documents of the session's collections (an admin's: all of them)."""
        try:
            return visible(self.store.documents())
        except StoreError as error:
            log.warning("document list unavailable: %s", error)
            return []

    def refresh(self, is_admin: bool = False) -> tuple[Any, ...]:
        """New values for `LibraryTab.refreshed` (+ the chat's filters and placeholder)."""
        with scoped(ALL_COLLECTIONS if is_admin else current_scope()):
            return self._refreshed(is_admin)

    def _refreshed(self, is_admin: bool) -> tuple[Any, ...]:
        records = self.documents()
        served = [record for record in records if not record.disabled]
        choices = render.document_choices(records)
        return (
            render.document_table_html(records),
            gr.update(choices=choices),
            gr.update(choices=render.document_choices(served)),
            gr.update(choices=render.year_choices(served)),
            f"共收录 **{len(records)}** 个文档",
            gr.update(placeholder=render.coverage_html(served, self.settings)),
            render.document_table_html(records, admin=True) if is_admin else "",
            gr.update(choices=self.indexer.uploaded_doc_ids() if is_admin else []),
            gr.update(choices=choices if is_admin else []),
        )

    def read(self, doc_id: str | None, is_admin: bool = False) -> str:
        if not doc_id:
            return render.document_html(None, "")
        try:
            record = self.store.document(doc_id)
            if (
                record is not None
                and not is_admin
                and not current_scope().allows(record.collection)
            ):
                record = None  # outside the session's collections: as if it did not exist
            text = self.store.document_text(doc_id) if record else ""
        except StoreError as error:
            return f'<div class="pqa-doc-empty">{render.escape(error)}</div>'
        return render.document_html(record, text, admin=is_admin)


@dataclass
class LibraryTab:
    doc_count: gr.Markdown
    table: gr.HTML
    doc_select: gr.Dropdown
    reader: gr.HTML


def library_table(library: Library, initial_docs: list[DocumentRecord]) -> LibraryTab:
    """Lay out the top of the library tab (inside its Tab; the admin panel follows it)."""
    doc_count = gr.Markdown(f"共收录 **{len(initial_docs)}** 个文档", elem_id="pqa-doc-count")
    table = gr.HTML(render.document_table_html(initial_docs), elem_id="pqa-doc-table")
    first_choices = render.document_choices(initial_docs)
    first_doc = first_choices[0][1] if first_choices else None
    doc_select = gr.Dropdown(
        label="选择文档阅读全文（按章节显示清理后的文本）",
        choices=first_choices,
        value=first_doc,
        elem_id="pqa-doc-select",
    )
    reader = gr.HTML(library.read(first_doc), elem_id="pqa-reader")
    return LibraryTab(doc_count, table, doc_select, reader)
