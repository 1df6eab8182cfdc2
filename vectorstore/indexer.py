"""The one indexing service: files -> ingest pipeline -> store, with one report type.

The CLI (`policy-qa ingest`), the web UI's uploads and the benchmarks all index through
`Indexer`, so "process, upsert, report" exists once. A failing file is reported and the
others go on; only an unusable store ends a run (it raises, the caller reports it once).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

from ingest.dates import publication_date, valid_admin_date
from ingest.ocr import NO_CACHE, OcrOptions
from ingest.pipeline import FailedFile, IngestOutcome, ProcessedDocument, process_paths
from ingest.policy import PolicyEditError, check_edit
from ingest.uploads import (
    UploadRejected,
    check_upload,
    discard,
    original_basename,
    same_content,
    store_copy,
    stored_path_for,
    uploaded_doc_ids,
    uploads_dir,
)
from vectorstore.audit import AuditLog, audit_path
from vectorstore.errors import (
    EmbeddingModelMismatch,
    StoreCorrupt,
    StoreError,
    StoreUnavailable,
)
from vectorstore.measures import MeasureStore
from vectorstore.originals import keep_original
from vectorstore.scope import PUBLIC, collection_name
from vectorstore.store import ChunkStore, DocumentRecord, unavailable

IndexStatus = Literal[
    "indexed", "unchanged", "dry-run", "skipped", "deleted", "disabled", "enabled", "moved", "error"
]
LifecycleAction = Literal["delete", "disable", "enable", "move"]
# Errors of the store itself rather than of one document: they end the run (exit code 2).
_STORE_UNUSABLE = (StoreUnavailable, StoreCorrupt, EmbeddingModelMismatch)
# Default per-upload byte limit when the caller names none (the web settings' default).
DEFAULT_UPLOAD_MAX_BYTES = 20 * 1024 * 1024

Progress = Callable[[int], None]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexResult:
    """What happened to one file or document; `message` is bilingual when there is one."""

    name: str
    status: IndexStatus
    message: str = ""
    doc_id: str = ""
    title: str = ""
    chunks: int = 0
    stored_path: Path | None = None
    details: tuple[tuple[str, Any], ...] = ()

    @property
    def ok(self) -> bool:
        return self.status not in ("error", "skipped")

    @property
    def error(self) -> str:
        return self.message if self.status == "error" else ""

    @classmethod
    def of(cls, outcome: IngestOutcome, status: IndexStatus, message: str = "") -> IndexResult:
        """The result for a pipeline outcome, with what the ingest report shows of it."""
        if isinstance(outcome, FailedFile):
            return cls(str(outcome.path), "error", message or str(outcome.error), outcome.doc_id)
        document = outcome.document
        details = (
            ("chars", len(outcome.cleaned)),
            ("table_rows", outcome.table_rows),
            ("duplicates_removed", outcome.duplicates_removed),
            ("lines_joined", outcome.lines_joined),
            ("pages", len(document.page_starts)),
            ("ocr_pages", list(document.ocr_pages)),
            ("low_confidence_pages", list(document.low_confidence_pages)),
        )
        return cls(
            str(document.path),
            status,
            message,
            outcome.doc_id,
            outcome.meta.title,
            len(outcome.chunks),
            details=details,
        )

    def to_json(self) -> dict[str, Any]:
        """The `policy-qa ingest --json` row of this file."""
        if not self.details:  # a file the pipeline could not read: nothing else to show
            return {"doc_id": self.doc_id, "status": self.status, "error": self.error}
        details = dict(self.details)
        return {
            "doc_id": self.doc_id,
            "status": self.status,
            "title": self.title,
            "chars": details.get("chars", 0),
            "chunks": self.chunks,
            "table_rows": details.get("table_rows", 0),
            "duplicates_removed": details.get("duplicates_removed", 0),
            "lines_joined": details.get("lines_joined", 0),
            "pages": details.get("pages", 0),
            "ocr_pages": details.get("ocr_pages", []),
            "low_confidence_pages": details.get("low_confidence_pages", []),
            "error": self.error,
        }


@dataclass(frozen=True)
class IndexReport:
    """The results of one indexing call, in order; exit code 1 when any file failed."""

    results: tuple[IndexResult, ...] = ()

    @property
    def failed(self) -> tuple[IndexResult, ...]:
        return tuple(r for r in self.results if r.status == "error")

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


class Indexer:
    """Indexes files and uploads into one store; also deletes, disables, re-dates documents and
    edits their policy metadata."""

    def __init__(self, store: ChunkStore, upload_max_bytes: int = DEFAULT_UPLOAD_MAX_BYTES):
        self.store = store
        self.upload_max_bytes = upload_max_bytes
        # Scanned pages are cached beside the index, so a re-run OCRs only what is new.
        self.ocr = OcrOptions.under(store.settings.data_dir)

    @property
    def uploads(self) -> Path:
        return uploads_dir(self.store.settings.data_dir)

    def ingest_paths(
        self,
        paths: Sequence[Path],
        on_file: Callable[[Path], None] | None = None,
        on_document: Callable[[ProcessedDocument], None] | None = None,
        progress_for: Callable[[ProcessedDocument], Progress | None] | None = None,
        collection: str | None = None,
    ) -> IndexReport:
        """Index every supported file under `paths`; `on_document` sees each processed one.

        `collection` puts every document in that collection; None keeps each document's own
        (public for new ones)."""
        outcomes = _watched(process_paths(paths, on_file=on_file, ocr=self.ocr), on_document)
        return IndexReport(tuple(index_outcomes(self.store, outcomes, progress_for, collection)))

    def ingest_upload(
        self,
        source: Path,
        original_name: str,
        max_bytes: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        collection: str | None = None,
    ) -> IndexReport:
        """Check, store and index one uploaded file (into `collection`, default public); every
        failure comes back as a message.

        `progress(done, total)` reports embedded chunks. A rejected or failing file is removed
        again, so a bad upload never reaches or breaks the index.
        """
        name = original_basename(original_name) or "（未命名）"
        limit = self.upload_max_bytes if max_bytes is None else max_bytes
        stored: Path | None = None
        try:
            check_upload(name, source, limit)
            duplicate = same_content(self.uploads, source)
            if duplicate is not None:
                return _single(
                    IndexResult(
                        name,
                        "skipped",
                        f"内容与已上传的 {duplicate.name} 完全相同，已跳过 / "
                        f"same content as the already uploaded {duplicate.name}; skipped",
                    )
                )
            stored = stored_path_for(name, self.uploads)
            store_copy(source, stored)
            document = _dated(
                _only_document(process_paths([stored], max_bytes=limit, ocr=self.ocr))
            )
            index_document(
                self.store, document, _counting(len(document.chunks), progress), collection
            )
            if progress is not None:
                progress(len(document.chunks), len(document.chunks))
            total = len(document.chunks)
            return _single(
                replace(
                    IndexResult.of(document, "indexed"),
                    name=name,
                    message=f"已导入《{document.meta.title}》：{total} 个分块 / "
                    f"indexed, {total} chunks",
                    stored_path=stored,
                )
            )
        except UploadRejected as error:
            discard(stored)
            return _single(IndexResult(name, "error", str(error)))
        except StoreError as error:
            discard(stored)
            return _single(
                IndexResult(
                    name, "error", f"索引写入失败，原有索引未改变 / index write failed: {error}"
                )
            )
        except Exception as error:  # any other failure: report it, keep the index as it was
            discard(stored)
            return _single(
                IndexResult(
                    name,
                    "error",
                    "导入失败，原有索引未改变 / ingest failed, index unchanged "
                    f"({type(error).__name__})",
                )
            )

    def uploaded_doc_ids(self) -> list[str]:
        """Ids of documents that came in as uploads (their files live in the uploads dir)."""
        return uploaded_doc_ids(self.store.settings.data_dir)

    def set_upload_date(self, doc_id: str, date: str) -> str:
        """Set an uploaded document's publication date (re-registers it from cached vectors).

        Raises UploadRejected for a malformed date or a document that was not uploaded here.
        """
        date = date.strip()
        if not valid_admin_date(date):
            raise UploadRejected(
                "日期格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD",
                "date must be YYYY, YYYY-MM or YYYY-MM-DD",
            )
        if doc_id not in self.uploaded_doc_ids():
            raise UploadRejected(
                "只能修改通过网页上传的文档的日期（收录文档的日期在 catalog.json 中维护）",
                "only uploaded documents' dates can be set here (catalog.json holds the others)",
            )
        outcomes = [
            o
            for o in process_paths([self.uploads / doc_id], ocr=self.ocr)
            if isinstance(o, ProcessedDocument)
        ]
        if len(outcomes) != 1:
            raise UploadRejected("无法重新读取该文档", "cannot re-read the document")
        index_document(self.store, _with_date(outcomes[0], date))
        record = self.store.document(doc_id)
        if record is not None and record.date != date:  # an earlier metadata edit was kept
            self.store.set_policy(doc_id, {"date": date})
        return date

    def delete(self, doc_id: str) -> IndexReport:
        """Remove a document from the index (its source file stays where it is)."""
        if self.store.delete_document(doc_id):
            measures_of(self.store).delete_document(doc_id)
            return _single(IndexResult(doc_id, "deleted", doc_id=doc_id))
        return _single(_not_indexed(doc_id))

    def set_disabled(self, doc_id: str, disabled: bool) -> IndexReport:
        """Disable (kept, never cited) or enable a document."""
        if self.store.set_disabled(doc_id, disabled):
            measures_of(self.store).set_hidden(doc_id, disabled)
            return _single(
                IndexResult(doc_id, "disabled" if disabled else "enabled", doc_id=doc_id)
            )
        return _single(_not_indexed(doc_id))

    def set_policy(
        self, doc_id: str, changes: Mapping[str, object], actor: str, via: str
    ) -> DocumentRecord:
        """Check and store an admin's metadata edit, and audit it like the lifecycle actions.

        Raises PolicyEditError (nothing stored) for a bad value or an unknown document.
        """
        record = self.store.document(doc_id)
        audit = AuditLog(audit_path(self.store.settings.data_dir))
        try:
            if record is None:
                raise PolicyEditError(
                    "doc_id", f"索引中没有文档 {doc_id}", f"no document {doc_id} in the index"
                )
            known = [other.doc_id for other in self.store.documents()]
            checked = check_edit(changes, asdict(record), known)
            updated = self.store.set_policy(doc_id, checked) if checked else record
            if updated is None:
                raise PolicyEditError(
                    "doc_id", f"索引中没有文档 {doc_id}", f"no document {doc_id} in the index"
                )
        except PolicyEditError as error:
            audit.write(actor, "set", via=via, doc_id=doc_id, ok=False, field=error.field)
            raise
        audit.write(actor, "set", via=via, doc_id=doc_id, ok=True, changes=checked)
        return updated

    def move(self, doc_id: str, collection: str) -> IndexReport:
        """Put a document in another collection (its measures learn it before it is shown)."""
        collection = collection_name(collection)
        if self.store.document(doc_id) is None:
            return _single(_not_indexed(doc_id))
        measures_of(self.store).set_collection(doc_id, collection)
        self.store.set_collection(doc_id, collection)
        return _single(IndexResult(doc_id, "moved", collection, doc_id=doc_id))

    def change(
        self, action: LifecycleAction, doc_id: str, actor: str, via: str, collection: str = ""
    ) -> IndexResult:
        """Delete, disable, enable or move (to `collection`) a document, and record who did it
        in the audit log.

        The CLI, the API and the library tab all call this, so every way in is audited alike.
        """
        if action == "delete":
            report = self.delete(doc_id)
        elif action == "move":
            report = self.move(doc_id, collection)
        else:
            report = self.set_disabled(doc_id, action == "disable")
        (result,) = report.results
        extra = {"collection": collection} if action == "move" else {}
        AuditLog(audit_path(self.store.settings.data_dir)).write(
            actor, action, via=via, doc_id=doc_id, ok=result.ok, **extra
        )
        return result


def dry_run(
    paths: Sequence[Path],
    on_file: Callable[[Path], None] | None = None,
    on_document: Callable[[ProcessedDocument], None] | None = None,
    ocr: OcrOptions = NO_CACHE,
) -> IndexReport:
    """What `ingest_paths` would index (cleaned and chunked), without touching any store."""
    outcomes = _watched(process_paths(paths, on_file=on_file, ocr=ocr), on_document)
    return IndexReport(
        tuple(
            IndexResult.of(o, "error" if isinstance(o, FailedFile) else "dry-run") for o in outcomes
        )
    )


def index_outcomes(
    store: ChunkStore,
    outcomes: Iterable[IngestOutcome],
    progress_for: Callable[[ProcessedDocument], Progress | None] | None = None,
    collection: str | None = None,
) -> Iterator[IndexResult]:
    """Index each processed document; a failing document is reported and the rest go on."""
    for outcome in outcomes:
        if isinstance(outcome, FailedFile):
            yield IndexResult.of(outcome, "error")
            continue
        progress = progress_for(outcome) if progress_for else None
        try:
            written = index_document(store, outcome, progress, collection)
        except _STORE_UNUSABLE:
            raise  # no later file could be indexed either: the caller reports it once
        except Exception as error:  # one document's failure must not stop the others
            _discard_unregistered(store, outcome.doc_id)
            yield IndexResult.of(outcome, "error", _index_error(outcome.doc_id, error))
            continue
        yield IndexResult.of(outcome, "indexed" if written else "unchanged")


def index_document(
    store: ChunkStore,
    processed: ProcessedDocument,
    progress: Progress | None = None,
    collection: str | None = None,
) -> bool:
    """Keep the original file, index the document, rebuild its measures; True if written.

    The measures learn the document's collection before they are built, so an internal
    document's measures are never listed to a public caller, not even for a moment.
    """
    if store.settings.read_only:  # nothing is written there: no copy, no collection either
        raise unavailable(store.settings, PermissionError("the data dir is read-only"))
    measures = measures_of(store)
    if collection is not None:  # a narrowed collection applies before the new version shows
        measures.set_collection(processed.doc_id, collection)
    original = keep_original(store.settings.data_dir, processed)
    written = store.upsert_document(processed, progress, collection, original)
    record = store.document(processed.doc_id)
    measures.set_collection(processed.doc_id, record.collection if record else PUBLIC)
    measures.sync(processed)
    return written


def measures_of(store: ChunkStore) -> MeasureStore:
    """The measure catalogue beside the store's index: rebuilt and deleted with documents."""
    return MeasureStore.in_dir(store.settings.data_dir)


