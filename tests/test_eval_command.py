"""`policy-qa eval` end to end: a real subprocess over the session's corpus index.

Three dev items are chosen so that every part of the report has something to show: a
year follow-up pair (2020 value, then 「那2025年的目标呢？」; the 2025 one also yields a 2030
swap that must be refused) and an unanswerable question. Nine questions are asked in all.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from evals.dataset import SPLIT_PATHS, load_dataset
from tests.helpers import POLICY_QA
from vectorstore.settings import StoreSettings

pytestmark = pytest.mark.slow

CHOSEN = ("q108", "q109", "q164")


def test_eval_on_one_file_writes_the_report_with_the_metamorphic_suite(
    indexed_settings: StoreSettings, tmp_path: Path
) -> None:
    dev = {item.id: item for item in load_dataset(SPLIT_PATHS["dev"])}
    dataset = tmp_path / "small.jsonl"
    dataset.write_text(
        "".join(json.dumps(dev[i].to_json(), ensure_ascii=False) + "\n" for i in CHOSEN),
        encoding="utf-8",
    )
    env = {**os.environ, "POLICY_QA_DATA_DIR": str(indexed_settings.data_dir)}
    env.pop("OPENAI_API_KEY", None)
    result = subprocess.run(
        [POLICY_QA, "eval", "--dataset", str(dataset), "--out", str(tmp_path / "reports")],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "| follow_up_accuracy |" in result.stdout
    assert "| rephrasing_consistency |" in result.stdout

    (run_dir,) = (tmp_path / "reports").iterdir()
    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
    split = report["splits"]["small"]
    assert "gap" not in report  # one file: nothing to compare it with
    assert split["items"] == 3
    counts = split["metamorphic"]["n"]
    assert counts["framing"] == 2  # one per answerable item
    assert counts["rephrasing"] == 2  # one per answerable item, like framings
    assert counts["attribute_swap"] == 2  # the 2030 target, plain and framed
    assert counts["follow_up"] == 2  # 2020 -> 2025 and back
    for key in (
        "accuracy",
        "figure_accuracy",
        "refusal_recall",
        "follow_up_accuracy",
        "rephrasing_consistency",
        "rephrased_accuracy",
    ):
        assert split["headline"][key] is not None, key
    assert set(split["answers"]["by_style"]) == {"plain"}
    markdown = (run_dir / "report.md").read_text(encoding="utf-8")
    assert "## small: metamorphic suite" in markdown
    assert "| rephrasing consistency | 2 |" in markdown
    assert (run_dir / "metamorphic_by_split.png").stat().st_size > 0
