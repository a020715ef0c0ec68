"""Load scenarios shared by tests/edges/test_load.py (few repetitions, asserts) and bench/speed/bench_load.py
(more repetitions, figures): the page under 8 concurrent sessions, CLI searches during a rebuild,
and two Rebuild clicks at once. Everything runs on 127.0.0.1 with the fake embedder
(tests/support/with_fake_model.py), so the figures measure the app, not a model.

Every scenario raises `LoadFailure` (an AssertionError) with the evidence when a session sees
another's results, an exception box or an error, or a CLI search fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from library import Library
from search import ResultFilter, Searcher, by_paper, search_depth
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, PAGE_IDLE
from tests.support.fakes import FakeEmbedder
from tests.support.page_server import ServerFailure
from tests.support.page_server import page_server as serve_page
from tests.support.paths import DEMO_LIBRARY, REPO
from tests.support.with_fake_model import ENV_DELAY, ENV_GATE


MODEL = "fake-hash-64"
PAGE_TIMEOUT_MS = 60_000
K = 10  # the page's default "Results"
# What the results show, in page order: each card's numbered title, then its passages' headings.
CARDS_JS = """() => [...document.querySelectorAll(
        '[data-testid="stMain"] strong, [data-testid="stMain"] .passage > small > b')]
    .filter(e => e.tagName === 'B' || /^\\d+\\. /.test(e.innerText.trim()))
    .map(e => e.innerText.replace(/\\s+/g, ' ').trim())"""


class LoadFailure(AssertionError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise LoadFailure(message)


def percentiles(values: list[float]) -> dict[str, float | int]:
    """p50/p95/max in milliseconds (numpy's linear interpolation) and the sample count."""
    if not values:
        return {"n": 0}
    ms = np.asarray(values) * 1000
    return {"n": len(values), "p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p95_ms": round(float(np.percentile(ms, 95)), 1), "max_ms": round(float(ms.max()), 1)}


# --- the library ------------------------------------------------------------------------------------

def demo_library_with_index(root: Path) -> tuple[Path, Path]:
    """A copy of the demo library and, beside it, its index built with the fake embedder."""
    library, index = root / "demo", root / "index"
    shutil.copytree(DEMO_LIBRARY, library, ignore=shutil.ignore_patterns(".papersearch"))
    Library(library, index).update(model=MODEL, load_embedder=lambda name: FakeEmbedder(name=name))
    return library, index


def add_note(library: Path, name: str, word: str) -> tuple[str, str]:
    """A note only `word` (a made-up word) finds; returns (its title, a query for it)."""
    title = f"Load test note {name}"
    (library / "notes" / f"{name}.md").write_text(
        f"# {title}\n\n## {word}\n\nThe {word} method fuses {word} features across frames.\n", encoding="utf-8")
    return title, f"{word} {word}"


def subprocess_env(library: Path, index: Path, gate: Path | None = None) -> dict[str, str]:
    """For tests/support/with_fake_model.py: builds wait in their embedding stage until `gate` exists."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", "PAPERSEARCH_LIBRARY": str(library),
           "PAPERSEARCH_INDEX": str(index), "PAPERSEARCH_MODEL": MODEL, ENV_DELAY: "0"}
    env.pop(ENV_GATE, None)
    if gate is not None:
        env[ENV_GATE] = str(gate)
    return env


# --- the page server --------------------------------------------------------------------------------

@contextmanager
def page_server(library: Path, index: Path, log: Path, gate: Path | None = None) -> Iterator[str]:
    """The page through tests/support/with_fake_model.py (tests/support/page_server.py); yields its URL. With
    `gate`, a Rebuild waits in its embedding stage until that file exists (searches never wait).
    The server must log no error."""
    try:
        with serve_page(subprocess_env(library, index, gate), log, fake_model=True) as url:
            yield url
    except ServerFailure as failure:
        raise LoadFailure(str(failure)) from None
    text = log.read_text(errors="replace")
    check("Traceback" not in text and "Uncaught" not in text, f"the server logged an error:\n{text[-3000:]}")


# --- scenario a: 8 sessions searching at once ---------------------------------------------------------

@dataclass(frozen=True)
class SessionSetup:
    """One browser session's widgets: its filters stay put, its queries change per round."""

    queries: tuple[str, ...]
    mode: str = "hybrid"          # Ranking
    view: str = "By paper"        # View
    kind: str = "PDFs and notes"  # Files
    read: str = "any"             # Read

    def where(self) -> ResultFilter:
        kind = {"PDFs and notes": None, "PDFs": "pdf", "Notes": "note"}[self.kind]
        return ResultFilter(kind=kind, read={"any": None, "read": True, "unread": False}[self.read])


QUERIES = (
    "unaligned feature fusion for video", "deformable convolution offsets", "diffusion denoising noise",
    "非对齐特征融合", "attention transformer", "sentence embeddings contrastive", "optical flow alignment",
    "video super resolution BasicVSR", "扩散模型 去噪", "recurrent propagation alignment",
)
SESSIONS = (
    SessionSetup(QUERIES[0:], "hybrid", "By paper", "PDFs and notes", "any"),
    SessionSetup(QUERIES[1:], "lexical", "By file", "PDFs and notes", "read"),
    SessionSetup(QUERIES[2:], "dense", "By passage", "PDFs and notes", "unread"),
    SessionSetup(QUERIES[3:], "hybrid", "By file", "Notes", "any"),
    SessionSetup(QUERIES[4:], "lexical", "By paper", "PDFs and notes", "any"),
    SessionSetup(QUERIES[5:], "hybrid", "By passage", "PDFs", "any"),
    SessionSetup(QUERIES[6:], "dense", "By paper", "Notes", "read"),
    SessionSetup(QUERIES[7:], "lexical", "By passage", "Notes", "any"),
)


def cards(searcher: Searcher, setup: SessionSetup, query: str) -> list[str]:
    """What the page shows for `query` under `setup`, as CARDS_JS reads it: each card's numbered
    title followed by its passages' headings (app.py's grouping and headings, recomputed)."""
    grouped = setup.view != "By passage"
    response = searcher.search(query, k=search_depth(K, grouped), mode=setup.mode, where=setup.where())
    shown: list[str] = []
    if setup.view == "By paper":
        for number, paper in enumerate(by_paper(response.hits, limit=K), start=1):
            shown.append(f"{number}. {paper.title}")
            shown += [f"{hit.path} · {f'PDF p. {hit.page}' if hit.page is not None else hit.location or 'note'}"
                      for hit in paper.hits]
    elif setup.view == "By file":
        for number, document in enumerate(response.by_document(limit=K), start=1):
            shown.append(f"{number}. {document.title}")
            shown += [hit.location or "passage" for hit in document.hits]
    else:
        for hit in response.hits:
            shown += [f"{hit.rank}. {hit.title}", " · ".join(filter(None, [hit.path, hit.location]))]
    return [" ".join(text.split()) for text in shown]


def session_plans(library: Path, index: Path, rounds: int, setups: tuple[SessionSetup, ...] = SESSIONS
                  ) -> list[list[tuple[str, list[str]]]]:
    """Per session, `rounds` (query, expected card titles): consecutive expectations differ (so a
    round is over only when the new results are on screen) and, within one round, no two sessions
    expect the same cards (so a session showing another's results is caught)."""
    searcher = (Library(library, index)).searcher(load=lambda _model: FakeEmbedder())
    plans: list[list[tuple[str, list[str]]]] = []
    for setup in setups:
        options = [(q, cards(searcher, setup, q)) for q in setup.queries + QUERIES]
        options = [(q, titles) for q, titles in options if titles]
        plan: list[tuple[str, list[str]]] = []
        for query, titles in options * rounds:
            if len(plan) == rounds:
                break
            if not plan or plan[-1][1] != titles:
                plan.append((query, titles))
        check(len(plan) == rounds, f"not enough distinct queries for {setup}")
        plans.append(plan)
    for round_number in range(rounds):
        seen = [tuple(plan[round_number][1]) for plan in plans]
        check(len(set(seen)) == len(seen), f"round {round_number}: two sessions expect the same cards")
    return plans


async def _choose(page, label: str, option: str, widget: str = "stRadio") -> None:
    if widget == "stRadio":
        group = page.locator('[data-testid="stRadio"]').filter(has_text=label)
        await group.get_by_text(option, exact=True).click()
        await group.locator('label[data-selected="true"]', has_text=option).wait_for(timeout=PAGE_TIMEOUT_MS)
    else:
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label)
        await box.click()
        await page.get_by_role("option", name=option, exact=True).click()
        await page.wait_for_function(
            "([label, option]) => [...document.querySelectorAll('input[role=combobox]')]"
            ".some(e => e.getAttribute('aria-label') === label && e.value === option)", arg=[label, option],
            timeout=PAGE_TIMEOUT_MS)


