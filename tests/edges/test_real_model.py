"""Integration: a real FAISS index built with the bundled English model all-MiniLM-L6-v2 (the
user's choice when build speed matters more than Chinese) over the shared notes and a few shared
PDFs, queried through the CLI exactly as a user would. The default model's own end-to-end tests
are the page tests (test_app, test_browser) and test_cross_lingual."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from tests.support.paths import shared_path

pytestmark = pytest.mark.slow

PDFS = [
    "Attention Is All You Need.pdf",
    "Deep Residual Learning for Image Recognition.pdf",
    "Distilling the Knowledge in a Neural Network.pdf",
    "Legewie-Fagan_Aggressive-Policing_p231_scanned.pdf",
]


@pytest.fixture(scope="module")
def real_library(tmp_path_factory) -> Path:
    notes, pdfs = shared_path("notes"), shared_path("pdfs")
    library = tmp_path_factory.mktemp("real") / "library"
    (library / "pdfs").mkdir(parents=True)
    (library / "notes").symlink_to(notes, target_is_directory=True)
    for name in PDFS:
        (library / "pdfs" / name).symlink_to(pdfs / name)
    result = CliRunner().invoke(
        cli.main, ["build", "--library", str(library), "--model", "all-MiniLM-L6-v2"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return library


def search(library: Path, query: str, k: int = 10) -> list[dict]:
    result = CliRunner().invoke(
        cli.main, ["search", query, "--library", str(library), "-k", str(k), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def first_files(passages: list[dict], n: int) -> list[str]:
    files: list[str] = []
    for passage in passages:
        if passage["path"] not in files:
            files.append(passage["path"])
    return files[:n]


def test_build_records_model_and_reads_the_scanned_pdf_only_with_ocr(real_library):
    from corpus import OCR_MISSING, ocr_available

    result = CliRunner().invoke(cli.main, ["status", "--library", str(real_library), "--json"])
    info = json.loads(result.stdout)
    assert info["model"] == "all-MiniLM-L6-v2" and info["dimension"] == 384
    if ocr_available():  # scripts/test.sh installs Tesseract: the scanned page is read (tests/corpus/test_ocr.py)
        assert info["files"] == 65 + 4 and info["skipped"] == []  # 60 notes, 5 lists, 4 PDFs
        return
    assert info["files"] == 65 + 3  # 60 notes, 5 lists, 3 PDFs with text
    (skipped,) = info["skipped"]
    assert skipped["path"].endswith("_scanned.pdf") and OCR_MISSING in skipped["reason"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "recurrent video restoration transformer with guided deformable attention",
            "notes/2022_06_NeurIPS_RVRT_Recurrent-Video-Restoration-Transformer-with-Guided-Deformable-Attention_Note.md",
        ),
        ("identity shortcut connections make very deep networks easier to optimize", "pdfs/Deep Residual Learning for Image Recognition.pdf"),
        ("soft targets from a large teacher model at high temperature", "pdfs/Distilling the Knowledge in a Neural Network.pdf"),
        ("structural similarity index for image quality", "notes/2004_04_TIP_Image-quality-assessment--From-error-visibility-to-structural-similarity_Note.md"),
    ],
)
def test_queries_find_the_right_file(real_library, query, expected):
    assert expected in first_files(search(real_library, query, k=20), 3)


def test_pdf_passages_carry_page_numbers(real_library):
    passages = search(real_library, "scaled dot-product attention multi-head", k=20)
    pdf_hits = [p for p in passages if p["path"] == "pdfs/Attention Is All You Need.pdf"]
    assert pdf_hits and all(isinstance(p["page"], int) and p["page"] >= 1 for p in pdf_hits)
    assert all(p["heading"] is None for p in pdf_hits)


def test_rebuild_of_unchanged_real_library_embeds_nothing(real_library):
    result = CliRunner().invoke(cli.main, ["build", "--library", str(real_library)], catch_exceptions=False)
    from corpus import ocr_available

    expected = "69 unchanged\n" if ocr_available() else "68 unchanged, 1 still unreadable"  # the scan, by OCR
    assert "0 new, 0 changed, 0 deleted, " + expected in result.output
    assert "up to date" in result.output


def test_english_query_returns_a_paper_card_with_its_chinese_note(real_library):
    """The note on "Attention Is All You Need" is written mostly in Chinese; the PDF is English.
    An English query must come back as one paper card that holds passages from the note."""
    from search.results import Hit, by_paper

    passages = search(real_library, "scaled dot-product attention and multi-head attention in the Transformer", k=60)
    cards = by_paper(tuple(Hit(**{**p, "links": tuple(p["links"])}) for p in passages), limit=5)
    card = next(c for c in cards if c.title == "Attention Is All You Need")
    note_hits = [p for p in passages if p["path"] == "notes/2017_06_NIPS_Attention-Is-All-You-Need_Note.md"]
    pdf_hits = [p for p in passages if p["path"] == "pdfs/Attention Is All You Need.pdf"]
    assert note_hits and pdf_hits  # both languages answer the English query...
    assert {p["paper_id"] for p in pdf_hits} == {card.paper_id}  # ...under one paper card, which
    assert card.paper_id in {p["paper_id"] for p in note_hits}  # also holds passages of the note


def test_papers_command_links_the_note_to_its_pdf(real_library):
    result = CliRunner().invoke(cli.main, ["papers", "--library", str(real_library), "--json"], catch_exceptions=False)
    papers = {p["title"]: p for p in json.loads(result.stdout)}
    attention = papers["Attention Is All You Need"]
    assert set(attention["files"]) == {
        "notes/2017_06_NIPS_Attention-Is-All-You-Need_Note.md", "pdfs/Attention Is All You Need.pdf",
    }
    assert attention["arxiv"] == "1706.03762"
