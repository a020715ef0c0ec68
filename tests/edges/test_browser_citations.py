"""A citation followed in a real headless Chromium (#26): EDVR's card says one paper of the demo
library cites it, the citing paper's title opens it (a search for that paper), and its own card
says what it cites, leading back to EDVR. (The same flow under AppTest: test_app_citations.py.)"""

from __future__ import annotations

import re

import pytest

from tests.edges.test_browser import INDEX_BUILD_TIMEOUT_MS, QUERY_TIMEOUT_MS, fake_model_server, shoot  # noqa: F401
from tests.support.browser import rank_by_words, wait_until_idle

pytestmark = pytest.mark.slow


def test_a_citation_leads_from_one_paper_to_the_other_and_back(chromium_page, fake_model_server):  # noqa: F811
    from playwright.sync_api import expect

    page = chromium_page
    page.goto(fake_model_server)
    box = page.get_by_label("Search your papers and notes")
    expect(box).to_be_visible(timeout=INDEX_BUILD_TIMEOUT_MS)
    rank_by_words(page, QUERY_TIMEOUT_MS)
    box = page.get_by_label("Search your papers and notes")
    box.fill("EDVR enhanced deformable convolutional networks video restoration")
    box.press("Enter")
    first_title = page.locator("strong").filter(has_text=re.compile(r"^1\. ")).first
    expect(first_title).to_contain_text("EDVR", timeout=QUERY_TIMEOUT_MS)
    wait_until_idle(page, QUERY_TIMEOUT_MS)

    page.get_by_text("cites 0 · cited by 1 in your library").first.click()
    main = page.get_by_test_id("stMain")  # the sidebar's recent searches are buttons too
    citing = main.get_by_role("button", name=re.compile(r"^Offset Attention"))
    expect(citing).to_be_visible(timeout=QUERY_TIMEOUT_MS)
    citing_title = citing.inner_text().splitlines()[-1].rsplit(" (", 1)[0]  # after the arrow icon's ligature
    shoot(page, "citation-followed")
    citing.click()

    expect(box).to_have_value(citing_title, timeout=QUERY_TIMEOUT_MS)
    expect(first_title).to_contain_text("Offset Attention", timeout=QUERY_TIMEOUT_MS)
    wait_until_idle(page, QUERY_TIMEOUT_MS)
    page.get_by_text(re.compile(r"^cites [1-9]\d* · cited by \d+ in your library$")).first.click()
    back = main.get_by_role("button", name=re.compile(r"^EDVR: Video Restoration"))
    expect(back).to_be_visible(timeout=QUERY_TIMEOUT_MS)
    back.click()
    expect(box).to_have_value(re.compile(r"^EDVR: Video Restoration"), timeout=QUERY_TIMEOUT_MS)
    expect(first_title).to_contain_text("EDVR", timeout=QUERY_TIMEOUT_MS)