async def _idle(page) -> None:
    """The last widget change has been run: no stale elements and no running-man status widget."""
    await page.wait_for_timeout(150)
    await page.wait_for_function(PAGE_IDLE, timeout=PAGE_TIMEOUT_MS, polling=50)


async def _widget_state(page) -> dict:
    return await page.evaluate("""() => {
        const radio = label => { const g = [...document.querySelectorAll('[data-testid="stRadio"]')]
            .find(e => e.querySelector('[role=radiogroup]')?.getAttribute('aria-label') === label);
            return g?.querySelector('label[data-selected="true"]')?.innerText.trim(); };
        const input = label => [...document.querySelectorAll('input')]
            .find(e => e.getAttribute('aria-label') === label)?.value;
        return {query: input('Search your papers and notes'), mode: input('Ranking'),
                view: radio('View'), kind: radio('Files'), read: radio('Read')};
    }""")


async def _problems(page) -> list[str]:
    """Exception boxes and error alerts on the page, as text."""
    boxes = await page.locator('[data-testid="stException"]').all_inner_texts()
    errors = await page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    return [f"exception: {text[:300]}" for text in boxes] + [f"error: {text[:300]}" for text in errors]


@dataclass
class SessionsResult:
    latencies: list[float] = field(default_factory=list)  # seconds, Enter → the expected cards on screen
    searches: int = 0
    rounds: int = 0


