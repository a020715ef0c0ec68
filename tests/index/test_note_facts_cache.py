"""The note cache (index/note_facts_cache.py): a build parses again only the notes whose bytes
changed (each once: its passages and its facts come from one parse), ends with the catalog a
build from scratch makes, and a cache it cannot use or write costs it the parsing, nothing else."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

import index.catalog_build as catalog_build
import index.note_facts_cache as note_facts_cache
from index.note_facts_cache import CACHE_FILE
from library import Library
from tests.support.fakes import FakeEmbedder

MODEL = "fake-hash-64"


def _load(name: str) -> FakeEmbedder:
    return FakeEmbedder(name=name)


def _list(title: str, *others: str) -> str:
    lines = [f'- [x] "{name}" CVPR, 2021 June\n  > notes on {name.split()[0].lower()}' for name in (title, *others)]
    return "# Reading list\n\n## Papers\n\n" + "\n".join(lines) + "\n"


@pytest.fixture
def library(small_library: Path) -> Path:
    notes = small_library / "notes"
    (notes / "alignment-list.md").write_text(_list("Deformable Alignment for Video Restoration",
                                                   "Recurrent Propagation Networks for Video"), encoding="utf-8")
    (notes / "diffusion-list.md").write_text(_list("Denoising Diffusion Models for Image Synthesis"), encoding="utf-8")
    (notes / "flow-list.md").write_text(_list("Optical Flow Estimation with Learned Warping"), encoding="utf-8")
    return small_library


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The notes each build parsed (their paths, in order)."""
    seen: list[str] = []
    real = catalog_build.read_note_facts

    def counting(text: str, path: str):
        seen.append(path)
        return real(text, path)

    monkeypatch.setattr(catalog_build, "read_note_facts", counting)
    return seen


def _notes(library: Path) -> set[str]:
    return {path.relative_to(library).as_posix() for path in library.rglob("*.md")}


