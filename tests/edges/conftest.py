"""Fixtures of the edge tests: the page under AppTest with the fake embedder, and a Chromium page
for the browser tests (missing Chromium fails in CI and skips elsewhere)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.fakes import use_fake_models
from tests.support.paths import REPO, in_ci


@pytest.fixture
def page(demo_library_copy, tmp_path, monkeypatch) -> AppTest:
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_LIBRARY", str(demo_library_copy))
    monkeypatch.setenv("PAPERSEARCH_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.run()
    return app


@pytest.fixture
def chromium_page():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found (apt-get install -y chromium)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
            yield context.new_page()
        finally:
            browser.close()
