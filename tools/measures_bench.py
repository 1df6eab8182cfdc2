"""What building the measure catalogue adds to a cold ingest (target: < 15%).

    python -m tools.measures_bench [--corpus data/corpus] [--warm-cache PATH]

Times a full ingest of the corpus into a fresh data dir (load, clean, chunk, embed, write
Chroma, facts and measures), and separately what building the catalogue costs (extraction
plus the SQLite write, in a fresh process, as an ingest does it). A cold ingest embeds every
chunk; with --warm-cache the embedding cache of an earlier index is copied in first, which
leaves the cheapest possible ingest and so the largest relative overhead.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from evals.measures_eval import CORPUS
from ingest.pipeline import ProcessedDocument, process_paths
from tools.facts_bench import time_ingest
from vectorstore.measures import MeasureStore

TARGET_OVERHEAD = 0.15


def time_measures(documents: list[ProcessedDocument], scratch: Path) -> tuple[float, int]:
    """Seconds to build every document's measures into an empty catalogue; and how many."""
    store = MeasureStore.in_dir(scratch)
    started = time.perf_counter()
    for document in documents:
        store.sync(document)
    return time.perf_counter() - started, store.count()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.measures_bench", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--warm-cache", type=Path, help="an embedding_cache.sqlite to start from")
    args = parser.parse_args(argv)
    documents = [d for d in process_paths([args.corpus]) if isinstance(d, ProcessedDocument)]
    with tempfile.TemporaryDirectory(prefix="measures-bench-") as scratch:
        measures, count = time_measures(documents, Path(scratch))
        ingest = time_ingest(args.corpus, Path(scratch) / "data", args.warm_cache)
    overhead = measures / (ingest - measures)
    label = "warm-cache" if args.warm_cache else "cold"
    print(f"{label} ingest (measures included): {ingest:.2f} s for {len(documents)} documents")
    print(f"measure extraction + storage:    {measures:.3f} s ({count} measures)")
    verdict = "ok" if overhead < TARGET_OVERHEAD else "ABOVE TARGET"
    print(f"overhead: {overhead:.1%} of the ingest without measures (target < 15%) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
