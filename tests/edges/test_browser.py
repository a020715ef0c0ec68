"""End to end in a real headless Chromium: the Streamlit page builds its index, answers a query, exports CSV."""

from __future__ import annotations

import os
import re
import urllib.request
from pathlib import Path

import pytest

from tests.support.browser import rank_by_words, wait_until_idle
from tests.support.page_server import fake_model_page, page_server
from tests.support.paths import REPO

pytestmark = pytest.mark.slow

INDEX_BUILD_TIMEOUT_MS = 180_000  # first load: the model loads and embeds the whole demo library
QUERY_TIMEOUT_MS = 60_000


@pytest.fixture
def streamlit_server(demo_library_copy: Path, tmp_path: Path):
    """`streamlit run app.py` with the default model on a free port over a copy of the demo
    library; yields the base URL."""
    env = {**os.environ, "PAPERSEARCH_LIBRARY": str(demo_library_copy), "PAPERSEARCH_INDEX": str(tmp_path / "index")}
    env.pop("PAPERSEARCH_MODEL", None)
    with page_server(env, tmp_path / "streamlit.log") as url:
        yield url


@pytest.fixture
def fake_model_server(demo_library_copy: Path, tmp_path: Path):
    """The same page with the fake embedder (tests/support/with_fake_model.py): for flows where the
    model does not matter, in seconds instead of minutes."""
    with fake_model_page(demo_library_copy, tmp_path) as url:
        yield url


def test_search_in_the_browser_and_download_csv(chromium_page, streamlit_server, tmp_path):
    from playwright.sync_api import expect

    page = chromium_page
    page.goto(streamlit_server)

    # First load: no index yet, so the page builds one, then shows the search box.
    expect(page.get_by_text(re.compile(r"^Indexed \d+ files"))).to_be_visible(timeout=INDEX_BUILD_TIMEOUT_MS)
    box = page.get_by_label("Search your papers and notes")
    expect(box).to_be_visible(timeout=INDEX_BUILD_TIMEOUT_MS)

    box.fill("unaligned feature fusion for video")
    box.press("Enter")

    first_title = page.locator("strong").filter(has_text=re.compile(r"^1\. ")).first  # card titles are bold
    expect(first_title).to_be_visible(timeout=QUERY_TIMEOUT_MS)
    expect(first_title).to_contain_text("Unaligned Feature Fusion")
    expect(page.locator("mark").first).to_be_visible()

    with page.expect_download(timeout=QUERY_TIMEOUT_MS) as download_info:
        page.get_by_role("button", name=re.compile(r"^CSV of the \d+ passages shown$")).click()
    csv_path = tmp_path / "results.csv"
    download_info.value.save_as(csv_path)
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:20]
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == ("rank,score,kind,title,path,page,start_line,heading,text,paper_id,paper_title,venue,"
                                    "year,arxiv,url,read")
    assert "notes/survey_unaligned-feature-fusion.md" in text

    shoot(page, "search-results")

    # The passage on its PDF page, and the PDF served over http at that page.
    box.fill("offset attention without optical flow")
    box.press("Enter")
    # The previous query's "N papers in N ms" is still on the page: wait for this query's own first
    # card, or "Show page" may be clicked on cards the rerun is about to replace.
    expect(first_title).to_contain_text("Offset Attention", timeout=QUERY_TIMEOUT_MS)
    page.get_by_text("Show page").first.click()
    preview = page.locator("img[src*='/media/']").first
    expect(page.get_by_text(re.compile(r"page \d+: the passage is outlined in blue"))).to_be_visible(timeout=QUERY_TIMEOUT_MS)
    expect(preview).to_be_visible()
    shoot(page, "page-preview")
    link = page.get_by_role("link", name=re.compile(r"^Open PDF at p\. \d+$")).first
    href = link.get_attribute("href")
    assert href and "#page=" in href
    with urllib.request.urlopen(f"{streamlit_server}/{href.split('#')[0].lstrip('/')}", timeout=30) as answer:
        assert answer.headers["Content-Type"] == "application/pdf"
        assert answer.read(5) == b"%PDF-"


