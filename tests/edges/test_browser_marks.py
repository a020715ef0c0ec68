"""Your own highlights on the page, in a real headless Chromium (#25): a Zotero data folder added
through $PAPERSEARCH_ZOTERO beside the demo library, a query with the words of a Zotero
highlight, its card saying "your highlight" with a colour swatch and its zotero:// links as links,
and its page preview painting the highlight in its colour (the match outlined apart)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.edges.test_browser import INDEX_BUILD_TIMEOUT_MS, QUERY_TIMEOUT_MS, shoot
from tests.support.browser import rank_by_words
from tests.support.page_server import fake_model_page
from tests.support.zotero_fixture import build_zotero_data_dir, shared_pdfs

pytestmark = pytest.mark.slow


@pytest.fixture
def zotero_page_server(demo_library_copy: Path, tmp_path: Path):
    fixture = build_zotero_data_dir(tmp_path / "Zotero", shared_pdfs())
    with fake_model_page(demo_library_copy, tmp_path, {"PAPERSEARCH_ZOTERO": str(fixture.data_dir)}) as url:
        yield url, fixture


def test_a_card_says_your_highlight_and_its_page_paints_it(chromium_page, zotero_page_server):
    from playwright.sync_api import expect

    url, fixture = zotero_page_server
    highlight = next(a for a in fixture.annotations if a.key == "ANNOAAAA")  # yellow, on page 1 of Attention
    page = chromium_page
    page.goto(url)
    box = page.get_by_label("Search your papers and notes")
    expect(box).to_be_visible(timeout=INDEX_BUILD_TIMEOUT_MS)
    expect(page.get_by_role("textbox", name="Zotero data folder")).to_have_value(str(fixture.data_dir))
    rank_by_words(page, QUERY_TIMEOUT_MS)
    page.get_by_text("Highlights", exact=True).click()  # the kind filter: only your marks
    page.wait_for_timeout(1000)
    box.fill(" ".join(highlight.text.split()[:8]))
    box.press("Enter")

    label = page.locator(".mark-label").filter(has_text="your highlight").first
    expect(label).to_be_visible(timeout=QUERY_TIMEOUT_MS)
    swatch = label.locator(".swatch")
    expect(swatch).to_have_attribute("title", "yellow")
    assert swatch.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 212, 0)"
    first = page.locator(".passage").first  # only your marks are shown: the first card is this highlight's
    expect(first).to_contain_text(" ".join(highlight.text.split()[:4]))
    expect(first.locator(".mark-label")).to_have_text("your highlight")
    expect(page.locator("a[href^='zotero://select/library/items/ITEMAAAA']").first).to_have_text("Show in Zotero")
    expect(page.locator("a[href='zotero://open-pdf/library/items/ATTAAAAA?page=1']").first).to_have_text(
        "Open in Zotero at p. 1")

    page.get_by_text("Show page").first.click()
    caption = page.get_by_text(re.compile(r"page 1: the passage is outlined in blue; your highlight is painted"))
    expect(caption).to_be_visible(timeout=QUERY_TIMEOUT_MS)
    image = page.locator("[data-testid='stImage'] img").first
    expect(image).to_be_visible()
    label.evaluate("e => e.scrollIntoView({block: 'start'})")  # the card and as much of its page as fits
    page.mouse.wheel(0, -90)
    page.wait_for_timeout(800)
    shoot(page, "your-highlight")
