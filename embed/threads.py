"""How many threads an engine may use: PAPERSEARCH_THREADS, read and checked in one place.

Bounded to 1..the cores this process may run on: more threads than cores only makes them wait
on each other, and a value like 100000 made an engine start so many that no answer came.
"""

from __future__ import annotations

import logging
import os

from embed.errors import ModelLoadError

ENV_THREADS = "PAPERSEARCH_THREADS"
_log = logging.getLogger(__name__)


def available_cores() -> int:
    """The cores this process may use (its CPU affinity where the system says, else all)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def configured_threads(default: int | None = None) -> int:
    """PAPERSEARCH_THREADS when set (a whole number ≥ 1; more than the cores counts as the
    cores, with a warning), else `default`, else every core."""
    cores = available_cores()
    raw = os.environ.get(ENV_THREADS, "").strip()
    if not raw:
        return min(default, cores) if default is not None else cores
    try:
        threads = int(raw)
    except ValueError:
        threads = 0
    if threads < 1:
        raise ModelLoadError(f"{ENV_THREADS} must be a whole number of threads (1 to {cores}), not {raw!r}.")
    if threads > cores:
        _log.warning("%s=%s is more than the %d cores this machine gives us; using %d threads",
                     ENV_THREADS, raw, cores, cores)
        return cores
    return threads
