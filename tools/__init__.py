"""Developer tools outside the product: benchmarks and the load test (not installed).

Run from the repository root: `python -m tools.bench`, `python -m tools.bench_ocr`,
`python -m tools.facts_bench`, `python -m tools.loadtest` (or `make bench`, `make loadtest`).
They may import every stage; no stage imports them.
"""
