"""How many threads an engine may use: PAPERSEARCH_THREADS, read and checked in one place."""

from __future__ import annotations

import os

from embed.errors import ModelLoadError

ENV_THREADS = "PAPERSEARCH_THREADS"


def configured_threads(default: int | None = None) -> int:
    """PAPERSEARCH_THREADS when set (a whole number ≥ 1), else `default`, else every core."""
    raw = os.environ.get(ENV_THREADS, "").strip()
    if not raw:
        return default if default is not None else max(1, os.cpu_count() or 1)
    try:
        threads = int(raw)
    except ValueError:
        threads = 0
    if threads < 1:
        raise ModelLoadError(f"{ENV_THREADS} must be a whole number of threads (1 or more), not {raw!r}.")
    return threads
