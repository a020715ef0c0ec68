"""Papersearch under load, with the fake embedder (so the figures measure the app, not a model):

  sessions_1   one page session alone, searching round after round (the baseline)
  sessions_8   8 page sessions (8 Playwright contexts, each with its own query, ranking mode, view and
               filters) pressing Enter at the same moment, round after round: Enter → own results on screen
  cli_alone    4 `cli.py search --json` processes started together, no rebuild (the baseline)
  cli_rebuild  the same 4 started while a `cli.py build` runs (held in its embedding stage until 2
               have answered, then let go): process start → exit, Python start-up included
  rebuild_race two sessions press Rebuild index at once after a note was added: click → "another build
               is running" in one; Enter → the new note found by a new search in that one afterwards

The scenarios are tests/support/load_harness.py's (tests/edges/test_load.py runs each once, with assertions); this
script repeats them and records p50/p95/max per scenario in bench/results/load.json. Everything
runs on 127.0.0.1; it stops by itself: each scenario runs at least one round and starts no further
round once its share of the budget (--budget, default 130 s) has passed, and a hard alarm ends the
run at budget + 40 s (about 3 minutes), writing what was measured so far.

    .venv/bin/python -m bench.speed.bench_load [--page-rounds 5] [--cli-rounds 4] [--races 3] [--budget 130]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import REPO, RESULTS, write_json

from tests.support import load_harness as load

HARD_LIMIT_MARGIN = 40  # seconds after the budget at which the alarm stops the run
SETUP_SECONDS = 20  # expected for building the two demo indexes, starting the server and the browsers
# Each scenario's share of the budget (less setup); it always runs one round, then no more after its share.
SHARES = {"sessions_1": 0.08, "sessions_8": 0.3, "rebuild_race": 0.22, "cli_alone": 0.1, "cli_rebuild": 0.3}


class HardLimit(BaseException):
    """Raised by the alarm; a BaseException so no scenario's `except Exception` swallows it."""


def _alarm(signum, frame):
    raise HardLimit(f"stopped by the hard time limit (budget + {HARD_LIMIT_MARGIN} s); later scenarios missing")


def _machine() -> dict:
    def version(package: str) -> str:
        from importlib.metadata import version as installed

        return installed(package)

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True)
    chromium = subprocess.run([str(load.CHROMIUM), "--version"], capture_output=True, text=True)
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"), "nproc": os.cpu_count(),
        "python": platform.python_version(), "streamlit": version("streamlit"), "playwright": version("playwright"),
        "chromium": chromium.stdout.strip(), "commit": commit.stdout.strip() + ("+dirty" if dirty.stdout else ""),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page-rounds", type=int, default=5, help="rounds of 8 simultaneous searches")
    parser.add_argument("--single-rounds", type=int, default=8, help="searches of the lone baseline session")
    parser.add_argument("--cli-rounds", type=int, default=4, help="rebuilds, each with 4 CLI searches")
    parser.add_argument("--races", type=int, default=3, help="double Rebuild clicks")
    parser.add_argument("--budget", type=float, default=130.0, help="seconds of rounds, shared by the scenarios")
    parser.add_argument("--json-out", type=Path, default=RESULTS / "load.json")
    args = parser.parse_args()
    if not load.CHROMIUM.exists():
        print(f"SKIP: {load.CHROMIUM} not found (apt-get install -y chromium)")
        return
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(int(args.budget) + HARD_LIMIT_MARGIN)
    started = time.monotonic()

    def seconds(scenario: str) -> float:
        """How long `scenario` may keep starting rounds: its share of the budget, less any overrun."""
        left = sum(SHARES[name] for name in list(SHARES)[list(SHARES).index(scenario):]) * args.budget
        overrun = max(0.0, (time.monotonic() - started) - (args.budget - left) - SETUP_SECONDS)
        return max(0.0, SHARES[scenario] * args.budget - overrun)

    result: dict = {"machine": _machine(), "load_avg_start": os.getloadavg()[0], "scenarios": {}}
    scenarios = result["scenarios"]

    try:
        _run(args, seconds, scenarios)
    except HardLimit as error:
        result["stopped"] = str(error)
    signal.alarm(0)
    result["load_avg_end"] = os.getloadavg()[0]
    result["seconds"] = round(time.monotonic() - started, 1)
    result["budget_seconds"] = args.budget
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    write_json(args.json_out, result)
    print(json.dumps(result, indent=1, ensure_ascii=False))


def _run(args: argparse.Namespace, seconds, scenarios: dict) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        root = Path(tmp)
        library, index = load.demo_library_with_index(root / "page")
        gate = root / "gate"
        with load.page_server(library, index, root / "streamlit.log", gate=gate) as url:
            single = load.SESSIONS[:1]
            plans = load.session_plans(library, index, args.single_rounds, single)
            alone = asyncio.run(load.run_sessions(url, plans, seconds("sessions_1"), single))
            scenarios["sessions_1"] = {"what": "1 session alone: Enter -> its results on screen",
                                       "rounds": alone.rounds, **load.percentiles(alone.latencies)}
            print("sessions_1", scenarios["sessions_1"], flush=True)

            plans = load.session_plans(library, index, args.page_rounds)
            eight = asyncio.run(load.run_sessions(url, plans, seconds("sessions_8")))
            scenarios["sessions_8"] = {"what": "8 sessions pressing Enter together: Enter -> own results on screen",
                                       "rounds": eight.rounds, **load.percentiles(eight.latencies)}
            print("sessions_8", scenarios["sessions_8"], flush=True)

            races = asyncio.run(load.rebuild_races(url, library, index, gate, args.races, seconds("rebuild_race")))
            scenarios["rebuild_race"] = {
                "what": "2 sessions click Rebuild together: they share one build; then one searches",
                "races": races.races,
                "joined": {"what": "clicks -> both sessions show the one build's plan",
                           **load.percentiles(races.joined_seconds)},
                "search_after": {"what": "Enter -> the new note found, second session",
                                 **load.percentiles(races.search_after_seconds)},
            }
            print("rebuild_race", scenarios["rebuild_race"], flush=True)

        cli_library, cli_index = load.demo_library_with_index(root / "cli")
        alone_cli, until = load.CliResult(), time.monotonic() + seconds("cli_alone")
        for round_number in range(2):
            if round_number and time.monotonic() > until:
                break
            load.cli_searches_alone(cli_library, cli_index, alone_cli)
        scenarios["cli_alone"] = {
            "what": "the baseline: 4 CLI searches started together, no rebuild (process start -> exit)",
            "searches": alone_cli.searches, **load.percentiles(alone_cli.latencies),
        }
        print("cli_alone", scenarios["cli_alone"], flush=True)
        cli, until = load.CliResult(), time.monotonic() + seconds("cli_rebuild")
        for round_number in range(args.cli_rounds):
            if round_number and time.monotonic() > until:
                break
            stagger = [0.0, 0.3, 0.6, 1.0][round_number % 4]  # so later searches meet the write and switch
            load.cli_searches_during_rebuild(cli_library, cli_index, root / "cli-gate", round_number, stagger,
                                             release_after=2, result=cli)
        scenarios["cli_rebuild"] = {
            "what": "4 CLI searches (process start -> exit, incl. Python start-up) while a rebuild runs",
            "rebuilds": len(cli.rebuild_seconds), "searches": cli.searches,
            "ended_before_the_rebuild": cli.during_build, **load.percentiles(cli.latencies),
        }
        print("cli_rebuild", scenarios["cli_rebuild"], flush=True)


if __name__ == "__main__":
    main()