def test_add_papers_from_the_page(chromium_page, fake_model_server, tmp_path, demo_library_copy):
    """Upload a PDF and a Chinese note (one with a hostile name) → stored safely, indexed, found."""
    from playwright.sync_api import expect

    from tests.support.pdf_factory import write_pdf

    page = chromium_page
    page.goto(fake_model_server)
    expect(page.get_by_label("Search your papers and notes")).to_be_visible(timeout=INDEX_BUILD_TIMEOUT_MS)
    pdf = write_pdf(tmp_path / "zebra-paper.pdf", title="Zebra Stripes as Optical Flow Targets",
                    pages=["Zebra stripes give optical flow estimators a hard aperture problem.",
                           "We render striped zebras to benchmark flow under aliasing."])
    note = tmp_path / "upload.md"
    note.write_text("# 斑马条纹笔记\n\n斑马条纹让光流估计遇到孔径问题。\n", encoding="utf-8")
    page.get_by_text("Add papers and notes").click()
    page.locator("input[type=file]").set_input_files([
        {"name": pdf.name, "mimeType": "application/pdf", "buffer": pdf.read_bytes()},
        {"name": "../../斑马笔记.md", "mimeType": "text/markdown", "buffer": note.read_bytes()},
    ])
    add = page.get_by_role("button", name="Add to the library")
    expect(add).to_be_enabled(timeout=QUERY_TIMEOUT_MS)
    add.click()
    expect(page.get_by_text(re.compile(r"^Indexed \d+ files"))).to_be_visible(timeout=INDEX_BUILD_TIMEOUT_MS)
    expect(page.get_by_text(re.compile(r"Build plan: 2 new"))).to_be_visible()
    assert (demo_library_copy / "zebra-paper.pdf").is_file() and (demo_library_copy / "斑马笔记.md").is_file()
    assert not (demo_library_copy.parent / "斑马笔记.md").exists()
    shoot(page, "upload-done")

    box = page.get_by_label("Search your papers and notes")
    first_title = page.locator("strong").filter(has_text=re.compile(r"^1\. ")).first
    rank_by_words(page)  # the fake embedder's dense ranking is arbitrary (a hash): BM25 alone
    for query, expected in (("斑马条纹 孔径问题", "斑马"), ("zebra stripes aperture problem", "Zebra")):
        box.fill(query)
        box.press("Enter")
        expect(first_title).to_contain_text(expected, timeout=QUERY_TIMEOUT_MS)

    # More like this: the passage's own vector finds related passages, the source left out. A click
    # while the page still re-runs for the last query can land on a widget being replaced: wait.
    wait_until_idle(page, QUERY_TIMEOUT_MS)
    page.get_by_role("button", name="More like this").first.click()
    expect(page.get_by_text(re.compile(r"^More like: "))).to_be_visible(timeout=QUERY_TIMEOUT_MS)
    expect(page.locator("strong").filter(has_text=re.compile(r"^1\. ")).first).to_be_visible()
    shoot(page, "more-like-this")


def test_a_paper_list_card_names_the_entry_that_matched(chromium_page, fake_model_server):
    """A reading list's passage is about one entry, and its card says which (issue #20): words only
    in BasicVSR++'s entry, third in its list, give a card titled BasicVSR++, not EDVR, the first."""
    from playwright.sync_api import expect

    page = chromium_page
    page.goto(fake_model_server)
    box = page.get_by_label("Search your papers and notes")
    expect(box).to_be_visible(timeout=INDEX_BUILD_TIMEOUT_MS)
    rank_by_words(page, QUERY_TIMEOUT_MS)
    expect(box).to_have_count(1, timeout=QUERY_TIMEOUT_MS)
    box.fill("second-order grid propagation")
    expect(box).to_have_value("second-order grid propagation")
    box.press("Enter")
    first_title = page.locator("strong").filter(has_text=re.compile(r"^1\. ")).first
    expect(first_title).to_contain_text("BasicVSR++", timeout=QUERY_TIMEOUT_MS)
    expect(first_title).not_to_contain_text("EDVR")
    expect(box).to_have_count(1)
    page.wait_for_timeout(1500)  # the previous run's faded widgets leave the screen
    shoot(page, "list-entry-card")


SCREENSHOTS = REPO / "docs" / "screenshots"


