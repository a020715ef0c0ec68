"""A PDF worker whose page extraction hangs or crashes on chosen pages, for the time-limit tests.

tests/corpus/test_pdf_reader.py points ``corpus.pdf_worker._WORKER_MODULE`` here. The pages come from
the environment the worker inherits: PAPERSEARCH_TEST_HANG_PAGES="2,3" (1-based) sleep for an
hour, PAPERSEARCH_TEST_CRASH_PAGES="4" end the process at once, and
PAPERSEARCH_TEST_HANG_HEAD=1 hangs pypdf's page-1 layout. Production code knows none of this.
"""

from __future__ import annotations

import os
import time

from corpus import pdf_text, pdf_worker


def _pages(name: str) -> set[int]:
    return {int(page) for page in os.environ.get(name, "").split(",") if page.strip()}


def main(argv: list[str]) -> None:
    hang, crash = _pages("PAPERSEARCH_TEST_HANG_PAGES"), _pages("PAPERSEARCH_TEST_CRASH_PAGES")
    real_page_text, real_head = pdf_text.pdfium_page_text, pdf_text.head_and_first_page_text

    def page_text(document, index, *marks):
        if index + 1 in hang:
            time.sleep(3600)
        if index + 1 in crash:
            os._exit(3)
        return real_page_text(document, index, *marks)

    def head(reader):
        if os.environ.get("PAPERSEARCH_TEST_HANG_HEAD"):
            time.sleep(3600)
        return real_head(reader)

    pdf_text.pdfium_page_text = page_text
    pdf_text.head_and_first_page_text = head
    pdf_worker.main(argv)
