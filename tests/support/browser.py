"""Debian's Chromium as every browser test drives it (the machine has no other browser)."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def rank_by_words(page, timeout_ms: int = 60_000) -> None:
    """Choose lexical ranking (BM25) on the page: the fake model's meaning is a hash, so in tests
    of the page with it the words must decide. Waits for the re-run the choice starts, which
    redraws the search box."""
    from playwright.sync_api import expect

    ranking = page.get_by_role("combobox", name="Ranking")
    ranking.click()
    page.get_by_role("option", name="lexical").click()
    expect(ranking).to_have_value("lexical", timeout=timeout_ms)
    page.wait_for_timeout(1000)


# The last run has finished: no element of an older run is still drawn (Streamlit marks those
# data-stale) and the running-man status widget is gone. The status widget alone is not enough: it
# shows a moment after a run starts, and a click on an older run's element while the new run draws
# is lost (its widget is no longer on the page).
PAGE_IDLE = ("() => !document.querySelector('[data-stale=\"true\"]') && "
             "!document.querySelector('[data-testid=\"stStatusWidget\"]')")


def wait_until_idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the run a widget started has finished (PAGE_IDLE)."""
    page.wait_for_timeout(150)
    page.wait_for_function(PAGE_IDLE, timeout=timeout_ms, polling=50)