def _watched(
    outcomes: Iterable[IngestOutcome], on_document: Callable[[ProcessedDocument], None] | None
) -> Iterator[IngestOutcome]:
    for outcome in outcomes:
        if on_document is not None and isinstance(outcome, ProcessedDocument):
            on_document(outcome)
        yield outcome


def _single(result: IndexResult) -> IndexReport:
    return IndexReport((result,))


def _only_document(outcomes: Iterable[IngestOutcome]) -> ProcessedDocument:
    """The one document an upload must yield, else UploadRejected with the pipeline's reason."""
    listed = list(outcomes)
    failed = [o for o in listed if isinstance(o, FailedFile)]
    processed = [o for o in listed if isinstance(o, ProcessedDocument)]
    if failed or len(processed) != 1:
        error = failed[0].error if failed else None
        raise UploadRejected(
            f"无法导入：{error.reason_zh}" if error else "无法导入：没有得到文档",
            f"cannot ingest: {error.reason_en}" if error else "cannot ingest: no document",
        )
    return processed[0]


def _not_indexed(doc_id: str) -> IndexResult:
    return IndexResult(
        doc_id, "error", f"索引中没有文档 {doc_id} / no document {doc_id} in the index", doc_id
    )


def _dated(document: ProcessedDocument) -> ProcessedDocument:
    """An upload's date is only one its text states as a publication date ("" = unknown)."""
    return _with_date(document, publication_date(document.cleaned))