async def _open_session(browser, url: str, setup: SessionSetup):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    await page.goto(url)
    await page.get_by_label("Search your papers and notes").wait_for(timeout=PAGE_TIMEOUT_MS)
    await _choose(page, "Files", setup.kind)
    await _choose(page, "Read", setup.read)
    await _choose(page, "View", setup.view)
    await _choose(page, "Ranking", setup.mode, widget="stSelectbox")
    await _idle(page)
    return page


async def _search_round(page, query: str, expected: list[str], barrier: asyncio.Barrier) -> float:
    box = page.get_by_label("Search your papers and notes")
    await box.fill(query)
    await barrier.wait()  # every session presses Enter at the same moment
    started = time.perf_counter()
    await box.press("Enter")
    try:
        await page.wait_for_function(f"(expected) => JSON.stringify(({CARDS_JS})()) === JSON.stringify(expected)",
                                     arg=expected, timeout=PAGE_TIMEOUT_MS, polling=10)
    except Exception as error:  # noqa: BLE001 — playwright's TimeoutError: say what the page showed instead
        shown = await page.evaluate(CARDS_JS)
        raise LoadFailure(f"{query!r}: expected {expected[:3]}..., page shows {shown[:3]}... "
                          f"{await _problems(page)} ({type(error).__name__})") from None
    return time.perf_counter() - started


async def run_sessions(url: str, plans: list[list[tuple[str, list[str]]]], seconds: float | None = None,
                       setups: tuple[SessionSetup, ...] = SESSIONS) -> SessionsResult:
    """One browser context per setup (8 by default) in one headless Chromium; each round, all press
    Enter at once. After every round each session must show exactly its own cards, query and
    filters, and no error. With `seconds`, no round after the first starts later than that."""
    from playwright.async_api import async_playwright

    result = SessionsResult()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            pages = await asyncio.gather(*(_open_session(browser, url, setup) for setup in setups))
            first_round = time.monotonic()
            for round_number in range(len(plans[0])):
                if round_number and seconds is not None and time.monotonic() > first_round + seconds:
                    break
                barrier = asyncio.Barrier(len(pages))
                round_plan = [plan[round_number] for plan in plans]
                latencies = await asyncio.gather(*(_search_round(page, query, expected, barrier)
                                                   for page, (query, expected) in zip(pages, round_plan)))
                for page, setup, (query, expected) in zip(pages, setups, round_plan):
                    await _idle(page)
                    shown = await page.evaluate(CARDS_JS)
                    state = await _widget_state(page)
                    own = {"query": query, "mode": setup.mode, "view": setup.view, "kind": setup.kind,
                           "read": setup.read}
                    check(shown == expected, f"session {setup} query {query!r} shows {shown} instead of {expected}")
                    check(state == own, f"session shows widgets {state}, its own are {own}")
                    problems = await _problems(page)
                    check(not problems, f"session {setup} query {query!r}: {problems}")
                result.latencies.extend(latencies)
                result.searches += len(latencies)
                result.rounds += 1
        finally:
            await browser.close()
    return result


