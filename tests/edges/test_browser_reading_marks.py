"""Marking papers read from the page, in a real headless Chromium (#26): the mark is written to the
marks file, the Search desk's Read filter (kept with its query while the Library is shown) then
finds the paper, and still does after a rebuild. A paper counted as read by its list's [x] can be
marked read too (the radio shows the file's own mark, so "read" is no pre-selected no-op). The
paper's note opens "in the editor" (a recording stand-in for xdg-open)."""

from __future__ import annotations

import json
import re
import shlex
import sys
import time
from pathlib import Path

import pytest

from tests.edges.test_browser import INDEX_BUILD_TIMEOUT_MS, QUERY_TIMEOUT_MS, shoot
from tests.library.test_open_files import RECORDER, recorded
from tests.support.browser import rank_by_words, wait_until_idle
from tests.support.page_server import fake_model_page

pytestmark = pytest.mark.slow

QUERY = "rethinking alignment video super-resolution transformers"
RETHINKING = "Rethinking Alignment in Video Super-Resolution Transformers"  # "- [ ]" in the demo's list
DCN_V2 = "Deformable ConvNets v2: More Deformable, Better Results"  # "- [x]" in the list, no mark
ATTENTION = "Attention Is All You Need"  # read: it has a note of its own
ATTENTION_NOTE = "notes/2017_06_NIPS_Attention-Is-All-You-Need_Note.md"


def idle(page) -> None:
    page.wait_for_timeout(250)  # the click's run has started
    wait_until_idle(page, QUERY_TIMEOUT_MS)


def card_titles(page) -> list[str]:
    return [t for t in page.locator("strong").all_inner_texts() if re.match(r"^\d+\. ", t)]


def go_to(page, desk: str) -> None:
    page.locator('[data-testid="stRadio"] label').filter(has_text=re.compile(f"^{desk}$")).click()
    idle(page)


def open_and_mark(page, title: str, reading: str) -> None:
    """In the Library view: find the paper by its title, open it, choose `reading`."""
    from playwright.sync_api import expect

    box = page.get_by_label("Find in titles and authors")
    box.fill(title.split(":")[0])
    box.press("Enter")
    idle(page)
    page.get_by_role("combobox", name="Open a paper on this page").click()
    page.get_by_role("option", name=title, exact=True).click()
    idle(page)
    status = page.get_by_test_id("stRadio").filter(has_text="Reading status")
    expect(status).to_be_visible(timeout=QUERY_TIMEOUT_MS)
    status.locator("label").filter(has_text=re.compile(f"^{reading}$")).click()
    idle(page)
    expect(page.get_by_text(re.compile(r"^Now: .* marked by you"))).to_be_visible(timeout=QUERY_TIMEOUT_MS)


def marks_in(library: Path) -> dict:
    return {entry["title"]: entry.get("reading")
            for entry in json.loads((library / ".papersearch-marks.json").read_text(encoding="utf-8"))["papers"].values()}


def test_a_paper_marked_read_shows_under_the_read_filter_also_after_a_rebuild(chromium_page, demo_library_copy,
                                                                            tmp_path):
    from playwright.sync_api import expect

    opened = tmp_path / "opened.log"  # "Open in editor" starts a recording stand-in, never a real program
    opener = {"PAPERSEARCH_OPENER_LOG": str(opened),
              "PAPERSEARCH_OPENER": f"{shlex.quote(sys.executable)} {shlex.quote(str(RECORDER))}"}
    with fake_model_page(demo_library_copy, tmp_path, opener) as url:
        page = chromium_page
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(url)
        box = page.get_by_label("Search your papers and notes")
        expect(box).to_be_visible(timeout=INDEX_BUILD_TIMEOUT_MS)
        rank_by_words(page, QUERY_TIMEOUT_MS)
        read_filter = page.get_by_test_id("stSidebar").get_by_test_id("stRadio").filter(has_text="Read")
        read_filter.locator("label").filter(has_text=re.compile("^read$")).click()
        idle(page)
        box.fill(QUERY)
        box.press("Enter")
        expect(page.locator("strong").filter(has_text=re.compile(r"^1\. ")).first).to_be_visible(timeout=QUERY_TIMEOUT_MS)
        idle(page)
        before = card_titles(page)
        assert before and not any(RETHINKING in t for t in before)  # unread by its list: not under "read"

        go_to(page, "Library")
        open_and_mark(page, RETHINKING, "read")
        open_and_mark(page, DCN_V2, "read")  # read by its [x] already: the click still writes a mark
        assert marks_in(demo_library_copy) == {RETHINKING: "read", DCN_V2: "read"}
        page.get_by_text(re.compile(r"^Now: read — marked by you")).evaluate("e => e.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(500)
        shoot(page, "paper-marked-read")

        open_and_mark(page, ATTENTION, "to-read")
        page.get_by_role("button", name="Open in editor").click()
        assert recorded(opened) == [[str((demo_library_copy / ATTENTION_NOTE).resolve())]]
        expect(page.get_by_text("Opened " + ATTENTION_NOTE)).to_be_visible(timeout=QUERY_TIMEOUT_MS)  # a toast

        go_to(page, "Search")  # the query and the Read filter are as they were left
        expect(box).to_have_value(QUERY)
        expect(read_filter.locator("input[type=radio]").nth(1)).to_be_checked()
        expect(page.locator("strong").filter(has_text=re.compile(r"^\d+\. " + re.escape(RETHINKING)))).to_be_visible(
            timeout=QUERY_TIMEOUT_MS)

        (demo_library_copy / "notes" / "new_thoughts.md").write_text("# New thoughts\n\nAlignment again.\n",
                                                                     encoding="utf-8")
        time.sleep(2.1)  # older than the page's racy-stat window, so the change is seen
        page.get_by_role("button", name="Rebuild index").click()
        expect(page.get_by_text(re.compile(r"^Indexed \d+ files"))).to_be_visible(timeout=INDEX_BUILD_TIMEOUT_MS)
        idle(page)
        expect(page.locator("strong").filter(has_text=re.compile(r"^\d+\. " + re.escape(RETHINKING)))).to_be_visible(
            timeout=QUERY_TIMEOUT_MS)

        go_to(page, "Library")
        page.get_by_label("Find in titles and authors").fill("")
        page.get_by_label("Find in titles and authors").press("Enter")
        idle(page)
        page.get_by_role("combobox", name="Read").click()
        page.get_by_role("option", name="read", exact=True).click()
        idle(page)
        rows = page.get_by_test_id("stTable").locator("tbody tr").all_inner_texts()
        assert any(RETHINKING in row for row in rows) and any(DCN_V2 in row for row in rows)
