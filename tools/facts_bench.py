"""What fact extraction adds to ingest time (target: < 10% of a cold ingest).

    python -m tools.facts_bench [--corpus data/corpus] [--warm-cache PATH]

Times a full ingest of the corpus into a fresh data dir (load, clean, chunk, embed, write
Chroma, build facts), and separately what building the facts costs (extraction plus the
SQLite write, one pass in this fresh process, as an ingest does it). A cold ingest embeds
every chunk; with --warm-cache the embedding cache of an earlier index is copied in first,
which leaves the cheapest possible ingest and so the largest relative overhead.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from evals.facts_eval import CORPUS
from ingest.pipeline import ProcessedDocument, process_paths
from vectorstore.embeddings import CACHE_FILENAME
from vectorstore.facts import FactStore
from vectorstore.indexer import index_outcomes
from vectorstore.service import open_store
from vectorstore.settings import StoreSettings

TARGET_OVERHEAD = 0.10


def time_facts(documents: list[ProcessedDocument], scratch: Path) -> float:
    """Seconds to build every document's facts into an empty fact table, caches cold."""
    store = FactStore(scratch / "facts.sqlite")
    started = time.perf_counter()
    for document in documents:
        store.sync(document, "bench")
    return time.perf_counter() - started


def time_ingest(corpus: Path, data_dir: Path, warm_cache: Path | None) -> float:
    data_dir.mkdir(parents=True)
    if warm_cache is not None:
        shutil.copyfile(warm_cache, data_dir / CACHE_FILENAME)
    settings = StoreSettings.from_env({"POLICY_QA_DATA_DIR": str(data_dir)})
    started = time.perf_counter()
    results = list(index_outcomes(open_store(settings), process_paths([corpus])))
    elapsed = time.perf_counter() - started
    assert all(r.status == "indexed" for r in results), [r.error for r in results]
    return elapsed


Build = Callable[[list[ProcessedDocument], Path], tuple[float, str]]


def bench(argv: list[str] | None, prog: str, description: str, build: Build, target: float) -> int:
    """Time `build` (a derived table of every document: seconds, and what it made) and a
    full ingest of the corpus, and print the build's share of the ingest without it."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--warm-cache", type=Path, help="an embedding_cache.sqlite to start from")
    args = parser.parse_args(argv)
    documents = [d for d in process_paths([args.corpus]) if isinstance(d, ProcessedDocument)]
    with tempfile.TemporaryDirectory(prefix="derived-bench-") as scratch:
        built, what = build(documents, Path(scratch))
        ingest = time_ingest(args.corpus, Path(scratch) / "data", args.warm_cache)
    overhead = built / (ingest - built)
    label = "warm-cache" if args.warm_cache else "cold"
    print(f"{label} ingest (all included): {ingest:.2f} s for {len(documents)} documents")
    print(f"{what}: {built:.3f} s")
    verdict = "ok" if overhead < target else "ABOVE TARGET"
    print(f"overhead: {overhead:.1%} of the ingest without it (target < {target:.0%}) {verdict}")
    return 0


def main(argv: list[str] | None = None) -> int:
    def facts(documents: list[ProcessedDocument], scratch: Path) -> tuple[float, str]:
        return time_facts(documents, scratch), "fact extraction + storage"

    return bench(argv, "python -m tools.facts_bench", __doc__ or "", facts, TARGET_OVERHEAD)


if __name__ == "__main__":
    sys.exit(main())
