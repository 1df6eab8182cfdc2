"""Helpers for the race, reader and kill tests: two versions of a small document, CLI runs.

Every test here drives the real `policy-qa` CLI in subprocesses against a real Chroma (an
embedded data dir, or a `chroma run` server) and judges the result with `policy-qa check`.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
from pathlib import Path

from tests.conftest import EMBEDDING_CACHE
from tests.helpers import POLICY_QA
from vectorstore.embeddings import CACHE_FILENAME
from vectorstore.faultpoints import PAUSE_ENV, PAUSED

DOC_NAME = "fund-brief.txt"
# Two versions of one document; every paragraph differs, so no chunk is shared between them.
VERSION_A = """黄埔区科技金融专项简报（甲）

一、科技信贷
甲版本：科技型中小企业贷款余额稳步增长，风险补偿资金池规模达到十亿元。

二、创业投资
甲版本：区内创业投资机构管理基金规模突破千亿元，重点投向生物医药和集成电路。

三、上市培育
甲版本：全年新增上市企业八家，后备企业库入库企业超过三百家。
"""
VERSION_B = """黄埔区科技金融专项简报（乙）

一、科技信贷
乙版本：科技型中小企业贷款余额继续增长，风险补偿资金池规模达到二十亿元。

二、创业投资
乙版本：区内创业投资机构管理基金规模突破一千二百亿元，重点投向新能源和人工智能。

三、上市培育
乙版本：全年新增上市企业十一家，后备企业库入库企业超过四百家。

四、知识产权金融
乙版本：知识产权质押融资登记金额超过五十亿元。
"""
MARKER_A, MARKER_B = "甲版本", "乙版本"
QUESTION = "风险补偿资金池规模达到多少？"


def version_dirs(root: Path) -> tuple[Path, Path]:
    """Two corpus folders holding version A and version B of the same document (same doc id)."""
    dirs = []
    for name, text in (("version-a", VERSION_A), ("version-b", VERSION_B)):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / DOC_NAME).write_text(text, encoding="utf-8")
        dirs.append(folder)
    return dirs[0], dirs[1]


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHROMA_", "OPENAI_", "POLICY_QA_"))
    }
    return {**env, "POLICY_QA_DATA_DIR": str(data_dir), **extra}


def seed_cache(data_dir: Path, source: Path = EMBEDDING_CACHE) -> None:
    """Start from an embedding cache, so unchanged texts cost nothing.

    SQLite's backup API copies what is still in the source's write-ahead log too, which a
    plain file copy of a cache in WAL mode would miss.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    if source.is_file():
        with sqlite3.connect(source) as src, sqlite3.connect(data_dir / CACHE_FILENAME) as dst:
            src.backup(dst)


def start(args: list[str], env: dict[str, str], **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [POLICY_QA, *args],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,  # type: ignore[arg-type]
    )


def kill_paused(args: list[str], env: dict[str, str], phase: str) -> None:
    """Run the CLI until it pauses at fault point `phase` (faultpoints.py), then SIGKILL it."""
    writer = start(args, {**env, PAUSE_ENV: phase})
    assert writer.stderr is not None
    seen = ""
    while PAUSED not in seen:
        line = writer.stderr.readline()
        assert line, f"writer ended before reaching {phase}: {seen[-2000:]}"
        seen += line
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)


def run(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [POLICY_QA, *args], env=env, text=True, capture_output=True, timeout=timeout
    )


def check_report(env: dict[str, str]) -> tuple[int, dict]:
    done = run(["check", "--json"], env)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def documents(env: dict[str, str]) -> dict[str, dict]:
    done = run(["docs", "--json"], env)
    assert done.returncode == 0, done.stderr
    return {record["doc_id"]: record for record in json.loads(done.stdout)}
