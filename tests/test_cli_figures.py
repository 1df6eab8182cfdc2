"""`policy-qa figures` as users run it: a real subprocess over a real facts.sqlite."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from ingest.pipeline import ProcessedDocument
from tests.helpers import POLICY_QA
from vectorstore.facts import FactStore
from vectorstore.settings import StoreSettings


def figures(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICY_QA_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [POLICY_QA, "figures", *args], capture_output=True, text=True, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def facts_dir(
    tmp_path_factory: pytest.TempPathFactory, processed_corpus: dict[str, ProcessedDocument]
) -> Path:
    """A data dir holding only the fact table of the corpus (no Chroma needed to read it)."""
    data_dir = tmp_path_factory.mktemp("facts")
    store = FactStore.in_dir(data_dir)
    for doc in processed_corpus.values():
        store.sync(doc, "v1")
    return data_dir


def test_json_lists_every_year_and_scope_with_its_source(facts_dir: Path) -> None:
    result = figures("技术合同成交额", "--json", data_dir=facts_dir)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    series = {(r["scope"], r["period"], r["kind"], r["value"]) for r in rows}
    assert {
        ("广州市", "2017", "actual", 357.0),
        ("广州市", "2018", "actual", 719.0),
        ("广州市", "2022", "forecast", 2646.0),
        ("黄埔区、广州开发区", "2020", "actual", 619.0),
        ("黄埔区、广州开发区", "2025", "target", 800.0),
    } <= series
    assert all(r["indicator"] == "技术合同成交额" and r["unit"] == "亿元" for r in rows)
    assert all(r["title"] and r["date"] and r["quote"] for r in rows)


def test_scope_filter_and_the_text_table(facts_dir: Path) -> None:
    result = figures("技术合同成交额", "--scope", "黄埔区", data_dir=facts_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("时期 | 范围 | 数值") and lines[1].startswith("period | scope")
    body = lines[2:]
    assert body and all("黄埔区、广州开发区" in line for line in body)
    assert any(
        line.startswith("2025 | 黄埔区、广州开发区 | 800亿元 | target | 黄埔区、广州开发区科技创新")
        and "「技术合同成交额" in line
        for line in body
    )


def test_unknown_indicator_and_empty_table_are_one_line_errors(
    facts_dir: Path, tmp_path: Path
) -> None:
    missing = figures("不存在的指标", data_dir=facts_dir)
    assert (
        missing.returncode == 1
        and "未找到指标" in missing.stderr
        and "no figures" in missing.stderr
    )
    empty = figures("技术合同成交额", data_dir=tmp_path)
    assert empty.returncode == 1 and "policy-qa ingest" in empty.stderr
    for result in (missing, empty):
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_ingest_builds_the_fact_table(indexed_settings: StoreSettings) -> None:
    result = figures("高新技术企业数量", "--json", data_dir=indexed_settings.data_dir)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {(r["scope"], r["period"], r["value"]) for r in rows} >= {
        ("黄埔区、广州开发区", "2020", 2109.0),
        ("黄埔区、广州开发区", "2025", 2600.0),
        ("广州市", "2018", 11000.0),
    }
