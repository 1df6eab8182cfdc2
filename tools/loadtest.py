"""Load test (`make loadtest` / `python -m tools.loadtest`): many staff asking at once.

1. Starts `policy-qa serve` on 127.0.0.1 (a free port) over the existing index, in
   extractive mode (OPENAI_API_KEY blanked in its environment), and always stops it.
2. Single-user reference answers: every distinct conversation the load uses (a question
   alone, or a question and its follow-up) asked sequentially through the same Gradio API
   (`/ask`), each in a fresh session.
3. UI path: N concurrent sessions (threads, one `gradio_client.Client` each) × M questions
   of mixed types drawn deterministically from evals/datasets/dev.jsonl, with follow-ups
   (「那2020年呢？」, 「它的目标是多少？」) that rely on the session's own history.
   Every final answer (the assistant message the API returns: answer text, warnings and
   citation cards) must equal the single-user answer of the same conversation.
4. API path: the same N sessions × M questions through `POST /api/v1/ask` of the same server
   (one httpx client per session, its own history sent with each question). Each answer
   object is rendered as the UI renders it and must equal the single-user UI answer.
5. CLI path: `policy-qa ask --batch - --json` with the same questions on stdin: one JSON
   object per line, in order, each rendered exactly as the UI renders it and compared with
   the single-user answer of that question alone (the batch has no history).
6. Prints a table (answered / errors / mismatches / p50 / p95 / max latency / wall time /
   peak RSS of the serving process incl. children, sampled every 0.2 s), writes it as
   Markdown to evals/reports/loadtest-<timestamp>.md, exits 1 on any error or mismatch.

Everything is bounded: the server start (60 s), each API call (--call-timeout-s) and the
whole run (--timeout-s); work not done by the deadline counts as errors.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from vectorstore.offline import apply_offline_defaults

apply_offline_defaults()

import psutil  # noqa: E402

from assistant.followup import is_follow_up  # noqa: E402
from assistant.settings import load_settings  # noqa: E402
from evals.metrics import percentile  # noqa: E402
from ingest.years import YEAR_DIGITS  # noqa: E402
from tools.columns import display_width  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
QA_FILE = REPO / "evals" / "datasets" / "dev.jsonl"
REPORT_DIR = REPO / "evals" / "reports"
HOST = "127.0.0.1"
API_NAME = "/ask"
STARTUP_TIMEOUT_S = 60.0
SAMPLE_EVERY_S = 0.2
P95_TARGET_S = 3.0
API_P95_TARGET_S = 1.0
MAX_SESSIONS = 100
MAX_QUESTIONS = 50

# Standalone questions cycle through these types; the question before a follow-up is one
# that has a figure to follow up on.
TYPE_CYCLE = ("figure", "list", "policy", "table", "temporal", "unanswerable", "entity")
ANTECEDENT_TYPES = ("figure", "table", "temporal")
FOLLOW_UP_YEARS = ("2020", "2025", "2024", "2019")
OTHER_FOLLOW_UPS = ("它的目标是多少？", "那具体有哪些措施呢？")
_YEAR = re.compile(rf"({YEAR_DIGITS})\s*年")

Conversation = tuple[str, ...]  # the questions of one fresh session; the last one is compared


# -- the plan: which questions each session asks ---------------------------------------------


def load_pools(path: Path = QA_FILE) -> dict[str, list[str]]:
    """Questions by type, in file order, keeping only ones that stay standalone after history."""
    pools: dict[str, list[str]] = {}
    seen: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        question = str(item.get("question", "")).strip()
        if not question or question in seen or "\n" in question:
            continue
        # A question that would be read as a follow-up depends on what came before it;
        # the load test compares against single-user answers, so it only asks ones that don't.
        if is_follow_up(question, [("上一个问题", "上一个回答")]):
            continue
        seen.add(question)
        pools.setdefault(str(item.get("type", "other")), []).append(question)
    return pools


def follow_up_for(previous: str, session: int) -> str:
    """A follow-up to the previous question: another year if it names one, else a pronoun."""
    years = _YEAR.findall(previous)
    if years:
        other = next((y for y in FOLLOW_UP_YEARS if y not in years), FOLLOW_UP_YEARS[0])
        return f"那{other}年呢？"
    return OTHER_FOLLOW_UPS[session % len(OTHER_FOLLOW_UPS)]


def plan_sessions(sessions: int, questions: int, pools: dict[str, list[str]]) -> list[list[str]]:
    """Deterministic questions per session: types in rotation, a follow-up at every 4th slot
    from the third (positions 2, 6, 10, ...), its antecedent a figure/table/temporal question."""
    types = [t for t in TYPE_CYCLE if pools.get(t)]
    antecedents = [t for t in ANTECEDENT_TYPES if pools.get(t)] or types
    if not types:
        raise SystemExit(f"错误 / error: no usable questions in {QA_FILE}")
    used: dict[str, int] = {}
    plan: list[list[str]] = []
    for s in range(sessions):
        asked: list[str] = []
        standalone = 0
        for j in range(questions):
            if j % 4 == 2 and asked:
                asked.append(follow_up_for(asked[-1], s))
                continue
            if j % 4 == 1:
                kind = antecedents[(s + j // 4) % len(antecedents)]
            else:
                kind = types[(s + standalone) % len(types)]
            standalone += 1
            pool = pools[kind]
            n = used.get(kind, 0)
            used[kind] = n + 1
            # Stride through the pool so sessions ask different (and sometimes the same) things.
            asked.append(pool[(s * 5 + n) % len(pool)])
        plan.append(asked)
    return plan


def conversation_of(session: Sequence[str], position: int) -> Conversation:
    """What the answer at `position` depends on: the question alone, or previous + follow-up."""
    question = session[position]
    if position > 0 and is_follow_up(question, [(session[position - 1], "")]):
        return (session[position - 1], question)
    return (question,)


# -- measuring ---------------------------------------------------------------------------------


@dataclass
class PathResult:
    name: str
    asked: int = 0
    answered: int = 0
    errors: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    peak_rss_mb: float = 0.0
    notes: list[str] = field(default_factory=list)

    def percentile(self, q: float) -> float | None:
        if not self.latencies:
            return None
        return percentile(self.latencies, q)

    def row(self) -> list[str]:
        def seconds(value: float | None) -> str:
            return "–" if value is None else f"{value:.2f}"

        return [
            self.name,
            f"{self.answered}/{self.asked}",
            str(len(self.errors)),
            str(len(self.mismatches)),
            seconds(self.percentile(50)),
            seconds(self.percentile(95)),
            seconds(max(self.latencies) if self.latencies else None),
            f"{self.wall_s:.1f}",
            f"{self.answered / self.wall_s:.2f}" if self.wall_s else "–",
            f"{self.peak_rss_mb:.0f}",
        ]


HEADERS = [
    "path",
    "answered",
    "errors",
    "mismatches",
    "p50 s",
    "p95 s",
    "max s",
    "wall s",
    "answers/s",
    "peak RSS MB",
]


class RssSampler:
    """Peak RSS of a process and all its children, sampled every 0.2 s in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _processes(self) -> list[psutil.Process]:
        """The server and its live children; none once it has exited."""
        try:
            root = psutil.Process(self.pid)
            return [root, *root.children(recursive=True)]
        except psutil.Error:
            return []

    def _sample(self) -> int:
        total = 0
        for process in self._processes():
            with contextlib.suppress(psutil.Error):
                total += process.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, self._sample())
            self._stop.wait(SAMPLE_EVERY_S)

    def reset(self) -> None:
        self.peak_bytes = self._sample()

    def cpu_seconds(self) -> float:
        """User + system CPU time so far of the process and its live children."""
        total = 0.0
        for process in self._processes():
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
        return total

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / (1024 * 1024)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


