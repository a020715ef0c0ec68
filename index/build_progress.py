"""How far a running build is, with an estimate, for whoever asks: the process running it, the
page of another server, `status` in another terminal.

The builder reports (stage, done, total); `Estimate` turns that into a rate and the time left in
the stage, from the work done since the stage began in this process (passages taken from the
journal of an interrupted build cost nothing and must not inflate the rate). `ProgressFile`
writes the latest estimate to `progress.json` in the index folder, at most once a second and
atomically; the file names the build's process, so one left by a killed build is ignored.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from disk import atomic_write_text

PROGRESS_FILE = "progress.json"
Progress = Callable[[str, int, int], None]
_WRITE_EVERY = 1.0  # seconds
_MIN_SECONDS_FOR_RATE = 3.0  # a rate from the first second of a stage is noise
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildProgress:
    stage: str
    done: int
    total: int
    seconds_left: float | None  # None: too early to say
    started: float  # when the build began (epoch seconds)
    pid: int
    searchable_by_meaning: int | None = None  # rows with vectors in the committed index (a staged build)

    def describe(self) -> str:
        """E.g. "Embedding chunks: 41,200 of 118,000, about 25 min left"."""
        text = f"{self.stage}: {self.done:,} of {self.total:,}" if self.total else self.stage
        left = about(self.seconds_left)
        return f"{text}, {left} left" if left else text

    def to_dict(self) -> dict:
        return asdict(self)


def about(seconds: float | None) -> str:
    """A time left in words a person reads at a glance."""
    if seconds is None:
        return ""
    if seconds < 60:
        return "less than a minute"
    if seconds < 3600:
        return f"about {round(seconds / 60)} min"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"about {hours} h {minutes:02d} min"


class Estimate:
    """The latest (stage, done, total) and the time left in that stage."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self.started = time.time()
        self.stage, self.done, self.total = "Starting", 0, 0
        self._began: dict[str, tuple[float, int]] = {}  # stage -> (when it first reported, done then)

    def __call__(self, stage: str, done: int, total: int) -> None:
        # A stage may be interleaved with others (a staged build writes between batches): its rate
        # counts from its first report, so the estimate includes what runs between its steps.
        self._began.setdefault(stage, (self._clock(), done))
        self.stage, self.done, self.total = stage, done, total

    def seconds_left(self) -> float | None:
        began, first_done = self._began.get(self.stage, (self._clock(), self.done))
        elapsed = self._clock() - began
        worked = self.done - first_done
        if elapsed < _MIN_SECONDS_FOR_RATE or worked <= 0 or not self.total:
            return None
        return (self.total - self.done) * elapsed / worked

    def snapshot(self, searchable_by_meaning: int | None = None) -> BuildProgress:
        return BuildProgress(self.stage, self.done, self.total, self.seconds_left(), self.started, os.getpid(),
                             searchable_by_meaning)


class ProgressFile:
    """A progress sink that passes every report on and keeps `progress.json` up to date."""

    def __init__(self, directory: Path, inner: Progress):
        self.path = Path(directory) / PROGRESS_FILE
        self.inner = inner
        self.estimate = Estimate()
        self._written = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.inner(stage, done, total)
        self.estimate(stage, done, total)
        now = time.monotonic()
        if now - self._written >= _WRITE_EVERY or done == total:
            self._written = now
            try:
                atomic_write_text(self.path, json.dumps(self.estimate.snapshot().to_dict()))
            except OSError as error:  # progress for others is a courtesy: a full disk must not stop the build here
                _log.warning("cannot write build progress to %s: %s", self.path, error)

    def close(self) -> None:
        self.path.unlink(missing_ok=True)


def read_progress(directory: Path) -> BuildProgress | None:
    """The running build's progress, or None when no build runs (or its process is gone)."""
    try:
        data = json.loads((Path(directory) / PROGRESS_FILE).read_text(encoding="utf-8"))
        progress = BuildProgress(**data)
    except (OSError, ValueError, TypeError):
        return None
    return progress if _alive(progress.pid) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
