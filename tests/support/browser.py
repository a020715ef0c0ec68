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