# -- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def policy_qa_command() -> list[str]:
    """The `policy-qa` script of this interpreter's environment (the venv's)."""
    script = Path(sys.executable).with_name("policy-qa")
    if script.is_file():
        return [str(script)]
    found = shutil.which("policy-qa")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from assistant.cli import main; sys.exit(main())"]


def extractive_env(data_dir: Path) -> dict[str, str]:
    """The environment for the server and the CLI: this index, no LLM key (extractive mode).

    The key is blanked rather than only removed so a `.env` file cannot bring it back
    (python-dotenv never overrides a variable that is already set; blank means unset here).
    """
    env = dict(os.environ)
    env.pop("OPENAI_API_KEY", None)
    env["OPENAI_API_KEY"] = ""
    env["POLICY_QA_DATA_DIR"] = str(data_dir)
    env["GRADIO_ANALYTICS_ENABLED"] = "False"
    env["ANONYMIZED_TELEMETRY"] = "False"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def wait_for_http(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    last_error = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
                last_error = f"HTTP {response.status}"
        except (urllib.error.URLError, OSError) as error:
            last_error = str(error)
        time.sleep(0.25)
    raise RuntimeError(f"server did not answer {url} within {timeout_s:.0f} s ({last_error})")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate this process (and only it), then kill it if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# -- the UI path -------------------------------------------------------------------------------


def final_message(result: Any) -> tuple[str, int]:
    """(text of the last assistant message, number of chat messages) from an /ask result."""
    if not isinstance(result, (list, tuple)) or len(result) < 2:
        raise ValueError(f"unexpected /ask result: {str(result)[:200]}")
    chat = result[1] or []
    if not chat or chat[-1].get("role") != "assistant":
        raise ValueError("no assistant message in the chat")
    content = chat[-1].get("content")
    if isinstance(content, list):
        text = "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    else:
        text = str(content or "")
    return text, len(chat)


def is_error_message(text: str) -> bool:
    return text.startswith("【暂时无法回答")


class UiSession:
    """One user: their own gradio_client.Client (own session, own history)."""

    def __init__(self, url: str, call_timeout_s: float) -> None:
        from gradio_client import Client

        self.client = Client(url, verbose=False, download_files=False, analytics_enabled=False)
        self.call_timeout_s = call_timeout_s
        self.chat: list[Any] = []

    def ask(self, question: str) -> tuple[str, int]:
        job = self.client.submit(question, self.chat, [], [], api_name=API_NAME)
        result = job.result(timeout=self.call_timeout_s)
        self.chat = list(result[1] or [])
        return final_message(result)

    def reset(self) -> None:
        self.client.reset_session()
        self.chat = []

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()


class ApiSession:
    """One API client: its own connection and history, the answer rendered as the UI shows it."""

    def __init__(self, url: str, call_timeout_s: float) -> None:
        import httpx

        # Imported here, before the clock starts: its first import (the store's libraries)
        # takes about a second and would be counted as the first answer's latency.
        from ui.render import answer_message

        self.render = answer_message
        self.client = httpx.Client(base_url=url.rstrip("/"), timeout=call_timeout_s)
        self.history: list[dict[str, str]] = []

    def ask(self, question: str) -> tuple[str, int]:
        response = self.client.post(
            "/api/v1/ask", json={"question": question, "history": self.history}
        )
        response.raise_for_status()
        item = response.json()
        self.history.append({"question": question, "answer": item["answer"]})
        rendered = self.render(item["answer"], item["citations"], item["warnings"])
        return rendered, 2 * len(self.history)

    def close(self) -> None:
        self.client.close()


class Session(Protocol):
    def ask(self, question: str) -> tuple[str, int]: ...

    def close(self) -> None: ...


def reference_answers(
    url: str, conversations: Sequence[Conversation], call_timeout_s: float, deadline: float
) -> dict[Conversation, str]:
    """Each conversation asked alone, in a fresh session, one call at a time."""
    session = UiSession(url, call_timeout_s)
    answers: dict[Conversation, str] = {}
    try:
        for conversation in conversations:
            if time.monotonic() > deadline:
                raise TimeoutError("deadline reached while computing the reference answers")
            session.reset()
            text = ""
            for question in conversation:
                text, _ = session.ask(question)
            if is_error_message(text):
                raise RuntimeError(f"reference answer failed for {conversation}: {text[:200]}")
            answers[conversation] = text
    finally:
        session.close()
    return answers


def run_session(
    open_session: Callable[[], Session],
    number: int,
    questions: Sequence[str],
    references: dict[Conversation, str],
    call_timeout_s: float,
    deadline: float,
    start: threading.Barrier,
    result: PathResult,
    lock: threading.Lock,
) -> None:
    def record(kind: str, message: str, latency: float | None = None) -> None:
        with lock:
            if kind == "error":
                result.errors.append(message)
            else:
                result.answered += 1
                if latency is not None:
                    result.latencies.append(latency)
                if kind == "mismatch":
                    result.mismatches.append(message)

    try:
        session = open_session()
    except Exception as error:  # the session never started: all its questions failed
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=60)
        for question in questions:
            record("error", f"session {number}: cannot connect ({error!r}): {question}")
        return
    try:
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=60)
        for position, question in enumerate(questions):
            label = f"session {number} q{position + 1} 「{question}」"
            if time.monotonic() > deadline:
                record("error", f"{label}: not asked, run deadline reached")
                continue
            began = time.perf_counter()
            try:
                text, messages = session.ask(question)
            except Exception as error:
                record("error", f"{label}: {type(error).__name__}: {str(error)[:200]}")
                # The chat may be out of step now; later answers still use the server's history.
                continue
            latency = time.perf_counter() - began
            expected = references.get(conversation_of(questions, position))
            if is_error_message(text):
                record("error", f"{label}: error message in the chat: {text[:200]}")
            elif messages != 2 * (position + 1):
                record("mismatch", f"{label}: chat holds {messages} messages", latency)
            elif text != expected:
                record("mismatch", f"{label}: answer differs from the single-user answer", latency)
            else:
                record("ok", label, latency)
    finally:
        session.close()


