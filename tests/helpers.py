"""Small helpers shared by the tests: the installed CLI, and free ports on localhost."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

POLICY_QA = str(Path(sys.executable).with_name("policy-qa"))


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
