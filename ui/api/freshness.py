"""Keeps a serving process's snapshot fresh while nobody asks.

A SearchIndex notices another process's write (ingest, an upload or delete on another
replica) when it is next used, and builds the new snapshot in the background while the old
one keeps answering (vectorstore/index.py). An idle replica would therefore serve a
stale snapshot to its first question after a change; this thread looks every `interval`
seconds, so every replica picks up a change within about interval + build time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from vectorstore.errors import StoreError

log = logging.getLogger(__name__)


class SnapshotWatcher:
    """A daemon thread calling `snapshot()` every `interval` seconds until stopped.

    `snapshot` is a callable, not an index: a store that cannot be opened yet (Chroma server
    down at start-up) must not stop the server; the watcher keeps trying instead.
    """

    def __init__(self, snapshot: Callable[[], object], interval: float) -> None:
        self.snapshot = snapshot
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="policy-qa-refresh", daemon=True)

    def start(self) -> SnapshotWatcher:
        if self.interval > 0:
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.interval + 5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.snapshot()
            except StoreError as error:  # store down: questions report it; keep looking
                log.debug("snapshot check failed: %s", error)
            except Exception as error:
                log.warning("快照检查失败 / snapshot check failed: %s", error)
