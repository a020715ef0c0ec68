"""A scanned PDF's creation date is the day it was scanned, not the paper's year (#26)."""

from corpus import PdfHead
from corpus.pdf_head import HeadLine
from papers import pdf_paper_info

DATES = {"/CreationDate": "D:20260105120000", "/Title": "Old Scanned Paper On Texture"}


def test_a_scanned_pdfs_creation_date_is_not_its_year_but_a_text_pdfs_still_is():
    scanned = pdf_paper_info(None, "scans/old.pdf", head=PdfHead(metadata=DATES, lines=()))
    assert (scanned.year, scanned.year_source) == (None, None)
    typed = pdf_paper_info(None, "typed/new.pdf",
                           head=PdfHead(metadata=DATES, lines=(HeadLine("Old Scanned Paper On Texture", 18.0),)))
    assert (typed.year, typed.year_source) == (2026, "metadata_date")
