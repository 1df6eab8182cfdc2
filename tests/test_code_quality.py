"""The codebase's own rules: stages import only from earlier stages, and ruff is clean."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Each stage may import the stages listed for it, and nothing later (docs/design.md); no stage
# imports tools/, which is not installed.
ALLOWED = {
    "ingest": {"ingest"},
    "vectorstore": {"ingest", "vectorstore"},
    "assistant": {"ingest", "vectorstore", "assistant"},
    "ui": {"ingest", "vectorstore", "assistant", "ui"},
    "evals": {"ingest", "vectorstore", "assistant", "evals"},
}


def _imported_stages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & (set(ALLOWED) | {"tools"})


def test_stages_import_only_from_earlier_stages() -> None:
    violations = [
        f"{path.relative_to(REPO)} imports {sorted(_imported_stages(path) - allowed)}"
        for stage, allowed in ALLOWED.items()
        for path in (REPO / stage).rglob("*.py")
        if _imported_stages(path) - allowed
    ]
    assert not violations, violations


def test_ruff_lint_and_format_are_clean() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is a dev dependency; install with pip install -e '.[dev]'"
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([ruff, *args], cwd=REPO, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
