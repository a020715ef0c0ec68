"""Builds that outlive the page run that started them.

Streamlit stops a script run as soon as the user touches the page (a click, a query, a reload) and
starts a new one, so a build running inside the script was cancelled by any touch, silently. A
build therefore runs in a thread of its own, at most one per index folder for the whole server;
the page run that starts it, and every run that finds it running, follows its progress until it
ends and then shows what it did.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from index import BuildPlan, BuildReport, Estimate, about

Progress = Callable[[str, int, int], None]
OnPlan = Callable[[BuildPlan], None]
BuildWork = Callable[[Progress, OnPlan], BuildReport]  # Library.update with its settings bound


@dataclass(frozen=True)
class Step:
    stage: str = "Starting"
    done: int = 0
    total: int = 0
    seconds_left: float | None = None  # None: too early to say

    def describe(self) -> str:
        """E.g. "Embedding chunks: 41,200/118,000, about 25 min left"."""
        left = about(self.seconds_left)
        return f"{self.stage}: {self.done:,}/{self.total:,}" + (f", {left} left" if left else "")


class BuildJob:
    """One build in its thread; its plan, progress and outcome are read by the page runs."""

    def __init__(self, work: BuildWork):
        self.plan: BuildPlan | None = None
        self.step = Step()
        self.report: BuildReport | None = None
        self.error: BaseException | None = None
        self._estimate = Estimate()
        self._thread = threading.Thread(target=self._run, args=(work,), name="papersearch-build", daemon=True)

    def _run(self, work: BuildWork) -> None:
        try:
            self.report = work(self._progress, self._planned)
        except BaseException as error:  # noqa: BLE001 — handed to every page run that follows the job
            self.error = error

    def _progress(self, stage: str, done: int, total: int) -> None:
        self._estimate(stage, done, total)
        self.step = Step(stage, done, total, self._estimate.seconds_left())

    def _planned(self, plan: BuildPlan) -> None:
        self.plan = plan

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def follow(self, show: Callable[[BuildJob], None], every: float = 0.5) -> None:
        """Call `show` while the build runs and once more when it has ended, then return."""
        while self._thread.is_alive():
            show(self)
            self._thread.join(every)
        show(self)


_jobs: dict[str, BuildJob] = {}
_jobs_lock = threading.Lock()


def start_build(key: str, work: BuildWork) -> BuildJob:
    """The build running for `key` (an index folder) if there is one, else `work` started now:
    a second click on Rebuild joins the first build instead of queueing another."""
    with _jobs_lock:
        job = _jobs.get(key)
        if job is None or not job.running:
            job = _jobs[key] = BuildJob(work)
            job._thread.start()  # noqa: SLF001 — started under the lock, so only one starts
        return job


def running_build(key: str) -> BuildJob | None:
    with _jobs_lock:
        job = _jobs.get(key)
    return job if job is not None and job.running else None
