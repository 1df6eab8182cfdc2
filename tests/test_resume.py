"""A bulk ingest killed with SIGKILL mid-embedding resumes without embedding anything again.

Real `policy-qa ingest` processes on an empty embedding cache; the writer is stopped at the
"embedding" fault point (right after its first batch of vectors reached the cache) and killed.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from pathlib import Path

import pytest

from tests.concurrency import cli_env, kill_paused, run
from vectorstore.embeddings import CACHE_FILENAME

PARAGRAPHS = (
    "一、总体情况\n全市新型研发机构达到{n}家，研发人员占比超过六成。",
    "二、成果转化\n技术合同成交额同比增长，孵化载体新增{n}个，服务企业超过千家。",
)


def cached_vectors(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / CACHE_FILENAME) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])


@pytest.mark.race
def test_ingest_killed_mid_embedding_resumes_without_re_embedding(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    marker = uuid.uuid4().hex[:8]  # texts no embedding cache has seen
    for n in range(3):
        body = "\n\n".join(p.format(n=n + 10) for p in PARAGRAPHS)
        text = f"关于第{n}批科技项目的通知（{marker}）\n\n{body}\n"
        (corpus / f"notice-{n}.txt").write_text(text, encoding="utf-8")
    data_dir = tmp_path / "data"
    env = cli_env(data_dir)

    kill_paused(["ingest", str(corpus)], env, "embedding")
    embedded_before_kill = cached_vectors(data_dir)
    assert embedded_before_kill > 0

    resumed = run(["ingest", str(corpus)], env)
    assert resumed.returncode == 0, resumed.stderr
    newly = re.search(r"\((\d+) chunks newly embedded\)", resumed.stderr)
    assert newly is not None, resumed.stderr
    total = cached_vectors(data_dir)
    assert int(newly.group(1)) == total - embedded_before_kill  # nothing embedded twice
    assert re.search(r"documents and \d+ chunks per minute", resumed.stderr)
    assert "3 ok, 0 errors" in resumed.stdout
