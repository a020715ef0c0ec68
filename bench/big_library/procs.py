"""The command line in subprocesses, watched from outside: a build's progress (the tqdm lines it
prints on stderr), its peak memory (/proc), its final report; a search's answer and time.

Measuring through `cli.py` in a separate process is what a user meets (imports, model loading and
all), and it lets the harness kill a build with SIGKILL at a chosen point of its embedding.
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import REPO, shown

CLI = [sys.executable, str(REPO / "cli.py")]
MODEL_ARGS: list[str] = []  # `build` options naming the model; none: the default model


def command_shown() -> list[str]:
    """The CLI as results record it: a script relative to the repo root, never this machine's path."""
    return [shown(Path(part)) if part.endswith(".py") else part for part in CLI[1:]]


def use_fake_model(name: str) -> None:
    """Every build and search of this harness runs with the hash fake embedder `name` (tests/support/
    with_fake_model.py registers it as a plugin would be): no model cost, everything else as it is."""
    global CLI, MODEL_ARGS
    CLI = [sys.executable, "-m", "tests.support.with_fake_model", "cli"]
    MODEL_ARGS = ["--model", name]
    os.environ.setdefault("PAPERSEARCH_FAKE_DIMENSION", "384")  # as many as e5-small's: the vectors' real size
# tqdm's line: "Embedding chunks:  25%|██▌       | 1234/5000 [00:10<00:30, 120.00item/s]"
_TQDM = re.compile(r"^(?P<stage>[^:|]+?):\s+\d+%\|[^|]*\|\s*(?P<done>\d+)/(?P<total>\d+)")
_EMBEDDED = re.compile(r"\(\+?(?P<added>\d+) embedded")  # "(281084 embedded, 95616 already ...": older ones said "+N"
_INDEXED = re.compile(r"Indexed (?P<files>\d+) files, (?P<chunks>\d+) chunks")
_UP_TO_DATE = re.compile(r"up to date: (?P<files>\d+) files, (?P<chunks>\d+) chunks")
EMBED_STAGES = ("Embedding chunks", "Embedding passages")  # today's name, and the likely next one


