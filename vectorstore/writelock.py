"""One writer at a time per data dir: an fcntl lock on `<data dir>/writer.lock`.

Held for one document's write, registry switch and cleanup, so two ingests (or an upload
racing a CLI ingest) on one machine take turns. The kernel drops the lock when its process
dies, so a crashed or killed writer never leaves it stuck. It cannot reach across machines;
the registry protocol (vectorstore/registry.py) covers writers sharing a Chroma server.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vectorstore.errors import WriterBusy

log = logging.getLogger(__name__)
LOCK_FILE = "writer.lock"
POLL_S = 0.05

# fcntl locks belong to the process: threads of one process must queue on this instead.
_in_process = threading.Lock()


@contextmanager
def writer_lock(data_dir: Path, timeout_s: float) -> Iterator[None]:
    """Hold the data dir's writer lock; wait (saying so once) up to `timeout_s`, else WriterBusy."""
    data_dir.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout_s
    if not _in_process.acquire(timeout=timeout_s):
        raise _busy(data_dir, timeout_s)
    try:
        fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _acquire(fd, data_dir, deadline, timeout_s)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    finally:
        _in_process.release()


def _acquire(fd: int, data_dir: Path, deadline: float, timeout_s: float) -> None:
    announced = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise _busy(data_dir, timeout_s) from None
            if not announced:
                log.warning(
                    "另一个进程正在写入索引 %s，等待中… / another process is writing the index "
                    "at %s; waiting (up to %.0f s)",
                    data_dir,
                    data_dir,
                    timeout_s,
                )
                announced = True
            time.sleep(POLL_S)


def _busy(data_dir: Path, timeout_s: float) -> WriterBusy:
    return WriterBusy(
        f"另一个进程正在写入索引 {data_dir}，等待 {timeout_s:.0f} 秒后仍未结束，请稍后重试",
        f"another process is still writing the index at {data_dir} after {timeout_s:.0f} s; "
        "try again later",
    )
