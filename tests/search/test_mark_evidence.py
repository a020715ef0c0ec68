"""The reader's own marks as evidence (search/marks.py, search/evidence.py): a page highlighted or
commented on about the query ranks above the same text unmarked; a library without marks is
ranked exactly as before, without the step even running."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from search import EvidenceSettings, ResultFilter, weigh
from search.marks import MarkRows, document_key, mark_rows
from tests.support.paths import shared_path
from tests.support.pdf_marks import MarkSpec, annotate_pdf, first_long_line

PLAIN = EvidenceSettings(reference_weight=1.0, file_gain=0.0, mark_page_gain=0.0, mark_file_gain=0.0)
MARKS = EvidenceSettings(reference_weight=1.0, file_gain=0.0, mark_page_gain=0.3, mark_file_gain=0.1)


def _marks(kinds, paths, pages):
    return mark_rows(kinds, paths, pages)


def test_a_marked_page_ranks_above_the_same_text_unmarked():
    ranked = [(1, 0.8), (2, 0.8), (3, 0.7), (4, 0.6)]
    paths = ["a.pdf", "b.pdf", "b.pdf", "b.pdf"]
    kinds = ["pdf", "pdf", "annotation", "pdf"]
    pages = [3, 3, 3, 5]
    marks = _marks(kinds, paths, pages)
    assert [row for row, _ in weigh(ranked, paths, np.zeros(4, bool), PLAIN, marks=marks)] == [1, 2, 3, 4]
    weighed = dict(weigh(ranked, paths, np.zeros(4, bool), MARKS, marks=marks))
    assert weighed[2] == pytest.approx(0.8 + 0.3 * 0.7)  # the marked page
    assert weighed[4] == pytest.approx(0.6 + 0.1 * 0.7)  # another page of the marked paper
    assert weighed[1] == 0.8 and weighed[3] == 0.7  # the unmarked copy, and the mark itself
    assert next(iter(weighed)) == 2


def test_a_mark_that_does_not_match_the_query_lifts_nothing():
    ranked = [(1, 1.0), (2, 0.9), (3, 0.2)]
    paths = ["a.pdf", "b.pdf", "b.pdf"]
    marks = _marks(["pdf", "pdf", "annotation"], paths, [1, 1, 1])
    assert weigh(ranked, paths, np.zeros(3, bool), MARKS, marks=marks) == ranked


def test_a_zotero_annotation_and_its_attachment_share_a_document():
    attachment = "zotero/user/ITEMAAAA/ATTAAAAA/Attention Is All You Need.pdf"
    annotation = "zotero/user/ITEMAAAA/ATTAAAAA/annotation-ANNOAAAA"
    assert document_key(attachment) == document_key(annotation) == "zotero/user/ITEMAAAA/ATTAAAAA"
    assert document_key("zotero/user/ITEMAAAA/note-NOTEAAAA") == "zotero/user/ITEMAAAA/note-NOTEAAAA"
    assert document_key("pdfs/a.pdf") == "pdfs/a.pdf"
    marks = _marks(["pdf", "annotation"], [attachment, annotation], [2, 2])
    lifted = dict(weigh([(1, 0.9), (2, 0.8)], [attachment, annotation], np.zeros(2, bool), MARKS, marks=marks))
    assert lifted[1] == pytest.approx(0.9 + 0.3 * 0.8)


def test_without_marks_there_is_nothing_to_weigh():
    assert mark_rows(["pdf", "note", "pdf"], ["a.pdf", "b.md", "a.pdf"], [1, None, 2]) is None


def test_a_library_without_marks_never_runs_the_step(small_library, tmp_path, fake_embedder, monkeypatch):
    """The default SciFact and dev-set numbers cannot move: their libraries have no marks, so the
    step is skipped before it starts (made to fail here if it ran), and the ranking equals the
    one with the mark gains at zero, scores included."""
    from library import Library
    from search import Searcher

    lib = Library(small_library, tmp_path / "index")
    lib.update(fake_embedder.name, load_embedder=lambda name: fake_embedder)
    off = Searcher(lib.load(), fake_embedder, evidence=EvidenceSettings(mark_page_gain=0.0, mark_file_gain=0.0))
    expected = [(h.chunk_id, h.score) for h in off.search("video frames alignment 噪声", k=20).hits]

    def must_not_run(*args, **kwargs):
        raise AssertionError("the marks step ran for a library without marks")

    monkeypatch.setattr(MarkRows, "lift", must_not_run)
    on = Searcher(lib.load(), fake_embedder, evidence=EvidenceSettings(mark_page_gain=5.0, mark_file_gain=5.0))
    assert [(h.chunk_id, h.score) for h in on.search("video frames alignment 噪声", k=20).hits] == expected


def test_the_highlighted_copy_of_a_real_paper_ranks_first(tmp_path, fake_embedder):
    """Two copies of one real PDF, one with a highlight written into it: a query with the
    highlighted words finds its page in the marked copy above the same page unmarked."""
    from library import Library
    from search import Searcher

    source = shared_path("pdfs", "Deep Residual Learning for Image Recognition.pdf")
    library = tmp_path / "library"
    (library / "plain").mkdir(parents=True)
    shutil.copyfile(source, library / "plain" / "resnet.pdf")  # one name: one title, the same passages
    phrase = first_long_line(source, 3)
    annotate_pdf(source, library / "marked" / "resnet.pdf", [MarkSpec(3, "highlight", phrase, "the key idea")])
    lib = Library(library, tmp_path / "index")
    lib.update(fake_embedder.name, load_embedder=lambda name: fake_embedder)

    def page_scores(settings):
        hits = Searcher(lib.load(), fake_embedder, evidence=settings).search(phrase, k=50).hits
        return {hit.path: hit.score for hit in hits if hit.kind == "pdf" and hit.page == 3 and phrase[:30] in " ".join(hit.text.split())}

    marks = Searcher(lib.load(), fake_embedder).search(phrase, k=5, where=ResultFilter(kind="annotation")).hits
    assert [(h.path, h.page, h.heading) for h in marks] == [("marked/resnet.pdf", 3, "your highlight (yellow)")]
    off = page_scores(EvidenceSettings(mark_page_gain=0.0, mark_file_gain=0.0))
    on = page_scores(EvidenceSettings())
    assert off["plain/resnet.pdf"] == off["marked/resnet.pdf"]
    assert on["marked/resnet.pdf"] > on["plain/resnet.pdf"] == off["plain/resnet.pdf"]