def test_a_build_parses_again_only_the_notes_that_changed_and_ends_as_one_from_scratch(library, tmp_path, parsed):
    lib = Library(library, tmp_path / "index")
    lib.update(MODEL, load_embedder=_load)
    assert set(parsed) == _notes(library)
    parsed.clear()
    notes = library / "notes"
    (notes / "alignment-list.md").write_text(_list("Deformable Alignment for Video Restoration",
                                                   "Video Super-Resolution Transformer Networks"), encoding="utf-8")
    (notes / "flow-list.md").unlink()
    (notes / "new-list.md").write_text(_list("Masked Autoencoders Are Scalable Vision Learners"), encoding="utf-8")
    lib.update(MODEL, load_embedder=_load)
    assert sorted(parsed) == ["notes/alignment-list.md", "notes/new-list.md"]
    titles = {paper.title for paper in lib.load().catalog.papers}
    assert "Video Super-Resolution Transformer Networks" in titles
    assert "Recurrent Propagation Networks for Video" not in titles
    assert "Optical Flow Estimation with Learned Warping" not in titles
    scratch = Library(library, tmp_path / "scratch")
    scratch.update(MODEL, load_embedder=_load)
    assert lib.load().catalog == scratch.load().catalog
    kept = json.loads((tmp_path / "index" / CACHE_FILE).read_text(encoding="utf-8").partition("\n")[2])
    assert set(kept) == _notes(library)  # the removed note is not kept
    written = (tmp_path / "index" / CACHE_FILE).stat().st_ino
    shutil.rmtree(library / "pdfs")  # no note changed: the cache is not written again
    parsed.clear()
    lib.update(MODEL, load_embedder=_load)
    assert parsed == [] and (tmp_path / "index" / CACHE_FILE).stat().st_ino == written


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign version", "altered", "wrong shape"])
def test_a_cache_that_cannot_be_used_is_ignored_and_written_again(library, tmp_path, parsed, damage, monkeypatch):
    lib = Library(library, tmp_path / "index")
    lib.update(MODEL, load_embedder=_load)
    cache = tmp_path / "index" / CACHE_FILE
    whole = cache.read_text(encoding="utf-8")
    if damage == "garbage":
        cache.write_bytes(b"\x00\xff not json")
    elif damage == "truncated":
        cache.write_text(whole[: len(whole) // 2], encoding="utf-8")
    elif damage == "foreign version":  # made by another version of the note reader
        monkeypatch.setattr(note_facts_cache, "reader_version", lambda: "another-reader")
    else:
        head, _, body = whole.partition("\n")
        notes = json.loads(body)
        if damage == "altered":  # valid JSON, valid facts, but not what was written
            notes["notes/diffusion-list.md"]["facts"]["entries"][0]["title"] = "Another Paper Entirely Here"
        else:  # its digest fits, its facts are not facts
            notes["notes/diffusion-list.md"]["facts"]["entries"] = [{"title": "only a title"}]
        body = json.dumps(notes)
        if damage == "wrong shape":
            head = json.dumps({**json.loads(head), "digest": note_facts_cache._digest(body)})
        cache.write_text(f"{head}\n{body}", encoding="utf-8")
    (library / "notes" / "flow-list.md").write_text(_list("Optical Flow Estimation with Learned Warping",
                                                          "Feature Pyramid Warping for Flow"), encoding="utf-8")
    parsed.clear()
    lib.update(MODEL, load_embedder=_load)
    assert set(parsed) == _notes(library)  # every note read again
    titles = {paper.title for paper in lib.load().catalog.papers}
    assert "Feature Pyramid Warping for Flow" in titles and "Another Paper Entirely Here" not in titles
    parsed.clear()
    (library / "notes" / "flow-list.md").write_text(_list("Optical Flow Estimation with Learned Warping"),
                                                    encoding="utf-8")
    lib.update(MODEL, load_embedder=_load)
    assert parsed == ["notes/flow-list.md"]  # and the cache written again serves the next build


def test_a_cache_that_cannot_be_written_costs_only_the_parsing(library, tmp_path, parsed, caplog):
    index = tmp_path / "index"
    index.mkdir()
    (index / CACHE_FILE).mkdir()  # in the way of the file: every write of it fails
    lib = Library(library, index)
    with caplog.at_level(logging.WARNING, logger="index.note_facts_cache"):
        lib.update(MODEL, load_embedder=_load)
    assert "cannot write the note cache" in caplog.text
    assert {paper.title for paper in lib.load().catalog.papers} >= {"Denoising Diffusion Models for Image Synthesis"}
    parsed.clear()
    (library / "notes" / "extra.md").write_text(_list("Masked Autoencoders Are Scalable Vision Learners"),
                                                encoding="utf-8")
    lib.update(MODEL, load_embedder=_load)
    assert set(parsed) == _notes(library)


@pytest.fixture
def entry_parses(monkeypatch) -> list[str]:
    """The notes whose paper entries were parsed (read_note_papers), wherever it is imported."""
    import sys

    from papers.note_papers import read_note_papers

    seen: list[str] = []

    def counting(text: str, path: str):
        seen.append(path)
        return read_note_papers(text, path)

    for module in list(sys.modules.values()):
        if getattr(module, "read_note_papers", None) is read_note_papers:
            monkeypatch.setattr(module, "read_note_papers", counting)
    return seen


def test_a_changed_note_is_parsed_once_for_its_passages_and_the_catalog(library, tmp_path, entry_parses):
    lib = Library(library, tmp_path / "index")
    lib.update(MODEL, load_embedder=_load)
    assert sorted(entry_parses) == sorted(_notes(library))  # once each, not once for passages and once for facts
    entry_parses.clear()
    text = _list("Optical Flow Estimation with Learned Warping", "Feature Pyramid Warping for Flow")
    (library / "notes" / "flow-list.md").write_text(text, encoding="utf-8")
    lib.update(MODEL, load_embedder=_load)
    assert entry_parses == ["notes/flow-list.md"]
    loaded = lib.load()
    assert "Feature Pyramid Warping for Flow" in {paper.title for paper in loaded.catalog.papers}
    passages = loaded.passages.to_pandas()
    flow = passages[passages["path"] == "notes/flow-list.md"]
    entry_lines = {number for number, line in enumerate(text.splitlines(), 1) if line.startswith("- [x]")}
    assert len(entry_lines) == 2  # and each entry starts a passage
    assert entry_lines <= set(flow["start_line"].astype(int))
