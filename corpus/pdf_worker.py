"""Read PDFs in a child process so that no page can stall a build.

A Python thread cannot be stopped, and one pathological page can keep a PDF library busy for
minutes (or crash it). So ``extract_pdf`` hands the file to a worker process, which streams one
event per page (``corpus.pdf_text.pdf_events``), and waits at most ``PAGE_TIME_LIMIT`` seconds
for each. A page that takes longer is skipped with a warning naming it and the limit: the worker
is killed, a new one started, and the file resumed at the next page. A worker that crashes is
handled the same way. After ``MAX_SLOW_PAGES`` such pages the rest of the file is skipped.
A scanned page is recognised with Tesseract inside the worker too (``corpus.ocr``), under its own,
longer limit ``OCR_PAGE_TIME_LIMIT``: the worker announces it before it starts.

The worker is started on first use and then kept: each file costs one request and one small
message per page (a few milliseconds per file; ``bench/speed/bench_pdf_text.py`` measures it). It
exits by itself after ``IDLE_SECONDS`` without work, or when this process goes away. It is a
fresh interpreter (``subprocess``, not ``fork``: the parent may hold torch's threads) that
imports only ``corpus``. Should the worker not start at all, files are read in this process,
without a time limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import logging
import os
import subprocess
import sys
import atexit
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from corpus import ocr
from corpus.errors import UnreadableFileError
from corpus.pdf_head import PdfHead

if TYPE_CHECKING:  # pypdfium2 is loaded by the reading itself, not by importing corpus
    from corpus.pdf_annotations import PdfMark

PAGE_TIME_LIMIT: float | None = 10.0  # seconds a page (or the file's opening, or page 1's
# layout) may take; None reads in this process, with no limit (for debugging: no child process)
OCR_PAGE_TIME_LIMIT: float = ocr.PAGE_TIME_LIMIT  # seconds for rendering and recognising a scanned page
MAX_SLOW_PAGES = 3  # pages of one file that may hit the limit before the rest is skipped
IDLE_SECONDS = 60.0  # the worker exits after this long without a file to read
STARTUP_SECONDS = 60.0  # how long a new worker may take to import its libraries
_WORKER_MODULE = "corpus.pdf_worker"  # the module whose main() the child runs; tests swap it
_ROOT = str(Path(__file__).resolve().parent.parent)
_log = logging.getLogger(__name__)


@dataclass
class Extraction:
    """Raw text of every page of one PDF (page n at index n-1), and what pypdf read."""

    head: PdfHead | None = None
    title: str | None = None  # the metadata title, when it looks real
    pages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # for the Document, in page order
    failures: list[str] = field(default_factory=list)  # warnings of pages that gave no text
    failed_pages: int = 0  # pages that failed or were skipped
    ocr_pages: list[int] = field(default_factory=list)  # scanned pages whose text Tesseract read
    unread_scans: list[int] = field(default_factory=list)  # scanned pages left unread: no Tesseract
    marks: list[PdfMark] = field(default_factory=list)  # the reader's highlights and notes in the file


def extract_pdf(path: Path, relative: str) -> Extraction:
    """Every page's raw text, within the time limit; raises UnreadableFileError. Scanned pages
    are recognised when Tesseract is installed (decided here, so the worker need not ask)."""
    engine = ocr.find_tesseract()
    if PAGE_TIME_LIMIT is None:
        return _extract_here(path, relative, engine)
    with _lock:
        worker = _get_worker()
        if worker is None:
            return _extract_here(path, relative, engine)
        return _Run(path, relative, PAGE_TIME_LIMIT, engine).run()


def stop_worker() -> None:
    """Stop the worker (it is started again when needed)."""
    global _worker
    with _lock:
        if _worker is not None:
            _worker.stop()
            _worker = None


# --- the parent side ------------------------------------------------------------------------

_lock = threading.Lock()
_worker: _Worker | None = None
_unavailable = False  # the worker could not be started once: read in-process from then on


class _WorkerGone(Exception):
    """The worker exited before answering."""


class _Worker:
    def __init__(self) -> None:
        request_read, request_write = os.pipe()
        event_read, event_write = os.pipe()
        # The worker ignores Ctrl-C: SIGINT reaches the whole process group, and this process
        # handles it (and then stops the worker, or the worker sees the pipe close and exits).
        code = (
            "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
            "import sys; sys.path.insert(0, sys.argv[1]); import importlib; "
            "importlib.import_module(sys.argv[2]).main(sys.argv[3:])"
        )
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", code, _ROOT, _WORKER_MODULE, str(request_read), str(event_write)],
                pass_fds=(request_read, event_write),
                stdin=subprocess.DEVNULL,
            )
        finally:
            os.close(request_read)
            os.close(event_write)
        self.requests = Connection(request_write, readable=False)
        self.events = Connection(event_read, writable=False)

    def wait_ready(self, seconds: float) -> bool:
        try:
            return self.events.poll(seconds) and self.events.recv() == ("ready",)
        except (EOFError, OSError):
            return False

    def stop(self) -> None:
        for connection in (self.requests, self.events):
            connection.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _get_worker() -> _Worker | None:
    global _worker, _unavailable
    if _worker is not None and _worker.process.poll() is not None:  # exited while idle
        _worker.stop()
        _worker = None
    if _worker is None and not _unavailable:
        try:
            worker = _Worker()
        except (OSError, ValueError) as error:
            _log.warning("cannot start the PDF worker (%s); reading PDFs without a time limit", error)
            _unavailable = True
            return None
        if not worker.wait_ready(STARTUP_SECONDS):
            worker.stop()
            _log.warning("the PDF worker did not start; reading PDFs without a time limit")
            _unavailable = True
            return None
        _worker = worker
    return _worker


def _kill() -> None:
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None


def _restart() -> None:
    _kill()
    if _get_worker() is None:
        raise RuntimeError("the PDF worker could not be restarted")


class _Run:
    """One file through the worker: resumes after a page that hung or crashed the worker."""

    def __init__(self, path: Path, relative: str, limit: float, engine: ocr.Tesseract | None = None):
        self.path, self.relative, self.limit, self.engine = path, relative, limit, engine
        self.result = Extraction()
        self.recognising: int | None = None  # the scanned page Tesseract is reading now
        self.with_head, self.next_page, self.count = True, 1, None
        self.slow = 0
        self.error: Exception | None = None  # raised once the worker has finished the file

    def run(self) -> Extraction:
        resent = False
        while True:
            try:
                self._request()
                done = self._receive()
            except _WorkerGone:
                # the worker quit while idle just as this file was sent: send it again, once
                if resent:
                    raise RuntimeError("the PDF worker exits at once") from None
                resent = True
                _restart()
                continue
            if done:
                if self.error is not None:
                    raise self.error
                return self.result
            resent = False
            _restart()

    def _request(self) -> None:
        try:
            _worker.requests.send((self.path, self.with_head, self.next_page, self.engine, _tesseract_timeout()))
        except OSError:
            raise _WorkerGone from None

    def _receive(self) -> bool:
        """Events until the file is done (True) or the worker had to be replaced (False)."""
        answered = False
        while True:
            limit = self.limit if self.recognising is None else OCR_PAGE_TIME_LIMIT
            if not _worker.events.poll(limit):
                _kill()  # it is stuck in the step: the next step (or file) needs a new one
                return self._skip_step(f"took longer than {limit:g} s")
            try:
                event = _worker.events.recv()
            except (EOFError, OSError):
                status = _worker.process.wait()
                if not answered and status == 0:
                    raise _WorkerGone from None
                _kill()
                return self._skip_step(f"crashed the text extractor (exit status {status})")
            answered = True
            if self._handle(event):
                return True

    def _handle(self, event: tuple) -> bool:
        kind = event[0]
        if kind == "head":
            self.result.head, self.result.title = event[1], event[2]
            self.with_head = False
        elif kind == "pages":
            if self.count is None:
                self.count = event[1]
                self.result.pages = [""] * self.count
        elif kind == "scanned":
            number, recognising = event[1:]
            if recognising:
                self.recognising = number
            else:
                self.result.unread_scans.append(number)
        elif kind == "marks":
            self.result.marks.extend(event[2])
        elif kind == "note":  # the page is read, with a caveat: a warning, not a failure
            self.result.warnings.append(event[2])
        elif kind == "page":
            number, text, warning = event[1:]
            self.result.pages[number - 1] = text
            if self.recognising == number and not warning:
                self.result.ocr_pages.append(number)
            self.recognising = None
            if warning:
                self.result.warnings.append(warning)
                self.result.failures.append(warning)
                self.result.failed_pages += 1
            self.next_page = number + 1
        elif kind == "unreadable":
            self.error = UnreadableFileError(self.relative, event[1])
        elif kind == "failed":  # a bug: as if read_pdf had raised it here
            self.error = RuntimeError(event[1])
        elif kind == "done":
            return True
        return False

    def _skip_step(self, what: str) -> bool:
        """The step the worker was on took too long or crashed it: skip it. True when the
        file is finished."""
        if self.with_head:  # pypdf's opening or page 1's layout: go on without the head
            self.with_head = False
            self.result.head = PdfHead()  # so the catalog does not open the file again
            self.result.warnings.append(f"page 1: reading the metadata and layout (for the title) {what}; skipped")
            return False
        if self.count is None:
            raise UnreadableFileError(self.relative, f"opening the PDF {what}")
        number = self.next_page
        doing = "OCR" if self.recognising == number else "reading its text"
        self.recognising = None
        message = f"page {number}: skipped, {doing} {what}"
        self.result.warnings.append(message)
        self.result.failures.append(message)
        self.result.failed_pages += 1
        self.slow += 1
        self.next_page = number + 1
        if self.next_page > self.count:
            return True
        if self.slow >= MAX_SLOW_PAGES:
            rest = f"page {self.next_page}" if self.next_page == self.count else f"pages {self.next_page}–{self.count}"
            self.result.warnings.append(f"{rest}: skipped, after {self.slow} pages each {what}")
            self.result.failed_pages += self.count - self.next_page + 1
            return True
        return False


def _tesseract_timeout() -> float:
    """Tesseract is stopped a little before the worker would be, so the worker can say why."""
    return OCR_PAGE_TIME_LIMIT * 0.9


def _extract_here(path: Path, relative: str, engine: ocr.Tesseract | None) -> Extraction:
    """The same events, in this process, without a time limit (but Tesseract's own)."""
    from corpus.pdf_text import pdf_events

    run = _Run(path, relative, 0.0, engine)
    for event in pdf_events(path, ocr=engine, ocr_timeout=_tesseract_timeout()):
        run._handle(event)
    if run.error is not None:
        raise run.error
    return run.result


atexit.register(stop_worker)


# --- the child side -------------------------------------------------------------------------


class _ParentGone(Exception):
    """The parent closed its end of the event pipe (it exited: Ctrl-C, or it was killed)."""


def main(argv: list[str]) -> None:
    """The worker: read requests ``(path, with_head, start_page, tesseract, ocr_timeout)``, stream
    each file's events and ("done",). Exits when the parent closes either pipe or after IDLE_SECONDS
    without work. It ignores Ctrl-C (``_Worker`` starts it so): the parent handles that."""
    from corpus.pdf_text import pdf_events

    requests = Connection(int(argv[0]), writable=False)
    events = Connection(int(argv[1]), readable=False)

    def send(event: tuple) -> None:
        try:
            events.send(event)
        except OSError as error:
            raise _ParentGone() from error

    try:
        send(("ready",))
        while True:
            try:
                if not requests.poll(IDLE_SECONDS):
                    return
                path, with_head, start_page, engine, ocr_timeout = requests.recv()
            except (EOFError, OSError):
                return
            try:
                events_of_file = pdf_events(
                    path, with_head=with_head, start_page=start_page, ocr=engine, ocr_timeout=ocr_timeout
                )
                for event in events_of_file:
                    send(event)
            except _ParentGone:
                raise
            except Exception as error:  # noqa: BLE001 — a bug: report it as the file's error
                send(("failed", f"{type(error).__name__}: {error}"))
            send(("done",))
    except _ParentGone:
        return  # no one is left to read the events


if __name__ == "__main__":
    main(sys.argv[1:])
