"""Scoped and remembered search in a real headless Chromium at 1440×900 (fake embedder, BM25
ranking): "Search within this paper" from a card, the scope said above the results and cleared,
two cards picked and exactly their papers downloaded as BibTeX, a recent search run again with its
scope; screenshots for README with the first result above the fold."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tests.edges.test_browser import INDEX_BUILD_TIMEOUT_MS, QUERY_TIMEOUT_MS, shoot
from tests.support.browser import rank_by_words, wait_until_idle
from tests.support.page_server import fake_model_page

pytestmark = pytest.mark.slow

WIDTH, HEIGHT = 1440, 900
QUERY = "deformable 特征对齐"


@pytest.fixture
def scope_page(chromium_page, demo_library_copy: Path, tmp_path: Path):
    with fake_model_page(demo_library_copy, tmp_path) as url:
        chromium_page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        chromium_page.goto(url)
        yield chromium_page


def card_titles(page):
    return page.locator("strong").filter(has_text=re.compile(r"^\d+\. "))


def settle(page) -> None:
    """Wait for the run a click started to finish."""
    page.wait_for_timeout(150)  # the click's run has started
    wait_until_idle(page, QUERY_TIMEOUT_MS)


def to_top(page) -> None:
    """Scroll the results back to the top, as a fresh search shows them."""
    page.mouse.move(WIDTH * 0.6, HEIGHT / 2)
    page.mouse.wheel(0, -10_000)
    page.wait_for_timeout(500)


def above_the_fold(locator, height: int = HEIGHT) -> bool:
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height


def search(page, query: str) -> None:
    from playwright.sync_api import expect

    box = page.get_by_label("Search your papers and notes")
    box.fill(query)
    box.press("Enter")
    expect(card_titles(page).first).to_be_visible(timeout=QUERY_TIMEOUT_MS)
    settle(page)


def test_search_within_a_paper_then_pick_two_results_and_export_them(scope_page, tmp_path):
    from playwright.sync_api import expect

    page = scope_page
    expect(page.get_by_label("Search your papers and notes")).to_be_visible(timeout=INDEX_BUILD_TIMEOUT_MS)
    rank_by_words(page, QUERY_TIMEOUT_MS)
    search(page, QUERY)
    assert card_titles(page).count() >= 3
    page.set_viewport_size({"width": 1280, "height": 720})  # a laptop's window: the first result still shows
    page.wait_for_timeout(800)
    assert above_the_fold(card_titles(page).first, 720)
    shoot(page, "search-results-1280x720")
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.wait_for_timeout(800)
    within = page.get_by_role("button", name="Search within this paper")
    header = page.get_by_test_id("stHorizontalBlock").filter(has=within).first  # the first card about one paper
    first = re.sub(r"^\d+\. ", "", header.locator("strong").first.inner_text())

    header.get_by_role("button", name="Search within this paper").click()
    scope_line = page.get_by_text(re.compile(r"^Searching only within paper: "))
    expect(scope_line).to_be_visible(timeout=QUERY_TIMEOUT_MS)
    settle(page)
    expect(scope_line).to_contain_text(first)
    expect(card_titles(page)).to_have_count(1)  # one paper, one card
    expect(card_titles(page).first).to_have_text(f"1. {first}")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(first).first).to_be_visible()  # the sidebar's selector shows the paper
    to_top(page)
    assert above_the_fold(card_titles(page).first)
    shoot(page, "search-within-paper")

    page.get_by_role("button", name="✕ Whole library").click()
    expect(scope_line).to_have_count(0, timeout=QUERY_TIMEOUT_MS)
    settle(page)
    papers = page.get_by_test_id("stHorizontalBlock").filter(has=within)  # the cards about one paper each
    assert papers.count() >= 3
    titles = [re.sub(r"^\d+\. ", "", papers.nth(number).locator("strong").first.inner_text()) for number in (0, 2)]
    for number in (0, 2):
        papers.nth(number).get_by_test_id("stCheckbox").filter(has=page.get_by_role("checkbox", name="Pick")).click()
        settle(page)
    bibtex = page.get_by_role("button", name="BibTeX of the 2 papers picked")
    expect(bibtex).to_be_visible(timeout=QUERY_TIMEOUT_MS)
    expect(page.get_by_role("button", name=re.compile(r"^CSV of the \d+ passages? picked$"))).to_be_visible()
    with page.expect_download(timeout=QUERY_TIMEOUT_MS) as download_info:
        bibtex.click()
    saved = tmp_path / "picked.bib"
    download_info.value.save_as(saved)
    assert download_info.value.suggested_filename == "papersearch-picked.bib"
    text = saved.read_text(encoding="utf-8")
    assert len(re.findall(r"^@\w+\{", text, flags=re.M)) == 2, text
    exported = re.findall(r"^\s*title\s*=\s*\{(.*)\},?$", text, flags=re.M)
    assert [_plain(title) for title in exported] == [_plain(title) for title in titles], (exported, titles)

    # one card per passage: the first and the third picked, and the CSV holds exactly those two rows
    page.get_by_test_id("stRadio").get_by_text("By passage", exact=True).click()
    settle(page)
    expect(page.get_by_role("button", name=re.compile(r"^CSV of the \d+ passages shown$"))).to_be_visible()
    to_top(page)
    picks = page.get_by_test_id("stCheckbox").filter(has=page.get_by_role("checkbox", name="Pick"))
    for number in (0, 2):
        picks.nth(number).click()
        settle(page)
    csv_button = page.get_by_role("button", name="CSV of the 2 passages picked")
    expect(csv_button).to_be_visible(timeout=QUERY_TIMEOUT_MS)
    with page.expect_download(timeout=QUERY_TIMEOUT_MS) as download_info:
        csv_button.click()
    saved = tmp_path / "picked.csv"
    download_info.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert [row["rank"] for row in rows] == ["1", "3"], rows
    to_top(page)
    assert above_the_fold(card_titles(page).first)
    shoot(page, "picked-export")
    page.get_by_test_id("stRadio").get_by_text("By paper", exact=True).click()
    settle(page)

    # the scoped search is in the recent list: clicking it searches within that paper again
    recent = sidebar.get_by_role("button", name=re.compile(re.escape(QUERY) + r" · paper: "))
    recent.scroll_into_view_if_needed()
    expect(recent).to_be_visible(timeout=QUERY_TIMEOUT_MS)
    page.get_by_label("Search your papers and notes").fill("diffusion")
    page.get_by_label("Search your papers and notes").press("Enter")
    settle(page)
    recent.click()
    expect(scope_line).to_be_visible(timeout=QUERY_TIMEOUT_MS)
    settle(page)
    expect(page.get_by_label("Search your papers and notes")).to_have_value(QUERY)
    expect(card_titles(page)).to_have_count(1)
    sidebar.get_by_role("heading", name="Search within").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    expect(recent).to_be_visible()
    assert above_the_fold(recent) and above_the_fold(card_titles(page).first)
    shoot(page, "recent-searches")


def _plain(title: str) -> str:
    """A title as BibTeX and the card both spell it, braces and case aside."""
    return re.sub(r"[{}\\]", "", title).casefold().strip()
