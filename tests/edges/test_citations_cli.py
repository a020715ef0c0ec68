"""Citations inside the library through a real build and the CLI: a PDF's reference list links it
to the library papers it names (`papers --json` cites / cited_by, `papers --cites / --cited-by`)."""

import json

import pytest
from click.testing import CliRunner

import cli
from tests.support.fakes import use_fake_models
from tests.support.pdf_factory import write_pdf

EDVR = "arxiv-1905.02716"
BODY = ("Temporal Fusion Networks for Old Film Restoration\n"
        "We restore old films by fusing features of neighbouring frames after alignment.\n"
        "Deformable alignment follows EDVR, and attention follows the transformer.\n")
REFERENCES = (
    "References\n"
    "[1] X. Wang, K. Chan, K. Yu, C. Dong, and C. Loy. EDVR: Video restoration with enhanced\n"
    "deformable convolutional networks. In CVPR Workshops, 2019.\n"
    "[2] A. Vaswani, N. Shazeer, N. Parmar, et al. Attention is all you need. In NeurIPS, 2017.\n"
    "[3] J. Dai, H. Qi, Y. Xiong, et al. Deformable convolutional networks for everything else. In ICCV, 2017.\n"
    "[4] Q. Author. A paper about astronomy that nobody has. In ApJ, 2020.\n"
)


@pytest.fixture
def library(demo_library_copy, monkeypatch):
    use_fake_models(monkeypatch)
    monkeypatch.setenv("PAPERSEARCH_MODEL", "fake-hash-64")
    write_pdf(demo_library_copy / "pdfs" / "old_film_fusion.pdf", [BODY, REFERENCES],
              title="Temporal Fusion Networks for Old Film Restoration")
    assert CliRunner().invoke(cli.main, ["build", "--library", str(demo_library_copy)]).exit_code == 0
    return demo_library_copy


def invoke(*args, code=0):
    result = CliRunner().invoke(cli.main, [str(a) for a in args])
    assert result.exit_code == code, result.output
    return result.output


def test_papers_json_carries_the_links_both_ways(library):
    papers = {p["paper_id"]: p for p in json.loads(invoke("papers", "--library", library, "--json"))}
    citing = next(p for p in papers.values() if "pdfs/old_film_fusion.pdf" in p["files"])
    attention = next(p for p in papers.values() if p["title"].lower().startswith("attention is all you need"))
    # "Deformable convolutional networks for everything else" is another paper than the demo's DCN
    assert sorted(citing["cites"]) == sorted([EDVR, attention["paper_id"]])
    assert citing["paper_id"] in papers[EDVR]["cited_by"] and citing["paper_id"] in attention["cited_by"]
    assert all(citing["paper_id"] not in p["cited_by"] for pid, p in papers.items() if pid not in citing["cites"])


def test_papers_cites_and_cited_by_filter(library):
    papers = json.loads(invoke("papers", "--library", library, "--json"))
    citing = next(p for p in papers if "pdfs/old_film_fusion.pdf" in p["files"])
    cited = json.loads(invoke("papers", "--library", library, "--json", "--cites", citing["paper_id"]))
    assert sorted(p["paper_id"] for p in cited) == sorted(citing["cites"])
    citers = json.loads(invoke("papers", "--library", library, "--json", "--cited-by", EDVR))
    edvr = next(p for p in papers if p["paper_id"] == EDVR)
    assert sorted(p["paper_id"] for p in citers) == sorted(edvr["cited_by"]) and citing in citers
    text = invoke("papers", "--library", library)
    assert "cites 2 · cited by 0 in your library" in text
    assert "no paper 'nope'" in invoke("papers", "--library", library, "--cites", "nope", code=1)


def test_search_cards_say_how_the_paper_is_cited(library):
    out = invoke("search", "old film restoration temporal fusion", "--library", library, "-k", "3")
    assert "cites 2 · cited by 0 in your library" in out


def test_an_index_with_older_citations_gets_them_again_without_file_changes(library, monkeypatch):
    assert "Index is up to date" in invoke("build", "--library", library)
    import index.builder

    monkeypatch.setattr(index.builder, "CITATIONS_VERSION", index.builder.CITATIONS_VERSION + 1)
    assert "(0 embedded" in invoke("build", "--library", library)  # the catalog is written again, no passage embedded