def shoot(page, name: str) -> None:
    """A screenshot for README (docs/screenshots/NAME.png), refreshed by every browser run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.wait_for_timeout(500)  # an expander just opened slides open: show it open, as a reader sees it
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000


def test_a_search_in_a_second_tab_answers_during_a_rebuild(chromium_page, demo_library_copy, tmp_path):
    """The rebuild runs in its own thread and the page follows it only after showing results: a
    search in another tab (and in the tab that started it) is answered from the current index while
    the rebuild waits in its embedding stage, and the rebuild still finishes."""
    from playwright.sync_api import expect

    from tests.support.with_fake_model import ENV_GATE

    gate = tmp_path / "gate"
    gate.touch()  # the first build may embed
    with fake_model_page(demo_library_copy, tmp_path, {ENV_GATE: str(gate)}) as url:
        page = chromium_page
        page.goto(url)
        box = page.get_by_label("Search your papers and notes")
        expect(box).to_be_visible(timeout=INDEX_BUILD_TIMEOUT_MS)
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text(re.compile(r"^10 files"))).to_be_visible(timeout=QUERY_TIMEOUT_MS)
        gate.unlink()  # the rebuild will wait in its embedding stage
        (demo_library_copy / "notes" / "late.md").write_text(
            "# Late note\n\nQuokka burrows and optical flow.\n", encoding="utf-8")
        page.get_by_role("button", name="Rebuild index").click()
        expect(page.get_by_text(re.compile(r"Build plan: 1 new"))).to_be_visible(timeout=QUERY_TIMEOUT_MS)

        second = page.context.new_page()  # another tab, while the build waits
        second.goto(url)
        other_box = second.get_by_label("Search your papers and notes")
        expect(other_box).to_be_visible(timeout=QUERY_TIMEOUT_MS)
        expect(second.get_by_test_id("stSidebar").get_by_text(re.compile(r"^10 files"))).to_be_visible(
            timeout=QUERY_TIMEOUT_MS)
        rank_by_words(second, QUERY_TIMEOUT_MS)
        other_box.fill("deformable convolution")
        other_box.press("Enter")
        expect(second.locator("strong").filter(has_text=re.compile(r"^1\. "))).to_be_visible(timeout=QUERY_TIMEOUT_MS)
        assert not gate.exists()  # answered while the rebuild still waited
        shoot(second, "search-during-rebuild")

        box.fill("quokka burrows")
        box.press("Enter")  # a new run of the first tab while the build waits
        expect(page.get_by_text(re.compile(r"Embedding chunks: [\d,]+/[\d,]+"))).to_be_visible(timeout=QUERY_TIMEOUT_MS)
        gate.touch()
        expect(sidebar.get_by_text(re.compile(r"^11 files"))).to_be_visible(timeout=INDEX_BUILD_TIMEOUT_MS)
        expect(page.locator("strong").filter(has_text=re.compile(r"^1\. Late note"))).to_be_visible(
            timeout=QUERY_TIMEOUT_MS)
        expect(sidebar.get_by_text(re.compile("not indexed yet"))).to_have_count(0)


def test_a_first_build_shows_its_progress_and_a_search_box_as_soon_as_it_can(chromium_page, demo_library_copy,
                                                                            tmp_path):
    """A staged first build (index/staged_build.py; staged here from a few passages, as a large
    library's is): the search box appears once the files are read, with the build's progress and
    time left beside it, and keyword results say they are not embedded yet."""
    from playwright.sync_api import expect

    from tests.support.with_fake_model import ENV_BATCH, ENV_DELAY, ENV_STAGE_FROM

    with fake_model_page(demo_library_copy, tmp_path, {ENV_STAGE_FROM: "5", ENV_BATCH: "2", ENV_DELAY: "1.0"}) as url:
        page = chromium_page
        page.goto(url)
        box = page.get_by_label("Search your papers and notes")
        expect(box).to_be_visible(timeout=INDEX_BUILD_TIMEOUT_MS)
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text(re.compile(r"Still building: search by meaning covers"))).to_be_visible(
            timeout=QUERY_TIMEOUT_MS)
        expect(sidebar.get_by_text(re.compile(r"Embedding chunks: [\d,]+/[\d,]+, .* left"))).to_be_visible(
            timeout=QUERY_TIMEOUT_MS)
        rank_by_words(page, QUERY_TIMEOUT_MS)
        box.fill("deformable convolution")
        box.press("Enter")
        expect(page.locator("strong").filter(has_text=re.compile(r"^1\. "))).to_be_visible(timeout=QUERY_TIMEOUT_MS)
        expect(page.get_by_text("keyword match only (not embedded yet)").first).to_be_visible(timeout=QUERY_TIMEOUT_MS)
        shoot(page, "first-build-searchable")
        assert (tmp_path / "index" / "CURRENT").exists()
