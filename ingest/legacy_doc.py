"""Legacy Word (.doc, the binary format before .docx) through a Debian tool.

No maintained Python library reads .doc; antiword (and catdoc as a fallback) do, offline,
and are one `apt-get install` away (see README). When neither is installed the file is
refused with a message naming the package to install, never silently skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ingest.errors import IngestError

TOOLS: tuple[tuple[str, ...], ...] = (("antiword", "-w", "0"), ("catdoc", "-w", "-d", "utf-8"))
TIMEOUT_SECONDS = 60


def _run(command: tuple[str, ...], source: Path) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    return subprocess.run(
        [*command, str(source)],
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        env=environment,
        check=False,
    )


def read_doc(data: bytes, path: Path) -> str:
    """Text of a .doc file from the first installed tool that reads it."""
    installed = [tool for tool in TOOLS if shutil.which(tool[0])]
    if not installed:
        raise IngestError(
            str(path),
            "读取 .doc 需要安装 antiword 或 catdoc（apt-get install antiword catdoc）",
            "reading .doc needs antiword or catdoc (apt-get install antiword catdoc)",
        )
    failures = []
    with tempfile.TemporaryDirectory(prefix="policy-qa-doc-") as folder:
        source = Path(folder) / "input.doc"
        source.write_bytes(data)
        for tool in installed:
            try:
                result = _run(tool, source)
            except subprocess.TimeoutExpired:
                failures.append(f"{tool[0]}: timeout")
                continue
            text = result.stdout.decode("utf-8", errors="replace")
            if result.returncode == 0 and text.strip():
                return text
            failures.append(f"{tool[0]}: {result.stderr.decode('utf-8', 'replace').strip()[:120]}")
    detail = "; ".join(failures)
    raise IngestError(
        str(path),
        f"DOC 文件无法读取，可能已损坏或加密（{detail}）",
        f"the .doc file cannot be read; it may be corrupt or encrypted ({detail})",
    )
