"""Hostile-size inputs against time and memory ceilings (`make bench` = `pytest -m bench`).

Each file goes through `policy-qa ingest --dry-run` in its own process (load, clean, structure,
chunk: everything but embedding), so the peak RSS measured is that file's, start-up included.
Ceilings are on CPU seconds (user + system), which a busy shared machine does not inflate the
way it inflates wall time; both are printed.
The fast suite checks the same generators at small sizes for correctness (test_loaders.py,
test_ingest_corpus.py); here only cost is asserted. Ceilings are the README's limits table.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.loaders import DOCX_MAX_XML_ELEMENTS, HTML_MAX_TAGS
from tests.helpers import POLICY_QA
from tests.hostile import (
    empty_paragraphs_docx,
    one_long_paragraph,
    paragraphs_page,
    punctuation_free_line,
    repeated_corpus,
    zip_bomb_docx,
)

pytestmark = pytest.mark.bench

MB = 1024 * 1024
GB = 1024 * MB

# Runs one command and reports its wall and CPU time and its peak RSS (its only child's).
_MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "wall": time.perf_counter() - started,
    "cpu": usage.ru_utime + usage.ru_stime,
    "peak_rss": usage.ru_maxrss * 1024,
    "returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr[-2000:],
}))
"""


def _text(make: Callable[[], str]) -> Callable[[], bytes]:
    return lambda: make().encode("utf-8")


# (name, file name, generator, CPU ceiling s, memory ceiling bytes, expected status)
FIXTURES = [
    (
        "5 MB without punctuation",
        "line.txt",
        _text(lambda: punctuation_free_line(1_750_000)),
        30,
        1 * GB,
        "dry-run",
    ),
    (
        "80k characters, one paragraph",
        "para.txt",
        _text(lambda: one_long_paragraph(80_000)),
        10,
        512 * MB,
        "dry-run",
    ),
    (
        "20 MB, one paragraph (upload limit)",
        "big.txt",
        _text(lambda: one_long_paragraph(7_000_000)),
        180,
        1 * GB,
        "dry-run",
    ),
    (
        "docx, empty paragraphs at the element limit",
        "empty.docx",
        lambda: empty_paragraphs_docx(DOCX_MAX_XML_ELEMENTS - 20_000),
        60,
        1 * GB,
        "dry-run",
    ),
    (
        "docx, 7M empty paragraphs (90 KB)",
        "flood.docx",
        lambda: empty_paragraphs_docx(7_000_000),
        10,
        512 * MB,
        "error",
    ),
    (
        "zip bomb docx (1 GiB unpacked)",
        "bomb.docx",
        lambda: zip_bomb_docx(GB),
        10,
        512 * MB,
        "error",
    ),
    (
        "5 MB of repeated paragraphs",
        "repeated.txt",
        _text(lambda: repeated_corpus(500)),
        60,
        1 * GB,
        "dry-run",
    ),
    (
        "web page, paragraphs up to the element limit",
        "page.html",
        _text(lambda: paragraphs_page(HTML_MAX_TAGS // 2 - 10)),
        60,
        1 * GB,
        "dry-run",
    ),
    (
        "web page, 20 MB of paragraphs",
        "flood.html",
        _text(lambda: paragraphs_page(1_200_000)),
        20,
        512 * MB,
        "error",
    ),
    (
        "table titles, 10^5 lines",
        "titles.txt",
        _text(lambda: "表1 指标\n" * 100_000),
        60,
        1 * GB,
        "dry-run",
    ),
]


def measure(path: Path, data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "OPENAI_"))}
    env["POLICY_QA_DATA_DIR"] = str(data_dir)
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, POLICY_QA, "ingest", "--dry-run", "--json", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("name", "file_name", "generate", "max_cpu_seconds", "max_rss", "status"),
    FIXTURES,
    ids=[fixture[1] for fixture in FIXTURES],
)
def test_hostile_input_within_time_and_memory(
    tmp_path: Path,
    name: str,
    file_name: str,
    generate: Callable[[], bytes],
    max_cpu_seconds: float,
    max_rss: int,
    status: str,
) -> None:
    path = tmp_path / file_name
    path.write_bytes(generate())
    result = measure(path, tmp_path / "data")
    print(
        f"\n{name}: {path.stat().st_size / MB:.2f} MB file, CPU {result['cpu']:.1f} s "
        f"(wall {result['wall']:.1f} s), peak RSS {result['peak_rss'] / MB:.0f} MB"
    )
    assert "Traceback" not in result["stderr"], result["stderr"]
    report = json.loads(result["stdout"])
    assert [row["status"] for row in report["documents"]] == [status], report
    assert result["returncode"] == (1 if status == "error" else 0)
    assert result["cpu"] < max_cpu_seconds
    assert result["peak_rss"] < max_rss
