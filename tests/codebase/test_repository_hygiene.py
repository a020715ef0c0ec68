"""What the repository may hold: no absolute path of one machine in any tracked text file. Shared
data is named relative to the repo root (../shared/data), so a checkout works wherever it is."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.support.paths import REPO

# the work, home, root and Users folders of one machine (Linux, macOS, Windows),
# as paths: not preceded by a word, a dot or a path character (so ../shared/data and
# https://host/home/ pass).
MACHINE_PATH = re.compile(
    r"(?<![\w.~/\\-])(?:/work/|/home/\w|/root/|/Users/\w)"  # hygiene: example
    r"|\b[A-Za-z]:[\\/]+Users[\\/]",
    re.IGNORECASE,
)
EXAMPLE = "hygiene: example"  # a line that names such a path on purpose (a test's input) says so


def tracked_text_files() -> list[str]:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    names = [name for name in listed.decode("utf-8", "surrogateescape").split("\0") if name]
    texts = []
    for name in names:
        path = REPO / name
        if not path.is_file():
            continue  # deleted in the work tree, not yet committed
        head = path.read_bytes()[:8192]
        if b"\0" in head:
            continue  # binary: a PDF, an image, an .npz
        texts.append(name)
    return texts


def test_the_pattern_finds_machine_paths_and_spares_relative_ones():
    # written in pieces, so that this file names no machine path itself
    for found in ["/" + "work/shared/data", " /" + "home/alice/papers", "`/" + "root/.cache`", "/" + "Users/bob/x",
                  "C:\\" + "Users\\carol\\papers", "C:/" + "Users/carol"]:
        assert MACHINE_PATH.search(found), found
    for spared in ["../shared/data/notes", "~/papers", "https://example.org/home/index.html",
                   "library/work/notes", "tests/support/fakes.py", "/usr/bin/chromium"]:
        assert not MACHINE_PATH.search(spared), spared


def test_no_tracked_text_file_names_an_absolute_machine_path():
    files = tracked_text_files()
    assert len(files) > 100, f"scanned only {len(files)} files: the listing is not the repository's"
    found = []
    for name in files:
        text = (REPO / name).read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if MACHINE_PATH.search(line) and EXAMPLE not in line:
                found.append(f"{name}:{number}: {line.strip()[:120]}")
    assert not found, "absolute paths of a machine (write them relative to the repo root):\n" + "\n".join(found)


def test_no_symbolic_link_is_tracked():
    """A committed link (a worktree's `.venv` pointing at another checkout's) replaces the folder it
    names in every checkout that merges it: git overwrites ignored files."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    staged = subprocess.run(["git", "ls-files", "-s", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    links = [entry.split("\t", 1)[1] for entry in staged.decode("utf-8", "surrogateescape").split("\0")
             if entry.startswith("120000 ")]
    assert not links, f"symbolic links tracked: {links}"
