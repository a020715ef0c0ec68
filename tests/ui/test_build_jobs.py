"""Page builds run in a thread of their own (ui/build_jobs.py): one per index, joined by a second
start, their progress and outcome readable by any page run that follows them."""

from __future__ import annotations

import threading

from ui.build_jobs import running_build, start_build


def slow_work(release: threading.Event, started: threading.Event, report="report", error=None):
    def work(progress, on_plan):
        on_plan("plan")
        progress("Embedding chunks", 1, 4)
        started.set()
        assert release.wait(10)
        progress("Embedding chunks", 4, 4)
        if error is not None:
            raise error
        return report
    return work


def test_a_second_start_joins_the_running_build_instead_of_starting_another(tmp_path):
    release, started, calls = threading.Event(), threading.Event(), []
    work = slow_work(release, started)
    first = start_build(str(tmp_path), lambda p, o: calls.append(1) or work(p, o))
    assert started.wait(10)
    second = start_build(str(tmp_path), lambda p, o: calls.append(2) or work(p, o))
    assert second is first and running_build(str(tmp_path)) is first
    assert first.plan == "plan" and (first.step.done, first.step.total) == (1, 4)
    release.set()
    seen = []
    first.follow(lambda job: seen.append(job.step.done), every=0.01)
    assert calls == [1] and first.report == "report" and first.error is None
    assert seen[-1] == 4 and not first.running and running_build(str(tmp_path)) is None


def test_the_build_outlives_the_run_that_started_it_and_hands_over_its_error(tmp_path):
    release, started = threading.Event(), threading.Event()
    job = start_build(str(tmp_path), slow_work(release, started, error=ValueError("disk full")))
    assert started.wait(10)
    # the run that started it is gone (a click re-ran the page); the build goes on without it
    release.set()
    job.follow(lambda job: None, every=0.01)
    assert isinstance(job.error, ValueError) and job.report is None


def test_after_a_build_ends_a_new_start_starts_a_new_build(tmp_path):
    done = start_build(str(tmp_path), lambda progress, on_plan: "first")
    done.follow(lambda job: None, every=0.01)
    again = start_build(str(tmp_path), lambda progress, on_plan: "second")
    again.follow(lambda job: None, every=0.01)
    assert again is not done and again.report == "second"


def test_builds_of_different_indexes_run_side_by_side(tmp_path):
    release, started = threading.Event(), threading.Event()
    first = start_build(str(tmp_path), slow_work(release, started))
    assert started.wait(10)
    second = start_build(str(tmp_path / "other-index"), lambda progress, on_plan: "quick")
    second.follow(lambda job: None, every=0.01)
    assert second is not first and second.report == "quick" and first.running
    release.set()
    first.follow(lambda job: None, every=0.01)