def run_load(
    name: str,
    open_session: Callable[[], Session],
    plan: list[list[str]],
    references: dict[Conversation, str],
    call_timeout_s: float,
    deadline: float,
    sampler: RssSampler,
) -> PathResult:
    """All sessions of `plan` at once, each through its own `open_session()` client."""
    result = PathResult(name, asked=sum(len(s) for s in plan))
    lock = threading.Lock()
    start = threading.Barrier(len(plan) + 1)
    sampler.reset()
    with ThreadPoolExecutor(max_workers=len(plan), thread_name_prefix="session") as pool:
        futures = [
            pool.submit(
                run_session,
                open_session,
                n + 1,
                questions,
                references,
                call_timeout_s,
                deadline,
                start,
                result,
                lock,
            )
            for n, questions in enumerate(plan)
        ]
        # Every client connected: start them together.
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=120)
        began = time.perf_counter()
        server_cpu, client_cpu = sampler.cpu_seconds(), time.process_time()
        remaining = max(1.0, deadline - time.monotonic()) + call_timeout_s
        done, not_done = wait_futures(futures, timeout=remaining)
        result.wall_s = time.perf_counter() - began
        server_cpu = sampler.cpu_seconds() - server_cpu
        client_cpu = time.process_time() - client_cpu
        result.notes.append(
            f"{name.split()[0]} phase CPU: server {server_cpu:.1f} s, "
            f"load generator (this process, {len(plan)} clients) {client_cpu:.1f} s, over {result.wall_s:.1f} s wall on "
            f"{os.cpu_count()} cores = {(server_cpu + client_cpu) / result.wall_s:.2f} cores busy; "
            f"server CPU per answer {server_cpu / max(1, result.answered) * 1000:.0f} ms"
        )
        for future in done:
            if future.exception() is not None:
                result.errors.append(f"session crashed: {future.exception()!r}")
        if not_done:
            result.errors.append(f"{len(not_done)} sessions still running at the deadline")
    result.peak_rss_mb = sampler.peak_mb
    return result


