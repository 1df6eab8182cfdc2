"""Request and response bodies of /api/v1 (pydantic): what the OpenAPI schema documents.

Answers and passages are returned as the CLI's own JSON objects (`Answer.to_json`,
`Passage.to_json`), so the API and `policy-qa ask|search --json` can never drift apart; the
models below describe them for the schema and allow fields added later.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from assistant.config import MODES
from ingest.facts import Fact
from vectorstore.store import DocumentRecord

MAX_QUESTION_CHARS = 10_000  # the assistant cuts at 2,000 with a warning; this bounds the request
MAX_HISTORY_TURNS = 20
MAX_FILTER_ITEMS = 100


class Filters(BaseModel):
    """Only these documents, documents covering these years, of these statuses and of these
    types (all optional)."""

    model_config = ConfigDict(extra="forbid")

    doc_ids: list[str] = Field(default_factory=list, max_length=MAX_FILTER_ITEMS)
    years: list[int] = Field(default_factory=list, max_length=MAX_FILTER_ITEMS)
    statuses: list[str] = Field(
        default_factory=list, max_length=MAX_FILTER_ITEMS, examples=[["现行有效"]]
    )
    doc_types: list[str] = Field(
        default_factory=list,
        max_length=MAX_FILTER_ITEMS,
        description="规划/政策文件/工作报告/新闻/申报指南 or plan/policy/work_report/news/guide",
    )


class Turn(BaseModel):
    """One earlier question and the answer it got (follow-ups are read against these)."""

    question: str = Field(max_length=MAX_QUESTION_CHARS)
    answer: str = Field(max_length=MAX_QUESTION_CHARS * 4)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(
        max_length=MAX_QUESTION_CHARS, examples=["2025年黄埔区高新技术企业要达到多少家？"]
    )
    history: list[Turn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS)
    filters: Filters | None = None
    mode: Literal[MODES] | None = Field(  # type: ignore[valid-type]
        default=None, description="extractive (offline) or llm; default: the server's mode"
    )


class Citation(BaseModel):
    model_config = ConfigDict(extra="allow")

    n: int
    doc_id: str
    title: str
    date: str
    section: str
    page: int | None = None
    paragraph: int | None = None
    text: str
    quote: str
    link: str | None = None  # the original file at the quoted page (/files/{doc_id}#page=N)


class AskResponse(BaseModel):
    """Exactly the `policy-qa ask --json` object."""

    model_config = ConfigDict(extra="allow")

    question: str
    answer: str
    mode: str
    refused: bool
    warnings: list[str]
    citations: list[Citation]
    timings_ms: dict[str, float]
    direct_answer: str | None = None


Retriever = Literal["hybrid", "dense", "bm25"]


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(max_length=MAX_QUESTION_CHARS)
    k: int = Field(default=10, ge=1, le=100)
    retriever: Retriever = "hybrid"
    filters: Filters | None = None


class SearchHit(BaseModel):
    """One item of the `policy-qa search --json` list."""

    model_config = ConfigDict(extra="allow")

    rank: int
    doc_id: str
    title: str
    date: str
    section: str
    text: str
    score: float


@dataclass(frozen=True)
class Section:
    """One section of a document's cleaned text, verbatim, in document order."""

    section: str
    text: str


@dataclass(frozen=True)
class DocumentEntry(DocumentRecord):
    """A library row: the document record and the status readers see today (`validity`)."""

    validity: str = ""

    @classmethod
    def of(cls, record: DocumentRecord) -> DocumentEntry:
        return cls(**dataclasses.asdict(record), validity=record.validity)


@dataclass(frozen=True)
class DocumentDetail(DocumentEntry):
    """A served document's metadata (DocumentEntry) with its cleaned text by section."""

    sections: tuple[Section, ...] = ()


class PolicyEdit(BaseModel):
    """An admin's policy-metadata edit: only the fields given change; "" clears one."""

    model_config = ConfigDict(extra="forbid")

    doc_number: str | None = Field(default=None, examples=["穗科规字〔2019〕1号"])
    issuer: str | None = None
    doc_type: str | None = Field(default=None, description="规划/政策文件/工作报告/新闻/申报指南")
    date: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    effective_from: str | None = None
    effective_to: str | None = None
    status: str | None = Field(default=None, description="现行有效/已失效/被替代/征求意见稿")
    superseded_by: str | None = Field(default=None, description="doc id of the replacement")
    source_url: str | None = None


class UploadReport(BaseModel):
    """The upload's `policy-qa ingest --json` row and a bilingual message."""

    model_config = ConfigDict(extra="allow")

    doc_id: str
    status: str
    title: str
    chunks: int
    message: str


class DeleteReport(BaseModel):
    doc_id: str
    deleted: bool


class StatusReport(BaseModel):
    """A document after disable / enable: disabled ones are kept but never searched or cited."""

    doc_id: str
    disabled: bool


class CollectionChange(BaseModel):
    """Which collection a document moves to (who may see it: vectorstore.scope)."""

    model_config = ConfigDict(extra="forbid")

    collection: str = Field(max_length=32, pattern=r"^[a-z0-9][a-z0-9_-]*$")


class CollectionReport(BaseModel):
    doc_id: str
    collection: str


class FeedbackRequest(BaseModel):
    """A vote on one answer: the question, the answer shown, and up / down / none (withdrawn)."""

    model_config = ConfigDict(extra="forbid")

    question_id: str | None = Field(default=None, max_length=64, pattern=r"^[0-9A-Za-z_-]+$")
    question: str = Field(max_length=MAX_QUESTION_CHARS)
    answer: str = Field(max_length=MAX_QUESTION_CHARS * 4)
    rating: Literal["up", "down", "none"]
    citations: list[Citation] = Field(default_factory=list, max_length=50)
    mode: str = Field(default="", max_length=20)
    refused: bool = False
    reason: str = Field(default="", max_length=20)
    comment: str = Field(default="", max_length=2000)


class FeedbackReport(BaseModel):
    question_id: str
    rating: str


class StoreHealth(BaseModel):
    reachable: bool
    backend: Literal["embedded", "server"]
    documents: int
    chunks: int
    error: str | None = None


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    store: StoreHealth
    embedding_model: str
    answer_mode: str


def _indicator_fact_model() -> type[BaseModel]:
    """One figure of the fact table as `policy-qa figures --json` prints it: the Fact's own
    fields (one definition, in ingest.facts) plus its document's title and date."""
    hints = get_type_hints(Fact)
    fields: dict[str, Any] = {f.name: (hints[f.name], ...) for f in dataclasses.fields(Fact)}
    return create_model("IndicatorFact", title=(str, ...), date=(str, ...), **fields)


IndicatorFact = _indicator_fact_model()
