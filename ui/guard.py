"""Admin password attempts, limited per client: a doubling wait after each failure, then lockout.

The password comparison is constant-time (`check_password`); the guard stops guessing
by volume. A refused attempt is answered at once with how long to wait; nothing sleeps in
a request thread, so a guesser cannot tie up the workers that serve answers.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 60.0
LOCKOUT_AFTER_FAILURES = 6
LOCKOUT_SECONDS = 15 * 60.0


def check_password(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison; with no password configured nobody is admin."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


@dataclass
class _Client:
    failures: int = 0
    next_allowed: float = 0.0
    locked_until: float = 0.0


@dataclass(frozen=True)
class Verdict:
    """Whether a client may try the password now, and if not, for how many seconds not."""

    allowed: bool
    wait_seconds: float = 0.0
    locked: bool = False


class AttemptGuard:
    """Per-client failure counts; thread-safe; `clock` is injectable for tests."""

    def __init__(
        self,
        first_delay: float = FIRST_DELAY_SECONDS,
        max_delay: float = MAX_DELAY_SECONDS,
        lockout_after: int = LOCKOUT_AFTER_FAILURES,
        lockout_seconds: float = LOCKOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.lockout_after = lockout_after
        self.lockout_seconds = lockout_seconds
        self.clock = clock
        self._clients: dict[str, _Client] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> Verdict:
        """May `client` try a password now?"""
        with self._lock:
            state = self._clients.get(client)
            now = self.clock()
            if state is None:
                return Verdict(True)
            if state.locked_until > now:
                return Verdict(False, state.locked_until - now, locked=True)
            if state.next_allowed > now:
                return Verdict(False, state.next_allowed - now)
            return Verdict(True)

    def failed(self, client: str) -> Verdict:
        """Count a wrong password; returns what the client must now wait (locked after N)."""
        with self._lock:
            state = self._clients.setdefault(client, _Client())
            now = self.clock()
            if state.locked_until and state.locked_until <= now:
                state.failures = 0  # a lockout served starts the count again
                state.locked_until = 0.0
            state.failures += 1
            if state.failures >= self.lockout_after:
                state.locked_until = now + self.lockout_seconds
                return Verdict(False, self.lockout_seconds, locked=True)
            delay = min(self.first_delay * 2 ** (state.failures - 1), self.max_delay)
            state.next_allowed = now + delay
            return Verdict(False, delay)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)

    def failures(self, client: str) -> int:
        with self._lock:
            state = self._clients.get(client)
            return state.failures if state else 0
