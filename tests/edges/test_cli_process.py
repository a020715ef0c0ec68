"""The CLI as a program in its own process: Ctrl-C and a reader that stops early end it quietly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.support.paths import REPO
from tests.support.with_fake_model import ENV_GATE


def _fake_model_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PAPERSEARCH_MODEL": "fake-hash-64", "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", **extra}
    env.pop("PAPERSEARCH_INDEX", None)
    return env


class _HeldCommand:
    """`cli.py <args>` with the fake model in its own process group, its build held in the embedding
    stage (the gate file never appears); its stderr (with `merged`, stdout too) collected as it comes."""

    def __init__(self, args: list[str], gate: Path, merged: bool = False):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.with_fake_model", "cli", *args], cwd=REPO,
            env=_fake_model_env(**{ENV_GATE: str(gate)}), stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merged else subprocess.PIPE, start_new_session=True,
        )
        stream = self.process.stdout if merged else self.process.stderr
        self.output = bytearray()
        self.reader = threading.Thread(target=lambda: [self.output.extend(c) for c in iter(lambda: stream.read1(4096), b"")])
        self.reader.start()

    def wait_for_embedding(self) -> None:
        deadline = time.monotonic() + 60
        while b"Embedding" not in self.output:
            assert self.process.poll() is None, f"the build ended early:\n{self.text}"
            assert time.monotonic() < deadline, f"the build never reached embedding:\n{self.text}"
            time.sleep(0.05)

    def ctrl_c(self) -> int:
        """What Ctrl-C in a terminal does: SIGINT to the whole process group; the exit status."""
        try:
            os.killpg(self.process.pid, signal.SIGINT)
            return self.process.wait(timeout=60)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()

    def finish(self) -> str:
        self.process.stdout.close()
        self.reader.join(timeout=10)
        return self.text

    @property
    def text(self) -> str:
        return self.output.decode(errors="replace")


def test_ctrl_c_during_a_build_aborts_without_a_traceback_from_the_pdf_worker(small_library, tmp_path):
    """Ctrl-C reaches the whole process group, the PDF worker included. The build (held in its
    embedding stage, after the worker has read the PDF and waits for the next one) says `Aborted!`;
    the worker must not add a KeyboardInterrupt traceback."""
    build = _HeldCommand(["build", "--library", str(small_library)], tmp_path / "never-created")
    build.wait_for_embedding()
    time.sleep(0.3)  # the worker is back in its wait for a request
    assert build.ctrl_c() == 1
    time.sleep(0.5)  # a worker that printed a traceback has done so by now: it shares the pipe
    text = build.finish()
    assert "Aborted!" in text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    assert not (small_library / ".papersearch" / "CURRENT").exists()  # nothing half-built became the index


def test_the_pdf_worker_exits_quietly_when_its_parent_is_gone(small_library):
    """A parent that exits (after Ctrl-C) while the worker reads a file closes the event pipe:
    the worker stops without a BrokenPipeError traceback on the terminal they share."""
    from multiprocessing.connection import Connection

    from corpus import pdf_worker

    request_read, request_write = os.pipe()
    event_read, event_write = os.pipe()
    code = "import sys; from corpus import pdf_worker; pdf_worker.main(sys.argv[1:])"
    worker = subprocess.Popen(
        [sys.executable, "-c", code, str(request_read), str(event_write)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, pass_fds=(request_read, event_write),
        stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    os.close(request_read)
    os.close(event_write)
    requests, events = Connection(request_write, readable=False), Connection(event_read, writable=False)
    try:
        assert events.poll(60) and events.recv() == ("ready",)
        events.close()  # the parent is gone...
        requests.send((small_library / "pdfs" / "transformers.pdf", True, 1, None, pdf_worker._tesseract_timeout()))
        requests.close()  # ...with the request it had sent
        _, errors = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0 and "Traceback" not in errors, errors


def test_a_reader_that_stops_early_ends_the_search_quietly(small_library):
    """`search ... | head -1`: a closed standard output ends the program without a message (no
    `Error: ... Broken pipe`, no traceback from the final flush), with status 1, like click's own."""
    from library import Library
    from tests.support.fakes import FakeEmbedder

    lib = Library(small_library)
    lib.update("fake-hash-64", load_embedder=lambda name: FakeEmbedder(name=name))
    code = ("import sys; sys.argv[0] = 'cli.py'; from tests.support.with_fake_model import install; install(); "
            "import cli; cli.run()")
    for output in (["--json"], ["--passages"], []):  # a list, one line per passage, one card per file
        args = ["search", "attention", "--library", str(small_library), "-k", "50", *output]
        process = subprocess.Popen(
            [sys.executable, "-c", code, *args], cwd=REPO, env=_fake_model_env(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        process.stdout.close()  # the reader is gone before the first line is written
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 1 and errors.decode() == "", (output, errors.decode())


def test_ctrl_c_while_the_cli_is_still_importing_says_aborted_without_a_traceback(small_library):
    """The libraries take most of a second to import; Ctrl-C then used to print a KeyboardInterrupt
    traceback from deep inside an import."""
    process = subprocess.Popen(
        [sys.executable, str(REPO / "cli.py"), "status", "--library", str(small_library)], cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    maps = Path(f"/proc/{process.pid}/maps")
    deadline = time.monotonic() + 30
    while "numpy" not in maps.read_text(errors="replace"):  # well into cli.py's imports
        assert process.poll() is None and time.monotonic() < deadline, "cli.py ended before importing numpy"
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 1
    assert b"Traceback" not in stderr and b"Aborted!" in stderr, stderr.decode(errors="replace")


def test_stopping_watch_during_its_first_build_does_not_promise_a_previous_index(small_library, tmp_path):
    watch = _HeldCommand(["watch", "--library", str(small_library)], tmp_path / "never-created", merged=True)
    watch.wait_for_embedding()  # the first build, held
    watch.ctrl_c()
    text = watch.finish()
    assert "the update in progress was abandoned; there is no index yet" in text, text
    assert "previous index" not in text and "Traceback" not in text
