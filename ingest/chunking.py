"""Sentence-aware chunking sized in tokens; every chunk knows its section and its span."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Literal

from ingest.sentences import Span, split_clauses, split_sentences
from ingest.structure import SECTION_SEPARATOR, Block
from ingest.tokens import count_tokens, truncate_to_tokens

ChunkKind = Literal["text", "table_row"]


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of one document.

    `start`/`end` are character offsets into the document's cleaned text, so a citation can
    always be traced back to the exact place it came from; `page` is the 1-based page it starts
    on in paged sources (PDF, OFD, scans), 0 when the source has no pages; `paragraph` is the
    1-based paragraph it starts in for sources without pages (0 for paged ones).
    """

    id: str
    doc_id: str
    text: str
    section: str
    start: int
    end: int
    tokens: int
    kind: ChunkKind = "text"
    ordinal: int = 0
    page: int = 0
    paragraph: int = 0


def retrieval_text(chunk: Chunk, title: str = "") -> str:
    """What retrieval indexes: the document title and section path give a chunk the context
    its headings carry ("2018 年工作总结" is in the title, not in each paragraph)."""
    return "\n".join(part for part in (title, chunk.section, chunk.text) if part)


def chunk_id(doc_id: str, start: int, text: str) -> str:
    """Id of the chunk at `start` in the cleaned text: stable across runs for an unchanged file,
    and unique within a document even when the same text occurs twice (table cells repeat)."""
    return hashlib.sha1(f"{doc_id}\x00{start}\x00{text}".encode()).hexdigest()[:20]


@dataclass(frozen=True)
class ChunkingConfig:
    """Chunk sizes in tokens; the defaults were chosen with the eval suite (see README)."""

    target_tokens: int = 260
    max_tokens: int = 400
    overlap_sentences: int = 1
    max_overlap_tokens: int = 80


def _fit_sentence(sentence: Span, limit: int) -> list[Span]:
    """Cut a sentence longer than `limit` at commas, and only as a last resort mid-clause.

    Tokens are only ever counted on at most `_window_chars(limit)` characters, so a megabyte
    without a comma costs one pass, not one re-count of the remaining text per piece.
    """
    window = _window_chars(limit)
    if len(sentence.text) <= window and count_tokens(sentence.text) <= limit:
        return [sentence]
    pieces: list[Span] = []
    for clause in split_clauses(sentence):
        while True:
            head = truncate_to_tokens(clause.text[:window], limit) or clause.text[:1]
            if len(head) == len(clause.text):
                break
            pieces.append(Span(head, clause.start, clause.start + len(head)))
            clause = Span(clause.text[len(head) :], clause.start + len(head), clause.end)
        pieces.append(clause)
    return _merge_small(sentence, pieces, limit)


def _window_chars(limit: int) -> int:
    """Characters that hold more than `limit` tokens of Chinese (about 1.3 tokens a character)
    and of most English; a window with fewer tokens just becomes a shorter piece."""
    return limit * 4


def _merge_small(sentence: Span, pieces: list[Span], limit: int) -> list[Span]:
    """Merge adjacent pieces while the text they span (whitespace between them included) fits."""
    merged: list[Span] = []
    for piece in pieces:
        if merged:
            start = merged[-1].start
            joined = sentence.text[start - sentence.start : piece.end - sentence.start]
            if count_tokens(joined) <= limit:
                merged[-1] = Span(joined, start, piece.end)
                continue
        merged.append(piece)
    return merged


def _pack(sentences: list[Span], config: ChunkingConfig, text: str) -> Iterator[tuple[int, int]]:
    """Greedy packing of whole sentences into [start, end) spans, with sentence overlap.

    Every chunk after the first repeats up to `overlap_sentences` short sentences of the
    previous one and always adds at least one new sentence; the overlap is dropped when
    it would push the chunk over `max_tokens`. Sizes are summed per sentence; a span whose
    real text (with the whitespace between sentences) still exceeds `max_tokens` loses its
    overlap, then trailing sentences, so no chunk is ever over the limit.
    """
    sizes = [count_tokens(s.text) for s in sentences]
    first, fresh = 0, 0
    while fresh < len(sentences):
        if sum(sizes[first : fresh + 1]) > config.max_tokens:
            first = fresh
        last = fresh
        total = sum(sizes[first : last + 1])
        while last + 1 < len(sentences) and total + sizes[last + 1] <= config.target_tokens:
            last += 1
            total += sizes[last]
        while count_tokens(text[sentences[first].start : sentences[last].end]) > config.max_tokens:
            if first < fresh:
                first = fresh
            elif last > fresh:
                last -= 1
            else:
                break
        yield sentences[first].start, sentences[last].end
        overlap = 0
        while (
            overlap < config.overlap_sentences
            and last - overlap > first
            and sizes[last - overlap] <= config.max_overlap_tokens
        ):
            overlap += 1
        first, fresh = last + 1 - overlap, last + 1


def _section_sentences(blocks: Sequence[Block], text: str, config: ChunkingConfig) -> list[Span]:
    sentences: list[Span] = []
    for block in blocks:
        for sentence in split_sentences(text[block.start : block.end], block.start):
            sentences.extend(_fit_sentence(sentence, config.max_tokens))
    return sentences


def _make_chunk(
    doc_id: str, text: str, section: str, span: tuple[int, int], kind: ChunkKind, ordinal: int
) -> Chunk:
    body = text
    return Chunk(
        chunk_id(doc_id, span[0], body),
        doc_id,
        body,
        section,
        span[0],
        span[1],
        count_tokens(body),
        kind,
        ordinal,
    )


def chunk_blocks(
    doc_id: str, text: str, blocks: Sequence[Block], config: ChunkingConfig | None = None
) -> list[Chunk]:
    """Chunks of one document: text chunks never cross a section, each table row is a chunk.

    A rebuilt row too long for one chunk (over `max_tokens`) is chunked as the plain text
    of its cells instead, so no chunk is ever over the limit.
    """
    config = config or ChunkingConfig()
    chunks: list[Chunk] = []
    for (kind, section), group in groupby(blocks, key=lambda b: (b.kind == "table_row", b.section)):
        path = SECTION_SEPARATOR.join(section)
        members = list(group)
        if kind:
            for row in members:
                if count_tokens(row.text) <= config.max_tokens:
                    chunks.append(
                        _make_chunk(
                            doc_id, row.text, path, (row.start, row.end), "table_row", len(chunks)
                        )
                    )
                    continue
                for start, end in _pack(_section_sentences([row], text, config), config, text):
                    chunks.append(
                        _make_chunk(
                            doc_id, text[start:end], path, (start, end), "text", len(chunks)
                        )
                    )
            continue
        for start, end in _pack(_section_sentences(members, text, config), config, text):
            chunks.append(
                _make_chunk(doc_id, text[start:end], path, (start, end), "text", len(chunks))
            )
    return chunks