def _children_cpu() -> float:
    """CPU seconds of every child process the harness has waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def _rss_kib(pid: int, field_name: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    """Every process started by `pid`, and theirs (a PDF-reading worker, say)."""
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        if parent != pid:
            found.append(parent)
        try:
            for task in os.listdir(f"/proc/{parent}/task"):
                with open(f"/proc/{parent}/task/{task}/children", encoding="ascii") as children:
                    queue.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return found


@dataclass
class Progress:
    """The latest (done, total) of each stage, and when each stage was first seen."""

    stages: dict[str, tuple[int, int]] = field(default_factory=dict)
    first_seen: dict[str, float] = field(default_factory=dict)

    def embedding(self) -> tuple[int, int] | None:
        for stage in EMBED_STAGES:
            if stage in self.stages:
                return self.stages[stage]
        return None


class Build:
    """`cli.py build` running in its own process; read its progress while it runs."""

    def __init__(self, library: Path, index: Path, extra: list[str] | None = None):
        self.started = time.perf_counter()
        self._cpu_before = _children_cpu()
        self.process = subprocess.Popen(
            [*CLI, "build", "--library", str(library), "--index", str(index), *MODEL_ARGS, *(extra or [])],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.progress = Progress()
        self.tail: deque[str] = deque(maxlen=60)
        self.stdout: list[str] = []
        self.peak_rss_kib = 0  # the build process's own VmHWM
        self.peak_tree_kib = 0  # the most its process tree held at once (a reading worker process too)
        self.stage_peak_kib: dict[str, int] = {}  # the most VmRSS seen while each stage was the latest reported
        self.seconds: float | None = None
        self.cpu_seconds: float | None = None  # the process tree's CPU time: less swayed by other work than wall time
        self._threads = [threading.Thread(target=target, daemon=True)
                         for target in (self._read_stderr, self._read_stdout, self._watch_memory)]
        for thread in self._threads:
            thread.start()

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def running(self) -> bool:
        return self.process.poll() is None

    def _read_stderr(self) -> None:
        buffer = b""
        while chunk := self.process.stderr.read1(65536):
            buffer += chunk
            *lines, buffer = re.split(rb"[\r\n]", buffer)
            for raw in lines:
                self._line(raw.decode("utf-8", "replace").strip())
        self._line(buffer.decode("utf-8", "replace").strip())

    def _line(self, line: str) -> None:
        if not line:
            return
        match = _TQDM.match(line)
        if match:
            stage = match.group("stage").strip()
            self.progress.first_seen.setdefault(stage, self.elapsed())
            self.progress.stages[stage] = (int(match.group("done")), int(match.group("total")))
        else:
            self.tail.append(line)

    def _read_stdout(self) -> None:
        for raw in self.process.stdout:
            self.stdout.append(raw.decode("utf-8", "replace").rstrip())

    def _watch_memory(self) -> None:
        pid = self.process.pid
        while self.process.poll() is None:
            own = _rss_kib(pid, "VmHWM")
            self.peak_rss_kib = max(self.peak_rss_kib, own)
            tree = _rss_kib(pid, "VmRSS") + sum(_rss_kib(child, "VmRSS") for child in _descendants(pid))
            self.peak_tree_kib = max(self.peak_tree_kib, tree)
            stage = self._latest_stage()
            self.stage_peak_kib[stage] = max(self.stage_peak_kib.get(stage, 0), _rss_kib(pid, "VmRSS"))
            time.sleep(0.25)

    def _latest_stage(self) -> str:
        seen = dict(self.progress.first_seen)  # the stderr thread adds to it meanwhile
        return max(seen, key=seen.get) if seen else "starting"

    def kill9(self) -> None:
        """SIGKILL, as a crash or a closed lid would stop it: no handler runs."""
        if self.running():
            os.kill(self.process.pid, signal.SIGKILL)
        self.wait()

    def wait(self, timeout: float | None = None) -> BuildResult:
        self.process.wait(timeout)
        if self.seconds is None:
            self.seconds = self.elapsed()
            self.cpu_seconds = _children_cpu() - self._cpu_before
        for thread in self._threads:
            thread.join(5)
        return BuildResult.of(self)


@dataclass(frozen=True)
class BuildResult:
    seconds: float
    cpu_seconds: float  # user + system of the build and its children (exact when no other child of the harness ran meanwhile)
    returncode: int
    summary: str  # the build's last line of standard output
    files: int | None
    chunks: int | None
    embedded: int | None  # "N embedded" (what the model embedded, not what a journal gave back); 0 when up to date
    up_to_date: bool
    peak_rss_mib: float
    peak_tree_rss_mib: float
    stage_starts: dict[str, float]  # seconds from the start at which each stage was first reported
    stage_peak_rss_mib: dict[str, float]  # the most RSS sampled (every 0.25 s) while each stage was the latest
    error_tail: list[str]

    @classmethod
    def of(cls, build: Build) -> BuildResult:
        summary = build.stdout[-1] if build.stdout else ""
        indexed, fresh = _INDEXED.search(summary), _UP_TO_DATE.search(summary)
        counts = indexed or fresh
        embedded = _EMBEDDED.search(summary)
        return cls(
            seconds=round(build.seconds, 2), cpu_seconds=round(build.cpu_seconds or 0.0, 2),
            returncode=build.process.returncode, summary=summary,
            files=int(counts.group("files")) if counts else None, chunks=int(counts.group("chunks")) if counts else None,
            embedded=int(embedded.group("added")) if embedded else (0 if fresh else None), up_to_date=bool(fresh),
            peak_rss_mib=round(build.peak_rss_kib / 1024, 1), peak_tree_rss_mib=round(build.peak_tree_kib / 1024, 1),
            stage_starts={stage: round(seconds, 2) for stage, seconds in build.progress.first_seen.items()},
            stage_peak_rss_mib={stage: round(kib / 1024, 1) for stage, kib in build.stage_peak_kib.items()},
            error_tail=list(build.tail)[-8:] if build.process.returncode else [],
        )

    def to_dict(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if value not in (None, [], "")}


def build(library: Path, index: Path, extra: list[str] | None = None) -> BuildResult:
    return Build(library, index, extra).wait()


@dataclass(frozen=True)
class Answer:
    seconds: float
    returncode: int
    hits: list[dict]
    error: str


def search(query: str, library: Path, index: Path, k: int = 10, timeout: float = 300) -> Answer:
    """`cli.py search QUERY --json` in a fresh process: its wall time, and its hits (none if it failed)."""
    started = time.perf_counter()
    done = subprocess.run([*CLI, "search", query, "--library", str(library), "--index", str(index), "--json", "-k", str(k)],
                          cwd=REPO, capture_output=True, timeout=timeout)
    seconds = time.perf_counter() - started
    hits: list[dict] = []
    if done.returncode == 0:
        try:
            hits = json.loads(done.stdout.decode("utf-8"))
        except ValueError:
            hits = []
    error = "" if done.returncode == 0 else done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    return Answer(round(seconds, 3), done.returncode, hits, error if isinstance(error, str) else error[0])


def status(library: Path, index: Path) -> dict | None:
    """`cli.py status --json`, or None when there is no index yet (or it cannot be read)."""
    done = subprocess.run([*CLI, "status", "--library", str(library), "--index", str(index), "--json"],
                          cwd=REPO, capture_output=True, timeout=300)
    try:
        return json.loads(done.stdout.decode("utf-8")) if done.returncode == 0 else None
    except ValueError:
        return None


_MODEL_MEMORY = """
import json, sys
from bench.big_library.procs import _rss_kib
import os
before = _rss_kib(os.getpid(), "VmRSS")
from embed import DEFAULT_MODEL, registry
texts = ["Memory of a loaded model, measured once: " + "word " * 150] * 128
report = {"rss_before_mib": round(before / 1024, 1), "models": []}
for name in [DEFAULT_MODEL, registry.companion_of(DEFAULT_MODEL)]:
    if name:
        registry.load_embedder(name).embed_documents(texts)
        report["models"].append(name)
report["peak_rss_mib"] = round(_rss_kib(os.getpid(), "VmHWM") / 1024, 1)
report["rss_after_mib"] = round(_rss_kib(os.getpid(), "VmRSS") / 1024, 1)
print(json.dumps(report))
"""


def model_memory() -> dict:
    """The default model and its companion loaded and used in a fresh process (see measure.model_rss)."""
    done = subprocess.run([sys.executable, "-c", _MODEL_MEMORY], cwd=REPO, capture_output=True, timeout=900)
    if done.returncode:
        return {"status": "failed", "error_tail": done.stderr.decode("utf-8", "replace").splitlines()[-8:]}
    report = json.loads(done.stdout.decode("utf-8").splitlines()[-1])
    report["models_mib"] = round(report["peak_rss_mib"] - report["rss_before_mib"], 1)
    report["batch"] = "128 passages of ~150 words with each model"
    return report
