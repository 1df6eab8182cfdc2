"""The `policy-qa` command line as users and scripts run it: real subprocesses, real files."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.helpers import POLICY_QA


def run(*args: str, data_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICY_QA_DATA_DIR": str(data_dir)}
    env.pop("OPENAI_API_KEY", None)
    return subprocess.run(
        [POLICY_QA, *args], capture_output=True, text=True, env=env, input=stdin, timeout=600
    )


@pytest.mark.slow
def test_dry_run_reports_five_documents_and_17_table_rows(tmp_path: Path) -> None:
    result = run("ingest", "--dry-run", "--json", str(CORPUS), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == 0
    rows = {row["doc_id"]: row for row in report["documents"]}
    assert len(rows) == 5
    assert rows["003_d7285df370a477b8.txt"]["table_rows"] == 17
    assert rows["002_eb9130060e5878d8.txt"]["duplicates_removed"] == 1
    assert not (tmp_path / "chroma").exists()  # a dry run indexes nothing


@pytest.mark.slow
def test_show_chunks_prints_one_documents_chunks(tmp_path: Path) -> None:
    doc = "000_0e5a863861ba855e.txt"
    result = run("ingest", "--dry-run", "--show-chunks", doc, str(CORPUS), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "综合类国家技术创新中心" in result.stdout
    assert "5 files: 5 ok, 0 errors" in result.stdout


@pytest.mark.slow
def test_bad_files_are_reported_and_the_rest_ingest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("广州市科技创新政策支持企业研发投入。", encoding="gbk")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 4)
    result = run("ingest", "--dry-run", "--json", str(corpus), data_dir=tmp_path / "data")
    assert result.returncode == 1, result.stderr  # some files failed, the others went on
    report = json.loads(result.stdout)
    status = {row["doc_id"]: row["status"] for row in report["documents"]}
    assert status == {
        "binary.txt": "error",
        "broken.pdf": "error",
        "empty.txt": "error",
        "good.txt": "dry-run",
    }
    errors = [row["error"] for row in report["documents"] if row["status"] == "error"]
    assert all(error.strip() for error in errors)


@pytest.mark.slow
def test_questions_against_an_empty_index_get_a_clear_error(tmp_path: Path) -> None:
    for args in (("ask", "高新技术企业有多少家？"), ("search", "高新技术企业")):
        result = run(*args, data_dir=tmp_path)
        assert result.returncode == 2
        assert "policy-qa ingest" in result.stderr and "索引为空" in result.stderr
        assert "Traceback" not in result.stderr


def test_docs_lists_the_indexed_corpus(indexed_settings) -> None:
    result = run("docs", "--json", data_dir=indexed_settings.data_dir)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert len(records) == 5
    plan = next(r for r in records if r["doc_id"].startswith("003"))
    assert plan["table_rows"] == 17 and plan["chunk_count"] > 17


@pytest.mark.slow
def test_reingesting_the_corpus_changes_nothing(indexed_settings) -> None:
    result = run("ingest", "--json", str(CORPUS), data_dir=indexed_settings.data_dir)
    assert result.returncode == 0, result.stderr
    statuses = {row["status"] for row in json.loads(result.stdout)["documents"]}
    assert statuses == {"unchanged"}
