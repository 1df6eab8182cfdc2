"""Shared fixtures: the bundled corpus, processed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import ProcessedDocument, process_paths

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def processed_corpus() -> dict[str, ProcessedDocument]:
    """Every bundled document cleaned, structured and chunked (no index)."""
    outcomes = list(process_paths([CORPUS]))
    assert all(isinstance(o, ProcessedDocument) for o in outcomes), outcomes
    return {o.doc_id: o for o in outcomes}  # type: ignore[union-attr]