# -- the CLI batch path ------------------------------------------------------------------------


def run_cli(
    questions: Sequence[str],
    references: dict[Conversation, str],
    data_dir: Path,
    deadline: float,
) -> PathResult:
    from ui.render import answer_message

    result = PathResult("CLI (ask --batch - --json)", asked=len(questions))
    command = [*policy_qa_command(), "ask", "--batch", "-", "--json"]
    with tempfile.TemporaryFile() as stderr:
        began = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=extractive_env(data_dir),
            cwd=REPO,
        )
        lines: queue.Queue[tuple[float, bytes]] = queue.Queue()

        def feed() -> None:
            assert process.stdin is not None
            with contextlib.suppress(OSError):
                process.stdin.write(("\n".join(questions) + "\n").encode("utf-8"))
                process.stdin.close()

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines.put((time.perf_counter(), line))
            lines.put((time.perf_counter(), b""))

        threads = [threading.Thread(target=f, daemon=True) for f in (feed, read)]
        for thread in threads:
            thread.start()
        outputs: list[tuple[float, bytes]] = []
        try:
            with RssSampler(process.pid) as sampler:
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        result.errors.append("run deadline reached; CLI batch stopped")
                        break
                    try:
                        stamp, line = lines.get(timeout=min(left, 5.0))
                    except queue.Empty:
                        continue
                    if not line:
                        break
                    outputs.append((stamp, line))
                result.peak_rss_mb = sampler.peak_mb
        finally:
            stop(process)
        result.wall_s = time.perf_counter() - began
        stderr.seek(0)
        tail = stderr.read().decode("utf-8", "replace").strip()[-400:]
    if process.returncode not in (0, None) and not result.errors:
        result.errors.append(f"CLI exited with code {process.returncode}: {tail}")
    previous = began
    for n, (stamp, line) in enumerate(outputs):
        # Each answer's latency is the time since the previous one arrived (the first one
        # includes starting the process and loading the models).
        latency, previous = stamp - previous, stamp
        if n == 0:
            result.notes.append(f"CLI first answer after {latency:.1f} s (process start, models)")
        if n >= len(questions):
            result.errors.append(f"extra output line {n + 1}: {line[:120]!r}")
            continue
        question = questions[n]
        label = f"CLI line {n + 1} 「{question}」"
        try:
            item = json.loads(line)
            answer = answer_message(item["answer"], item["citations"], item["warnings"])
        except (ValueError, KeyError, TypeError) as error:
            result.errors.append(f"{label}: not one JSON answer object ({error})")
            continue
        result.answered += 1
        result.latencies.append(latency)
        if item.get("question") != question:
            result.mismatches.append(f"{label}: out of order (got 「{item.get('question')}」)")
        elif item.get("mode") != "extractive":
            result.mismatches.append(f"{label}: mode {item.get('mode')!r}, not extractive")
        elif answer != references.get((question,)):
            result.mismatches.append(f"{label}: answer differs from the single-user answer")
    missing = len(questions) - len(outputs)
    if missing > 0:
        result.errors.append(f"{missing} questions got no output line")
    return result


