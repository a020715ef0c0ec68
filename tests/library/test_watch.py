"""Staying current: the library watcher (real watchdog on a temporary folder, fake embedder),
`Library.pending_changes`, and `cli.py watch` in a subprocess stopped with Ctrl-C (SIGINT)."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest

import library.library
from index import IndexLockedError, InvalidSettingsError
from library import Library, LibraryWatcher
from tests.support.fakes import FakeEmbedder
from tests.support.paths import REPO

SETTLE = 0.3


class Running:
    """A watcher in a thread whose every update is a real Library.update with the fake model."""

    def __init__(self, lib: Library, embedder: FakeEmbedder, on_settled=None, **options):
        self.lib, self.embedder = lib, embedder
        self.reports = []
        self.errors = []
        self.active = 0
        self.overlapped = False
        self.watcher = LibraryWatcher(
            lib, on_settled or self.update, settle=SETTLE, on_error=self.errors.append, update_first=False, **options
        )
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.watcher.run, args=(self.stop,), daemon=True)

    def update(self, on_plan=None):
        self.active += 1
        self.overlapped |= self.active > 1
        try:
            self.reports.append(self.lib.update(on_plan=on_plan, load_embedder=lambda name: self.embedder))
        finally:
            self.active -= 1

    def __enter__(self):
        self.thread.start()
        assert self.watcher.started.wait(5)
        time.sleep(0.1)  # inotify watches are in place once the observer has started its emitter
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(5)
        assert not self.thread.is_alive(), "the watcher did not stop"

    def wait_for(self, updates: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while (self.watcher.updates < updates or self.active) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.watcher.updates >= updates and not self.active, f"{self.watcher.updates} updates"


@pytest.fixture
def built(small_library, fake_embedder) -> Library:
    lib = Library(small_library)
    lib.update(model=fake_embedder.name, load_embedder=lambda name: fake_embedder)
    return lib


def test_a_new_note_is_indexed_within_seconds_and_searchable(built, fake_embedder):
    with Running(built, fake_embedder) as running:
        started = time.monotonic()
        (built.root / "notes" / "zebra.md").write_text("# Zebras\n\nStriped zebra herds migrate.\n", encoding="utf-8")
        running.wait_for(1)
        assert time.monotonic() - started < 4
    assert running.watcher.updates == 1 and running.errors == []
    assert running.reports[0].plan.new == ["notes/zebra.md"] and running.reports[0].wrote_index
    top = built.searcher(load=lambda _model: fake_embedder).search("striped zebra herds", k=1).hits[0]
    assert top.path == "notes/zebra.md"


def test_several_quick_writes_cause_one_build(built, fake_embedder):
    with Running(built, fake_embedder) as running:
        for number in range(5):
            note = built.root / "notes" / f"burst{number}.md"
            note.write_text(f"# Burst {number}\n\nfirst draft\n", encoding="utf-8")
            note.write_text(f"# Burst {number}\n\nsecond draft of note {number}\n", encoding="utf-8")
            time.sleep(0.05)
        (built.root / "notes" / "alignment.md").unlink()
        running.wait_for(1)
        time.sleep(SETTLE * 3)  # nothing else is pending: no second build comes
    assert running.watcher.updates == 1
    plan = running.reports[0].plan
    assert len(plan.new) == 5 and plan.deleted == ["notes/alignment.md"]


def test_changes_during_a_build_schedule_one_more_build_after_it(built, fake_embedder):
    release = threading.Event()
    entered = threading.Event()
    running: Running

    def wait_inside_first_build(plan):  # after planning, before embedding: the build is under way
        if running.watcher.updates == 1:
            entered.set()
            assert release.wait(5)

    def slow_update():
        running.update(on_plan=wait_inside_first_build)

    running = Running(built, fake_embedder, on_settled=slow_update)
    with running:
        (built.root / "notes" / "one.md").write_text("# One\n\nfirst note\n", encoding="utf-8")
        assert entered.wait(5)
        for number in range(3):
            (built.root / "notes" / f"during{number}.md").write_text(f"# During {number}\n\ntext\n", encoding="utf-8")
        release.set()
        running.wait_for(2)
        time.sleep(SETTLE * 3)
    assert running.watcher.updates == 2 and not running.overlapped
    assert running.reports[0].plan.new == ["notes/one.md"]
    assert sorted(running.reports[1].plan.new) == ["notes/during0.md", "notes/during1.md", "notes/during2.md"]


def test_hidden_folders_the_index_other_file_types_and_reading_are_ignored(built, fake_embedder, tmp_path):
    with Running(built, fake_embedder) as running:
        (built.root / ".drafts").mkdir()
        (built.root / ".drafts" / "secret.md").write_text("# hidden\n", encoding="utf-8")
        (built.root / "notes" / ".scratch.md").write_text("# hidden file\n", encoding="utf-8")
        (built.root / "figure.png").write_bytes(b"\x89PNG")
        (built.root / "notes" / "alignment.md").read_text(encoding="utf-8")
        (built.index_dir / "builds" / "notes.md").write_text("not the library", encoding="utf-8")
        time.sleep(SETTLE * 3)
        (built.index_dir / "builds" / "notes.md").unlink()
        assert running.watcher.updates == 0
        built.update(load_embedder=lambda name: fake_embedder)  # a build reads every file and writes the index
        time.sleep(SETTLE * 3)
    assert running.watcher.updates == 0


def test_errors_are_reported_and_a_locked_index_is_tried_again(built, fake_embedder):
    attempts = []

    def flaky():
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            raise IndexLockedError("Another build is writing the index.")
        if len(attempts) == 2:
            raise InvalidSettingsError("bad settings")

    with Running(built, fake_embedder, on_settled=flaky) as running:
        (built.root / "notes" / "new.md").write_text("# New\n", encoding="utf-8")
        running.wait_for(2)  # the locked attempt is retried after another quiet period
        time.sleep(SETTLE * 3)
    assert len(attempts) == 2 and [type(e) for e in running.errors] == [IndexLockedError, InvalidSettingsError]


def test_stop_ends_the_watcher_promptly_and_a_bug_stops_it_too(built, fake_embedder):
    running = Running(built, fake_embedder)
    with running:
        pass  # __exit__ sets stop and requires the thread (observer stopped and joined) to end within 5 s
    before = {t for t in threading.enumerate() if t.is_alive()}

    def bug():
        raise RuntimeError("boom")

    watcher = LibraryWatcher(built, bug, settle=0.0)  # update_first: runs at once
    with pytest.raises(RuntimeError, match="boom"):
        watcher.run(threading.Event())
    assert {t for t in threading.enumerate() if t.is_alive()} <= before  # no observer thread left behind


def test_pending_changes_counts_what_a_rebuild_would_do(small_library, fake_embedder, monkeypatch):
    lib = Library(small_library)
    before = lib.pending_changes()
    assert not before.built and before.needs_update and before.new == 3
    lib.update(model=fake_embedder.name, load_embedder=lambda name: fake_embedder)
    after = lib.pending_changes()
    assert after.built and not after.needs_update and after.total == 0 and after.summary.endswith("3 unchanged")
    (small_library / "notes" / "new.md").write_text("# New\n\nnew words\n", encoding="utf-8")
    (small_library / "notes" / "alignment.md").write_text("# Changed\n\nother words\n", encoding="utf-8")
    (small_library / "pdfs" / "transformers.pdf").unlink()
    pending = lib.pending_changes()
    assert (pending.new, pending.changed, pending.deleted, pending.unchanged) == (1, 1, 1, 1)
    assert pending.needs_update and pending.summary == "1 new, 1 changed, 1 deleted, 1 unchanged"
    assert pending.to_dict()["new"] == 1

    # Unchanged stat and build: answered without hashing again (files older than the racy window).
    monkeypatch.setattr(library.library, "_RACY_SECONDS", 0.0)
    plans = []
    real_plan = Library.plan
    monkeypatch.setattr(Library, "plan", lambda self, *a, **kw: plans.append(1) or real_plan(self, *a, **kw))
    assert lib.pending_changes() == pending and len(plans) == 1
    assert Library(small_library).pending_changes() == pending and len(plans) == 1
    note = small_library / "notes" / "new.md"
    note.write_text("# New\n\nnew words, edited\n", encoding="utf-8")
    assert lib.pending_changes().new == 1 and len(plans) == 2  # a stat change is noticed
    lib.update(load_embedder=lambda name: fake_embedder)
    assert not lib.pending_changes().needs_update and len(plans) == 4  # a new build is noticed


def test_cli_watch_updates_on_change_and_stops_cleanly_on_ctrl_c(small_library):
    code = (
        "import signal, sys, cli; from tests.support.fakes import register_fake_models;"
        "signal.signal(signal.SIGINT, signal.default_int_handler);"  # as in a terminal, whoever started the tests
        "register_fake_models();"
        "cli.main(args=sys.argv[1:], prog_name='cli.py')"
    )
    env = {**os.environ, "PAPERSEARCH_MODEL": "fake-hash-64", "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    env.pop("PAPERSEARCH_INDEX", None)
    process = subprocess.Popen(
        [sys.executable, "-c", code, "watch", "--library", str(small_library), "--settle", str(SETTLE)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    seen: list[str] = []

    def wait_for(text: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                seen.append(lines.get(timeout=0.1))
            except queue.Empty:
                continue
            if text in seen[-1]:
                return
        raise AssertionError(f"{text!r} not printed; output so far:\n{''.join(seen)}")

    try:
        wait_for("Watching for changes")
        wait_for("Indexed 3 files")  # the first update builds the new index
        time.sleep(0.2)
        (small_library / "notes" / "zebra.md").write_text("# Zebras\n\nStriped zebra herds.\n", encoding="utf-8")
        wait_for("Plan:    1 new, 0 changed, 0 deleted, 3 unchanged")
        wait_for("Indexed 4 files")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0  # a bound, not a speed claim: 10 s ran out at load 10
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    time.sleep(0.1)
    while not lines.empty():
        seen.append(lines.get())
    output = "".join(seen)
    assert output.rstrip().endswith("Stopped watching.") and "Traceback" not in output
