"""M6 + L9 in a real Chromium: text from files (a PDF's metadata title, note headings, snippets,
an opened note with inline, reference-style and HTML images) never makes the browser fetch
anything. A local HTTP listener stands in for the attacker and must receive no request."""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support.browser import rank_by_words
from tests.support.page_server import fake_model_page
from tests.support.pdf_factory import write_pdf

pytestmark = pytest.mark.slow

BUILD_TIMEOUT_MS = 180_000
QUERY_TIMEOUT_MS = 60_000


@pytest.fixture
def attacker():
    """A listener on 127.0.0.1 (random port) recording every request it gets."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 — http.server's name
            requests.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def hostile_library(root: Path, url: str) -> Path:
    library = root / "library"
    library.mkdir()
    write_pdf(library / "zebra.pdf", title=f"Zebra ![t]({url}/pdf-title.png) stripes",
              pages=[f"Zebra stripes aperture problem ![p]({url}/pdf-text.png) in optical flow.\n\n"
                     f"<img src=\"{url}/pdf-html.png\">"])
    (library / "zebra-note.md").write_text(
        f"# Zebra ![h]({url}/note-heading.png) notes\n\n"
        f"Zebra stripes aperture problem ![i]({url}/note-inline.png) and ![r][ref] and ![s][] and ![ref]\n\n"
        f"<img src=\"{url}/note-html.png\"> zebra stripes again\n\n"
        f"[ref]: {url}/note-reference.png\n[s]: {url}/note-collapsed.png\n",
        encoding="utf-8",
    )
    return library


def test_no_text_from_files_loads_anything_in_the_browser(chromium_page, attacker, tmp_path):
    from playwright.sync_api import expect

    url, requests = attacker
    library = hostile_library(tmp_path, url)
    with fake_model_page(library, tmp_path) as server:
        page = chromium_page
        page.goto(server)
        box = page.get_by_label("Search your papers and notes")
        expect(box).to_be_visible(timeout=BUILD_TIMEOUT_MS)
        rank_by_words(page, QUERY_TIMEOUT_MS)  # the re-run the new ranking started redraws the search box
        box.fill("zebra stripes aperture problem")
        expect(box).to_have_value("zebra stripes aperture problem")
        box.press("Enter")
        results = page.get_by_text(re.compile(r"^\d+ (papers?|files?|passages?) in \d+ ms")).first
        for view in ("By paper", "By file", "By passage"):
            choice = page.get_by_text(view, exact=True)
            expect(choice).to_have_count(1, timeout=QUERY_TIMEOUT_MS)  # the previous run's widgets are gone
            choice.click()
            expect(results).to_be_visible(timeout=QUERY_TIMEOUT_MS)
            expect(page.get_by_text("Open note").first).to_be_visible(timeout=QUERY_TIMEOUT_MS)
        page.get_by_text("Open note").first.click()
        expect(page.get_by_text(re.compile(r"from line \d+"))).to_be_visible(timeout=QUERY_TIMEOUT_MS)
        time.sleep(3)  # time for any image the page shows to be requested
        images = page.eval_on_selector_all("img", "els => els.map(e => e.src)")
    assert requests == [], requests
    assert not [src for src in images if src.startswith(url)], images
