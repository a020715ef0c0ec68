"""Data the edges only render: paper JSON, health JSON, paper-card links and search depth."""

from __future__ import annotations

import json
from pathlib import Path

from export import health_to_dict, paper_to_dict
from library import Library
from search import Hit, search_depth
from tests.support.fakes import FakeEmbedder
from ui import paper_links


def demo_catalog(demo_library_copy: Path):
    lib = Library(demo_library_copy)
    lib.update("fake-hash-64", load_embedder=lambda name: FakeEmbedder(name=name))
    return lib


def hit(path: str, page: int | None) -> Hit:
    return Hit(rank=1, score=1.0, kind="pdf" if page else "note", path=path, title="t", page=page,
               heading=None, start_line=None, text="x", chunk_id="c")


def test_paper_json_is_plain_data_with_files_and_entries(demo_library_copy):
    lib = demo_catalog(demo_library_copy)
    edvr = next(p for p in lib.catalog().papers if p.title.startswith("EDVR"))
    data = json.loads(json.dumps(paper_to_dict(edvr)))
    assert data["venue"].startswith("CVPR") and data["year"] == 2019 and data["arxiv"] == "1905.02716"
    assert any(path.endswith("_EDVR--Video-Restoration-with-Enhanced-Deformable-Convolutional-Networks_Note.md")
               for path in data["files"])
    assert all(set(entry) == {"path", "line"} for entry in data["entries"])


def test_health_json_lists_every_section(demo_library_copy):
    data = health_to_dict(demo_catalog(demo_library_copy).health())
    assert set(data) == {"pdfs_without_text", "missing_link_targets", "unmentioned_pdfs", "duplicate_suspects",
                         "ambiguous"}
    json.dumps(data, default=str)


def test_paper_links_name_the_web_pages_and_the_note(demo_library_copy):
    lib = demo_catalog(demo_library_copy)
    record = next(p for p in lib.catalog().papers if p.arxiv and p.notes)
    links = dict(paper_links(record))
    assert links["arXiv"] == f"https://arxiv.org/abs/{record.arxiv}"
    assert links[f"note: `{record.notes[0]}`"] is None
    assert not any(url and url.startswith("file:") for url in links.values())  # browsers refuse file:// links


def test_grouped_views_ask_for_more_passages_than_cards():
    assert search_depth(10, grouped=False) == 10
    assert search_depth(3, grouped=True) == 50 and search_depth(20, grouped=True) == 200
