"""Opening library files where the researcher works (library/open_files.py), with a recording
stand-in for the desktop's opener: nothing with a window is ever started by the tests."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import pytest

from index import UnsafePathError
from library import ENV_OPENER, Library, OpenerError, open_file, show_in_folder
from library.open_files import opener_command
from tests.support.paths import REPO

RECORDER = REPO / "tests" / "support" / "record_opener.py"


def recorded(log: Path, count: int = 1) -> list[list[str]]:
    """The recorder's calls, waiting a little for the started process to write them."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        if len(lines) >= count:
            return [line.split("\t") for line in lines]
        time.sleep(0.05)
    raise AssertionError(f"the opener was not called {count} time(s)")


@pytest.fixture
def recording_env(tmp_path, monkeypatch) -> Path:
    log = tmp_path / "opened.log"
    monkeypatch.setenv(ENV_OPENER, f"{shlex.quote(sys.executable)} {shlex.quote(str(RECORDER))}")
    monkeypatch.setenv("PAPERSEARCH_OPENER_LOG", str(log))
    return log


def test_the_system_opener_is_chosen_per_system_and_a_setting_wins():
    found = lambda name: f"/usr/bin/{name}"  # noqa: E731
    assert opener_command("Linux", {}, found) == ["xdg-open"]
    assert opener_command("Darwin", {}, found) == ["open"]
    assert opener_command("Windows", {}, found) is None  # os.startfile
    assert opener_command("Linux", {ENV_OPENER: "code --reuse-window"}, found) == ["code", "--reuse-window"]


def test_a_missing_opener_is_a_clear_message():
    with pytest.raises(OpenerError, match=r"`xdg-open` was not found \(install xdg-utils.*PAPERSEARCH_OPENER"):
        opener_command("Linux", {}, lambda name: None)
    with pytest.raises(OpenerError, match="names 'typora', which is not a program"):
        opener_command("Linux", {ENV_OPENER: "typora"}, lambda name: None)
    with pytest.raises(OpenerError, match="is not a command line"):
        opener_command("Linux", {ENV_OPENER: "code 'unclosed"}, lambda name: "/x")


def test_a_library_note_is_opened_and_its_folder_shown(small_library, recording_env):
    lib = Library(small_library)
    note = lib.path_of("notes/alignment.md")
    open_file(note)
    show_in_folder(note)
    calls = recorded(recording_env, 2)
    assert sorted(calls) == sorted([[str(note)], [str(note.parent)]])  # two started programs: either may log first


def test_only_files_inside_the_library_that_exist_are_opened(small_library, recording_env, tmp_path):
    lib = Library(small_library)
    with pytest.raises(UnsafePathError):
        open_file(lib.path_of("../outside.md"))
    with pytest.raises(OpenerError, match="no longer there"):
        open_file(lib.path_of("notes/gone.md"))
    time.sleep(0.3)
    assert not recording_env.exists()
