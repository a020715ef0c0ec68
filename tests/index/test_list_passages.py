"""A paper list's passages each hold one entry, and carry that entry's paper (issue #20): a card,
a filter and an export about a passage name the paper its lines are about."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from index import plan_build
from library import Library
from library.settings import chunk_settings_for
from papers import paper_of_passage
from tests.support.paths import shared_path
from tests.support.fakes import FakeEmbedder


@pytest.fixture(scope="module")
def lists_index(tmp_path_factory) -> Library:
    root = tmp_path_factory.mktemp("lists") / "library"
    (root / "notes").mkdir(parents=True)
    (root / "notes" / "lists").symlink_to(shared_path("notes", "lists"), target_is_directory=True)
    lib = Library(root, root.parent / "index")
    lib.update("fake-hash-64", load_embedder=lambda name: FakeEmbedder(name=name))
    return lib


def test_every_list_entry_starts_a_passage_that_carries_its_own_paper(lists_index):
    stored = lists_index.load()
    catalog = stored.catalog
    passages = sorted((p for p in stored.passages.to_pylist() if p["start_line"] is not None),
                      key=lambda p: (p["path"], p["start_line"]))
    entries = [(record, entry) for record in catalog.papers for entry in record.entries
               if entry.path.startswith("notes/lists/")]
    assert len(entries) > 300  # the shared lists hold hundreds of entries
    checked = 0
    for record, entry in entries:
        # the entry's first passage: on its line, or (a heading that names a paper) just under it
        passage = next((p for p in passages if p["path"] == entry.path and entry.line <= p["start_line"] <= entry.end_line),
                       None)
        if passage is None:  # an entry with no words left after cleaning
            continue
        paper = paper_of_passage(catalog, passage["kind"], passage["path"], passage["start_line"], passage["text"])
        assert paper is not None and paper.paper_id == record.paper_id, (entry.path, entry.line, entry.title)
        checked += 1
    assert checked >= 0.9 * len(entries)


def test_no_list_passage_spans_two_entries(lists_index):
    stored = lists_index.load()
    catalog = stored.catalog
    lines_by_path: dict[str, list[int]] = {}
    for record in catalog.papers:
        for entry in record.entries:
            lines_by_path.setdefault(entry.path, []).append(entry.line)
    spanning = []
    for passage in stored.passages.to_pylist():
        if passage["kind"] != "note" or passage["start_line"] is None:
            continue
        first, last = passage["start_line"], passage["start_line"] + passage["text"].count("\n")
        inside = [line for line in lines_by_path.get(passage["path"], ()) if first < line <= last]
        if inside:
            spanning.append((passage["path"], first, inside[:3]))
    assert spanning == []


def test_an_index_chunked_before_entry_breaks_is_re_chunked_by_the_next_build(small_library: Path):
    lib = Library(small_library)
    lib.update("fake-hash-64", load_embedder=lambda name: FakeEmbedder(name=name))
    old = lib.manifest()
    older = replace(old, chunk_settings={k: v for k, v in old.chunk_settings.items() if k != "entry_breaks"})
    settings = chunk_settings_for(older, None, None)
    assert settings.entry_breaks
    plan = plan_build(small_library, older, "fake-hash-64", settings, exclude=(lib.index_dir,))
    assert "chunk settings changed" in plan.full_rebuild_reason
