"""Open a library file where the researcher works: in the program their system opens it with
("Open in editor" for a note, the PDF viewer for a PDF), or its folder ("Show in folder").

The page runs on the researcher's own machine, so it can ask the desktop to open a file; only a
file inside the library (or Zotero's storage) is opened, resolved by `Library.path_of`
(library/safe_paths.py), never a path as given. The opener is chosen here and only here:
$PAPERSEARCH_OPENER when set (any command; the file's path is added as its last argument: tests use
a recording stand-in, a researcher may say `code` or `typora`), else `open` on macOS, `xdg-open`
elsewhere on Unix, and `os.startfile` on Windows. The program is started and left running; nothing
waits for it.
"""

from __future__ import annotations

import os
import platform
import shlex
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from index import PapersearchError
from library.settings import ENV_OPENER


class OpenerError(PapersearchError):
    """The file cannot be opened: no opener on this system, or it refused to start."""


def opener_command(system: str | None = None, env: Mapping[str, str] | None = None,
                   which: Callable[[str], str | None] = shutil.which) -> list[str] | None:
    """The command a path is appended to; None on Windows without a setting (os.startfile there)."""
    env = os.environ if env is None else env
    system = system or platform.system()
    chosen = env.get(ENV_OPENER, "").strip()
    if chosen:
        try:
            command = shlex.split(chosen)
        except ValueError as error:
            raise OpenerError(f"${ENV_OPENER} is not a command line ({error}): {chosen!r}.") from None
        if which(command[0]) is None:
            raise OpenerError(f"${ENV_OPENER} names {command[0]!r}, which is not a program on this computer.")
        return command
    if system == "Windows":
        return None
    program = "open" if system == "Darwin" else "xdg-open"
    if which(program) is None:
        hint = ("install xdg-utils (e.g. `sudo apt install xdg-utils`)" if program == "xdg-open"
                else "it comes with macOS; check your PATH")
        raise OpenerError(f"No program to open files with: `{program}` was not found ({hint}), or set "
                          f"${ENV_OPENER} to one, such as `code` or `typora`.")
    return [program]


def open_file(path: Path, *, system: str | None = None, env: Mapping[str, str] | None = None) -> None:
    """Open `path` (already resolved inside the library) with the system's program for it."""
    if not path.is_file():
        raise OpenerError(f"{path} is no longer there; rebuild the index if it was moved or deleted.")
    _start(path, system, env)


def show_in_folder(path: Path, *, system: str | None = None, env: Mapping[str, str] | None = None) -> None:
    """Open the folder holding `path` (on macOS and Windows with the file selected)."""
    if not path.exists():
        raise OpenerError(f"{path} is no longer there; rebuild the index if it was moved or deleted.")
    system = system or platform.system()
    env = os.environ if env is None else env
    if not env.get(ENV_OPENER, "").strip():
        if system == "Darwin":
            _spawn(["open", "-R", str(path)])
            return
        if system == "Windows":
            _spawn(["explorer", f"/select,{path}"])
            return
    _start(path.parent, system, env)


def _start(path: Path, system: str | None, env: Mapping[str, str] | None) -> None:
    command = opener_command(system, env)
    if command is None:
        try:
            os.startfile(str(path))  # type: ignore[attr-defined]  # Windows only
        except OSError as error:
            raise OpenerError(f"Windows could not open {path}: {error.strerror or error}.") from None
        return
    _spawn([*command, str(path)])


def _spawn(command: list[str]) -> None:
    try:
        subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, close_fds=True)
    except OSError as error:
        raise OpenerError(f"`{command[0]}` could not be started: {error.strerror or error}.") from None
