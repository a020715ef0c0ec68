"""The citation cache (index/citation_cache.py) through real builds: an update matches again only
the reference lists its change can reach, and ends with the citations of a build from scratch;
a cache that cannot be used is ignored, one whose memo did not change is not written again, and the
memo comes back from disk as it was saved."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import numpy as np
import pytest

import papers.citation_links as citation_links
from index.citation_cache import CACHE_FILE, CitationCache
from library import Library
from tests.support.fakes import FakeEmbedder
from tests.support.pdf_factory import write_pdf

MODEL = "fake-hash-64"
REFERENCES = (
    "References\n"
    "[1] X. Wang, K. Chan, K. Yu, C. Dong, and C. Loy. EDVR: Video restoration with enhanced\n"
    "deformable convolutional networks. In CVPR Workshops, 2019.\n"
    "[2] A. Vaswani, N. Shazeer, N. Parmar, et al. Attention is all you need. In NeurIPS, 2017.\n"
    "[3] Q. Author. Spectral survey of quiet galaxies in the northern sky. In ApJ, 2020.\n"
)
OTHER_REFERENCES = (
    "References\n"
    "[1] K. He, X. Zhang, S. Ren, and J. Sun. Deep residual learning for image recognition. In CVPR, 2016.\n"
    "[2] Y. LeCun. Gradient-based learning applied to document recognition. 1998.\n"
    "[3] D. Kingma and J. Ba. Adam: a method for stochastic optimization. In ICLR, 2015.\n"
)


def _load(name: str) -> FakeEmbedder:
    return FakeEmbedder(name=name)


def _pdf(library: Path, name: str, title: str, references: str) -> None:
    write_pdf(library / "pdfs" / f"{name}.pdf", [f"{title}\nWe study {title.lower()} in depth.\n", references],
              title=title)


@pytest.fixture
def library(demo_library_copy: Path) -> Path:
    _pdf(demo_library_copy, "old_film", "Temporal Fusion Networks for Old Film Restoration", REFERENCES)
    _pdf(demo_library_copy, "optimiser", "Learning Rates That Tune Themselves", OTHER_REFERENCES)
    return demo_library_copy


@pytest.fixture
def matched(monkeypatch) -> list[int]:
    """How many reference lists each build matched."""
    calls: list[int] = []
    real = citation_links._match_pdf
    monkeypatch.setattr(citation_links, "_match_pdf", lambda *args: calls.append(1) or real(*args))
    return calls


def _cites(lib: Library) -> dict[str, tuple[str, ...]]:
    return {paper.title: paper.cites for paper in lib.load().catalog.papers if paper.cites}


def test_an_update_matches_only_the_lists_it_can_reach_and_cites_as_a_build_from_scratch(library, tmp_path, matched):
    lib = Library(library, tmp_path / "index")
    lib.update(MODEL, load_embedder=_load)
    first = len(matched)
    assert first >= 2 and "Temporal Fusion Networks for Old Film Restoration" in _cites(lib)
    matched.clear()
    # a new paper that one list names, itself without a reference list
    write_pdf(library / "pdfs" / "galaxies.pdf", ["Spectral Survey of Quiet Galaxies in the Northern Sky\nStars.\n"],
              title="Spectral Survey of Quiet Galaxies in the Northern Sky")
    lib.update(MODEL, load_embedder=_load)
    assert len(matched) == 1  # the old film's list, not the optimiser's or the demo's
    catalog = lib.load().catalog
    galaxies = next(paper for paper in catalog.papers if paper.title.startswith("Spectral Survey"))
    citing = next(paper for paper in catalog.papers if paper.title.startswith("Temporal Fusion Networks"))
    assert galaxies.paper_id in citing.cites and citing.paper_id in galaxies.cited_by
    scratch = Library(library, tmp_path / "scratch")
    scratch.update(MODEL, load_embedder=_load)
    assert lib.load().catalog == scratch.load().catalog


@pytest.mark.parametrize("damage", ["garbage", "altered", "missing array"])
def test_a_cache_that_cannot_be_used_is_ignored(library, tmp_path, matched, damage, caplog):
    lib = Library(library, tmp_path / "index")
    lib.update(MODEL, load_embedder=_load)
    before, everything = _cites(lib), len(matched)
    cache = tmp_path / "index" / CACHE_FILE
    if damage == "garbage":
        cache.write_bytes(b"PK\x03\x04 not a zip at all")
    else:
        with np.load(cache, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        if damage == "altered":
            arrays["words"] = arrays["words"][::-1].copy()
        else:
            del arrays["offsets"]
        with zipfile.ZipFile(cache, "w"):
            pass
        np.savez(cache, **arrays)
    matched.clear()
    (library / "notes" / "extra.md").write_text("# A new note\n\nNothing about papers.\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="index.citation_cache"):
        lib.update(MODEL, load_embedder=_load)
    assert "ignoring the citation cache" in caplog.text
    assert len(matched) == everything and _cites(lib) == before  # every list matched again, the same links
    assert CitationCache(tmp_path / "index").load() is not None  # and the cache written anew


def test_the_memo_comes_back_from_disk_as_it_was_saved(library, tmp_path):
    lib = Library(library, tmp_path / "index")
    lib.update(MODEL, load_embedder=_load)
    cache = CitationCache(tmp_path / "index")
    memo = cache.load()
    assert memo is not None and memo.pdfs
    cache.save(memo)
    again = cache.load()
    assert again.keys == memo.keys and again.pdfs.keys() == memo.pdfs.keys()
    for path, known in memo.pdfs.items():
        other = again.pdfs[path]
        assert (other.source, other.matched, other.arxiv, other.dois) == (known.source, known.matched, known.arxiv,
                                                                          known.dois)
        assert np.array_equal(other.words, known.words) and len(known.words)


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_ino, status.st_mtime_ns


def test_a_build_that_changes_no_citation_leaves_the_cache_file_as_it_was(library, tmp_path, matched):
    note = library / "notes" / "thoughts.md"
    note.write_text("# Thoughts\n\nSome prose about restoration, no paper entries.\n", encoding="utf-8")
    index = tmp_path / "index"
    lib = Library(library, index)
    lib.update(MODEL, load_embedder=_load)
    citations, notes = index / CACHE_FILE, index / "note_facts.json"
    first = _stamp(citations), _stamp(notes)
    assert lib.update(MODEL, load_embedder=_load).wrote_index is False  # a no-op build touches neither cache
    assert (_stamp(citations), _stamp(notes)) == first
    matched.clear()
    note.write_text("# Thoughts\n\nOther prose, still no paper entries.\n", encoding="utf-8")
    lib.update(MODEL, load_embedder=_load)  # a build, whose citations are those of the last one
    assert matched == [] and _stamp(citations) == first[0]
    assert _stamp(notes) != first[1]  # the note's bytes changed: its hash in the note cache did too
    # and a change of citations is written
    before = CitationCache(index).load()
    write_pdf(library / "pdfs" / "galaxies.pdf", ["Spectral Survey of Quiet Galaxies in the Northern Sky\nStars.\n"],
              title="Spectral Survey of Quiet Galaxies in the Northern Sky")
    lib.update(MODEL, load_embedder=_load)
    assert _stamp(citations) != first[0] and CitationCache(index).load().keys != before.keys  # the new title