# -- report ------------------------------------------------------------------------------------


def markdown_table(results: Sequence[PathResult]) -> str:
    lines = [
        "| " + " | ".join(HEADERS) + " |",
        "|" + "|".join("---" for _ in HEADERS) + "|",
    ]
    lines += ["| " + " | ".join(r.row()) + " |" for r in results]
    return "\n".join(lines)


def text_table(results: Sequence[PathResult]) -> str:
    rows = [HEADERS, *(r.row() for r in results)]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(HEADERS))]
    out = []
    for row in rows:
        out.append(
            "  ".join(
                cell + " " * (w - display_width(cell))
                if i == 0
                else " " * (w - display_width(cell)) + cell
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(out)


def write_report(
    results: Sequence[PathResult], header: list[str], notes: list[str], report_dir: Path
) -> Path:
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / f"loadtest-{datetime.now().strftime('%Y%m%d-%H%M%S')}.md"
    problems = [p for r in results for p in (*r.errors, *r.mismatches)]
    body = [
        "# policy-qa load test",
        "",
        *(f"- {line}" for line in header),
        "",
        markdown_table(results),
        "",
        *(f"- {note}" for note in notes),
    ]
    if problems:
        body += ["", "## Errors and mismatches (first 50)", ""]
        body += [f"- {p}" for p in problems[:50]]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path


# -- main --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.loadtest", description=__doc__)
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (20)")
    parser.add_argument("--questions", type=int, default=10, help="questions per session (10)")
    parser.add_argument("--port", type=int, default=0, help="server port (0: a free one)")
    parser.add_argument("--timeout-s", type=float, default=600.0, help="whole-run limit (600)")
    parser.add_argument(
        "--call-timeout-s", type=float, default=120.0, help="limit per API call (120)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="index to serve (default: POLICY_QA_DATA_DIR, else ./.policy-qa)",
    )
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI batch path")
    parser.add_argument("--no-api", action="store_true", help="skip the HTTP API path")
    parser.add_argument("--report-dir", type=Path, default=REPORT_DIR)
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be 1..{MAX_SESSIONS}")
    if not 1 <= args.questions <= MAX_QUESTIONS:
        parser.error(f"--questions must be 1..{MAX_QUESTIONS}")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be 0..65535")
    if args.timeout_s <= 0 or args.call_timeout_s <= 0:
        parser.error("timeouts must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    deadline = started + args.timeout_s
    data_dir = (args.data_dir or load_settings().store.data_dir).resolve()
    if not data_dir.is_dir():
        print(f"错误 / error: no index at {data_dir} (run `make index`)", file=sys.stderr)
        return 2

    plan = plan_sessions(args.sessions, args.questions, load_pools())
    flat = [q for session in plan for q in session]
    ui_conversations = {conversation_of(s, i) for s in plan for i in range(len(s))}
    cli_conversations = set() if args.no_cli else {(q,) for q in flat}
    conversations = sorted(ui_conversations | cli_conversations)
    follow_ups = sum(1 for s in plan for i in range(len(s)) if len(conversation_of(s, i)) > 1)

    port = args.port or free_port()
    url = f"http://{HOST}:{port}/"
    references: dict[Conversation, str] = {}
    results: list[PathResult] = []
    notes: list[str] = []
    with tempfile.TemporaryFile() as log:
        command = [*policy_qa_command(), "serve", "--host", HOST, "--port", str(port)]
        print(f"starting {' '.join(command)} on {data_dir}", file=sys.stderr, flush=True)
        server = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=extractive_env(data_dir), cwd=REPO
        )
        try:
            with RssSampler(server.pid) as sampler:
                wait_for_http(url, server, min(STARTUP_TIMEOUT_S, args.timeout_s))
                print(
                    f"server up after {time.monotonic() - started:.1f} s; "
                    f"{len(conversations)} single-user reference conversations…",
                    file=sys.stderr,
                    flush=True,
                )
                began = time.perf_counter()
                references = reference_answers(url, conversations, args.call_timeout_s, deadline)
                reference_s = time.perf_counter() - began
                notes.append(
                    f"single-user references: {len(references)} conversations, sequential, "
                    f"{reference_s:.1f} s ({reference_s / max(1, len(references)):.2f} s each, "
                    "fresh session each; a follow-up's reference is its two-turn conversation)"
                )
                print(
                    f"load: {args.sessions} sessions × {args.questions} questions…",
                    file=sys.stderr,
                    flush=True,
                )
                ui = run_load(
                    "UI (gradio_client /ask)",
                    lambda: UiSession(url, args.call_timeout_s),
                    plan,
                    references,
                    args.call_timeout_s,
                    deadline,
                    sampler,
                )
                results.append(ui)
                notes += ui.notes
                if not args.no_api:
                    print("API path: the same sessions through POST /api/v1/ask…", file=sys.stderr)
                    api = run_load(
                        "API (POST /api/v1/ask)",
                        lambda: ApiSession(url, args.call_timeout_s),
                        plan,
                        references,
                        args.call_timeout_s,
                        deadline,
                        sampler,
                    )
                    results.append(api)
                    notes += api.notes
                notes.append(f"server peak RSS over the whole run: {sampler.peak_mb:.0f} MB")
        except Exception as error:
            failed = PathResult("UI (gradio_client /ask)", asked=len(flat))
            failed.errors.append(f"{type(error).__name__}: {error}")
            results.append(failed)
        finally:
            stop(server)
            log.seek(0)
            server_log = log.read().decode("utf-8", "replace")
    if "Traceback" in server_log:
        notes.append("server log holds a traceback: " + server_log[-600:].replace("\n", " ⏎ "))

    if not args.no_cli and results and results[0].answered:
        print(f"CLI batch: {len(flat)} questions…", file=sys.stderr, flush=True)
        results.append(run_cli(flat, references, data_dir, deadline))
        notes += results[-1].notes

    targets = {"UI": P95_TARGET_S, "API": API_P95_TARGET_S}
    for result in reversed([r for r in results if r.name.split()[0] in targets]):
        target, p95 = targets[result.name.split()[0]], result.percentile(95)
        verdict = "–" if p95 is None else ("met" if p95 < target else "NOT met")
        notes.insert(0, f"target p95 < {target:.0f} s ({result.name.split()[0]}): {verdict}")
    header = [
        f"{datetime.now().isoformat(timespec='seconds')} · {os.cpu_count()} CPU cores · "
        f"extractive mode · index {data_dir}",
        f"{args.sessions} concurrent sessions × {args.questions} questions = {len(flat)} "
        f"({follow_ups} follow-ups), {len(set(flat))} distinct questions",
        "latency: client-side, submit to final answer (queue wait included); "
        "peak RSS: serving process incl. children, sampled every 0.2 s",
    ]
    print()
    print("\n".join(header))
    print(text_table(results))
    for note in notes:
        print(f"- {note}")
    problems = [p for r in results for p in (*r.errors, *r.mismatches)]
    for problem in problems[:20]:
        print(f"! {problem}")
    report = write_report(results, header, notes, args.report_dir)
    print(f"report: {report}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
