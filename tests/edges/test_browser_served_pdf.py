"""PDFs opened from the page are the library's own files, served under their own names by page.py's
route (#26), in a real headless Chromium: no copy is written into the code's folder, only a PDF the
page linked can be fetched, and the browser shows the file's name."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.edges.test_browser import INDEX_BUILD_TIMEOUT_MS, QUERY_TIMEOUT_MS
from tests.support.browser import rank_by_words
from tests.support.page_server import fake_model_page
from tests.support.paths import REPO

pytestmark = pytest.mark.slow

PDF = "pdfs/2024_Offset-Attention--Flow-Free-Temporal-Alignment-for-Video-Restoration.pdf"


def static_files() -> set[Path]:
    folder = REPO / "static"
    return set(folder.rglob("*")) if folder.is_dir() else set()


def test_open_pdf_serves_the_library_file_under_its_own_name_without_a_copy(chromium_page, demo_library_copy,
                                                                            tmp_path):
    from playwright.sync_api import expect

    before = static_files()
    with fake_model_page(demo_library_copy, tmp_path) as url:
        page = chromium_page
        page.goto(url)
        box = page.get_by_label("Search your papers and notes")
        expect(box).to_be_visible(timeout=INDEX_BUILD_TIMEOUT_MS)
        rank_by_words(page, QUERY_TIMEOUT_MS)
        box.fill("offset attention without optical flow")
        box.press("Enter")
        link = page.get_by_role("link", name=re.compile(r"^Open PDF at p\. \d+$")).first
        expect(link).to_be_visible(timeout=QUERY_TIMEOUT_MS)
        href = link.get_attribute("href")
        assert href.startswith("papers/") and re.search(r"#page=\d+$", href), href
        path = href.split("#")[0]
        assert unquote(path.rsplit("/", 1)[1]) == Path(PDF).name  # the file's own name, not a hash

        with urllib.request.urlopen(f"{url}/{path}", timeout=30) as answer:
            assert answer.headers["Content-Type"] == "application/pdf"
            assert answer.headers["Content-Disposition"].startswith("inline;")
            assert Path(PDF).name in unquote(answer.headers["Content-Disposition"])
            assert answer.read() == (demo_library_copy / PDF).read_bytes()

        with page.expect_popup() if link.get_attribute("target") == "_blank" else _same_page(page) as opened:
            link.click()
        viewer = opened.value
        viewer.wait_for_load_state()
        assert unquote(viewer.url).split("#")[0].endswith("/" + Path(PDF).name)

        token = path.split("/")[1]
        for wrong in (f"papers/{token}/other-name.pdf", f"papers/{'0' * 32}/{Path(PDF).name}",
                      f"papers/{token}/..%2F..%2Fapp.py"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"{url}/{wrong}", timeout=30)
            assert refused.value.code in (400, 404), wrong  # Streamlit refuses an encoded ".." itself
    assert static_files() == before  # nothing copied into the code's folder


class _same_page:
    """`expect_popup`'s shape for a link that opens in the same tab."""

    def __init__(self, page):
        self.page = page

    def __enter__(self):
        class Value:
            value = self.page
        return Value

    def __exit__(self, *exc):
        return False
