"""Paper records through the build and the CLI, on the bundled demo library (fake embedder)."""

import json

import pytest
from click.testing import CliRunner

import cli

EDVR_NOTE = "notes/2019_05_CVPR-NTIRE_EDVR--Video-Restoration-with-Enhanced-Deformable-Convolutional-Networks_Note.md"
OFFSET_PDF = "pdfs/2024_Offset-Attention--Flow-Free-Temporal-Alignment-for-Video-Restoration.pdf"


def invoke(*args):
    result = CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_papers_json_joins_list_entries_notes_and_pdfs(demo):
    papers = {p["title"]: p for p in json.loads(invoke("papers", "--library", demo, "--json"))}
    edvr = papers["EDVR: Video Restoration with Enhanced Deformable Convolutional Networks"]
    assert (edvr["venue"], edvr["year"], edvr["arxiv"], edvr["read"]) == ("CVPR", 2019, "1905.02716", True)
    assert edvr["files"] == [EDVR_NOTE]
    assert "notes/video_restoration_reading_list.md" in {e["path"] for e in edvr["entries"]}
    offset = papers["Offset Attention: Flow-Free Temporal Alignment for Video Restoration"]
    assert offset["files"] == [OFFSET_PDF] and offset["read"] is False and offset["venue"] is None
    assert {"paper_id", "title", "venue", "year", "arxiv", "read", "files", "entries"} <= set(edvr)


def test_search_passages_carry_their_paper(demo):
    passages = json.loads(invoke("search", "EDVR deformable alignment", "--library", demo, "--json", "-k", "5"))
    on_edvr = [p for p in passages if p["path"] == EDVR_NOTE]
    assert on_edvr and all(p["paper_id"] == "arxiv-1905.02716" and p["year"] == 2019 for p in on_edvr)
    assert all({"paper_id", "paper_title", "venue", "year", "arxiv", "read"} <= set(p) for p in passages)


def test_papers_health_reports_broken_links(demo):
    (demo / "notes" / "extra_list.md").write_text(
        '# Extra\n\n- [ ] "A Paper That Is Not Here" CVPR, 2023 Mar\n  [pdf](../pdfs/not-here.pdf)\n', encoding="utf-8"
    )
    invoke("build", "--library", demo)
    report = json.loads(invoke("papers", "--library", demo, "--health", "--json"))
    assert any(m["target"].endswith("not-here.pdf") and m["path"] == "notes/extra_list.md"
               for m in report["missing_link_targets"])


@pytest.mark.parametrize(
    ("flags", "check"),
    [
        (["--kind", "pdf"], lambda p: p["kind"] == "pdf"),
        (["--year-from", "2020"], lambda p: p["year"] is not None and p["year"] >= 2020),
        (["--year-to", "2019"], lambda p: p["year"] is not None and p["year"] <= 2019),
        (["--venue", "cvpr"], lambda p: p["venue"] == "CVPR"),
        (["--unread"], lambda p: p["read"] is False),
        (["--read"], lambda p: p["read"] is True),
    ],
)
def test_search_filters(demo, flags, check):
    passages = json.loads(invoke("search", "video alignment diffusion attention", "--library", demo, "--json",
                                 "-k", "8", *flags))
    assert passages and all(check(p) for p in passages)
    assert [p["rank"] for p in passages] == list(range(1, len(passages) + 1))


def test_has_pdf_filter_keeps_only_papers_with_a_local_pdf(demo):
    passages = json.loads(invoke("search", "alignment", "--library", demo, "--json", "--has-pdf"))
    assert passages and {p["paper_title"] for p in passages} <= {
        "Offset Attention: Flow-Free Temporal Alignment for Video Restoration",
        "Contrastive Sentence Embeddings for Personal Note Retrieval",
    }


def test_bibtex_and_markdown_exports_of_result_papers(demo, tmp_path):
    bib, md = tmp_path / "r.bib", tmp_path / "r.md"
    invoke("search", "EDVR pyramid cascading deformable", "--library", demo, "-k", "3", "--bibtex", bib, "--markdown", md)
    bibtex = bib.read_text(encoding="utf-8")
    assert "@inproceedings{2019edvr," in bibtex
    assert "title = {{EDVR: Video Restoration with Enhanced Deformable Convolutional Networks}}" in bibtex
    assert "eprint = {1905.02716}" in bibtex and "booktitle = {CVPR}" in bibtex
    markdown = md.read_text(encoding="utf-8")
    assert '- [x] "EDVR: Video Restoration with Enhanced Deformable Convolutional Networks" CVPR, 2019 May, **EDVR**' in markdown
    assert "[paper](https://arxiv.org/abs/1905.02716)" in markdown
    from papers import parse_paper_entries

    (entry, *_) = parse_paper_entries(markdown, "export.md")  # the export parses back as the same paper
    assert (entry.title, entry.venue, entry.year, entry.arxiv_id, entry.read) == (
        "EDVR: Video Restoration with Enhanced Deformable Convolutional Networks", "CVPR", 2019, "1905.02716", True)
