"""Commits of a long first build as it goes, so the library is searchable long before it ends.

A first build of thousands of papers embeds for hours. Reading and BM25 take a few percent of
that, so the build commits a complete index as soon as every file is read: every passage is found
by keyword search, and by meaning those already embedded (none, or what an interrupted build
journalled). Then, as the model goes, it commits again: each commit is a complete, consistent
index (manifest.pending_rows says how many of its last passages have no vector yet), made
current atomically like any build; search reads dense results only from rows with vectors. Only
a first build (or one resuming an unfinished first build) stages: an update of a finished index
keeps the old index answering until the new one is whole, as before.

Commits are spaced so that they cost at most about 5% of the build: at least a minute apart and at
least 20 times as long apart as the last commit took.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from index.store import LoadedIndex, Store

STAGED_FROM_PASSAGES = 2000  # under ~1 minute of embedding, a single commit at the end is soon enough


class StagedCommits:
    min_interval = 60.0  # seconds between commits, at least
    cost_ratio = 20.0  # ... and at least this many times the last commit's own time

    def __init__(self) -> None:
        self.last: Path | None = None  # the latest commit, whose unchanged files the next one links
        self.commits = 0
        self._commit: Callable[[int], Path] | None = None
        self._at = 0.0
        self._cost = 0.0

    @classmethod
    def for_build(cls, store: Store, previous: LoadedIndex | None, missing: int) -> StagedCommits | None:
        """Staged commits for this build, or None: the store must take them, there must be no finished
        index to keep answering, and enough to embed for it to matter."""
        if not getattr(store, "stages", False) or missing < STAGED_FROM_PASSAGES:
            return None
        if previous is not None and previous.manifest.pending_rows == 0:
            return None
        return cls()

    def begin(self, commit: Callable[[int], Path], filled: int) -> None:
        """The first commit: every passage read, `filled` of them with vectors."""
        self._commit = commit
        self.commit_now(filled)

    def commit_now(self, filled: int) -> None:
        began = time.perf_counter()
        self.last = self._commit(filled)
        self.commits += 1
        self._at = time.perf_counter()
        self._cost = self._at - began

    def after_batch(self, filled: int) -> None:
        """Called after each embedded batch with the rows that have vectors now."""
        if time.perf_counter() - self._at >= max(self.min_interval, self.cost_ratio * self._cost):
            self.commit_now(filled)
