"""Highlights and notes stored inside PDFs by any reader (#25 section 2): written into real PDFs
from ../shared/data with pypdf's annotation writer, quads from pdfium's character boxes
(tests/support/pdf_marks.py), then read back through the ordinary PDF reading path."""

from __future__ import annotations

import pytest

from corpus import ChunkSettings, chunk_document, read_document
from corpus import pdf_text
from corpus.annotation_passages import MAX_MARK_CHARS, mark_of_heading
from tests.support.fakes import FakeEmbedder
from tests.support.paths import shared_path
from tests.support.pdf_marks import MarkSpec, annotate_pdf, first_long_line

RESNET = "Deep Residual Learning for Image Recognition.pdf"


def _squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    source = shared_path("pdfs", RESNET)
    folder = tmp_path_factory.mktemp("marks")
    phrases = {page: first_long_line(source, page) for page in (2, 3, 4, 5)}
    marks = [
        MarkSpec(2, "highlight", phrases[2], "the degradation problem, in one line", "ff6666"),
        MarkSpec(3, "underline", phrases[3], "", "5fb236"),
        MarkSpec(4, "squiggly", phrases[4], "残差 versus plain", "2ea8e5"),
        MarkSpec(5, "strikeout", phrases[5], "", "a28ae5"),
        MarkSpec(1, "text", comment="compare with highway networks"),
        MarkSpec(1, "freetext", comment="read section 4 first", colour="f19837"),
    ]
    return source, annotate_pdf(source, folder / "resnet-marked.pdf", marks), phrases


def test_every_kind_of_mark_is_read_with_the_text_under_its_quads(marked):
    _, pdf, phrases = marked
    document = read_document(pdf, "pdfs/resnet-marked.pdf")
    found = {(section.page, section.heading_path[0]): section.text for section in document.marks}
    assert found == {
        (2, "your highlight (red)"): f"{phrases[2]}\nComment: the degradation problem, in one line",
        (3, "your underline (green)"): phrases[3],
        (4, "your squiggly (blue)"): f"{phrases[4]}\nComment: 残差 versus plain",
        (5, "your strikeout (purple)"): phrases[5],
        (1, "your comment (yellow)"): "compare with highway networks",
        (1, "your comment (orange)"): "read section 4 first",
    }
    assert {mark_of_heading(s.heading_path[0]).colour for s in document.marks} == {
        "red", "green", "blue", "purple", "yellow", "orange"}


def test_marks_are_passages_of_their_own_kind_and_the_pages_are_unchanged(marked):
    source, pdf, phrases = marked
    settings, tokenizer = ChunkSettings(), FakeEmbedder()
    plain = chunk_document(read_document(source, "pdfs/resnet.pdf"), tokenizer, settings)
    chunks = chunk_document(read_document(pdf, "pdfs/resnet.pdf"), tokenizer, settings)
    pages = [chunk for chunk in chunks if chunk.kind == "pdf"]
    marks = [chunk for chunk in chunks if chunk.kind == "annotation"]
    assert [(c.page, c.text) for c in pages] == [(c.page, c.text) for c in plain]
    assert len(marks) == 6 and all(c.path == "pdfs/resnet.pdf" and c.role == "body" for c in marks)
    highlight = next(c for c in marks if c.heading == "your highlight (red)")
    assert highlight.page == 2 and _squeeze(phrases[2]) in _squeeze(highlight.embed_text)
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_a_pdf_without_annotations_has_no_marks():
    document = read_document(shared_path("pdfs", RESNET), "resnet.pdf")
    assert document.marks == ()


def test_marks_are_capped_per_file_and_in_length(marked, tmp_path, monkeypatch):
    source, _, phrases = marked
    long_comment = "x" * (MAX_MARK_CHARS + 500)
    pdf = annotate_pdf(source, tmp_path / "many.pdf", [MarkSpec(2, "text", comment=f"note {n}") for n in range(5)]
                       + [MarkSpec(3, "highlight", phrases[3], long_comment)])
    monkeypatch.setattr(pdf_text, "MAX_MARKS_PER_FILE", 3)
    marks = [mark for event in pdf_text.pdf_events(pdf) if event[0] == "marks" for mark in event[2]]
    assert [mark.comment for mark in marks] == ["note 0", "note 1", "note 2"]
    monkeypatch.undo()
    marks = [mark for event in pdf_text.pdf_events(pdf) if event[0] == "marks" for mark in event[2]]
    assert len(marks) == 6 and len(marks[-1].comment) == MAX_MARK_CHARS


def test_mark_rects_are_the_quads_written(marked):
    _, pdf, phrases = marked
    from tests.support.pdf_marks import phrase_lines

    marks = [mark for event in pdf_text.pdf_events(pdf) if event[0] == "marks" for mark in event[2]]
    highlight = next(mark for mark in marks if mark.kind == "highlight")
    expected = phrase_lines(pdf, 2, phrases[2])
    assert len(highlight.rects) == len(expected)
    for got, want in zip(highlight.rects, expected):
        assert got == pytest.approx(want, abs=0.01)
