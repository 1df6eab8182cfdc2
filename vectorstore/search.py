"""Hybrid retrieval: dense (exact, in memory) and BM25 candidates fused by weighted reciprocal rank.

Exact terms and figures dominate this corpus, so BM25 carries more weight by default;
a year or planning period named in the question lifts chunks and documents covering it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from langchain_core.embeddings import Embeddings

from ingest.chunking import Chunk
from ingest.policy import RETIRED
from ingest.years import period_years, years_in
from vectorstore.index import SearchIndex, Snapshot
from vectorstore.store import DocumentRecord

# The embedding model was trained on queries far shorter than this, and its cost grows
# faster than linearly with length: a 10,000-character query took ~20 s of CPU while
# holding the model lock every other user waits on. Real questions are short (the longest of
# the 346 eval questions has 56 characters), and 512 characters still cost ~0.5 s per query
# on 2 cores. Only the dense query is cut; BM25 still sees the whole text.
MAX_DENSE_QUERY_CHARS = 128

Retriever = Literal["dense", "bm25"]
#: The retriever settings users choose between (CLI --retriever, eval comparisons).
RETRIEVERS: dict[str, tuple[Retriever, ...]] = {
    "dense": ("dense",),
    "bm25": ("bm25",),
    "hybrid": ("dense", "bm25"),
}


@dataclass(frozen=True)
class FusionConfig:
    """Weights for reciprocal rank fusion, chosen on the eval set (see README).

    A small rrf_k (2) lets the top ranks of each retriever dominate; BM25 weighs twice the
    dense ranking because exact terms and figures decide most questions here.
    """

    dense_weight: float = 0.5
    bm25_weight: float = 1.0
    rrf_k: int = 2
    candidates: int = 40
    chunk_year_boost: float = 0.1
    doc_year_boost: float = 0.1
    # An expired or superseded document's passages keep this share of their score: enough to
    # rank a current document's passage first when the two compete (RRF scores of neighbouring
    # ranks differ by 10-25%), not enough to bury an old document that alone answers.
    retired_factor: float = 0.8


@dataclass(frozen=True)
class SearchFilters:
    """Restrict retrieval to some documents, documents covering some years, and documents of
    some statuses (现行有效, …) and types (plan, policy, …); empty means no restriction."""

    doc_ids: frozenset[str] = frozenset()
    years: frozenset[int] = frozenset()
    statuses: frozenset[str] = frozenset()
    doc_types: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with what a citation needs: title, date, publisher, scores and ranks."""

    chunk: Chunk
    document: DocumentRecord
    score: float
    ranks: dict[str, int] = field(default_factory=dict)
    text: str = ""

    @property
    def doc_id(self) -> str:
        return self.chunk.doc_id

    @property
    def title(self) -> str:
        return self.document.title

    @property
    def date(self) -> str:
        return self.document.date

    @property
    def section(self) -> str:
        return self.chunk.section

    def to_json(self, rank: int) -> dict[str, object]:
        """The `policy-qa search --json` contract."""
        return {
            "rank": rank,
            "doc_id": self.doc_id,
            "title": self.title,
            "date": self.date,
            "section": self.section,
            "text": self.text,
            "score": round(self.score, 6),
        }


@dataclass
class SearchTimings:
    embed_ms: float = 0.0
    dense_ms: float = 0.0
    bm25_ms: float = 0.0
    total_ms: float = 0.0


class SearchResult(list[Passage]):
    """The passages of one search, best first, with the timings of that very search.

    The timings travel with the passages because one searcher serves many threads at once:
    timings kept on the searcher would belong to whichever search finished last.
    """

    def __init__(self, passages: Sequence[Passage] = (), timings: SearchTimings | None = None):
        super().__init__(passages)
        self.timings = timings or SearchTimings()


