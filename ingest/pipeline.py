"""Files -> processed documents (cleaned text, blocks, chunks); one file's failure never stops
the rest."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.catalog import CATALOG_FILE_NAME, DocMeta, load_catalog, metadata_for, with_guesses
from ingest.chunking import Chunk, ChunkingConfig, chunk_blocks
from ingest.clean import clean_text
from ingest.errors import IngestError
from ingest.grid import append_tables
from ingest.loaders import (
    MAX_FILE_BYTES,
    Document,
    doc_id_for,
    iter_corpus_files,
    load_document,
)
from ingest.ocr import NO_CACHE, OcrOptions
from ingest.pages import chunk_pages, chunk_paragraphs
from ingest.policy_guess import guess_policy
from ingest.structure import Block, parse_blocks


@dataclass(frozen=True)
class ProcessedDocument:
    """Everything ingest knows about one file; the vector store indexes `chunks`."""

    document: Document
    meta: DocMeta
    cleaned: str
    blocks: tuple[Block, ...]
    chunks: tuple[Chunk, ...]
    duplicates_removed: int
    lines_joined: int

    @property
    def doc_id(self) -> str:
        return self.document.doc_id

    @property
    def table_rows(self) -> int:
        return sum(chunk.kind == "table_row" for chunk in self.chunks)


@dataclass(frozen=True)
class FailedFile:
    """A file that could not be ingested, with the reason a person can act on."""

    doc_id: str
    path: Path
    error: IngestError


IngestOutcome = ProcessedDocument | FailedFile


def process_document(
    document: Document, meta: DocMeta, config: ChunkingConfig | None = None
) -> ProcessedDocument:
    """Clean, structure and chunk one loaded document."""
    cleaned = clean_text(document.text)
    # Tables that arrived as grids (sheets, OCR'd tables) follow the prose, one row a block.
    text, table_blocks, table_pages = append_tables(cleaned.text, document.tables)
    if not text.strip():
        raise IngestError(document.doc_id, "清理后没有可用文本", "no usable text after cleaning")
    blocks = (*parse_blocks(cleaned.text), *table_blocks)
    chunks = tuple(chunk_blocks(document.doc_id, text, blocks, config))
    prose = [chunk for chunk in chunks if chunk.start < len(cleaned.text)]
    pages = chunk_pages(
        document.text, document.page_starts, cleaned.text, [(c.start, c.end) for c in prose]
    )
    starts = [block.start for block in table_blocks]
    pages += [table_pages[bisect_right(starts, c.start) - 1] for c in chunks[len(prose) :]]
    chunks = tuple(replace(chunk, page=page) for chunk, page in zip(chunks, pages, strict=True))
    if not document.page_starts:
        paragraphs = chunk_paragraphs(text, [chunk.start for chunk in chunks])
        chunks = tuple(
            replace(chunk, paragraph=number)
            for chunk, number in zip(chunks, paragraphs, strict=True)
        )
    return ProcessedDocument(
        document,
        meta,
        text,
        blocks,
        chunks,
        cleaned.duplicates_removed,
        cleaned.lines_joined,
    )


def _read_catalog(root: Path) -> tuple[dict[str, DocMeta], FailedFile | None]:
    """A broken catalog is reported once; its documents still ingest with guessed metadata."""
    try:
        return (load_catalog(root) if root.is_dir() else {}), None
    except IngestError as error:
        return {}, FailedFile(CATALOG_FILE_NAME, root / CATALOG_FILE_NAME, error)


def process_paths(
    paths: Sequence[Path],
    config: ChunkingConfig | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    on_file: Callable[[Path], None] | None = None,
    ocr: OcrOptions = NO_CACHE,
) -> Iterator[IngestOutcome]:
    """Process every file under `paths` in order; errors become FailedFile outcomes.

    Scanned pages are OCR'd with `ocr`: the indexing service caches them in the data dir."""
    catalogs: dict[Path, dict[str, DocMeta]] = {}
    for path, root in iter_corpus_files(paths):
        if root not in catalogs:
            catalogs[root], failure = _read_catalog(root)
            if failure is not None:
                yield failure
        if on_file is not None:
            on_file(path)
        try:
            document = load_document(path, root, max_bytes, ocr)
            meta = metadata_for(document.doc_id, document.text, catalogs[root])
            guessed = guess_policy(document.text, meta.title, meta.date)
            meta = replace(meta, policy=with_guesses(meta.policy, guessed))
            processed = process_document(document, meta, config)
        except IngestError as error:
            yield FailedFile(doc_id_for(path, root), path, error)
        except Exception as error:  # a bug or a library failure on one file must not stop the rest
            yield FailedFile(doc_id_for(path, root), path, unexpected_error(str(path), error))
        else:
            yield processed


def unexpected_error(path: str, error: Exception) -> IngestError:
    """An error nobody anticipated, still reported against its file in both languages."""
    detail = f"{type(error).__name__}: {error}"[:300]
    return IngestError(path, f"处理时出现意外错误（{detail}）", f"unexpected error ({detail})")