def _with_date(document: ProcessedDocument, date: str) -> ProcessedDocument:
    return replace(document, meta=replace(document.meta, date=date))


def _counting(total: int, progress: Callable[[int, int], None] | None) -> Progress:
    """Turn the store's per-batch counts into (done, total) calls."""
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(min(done, total), total)

    return advance


def _discard_unregistered(store: ChunkStore, doc_id: str) -> None:
    """Delete the records a failed write of `doc_id` left: versions no registration names.

    Under the writer lock no other writer on this data dir is between writing and registering;
    records are listed before registrations, so a version registered meanwhile is kept. If this
    fails too, `policy-qa check --repair` removes the leftovers later.
    """
    try:
        with store.writing():
            keys = store.record_keys()
            registered = {
                entry.doc_key for entries in store.registrations().values() for entry in entries
            }
            store.delete_records(
                [key for key in keys if key.rpartition("@")[0] == doc_id and key not in registered]
            )
    except Exception as error:  # the original failure is what the user must see
        log.warning("could not remove partial records of %s: %s", doc_id, error)


def _index_error(doc_id: str, error: Exception) -> str:
    if isinstance(error, StoreError):
        return f"{doc_id}: {error}"
    detail = f"{type(error).__name__}: {error}"[:300]
    return f"{doc_id}: 写入索引失败（{detail}）/ indexing failed ({detail})"
