"""Two `policy-qa serve` replicas on one `chroma run` server serve what a third process writes.

Each replica is a real `policy-qa serve` process with its own data dir (BM25 and cache) on
its own port. A third process ingests a document, then deletes it; both replicas must serve
the new document, then stop serving it, within CHANGE_BOUND_S and without a restart. When
the Chroma server stops, the API answers 503 with the error body instead of failing.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.chroma_server import ChromaServer, chroma_cli
from tests.concurrency import DOC_NAME, VERSION_A, cli_env, run, seed_cache, start
from tests.helpers import free_port
from tests.test_readers import DELETE_SCRIPT

pytestmark = pytest.mark.server

CHANGE_BOUND_S = 60.0
STARTUP_S = 90.0
IDLE_S = 5.0  # > POLICY_QA_REFRESH_S (1 s) + the snapshot build of a tiny index
NEW_DOC = "new-institutes.txt"
NEW_TEXT = """广州市新型研发机构发展简报

一、总体情况
全市新型研发机构达到八十家，协同创新联盟揭牌成立，联盟成员单位共享科研仪器设备。
"""
NEW_QUERY = "新型研发机构协同创新联盟共享科研仪器"


class Replica:
    """One `policy-qa serve` process; stopped by its own pid."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api/v1"
        self.process = start(["serve", "--port", str(self.port)], env)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.communicate()[1][-3000:]
            try:
                if httpx.get(f"{self.url}/health", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"replica on {self.url} not ready")

    def found(self, doc_id: str) -> bool:
        """Does a search find `doc_id`?"""
        hits = httpx.post(f"{self.url}/search", json={"query": NEW_QUERY, "k": 5}, timeout=60)
        assert hits.status_code == 200, hits.text
        return any(hit["doc_id"] == doc_id for hit in hits.json())

    def listed(self, doc_id: str) -> bool:
        return httpx.get(f"{self.url}/documents/{doc_id}", timeout=60).status_code == 200

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate(timeout=30)


def _seconds_until(condition: Callable[[], bool]) -> float:
    began = time.monotonic()
    while time.monotonic() - began < CHANGE_BOUND_S:
        if condition():
            return time.monotonic() - began
        time.sleep(0.25)
    raise AssertionError(f"not served within {CHANGE_BOUND_S:.0f} s")


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    if chroma_cli() is None:
        pytest.skip("the chroma CLI is not installed")
    with ChromaServer(tmp_path / "chroma-server") as server:
        yield server


def test_two_replicas_serve_another_process_ingest_and_delete(
    chroma: ChromaServer, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / DOC_NAME).write_text(VERSION_A, encoding="utf-8")
    writer_env = cli_env(tmp_path / "writer", **chroma.env)
    seed_cache(tmp_path / "writer")
    assert run(["ingest", str(corpus / DOC_NAME)], writer_env).returncode == 0

    replicas = []
    for name in ("replica-1", "replica-2"):
        seed_cache(tmp_path / name)
        replicas.append(Replica(cli_env(tmp_path / name, **chroma.env, POLICY_QA_REFRESH_S="1")))
    try:
        for replica in replicas:
            replica.wait_ready()
            assert not replica.found(NEW_DOC) and not replica.listed(NEW_DOC)

        (corpus / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
        assert run(["ingest", str(corpus / NEW_DOC)], writer_env).returncode == 0
        first, idle = replicas
        added = _seconds_until(lambda: first.found(NEW_DOC))
        # Nobody asked the idle replica: its watcher (POLICY_QA_REFRESH_S) has already refreshed,
        # so its very first question sees the new document.
        time.sleep(IDLE_S)
        assert idle.found(NEW_DOC)
        assert all(replica.listed(NEW_DOC) for replica in replicas)

        deleted = subprocess.run(
            [sys.executable, "-c", DELETE_SCRIPT, NEW_DOC],
            env=writer_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert deleted.returncode == 0, deleted.stderr
        removed = _seconds_until(lambda: not first.found(NEW_DOC))
        time.sleep(IDLE_S)
        assert not idle.found(NEW_DOC)
        assert not any(replica.listed(NEW_DOC) for replica in replicas)
        print(f"\nserved {added:.2f} s after the ingest, gone {removed:.2f} s after the delete")

        chroma.stop()
        for replica in replicas:
            health = httpx.get(f"{replica.url}/health", timeout=60)
            assert health.status_code == 503 and not health.json()["store"]["reachable"]
            ask = httpx.post(f"{replica.url}/ask", json={"question": NEW_QUERY}, timeout=60)
            assert ask.status_code == 503, ask.text
            assert ask.json()["error"]["code"] == "store_unavailable"
            assert "Chroma" in ask.json()["error"]["message_en"]
        for replica in replicas:
            assert replica.process.poll() is None  # still running, no restart needed
    finally:
        for replica in replicas:
            replica.stop()