# --- scenario b: CLI searches while a rebuild runs ----------------------------------------------------

CLI_QUERIES = (
    "deformable convolution offsets", "非对齐特征融合", "diffusion denoising noise", "attention transformer",
)


@dataclass
class CliResult:
    latencies: list[float] = field(default_factory=list)  # seconds, process start → exit (includes Python start-up)
    searches: int = 0
    during_build: int = 0  # searches that ended while the rebuild was still running
    rebuild_seconds: list[float] = field(default_factory=list)


def cli_searches_alone(library: Path, index: Path, result: CliResult | None = None) -> CliResult:
    """The baseline: the same 4 searches started together with no rebuild running."""
    result = result or CliResult()
    env = subprocess_env(library, index)
    searches = [(query, time.perf_counter(), subprocess.Popen(
        [sys.executable, "-m", "tests.support.with_fake_model", "cli", "search", query, "--library", str(library),
         "--index", str(index), "-k", "5", "--json"], cwd=REPO, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)) for query in CLI_QUERIES]
    for query, launched, search in searches:
        out, err = search.communicate(timeout=120)
        result.latencies.append(time.perf_counter() - launched)
        result.searches += 1
        check(search.returncode == 0 and len(json.loads(out)) == 5, f"search {query!r}: {out[:300]} {err}")
    return result