class HybridSearcher:
    """Dense + BM25 retrieval over a SearchIndex, fused by weighted RRF."""

    def __init__(
        self, index: SearchIndex, embeddings: Embeddings, fusion: FusionConfig | None = None
    ) -> None:
        self.index = index
        self.embeddings = embeddings
        self.fusion = fusion or FusionConfig()

    def search(
        self,
        query: str,
        k: int = 10,
        filters: SearchFilters | None = None,
        retrievers: Sequence[Retriever] = RETRIEVERS["hybrid"],
        neighbours: bool = False,
    ) -> SearchResult:
        """Best `k` passages for `query`; `retrievers` selects dense, bm25 or both (fusion)."""
        started = time.perf_counter()
        timings = SearchTimings()
        snapshot = self.index.snapshot()
        allowed = allowed_documents(snapshot, filters or SearchFilters())
        if not allowed or not query.strip():
            return SearchResult((), timings)
        rankings: dict[str, list[str]] = {}
        if "dense" in retrievers:
            rankings["dense"] = self._dense(query, snapshot, allowed, timings)
        if "bm25" in retrievers:
            rankings["bm25"] = self._bm25(query, snapshot, allowed, timings)
        passages = self._fuse(query, snapshot, rankings)[:k]
        if neighbours:
            passages = [self._with_neighbours(p, snapshot) for p in passages]
        timings.total_ms = (time.perf_counter() - started) * 1000
        return SearchResult(passages, timings)

    def _dense(
        self, query: str, snapshot: Snapshot, allowed: set[str], timings: SearchTimings
    ) -> list[str]:
        begin = time.perf_counter()
        vector = self.embeddings.embed_query(query[:MAX_DENSE_QUERY_CHARS])
        timings.embed_ms = (time.perf_counter() - begin) * 1000
        begin = time.perf_counter()
        hits = snapshot.dense_search(vector, self.fusion.candidates, allowed)
        timings.dense_ms = (time.perf_counter() - begin) * 1000
        return hits

    def _bm25(
        self, query: str, snapshot: Snapshot, allowed: set[str], timings: SearchTimings
    ) -> list[str]:
        if snapshot.lexical is None:
            return []
        begin = time.perf_counter()
        allowed_ids = None
        if len(allowed) < len(snapshot.documents) or snapshot.partial:
            allowed_ids = {
                chunk.id for doc_id in allowed for chunk in snapshot.by_doc.get(doc_id, [])
            }
        hits = snapshot.lexical.search(query, self.fusion.candidates, allowed_ids)
        timings.bm25_ms = (time.perf_counter() - begin) * 1000
        return [chunk_id for chunk_id, _ in hits if chunk_id in snapshot.chunks]

    def _fuse(
        self, query: str, snapshot: Snapshot, rankings: dict[str, list[str]]
    ) -> list[Passage]:
        weights = {"dense": self.fusion.dense_weight, "bm25": self.fusion.bm25_weight}
        scores: dict[str, float] = {}
        ranks: dict[str, dict[str, int]] = {}
        for name, ranking in rankings.items():
            for position, chunk_id in enumerate(ranking, start=1):
                scores[chunk_id] = scores.get(chunk_id, 0.0) + weights[name] / (
                    self.fusion.rrf_k + position
                )
                ranks.setdefault(chunk_id, {})[name] = position
        question_years = years_in(query)
        if question_years:
            for chunk_id in scores:
                scores[chunk_id] *= 1.0 + self._year_boost(
                    snapshot, snapshot.chunks[chunk_id], question_years
                )
        for chunk_id in scores:
            if snapshot.documents[snapshot.chunks[chunk_id].doc_id].validity in RETIRED:
                scores[chunk_id] *= self.fusion.retired_factor
        ordered = sorted(scores, key=lambda chunk_id: (-scores[chunk_id], chunk_id))
        return [
            self._passage(snapshot, chunk_id, scores[chunk_id], ranks[chunk_id])
            for chunk_id in ordered
        ]

    def _year_boost(self, snapshot: Snapshot, chunk: Chunk, question_years: set[int]) -> float:
        """Lift chunks that name the asked year and documents whose period covers it."""
        boost = 0.0
        if question_years & years_in(chunk.text):
            boost += self.fusion.chunk_year_boost
        record = snapshot.documents[chunk.doc_id]
        if question_years & period_years(record.period, record.year or None):
            boost += self.fusion.doc_year_boost
        return boost

    @staticmethod
    def _passage(snapshot: Snapshot, chunk_id: str, score: float, ranks: dict[str, int]) -> Passage:
        chunk = snapshot.chunks[chunk_id]
        return Passage(chunk, snapshot.documents[chunk.doc_id], score, ranks, chunk.text)

    def _with_neighbours(self, passage: Passage, snapshot: Snapshot) -> Passage:
        """Widen a text passage by the previous and next chunk of the same section."""
        if passage.chunk.kind != "text":
            return passage
        siblings = snapshot.by_doc.get(passage.doc_id, [])
        position = next((i for i, c in enumerate(siblings) if c.id == passage.chunk.id), None)
        if position is None:
            return passage
        around = [
            c
            for c in siblings[max(0, position - 1) : position + 2]
            if c.section == passage.section and c.kind == "text"
        ]
        start, end = min(c.start for c in around), max(c.end for c in around)
        text = snapshot.text_of(passage.doc_id)[start:end] or passage.text
        return Passage(passage.chunk, passage.document, passage.score, passage.ranks, text)


def allowed_documents(snapshot: Snapshot, filters: SearchFilters) -> set[str]:
    """The ids of the documents a search may use: the one place every filter is applied."""
    allowed = set(snapshot.documents)
    if filters.doc_ids:
        allowed &= set(filters.doc_ids)
    if filters.years:
        allowed = {
            doc_id
            for doc_id in allowed
            if period_years(
                snapshot.documents[doc_id].period, snapshot.documents[doc_id].year or None
            )
            & set(filters.years)
        }
    if filters.statuses:
        allowed = {d for d in allowed if snapshot.documents[d].validity in filters.statuses}
    if filters.doc_types:
        allowed = {d for d in allowed if snapshot.documents[d].doc_type in filters.doc_types}
    return allowed
