"""Every command answers a bad setting the same way: one bilingual line and exit code 2."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.cli import build_parser
from tests.helpers import POLICY_QA

# What each command needs besides its name to get past argument parsing.
ARGUMENTS = {
    "search": ["广州"],
    "ask": ["广州"],
    "figures": ["技术合同成交额"],
    "feedback": ["export"],
    "log": ["report"],
}
BAD_SETTINGS = {
    "CHROMA_PORT": "abc",
    "POLICY_QA_EMBEDDING": "foo",
    "POLICY_QA_UPLOAD_MAX_MB": "many",
    "POLICY_QA_LLM_TIMEOUT": "never",
    "POLICY_QA_QUERY_LOG": "maybe",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def commands() -> list[str]:
    """Every registered command, plug-ins (serve, eval, feedback) included."""
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(action.choices)


def test_every_command_is_covered() -> None:
    assert {"ingest", "docs", "search", "ask", "config", "serve", "eval", "feedback"} <= set(
        commands()
    )


@pytest.mark.slow
@pytest.mark.parametrize(("name", "value"), sorted(BAD_SETTINGS.items()))
def test_a_bad_setting_is_one_bilingual_line_and_exit_2(
    name: str, value: str, tmp_path: Path
) -> None:
    env = {**os.environ, "POLICY_QA_DATA_DIR": str(tmp_path / "data"), name: value}
    env.pop("OPENAI_API_KEY", None)

    def run(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [POLICY_QA, command, *ARGUMENTS.get(command, [])],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,  # no .env file from the repository
            timeout=120,
        )

    names = commands()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, names))
    for command, result in zip(names, results, strict=True):
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2, (command, result.stderr)
        assert len(lines) == 1, (command, result.stderr)
        assert name in lines[0] and value in lines[0], (command, lines[0])
        assert _CJK.search(lines[0]) and " / " in lines[0], (command, lines[0])
        assert not (tmp_path / "data").exists(), command  # nothing was created before the check
