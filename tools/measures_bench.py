"""What building the measure catalogue adds to a cold ingest (target: < 15%).

    python -m tools.measures_bench [--corpus data/corpus] [--warm-cache PATH]

Times a full ingest of the corpus into a fresh data dir (load, clean, chunk, embed, write
Chroma, facts and measures), and separately what building the catalogue costs (extraction
plus the SQLite write, in a fresh process, as an ingest does it). A cold ingest embeds every
chunk; with --warm-cache the embedding cache of an earlier index is copied in first, which
leaves the cheapest possible ingest and so the largest relative overhead.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ingest.pipeline import ProcessedDocument
from tools.facts_bench import bench
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
    def measures(documents: list[ProcessedDocument], scratch: Path) -> tuple[float, str]:
        seconds, count = time_measures(documents, scratch)
        return seconds, f"measure extraction + storage ({count} measures)"

    return bench(argv, "python -m tools.measures_bench", __doc__ or "", measures, TARGET_OVERHEAD)


if __name__ == "__main__":
    sys.exit(main())
