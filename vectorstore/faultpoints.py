"""Named points in a write where a fault test can stop the process (set POLICY_QA_PAUSE_AT).

A test sets POLICY_QA_PAUSE_AT=<phase>, waits for the "paused at" line on stderr and then
kills the process with SIGKILL, so every phase of a write is hit deterministically rather than
by a lucky timer. Unset (always, outside tests) it costs one dictionary lookup.
"""

from __future__ import annotations

import os
import sys
import time

PAUSE_ENV = "POLICY_QA_PAUSE_AT"
# embedding: some vectors computed; store-write: some records written; registry-switch: all
# records written, not yet registered; cleanup: registered, superseded versions not yet deleted.
PHASES = ("embedding", "store-write", "registry-switch", "cleanup")
PAUSED = "policy-qa: paused at"


def reached(phase: str) -> None:
    """Block forever (until killed) if the environment asks to pause at `phase`."""
    if os.environ.get(PAUSE_ENV) == phase:
        print(f"{PAUSED} {phase}", file=sys.stderr, flush=True)
        while True:
            time.sleep(60)
