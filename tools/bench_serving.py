"""One serving process, as `tools.bench` measures it: start, open the index, search, answer.

Run as its own process (`python -m tools.bench_serving DATA_DIR --queries N --answers M`) so
its open time is a restart's (nothing cached in memory) and its peak RSS is that of one
replica, not of the benchmark that ingested the corpus. Question vectors go to an empty
scratch cache (FreshQuestions), so every timed search and answer includes embedding its
question. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from vectorstore.offline import apply_offline_defaults

apply_offline_defaults()

from assistant.app import open_app  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from evals.metrics import percentile  # noqa: E402
from vectorstore.embeddings import EmbeddingCache, VectorKind  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
#: Latency questions come from the dev split: timing must not depend on the frozen test set.
QA_FILE = REPO / "evals" / "datasets" / "dev.jsonl"

# Ways to ask the same thing differently, so every timed query misses the query cache.
_PREFIXES = ("", "请问", "想了解一下：", "麻烦查一下，", "我想知道")
_SUFFIXES = ("", "具体是多少？", "有相关文件说明吗？", "请给出出处。")
_FALLBACK = ("黄埔区高新技术企业数量", "技术合同成交额", "新型研发机构", "创交会", "科技创新母基金")


def questions(count: int, offset: int = 0) -> list[str]:
    """`count` distinct questions from the `offset`-th on: the eval set's, then prefixed and
    suffixed variations of them."""
    base: list[str] = []
    if QA_FILE.is_file():
        for line in QA_FILE.read_text(encoding="utf-8").splitlines():
            if line.strip():
                base.append(json.loads(line)["question"])
    base = base or list(_FALLBACK)
    seen: set[str] = set()
    out: list[str] = []
    for prefix, suffix in ((p, s) for s in _SUFFIXES for p in _PREFIXES):
        for question in base:
            text = f"{prefix}{question.rstrip('？?') + suffix if suffix else question}"
            if text not in seen:
                seen.add(text)
                out.append(text)
                if len(out) == offset + count:
                    return out[offset:]
    return out[offset:]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0}
    return {"p50": statistics.median(values), "p95": percentile(values, 95)}


class FreshQuestions:
    """The data dir's embedding cache for passages, an empty one for questions: every timed
    question is embedded once (as a new question would be), whatever earlier runs cached,
    while passage vectors (chunks, and sentences the answers embedded before) stay cached."""

    def __init__(self, passages: EmbeddingCache, questions: EmbeddingCache) -> None:
        self._by_kind = {"passage": passages, "query": questions}

    def get_many(
        self, model: str, kind: VectorKind, texts: Sequence[str], dimension: int | None
    ) -> list[list[float] | None]:
        return self._by_kind[kind].get_many(model, kind, texts, dimension)

    def put_many(
        self, model: str, kind: VectorKind, items: Sequence[tuple[str, Sequence[float]]]
    ) -> None:
        self._by_kind[kind].put_many(model, kind, items)


def measure(settings: Settings, queries: int, answers: int, scratch: Path) -> dict[str, object]:
    app = open_app(settings)
    started, started_cpu = time.perf_counter(), time.process_time()
    snapshot = app.searcher.index.snapshot()
    open_s, open_cpu_s = time.perf_counter() - started, time.process_time() - started_cpu
    embeddings = app.store.embeddings
    fresh = FreshQuestions(embeddings.cache, EmbeddingCache.in_dir(scratch))
    embeddings.cache = fresh  # type: ignore[assignment]  # the same two calls, duck-typed
    searcher = app.searcher
    totals, cpus, embeds, denses, bm25s = [], [], [], [], []
    for question in questions(queries):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        timings = searcher.search(question, 10).timings
        totals.append((time.perf_counter() - begin) * 1000)
        cpus.append((time.process_time() - begin_cpu) * 1000)
        embeds.append(timings.embed_ms)
        denses.append(timings.dense_ms)
        bm25s.append(timings.bm25_ms)
    answer_ms, answer_cpus = [], []
    for question in questions(answers, offset=queries):  # unseen: no query-cache hit
        begin, begin_cpu = time.perf_counter(), time.process_time()
        app.assistant.ask(question)
        answer_ms.append((time.perf_counter() - begin) * 1000)
        answer_cpus.append((time.process_time() - begin_cpu) * 1000)
    return {
        "open_s": open_s,
        "open_cpu_s": open_cpu_s,
        "search_cpu_ms": _summary(cpus),
        "answer_cpu_ms": _summary(answer_cpus),
        "docs": len(snapshot.documents),
        "chunks": len(snapshot.chunks),
        "lexical_rebuilds": app.searcher.index.lexical_rebuilds,
        "search_ms": _summary(totals),
        "embed_ms": _summary(embeds),
        "dense_ms": _summary(denses),
        "bm25_ms": _summary(bm25s),
        "answer_ms": _summary(answer_ms),
        "peak_mb": peak_rss_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_serving", description=__doc__)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--answers", type=int, default=50)
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHROMA_")}
    env |= {"POLICY_QA_DATA_DIR": str(args.data_dir), "OPENAI_API_KEY": ""}
    settings = Settings.from_env(env)
    with tempfile.TemporaryDirectory(prefix="policy-qa-bench-questions-") as scratch:
        print(json.dumps(measure(settings, args.queries, args.answers, Path(scratch))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
