"""One file never stops another: repeated text, unreadable files and failing writes.

Exit codes of `policy-qa ingest` are checked on real subprocesses: 0 all files ok, 1 some
files failed (the others are indexed), 2 a usage or configuration error.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.cli import main
from ingest import pipeline
from ingest.pipeline import FailedFile, process_paths
from tests.conftest import CORPUS, make_settings, warm_cache_into
from tests.helpers import POLICY_QA
from tests.hostile import repeated_corpus
from vectorstore.consistency import check
from vectorstore.indexer import index_outcomes
from vectorstore.service import open_store
from vectorstore.store import ChunkStore

ALLIANCE = CORPUS / "000_0e5a863861ba855e.txt"  # its vectors are in the session's cache


def ingest(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "OPENAI_"))}
    env["POLICY_QA_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [POLICY_QA, "ingest", *args], capture_output=True, text=True, env=env, timeout=600
    )


def indexed_ids(data_dir: Path) -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "OPENAI_"))}
    env["POLICY_QA_DATA_DIR"] = str(data_dir)
    done = subprocess.run(
        [POLICY_QA, "docs", "--json"], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return {record["doc_id"]: record["chunk_count"] for record in json.loads(done.stdout)}


@pytest.mark.slow
def test_repeated_paragraphs_index_and_reindex_with_exit_code_0(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "repeated.txt").write_text(repeated_corpus(5), encoding="utf-8")
    shutil.copyfile(ALLIANCE, corpus / "after.txt")  # a file after the repeats must get in too
    data_dir = tmp_path / "data"
    warm_cache_into(data_dir)

    first = ingest("--json", str(corpus), data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    report = json.loads(first.stdout)
    assert [row["status"] for row in report["documents"]] == ["indexed", "indexed"]
    chunks = {row["doc_id"]: row["chunks"] for row in report["documents"]}
    assert indexed_ids(data_dir) == chunks

    again = ingest("--json", str(corpus), data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    assert {row["status"] for row in json.loads(again.stdout)["documents"]} == {"unchanged"}


@pytest.mark.slow
def test_a_failing_file_gives_exit_code_1_and_the_rest_are_indexed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a-broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    shutil.copyfile(ALLIANCE, corpus / "b-good.txt")
    data_dir = tmp_path / "data"
    warm_cache_into(data_dir)

    done = ingest(str(corpus), data_dir=data_dir)
    assert done.returncode == 1, done.stderr
    assert "a-broken.pdf" in done.stdout and "corrupt or invalid PDF" in done.stdout
    assert "2 files: 1 ok, 1 errors" in done.stdout
    assert "Traceback" not in done.stderr
    assert list(indexed_ids(data_dir)) == ["b-good.txt"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "args", [("does/not/exist",), ("--no-such-option",)], ids=["missing-path", "bad-option"]
)
def test_usage_errors_give_exit_code_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    done = ingest(*args, data_dir=tmp_path / "data")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_an_exception_while_indexing_one_file_is_reported_and_the_rest_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        shutil.copyfile(ALLIANCE, corpus / name)
    data_dir = tmp_path / "data"
    warm_cache_into(data_dir)
    monkeypatch.setenv("POLICY_QA_DATA_DIR", str(data_dir))
    for name in ("CHROMA_HOST", "CHROMA_PORT", "OPENAI_API_KEY", "POLICY_QA_EMBEDDING"):
        monkeypatch.delenv(name, raising=False)
    real_upsert = ChunkStore.upsert_document

    def fail_on_b(self: ChunkStore, processed, *more):  # type: ignore[no-untyped-def]
        if processed.doc_id == "b.txt":
            raise RuntimeError("simulated failure inside the store")
        return real_upsert(self, processed, *more)

    monkeypatch.setattr(ChunkStore, "upsert_document", fail_on_b)
    assert main(["ingest", "--json", str(corpus)]) == 1
    report = json.loads(capsys.readouterr().out)
    status = {row["doc_id"]: row["status"] for row in report["documents"]}
    assert status == {"a.txt": "indexed", "b.txt": "error", "c.txt": "indexed"}
    error = next(row["error"] for row in report["documents"] if row["doc_id"] == "b.txt")
    assert "写入索引失败" in error and "RuntimeError: simulated failure" in error

    monkeypatch.setattr(ChunkStore, "upsert_document", real_upsert)
    assert main(["ingest", "--json", str(corpus)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [row["status"] for row in report["documents"]] == ["unchanged", "indexed", "unchanged"]


def test_an_unexpected_exception_while_processing_one_file_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.txt", "b.txt"):
        shutil.copyfile(ALLIANCE, tmp_path / name)
    real_process = pipeline.process_document

    def fail_on_a(document, meta, config=None):  # type: ignore[no-untyped-def]
        if document.doc_id == "a.txt":
            raise RecursionError("maximum recursion depth exceeded")
        return real_process(document, meta, config)

    monkeypatch.setattr(pipeline, "process_document", fail_on_a)
    failed, processed = list(process_paths([tmp_path]))
    assert isinstance(failed, FailedFile) and failed.doc_id == "a.txt"
    assert "RecursionError" in failed.error.reason_en and "意外错误" in failed.error.reason_zh
    assert processed.doc_id == "b.txt" and processed.chunks


def test_records_of_a_write_that_failed_midway_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """b.txt's records are written, then registering it fails: the report names b.txt, its
    partial records are gone, c.txt after it is indexed and the store checks consistent."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        shutil.copyfile(ALLIANCE, corpus / name)
    data_dir = tmp_path / "data"
    warm_cache_into(data_dir)
    store = open_store(make_settings(data_dir))
    real_register = ChunkStore._register

    def fail_on_b(self: ChunkStore, processed, version, *rest):  # type: ignore[no-untyped-def]
        if processed.doc_id == "b.txt":
            assert any(key.startswith("b.txt@") for key in self.record_keys())
            raise RuntimeError("simulated crash between writing records and registering")
        return real_register(self, processed, version, *rest)

    monkeypatch.setattr(ChunkStore, "_register", fail_on_b)
    results = list(index_outcomes(store, process_paths([corpus])))
    assert [r.status for r in results] == ["indexed", "error", "indexed"]
    assert "simulated crash" in results[1].error
    assert not any(key.startswith("b.txt@") for key in store.record_keys())
    assert [record.doc_id for record in store.documents()] == ["a.txt", "c.txt"]
    assert check(store).consistent
