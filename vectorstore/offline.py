"""Offline by default: no telemetry, no analytics, no model-hub downloads.

The one home of these environment defaults. Libraries read some of them at import time
(Gradio's analytics flag), so entry points call `apply_offline_defaults()` before they
import those libraries; a value the user set explicitly always wins.
"""

from __future__ import annotations

import os

OFFLINE_DEFAULTS = {
    "ANONYMIZED_TELEMETRY": "False",  # chromadb
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def apply_offline_defaults() -> None:
    for name, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(name, value)
