"""A real `chroma run` server in a subprocess, for the scale-out (CHROMA_HOST) tests.

The server binary is the `chroma` CLI that chromadb installs next to the interpreter; it is
started on 127.0.0.1 and a free port, waited for (bounded) and stopped again. `stop()` and
`start()` may be called again on the same object: a restart reuses the same port and path.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from tests.helpers import free_port

STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def chroma_cli() -> str | None:
    """The `chroma` executable of this virtualenv, else one on PATH, else None."""
    beside = Path(sys.executable).with_name("chroma")
    if beside.is_file():
        return str(beside)
    return shutil.which("chroma")


class ChromaServer:
    """One `chroma run --path PATH --host 127.0.0.1 --port PORT` process."""

    host = "127.0.0.1"

    def __init__(self, path: Path, port: int | None = None, log_path: Path | None = None) -> None:
        executable = chroma_cli()
        if executable is None:
            raise FileNotFoundError("the chroma CLI is not installed next to this Python")
        self.executable = executable
        self.path = Path(path)
        self.port = port or free_port()
        self.log_path = log_path or self.path.with_name(self.path.name + ".log")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """The settings environment that points a store at this server."""
        return {"CHROMA_HOST": self.host, "CHROMA_PORT": str(self.port)}

    def alive(self) -> bool:
        for endpoint in ("/api/v2/heartbeat", "/api/v1/heartbeat"):
            try:
                with urllib.request.urlopen(self.url + endpoint, timeout=1) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, OSError, ValueError):
                continue
        return False

    def start(self, timeout: float = STARTUP_TIMEOUT) -> ChromaServer:
        if self.process is not None and self.process.poll() is None:
            return self
        self.path.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(
                [
                    self.executable,
                    "run",
                    "--path",
                    str(self.path),
                    "--host",
                    self.host,
                    "--port",
                    str(self.port),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"chroma run exited with {self.process.returncode}: {self._log_tail()}"
                )
            if self.alive():
                return self
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(
            f"chroma server on {self.url} not up after {timeout:.0f} s: {self._log_tail()}"
        )

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
        # The port must be closed before a test can rely on "server gone".
        deadline = time.monotonic() + STOP_TIMEOUT
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.1)

    def _log_tail(self, size: int = 2000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-size:]
        except OSError:
            return "(no log)"

    def __enter__(self) -> ChromaServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