def cli_searches_during_rebuild(library: Path, index: Path, gate: Path, round_number: int = 0,
                                stagger: float = 0.0, release_after: int = 2, result: CliResult | None = None
                                ) -> CliResult:
    """Start `cli.py build` on the library plus three new notes, held in its embedding stage until
    `gate` exists; once it has printed its plan, start 4 `cli.py search --json` processes, `stagger`
    s apart. When `release_after` of them have answered, let the build go on, so the rest answer
    while it embeds, writes, switches CURRENT and cleans up. Every search must exit 0 with
    passages; the rebuild must finish and its new notes must then be found."""
    result = result or CliResult()
    gate.unlink(missing_ok=True)
    titles = [add_note(library, f"cli-{round_number}-{i}", f"zorblax{round_number}x{i}") for i in range(3)]
    env = subprocess_env(library, index, gate)
    fake_cli = [sys.executable, "-m", "tests.support.with_fake_model", "cli"]
    started = time.perf_counter()
    build = subprocess.Popen([*fake_cli, "build", "--library", str(library), "--index", str(index)],
                             cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    searches = []
    try:
        first_line = build.stdout.readline()  # "Library: ..." comes with the plan, before any embedding
        if not first_line.startswith("Library:"):
            raise LoadFailure(f"rebuild printed {first_line!r}: {build.communicate()}")
        for i, query in enumerate(CLI_QUERIES):
            if i and stagger:
                time.sleep(stagger)
            check(build.poll() is None, f"the rebuild ended ({build.returncode}) before search {i} started")
            searches.append((query, time.perf_counter(), subprocess.Popen(
                [*fake_cli, "search", query, "--library", str(library), "--index", str(index), "-k", "5", "--json"],
                cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
        for number, (query, launched, search) in enumerate(searches):
            if number == release_after:
                gate.touch()
            out, err = search.communicate(timeout=120)
            result.latencies.append(time.perf_counter() - launched)
            result.searches += 1
            result.during_build += build.poll() is None
            check(search.returncode == 0, f"search {query!r} exited {search.returncode}: {err}")
            passages = json.loads(out)
            check(len(passages) == 5 and all(p["path"] for p in passages), f"search {query!r} returned {out[:300]}")
            check("error" not in err.lower(), f"search {query!r} wrote to stderr: {err}")
        gate.touch()
        out, _ = build.communicate(timeout=120)
        result.rebuild_seconds.append(time.perf_counter() - started)
        check(build.returncode == 0 and "Indexed" in out, f"rebuild exited {build.returncode}: {out}")
    finally:
        gate.touch()
        for process in [build, *(search for _, _, search in searches)]:
            if process.poll() is None:
                process.kill()
                process.wait()
    # the note's one unique word, ranked by words alone: the fake embedder's meaning is a hash, and
    # a one-line note is a stub in hybrid ranking (corpus/chunking.py)
    found = subprocess.run([*fake_cli, "search", titles[0][1], "--library", str(library), "--index", str(index),
                            "-k", "1", "--mode", "lexical", "--json"], cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=120)
    check(found.returncode == 0 and json.loads(found.stdout)[0]["title"] == titles[0][0],
          f"the new note is not found after the rebuild: {found.stdout} {found.stderr}")
    return result


# --- scenario c: two Rebuild clicks at once -----------------------------------------------------------

@dataclass
class RaceResult:
    joined_seconds: list[float] = field(default_factory=list)   # clicks → both sessions show the one build's plan
    builder_seconds: list[float] = field(default_factory=list)  # clicks → "Indexed …" in both (the build is held
                                                                # until both follow it)
    search_after_seconds: list[float] = field(default_factory=list)  # Enter → the new note, second session
    races: int = 0


async def _rebuild_race_round(browser, url: str, library: Path, index: Path, gate: Path, round_number: int,
                              result: RaceResult) -> None:
    gate.unlink(missing_ok=True)  # the build waits in its embedding stage
    pages = []
    for _ in range(2):
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await context.new_page()
        await page.goto(url)
        await page.get_by_label("Search your papers and notes").wait_for(timeout=PAGE_TIMEOUT_MS)
        await _idle(page)
        pages.append(page)
    title, query = add_note(library, f"race-{round_number}", f"quixotry{round_number}")
    builds_before = set((index / "builds").iterdir())
    planned = [page.locator('[data-testid="stAlertContentInfo"]', has_text="Build plan: 1 new") for page in pages]
    built = [page.locator('[data-testid="stAlertContentSuccess"]', has_text=re.compile(r"Indexed \d+ files"))
             for page in pages]

    started = time.perf_counter()
    await asyncio.gather(*(page.get_by_role("button", name="Rebuild index").click() for page in pages))
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    while not all([await locator.count() for locator in planned]):
        if time.monotonic() > deadline:
            raise LoadFailure(f"the sessions do not both follow the build: {[await _problems(p) for p in pages]}")
        await asyncio.sleep(0.02)
    result.joined_seconds.append(time.perf_counter() - started)
    gate.touch()  # now let the one build finish
    for locator in built:
        await locator.wait_for(timeout=PAGE_TIMEOUT_MS)
    result.builder_seconds.append(time.perf_counter() - started)
    new_builds = set((index / "builds").iterdir()) - builds_before
    check(len(new_builds) == 1, f"two clicks made {len(new_builds)} builds, not one")
    for page in pages:
        await _idle(page)
        boxes = await page.locator('[data-testid="stException"]').all_inner_texts()
        check(not boxes, f"exception box after the Rebuild race: {boxes}")
        check(await _problems(page) == [], f"a session after the Rebuild race: {await _problems(page)}")

    second = pages[1]  # the build is over: a search in the other session finds the new note
    box = second.get_by_label("Search your papers and notes")
    await box.fill(query)
    searched = time.perf_counter()
    await box.press("Enter")
    first = second.locator('[data-testid="stMain"] strong', has_text=re.compile(r"^1\. "))
    try:
        await first.filter(has_text=title).wait_for(timeout=PAGE_TIMEOUT_MS)
    except Exception:  # noqa: BLE001 — playwright's TimeoutError: say what the page showed
        raise LoadFailure(f"second session: {query!r} shows {await second.evaluate(CARDS_JS)}, "
                          f"not {title!r}; {await _problems(second)}") from None
    result.search_after_seconds.append(time.perf_counter() - searched)
    check(not await _problems(second), f"second session after its search: {await _problems(second)}")
    for page in pages:
        await page.context.close()
    result.races += 1


async def rebuild_races(url: str, library: Path, index: Path, gate: Path, rounds: int, seconds: float | None = None
                        ) -> RaceResult:
    """Two sessions press Rebuild index at once (after a note was added): they must share one build
    (ui/build_jobs.py), both following its plan and progress and both shown its outcome, with no
    exception box; then a search finds the new note. With `seconds`, no race after the first starts later."""
    from playwright.async_api import async_playwright

    result = RaceResult()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            first_round = time.monotonic()
            for round_number in range(rounds):
                if round_number and seconds is not None and time.monotonic() > first_round + seconds:
                    break
                await _rebuild_race_round(browser, url, library, index, gate, round_number, result)
        finally:
            gate.touch()
            await browser.close()
    return result
