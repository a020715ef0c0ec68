"""The manifest, the catalog and the PDFs' infos are written field by field instead of through
`dataclasses.asdict` (its deep copies were most of writing them at 10,000 files): the JSON must be
exactly what asdict made, on the shared library's real build and on edge cases."""

from __future__ import annotations

import json
from dataclasses import asdict

from index.catalog_build import infos_as_json
from index.file_store import FileStore
from index.manifest import FileRecord, Manifest, SkippedFile
from papers import PdfPaperInfo
from papers.records import Ambiguity, Catalog, EntryRef, PaperRecord, UnresolvedLink


def _asdict_manifest_json(manifest: Manifest) -> str:
    return json.dumps(asdict(manifest), ensure_ascii=False, indent=1, sort_keys=True)


def _asdict_catalog(catalog: Catalog) -> dict:
    """Catalog.to_dict as it was made with asdict."""
    papers = []
    for record in catalog.papers:
        data = asdict(record)
        data["links"] = {label: list(urls) for label, urls in record.links.items()}
        papers.append(data)
    return {
        "papers": papers,
        "link_counts": dict(catalog.link_counts),
        "ambiguous": [asdict(a) for a in catalog.ambiguous],
        "unresolved_links": [asdict(u) for u in catalog.unresolved_links],
        "files": dict(catalog._by_file),
        "blocks": {path: [list(span) for span in spans] for path, (_, spans) in catalog._blocks.items()},
        "sections": {path: [list(span) for span in spans] for path, (_, spans) in catalog._sections.items()},
        "citations_version": catalog.citations_version,
    }


def _asdict_infos(infos: dict[str, PdfPaperInfo]) -> dict[str, dict]:
    return {path: {**asdict(info), "alt_titles": list(info.alt_titles), "authors": list(info.authors)}
            for path, info in infos.items()}


def _assert_catalog_as_asdict_made_it(catalog: Catalog) -> None:
    made, expected = catalog.to_dict(), _asdict_catalog(catalog)
    assert made == expected
    assert json.dumps(made, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)  # same keys in the same order
    assert Catalog.from_dict(json.loads(json.dumps(made))).to_dict() == made


def _assert_infos_as_asdict_made_them(infos: dict[str, PdfPaperInfo]) -> None:
    made, expected = infos_as_json(infos), _asdict_infos(infos)
    assert json.dumps(made, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


def test_the_shared_librarys_build_is_written_as_asdict_wrote_it(shared_library):
    store = FileStore(shared_library / ".papersearch")
    manifest, catalog = store.load_manifest(), store.load_catalog()
    assert len(manifest.files) > 50 and len(manifest.pdf_papers) > 20
    assert manifest.to_json() == _asdict_manifest_json(manifest)
    # every part of the catalog is there to compare: entries, links, citations, ambiguities, Chinese titles
    assert sum(bool(p.entries) for p in catalog.papers) > 100 and any(p.cites for p in catalog.papers)
    assert catalog.ambiguous and catalog.unresolved_links and any(p.links for p in catalog.papers)
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in p.title) for p in catalog.papers)
    _assert_catalog_as_asdict_made_it(catalog)
    infos = {path: PdfPaperInfo(**{**stored, "alt_titles": tuple(stored["alt_titles"]),
                                   "authors": tuple(stored["authors"])})
             for path, stored in manifest.pdf_papers.items()}
    _assert_infos_as_asdict_made_them(infos)
    assert infos_as_json(infos) == manifest.pdf_papers


def test_edge_cases_are_written_as_asdict_wrote_them():
    manifest = Manifest(
        model="fake-hash-64", dimension=64, chunk_settings={"chunk_tokens": 256, "overlap_tokens": 32},
        lexical_settings={"tokenizer": "jieba"},
        files={"笔记/扩散模型.md": FileRecord("a" * 64, "note", "扩散模型笔记", 3),
               "pdfs/x.pdf": FileRecord("b" * 64, "pdf", "", 0, size=10, mtime_ns=123)},
        skipped=(SkippedFile("pdfs/坏.pdf", "cannot be read: \"broken\"\n", "c" * 64, kept_previous=True),),
        warnings={"pdfs/x.pdf": ["no text layer", "第二个"]},
        pdf_papers={"pdfs/x.pdf": {"title": None, "year": None, "alt_titles": ["甲", "b"], "authors": []}},
        vector_index={"kind": "ivf_sq8_refine", "nlist": 4, "nested": {"list": [1, 2.5, None]}},
        companion_model="fake-use", companion_dimension=32, pending_rows=2, built_at="2026-12-07T14:00:00",
        build_seconds=1.25,
    )
    assert manifest.to_json() == _asdict_manifest_json(manifest)
    assert Manifest.from_json(manifest.to_json()) == manifest
    assert Manifest("m", 1, {}).to_json() == _asdict_manifest_json(Manifest("m", 1, {}))

    full = PaperRecord(
        paper_id="p1", title="视频超分辨率：综述", venue="CVPR", year=2021, month=4, arxiv="2104.13371", read=True,
        abbreviation="VSR", topics=(("视频", "超分"), ("Video",), ()), annotation="可变形卷积\n> quoted",
        links={"paper": ("https://arxiv.org/abs/2104.13371",), "代码": ("https://github.com/a", "https://b")},
        files=("notes/视频.md", "pdfs/vsr.pdf"),
        entries=(EntryRef("lists/视频.md", 3, 5, "视频超分辨率：综述", True), EntryRef("lists/b.md", 9, 9, "VSR", None)),
        titles=("视频超分辨率：综述", "Video SR"), authors=("张 三", "Doe, Jane"), citation_key="Zhang2021",
        tags=("survey",), collections=("Vision/视频",), thesis="phd", school="清华大学", cites=("p2",), cited_by=("p2",),
        reading="to-read", read_source="marked", marked_tags=("later",),
    )
    bare = PaperRecord(paper_id="p2", title="", venue=None, year=None, month=None, arxiv=None, read=None,
                       abbreviation=None, topics=(), annotation=None, links={}, files=(), entries=(), titles=())
    catalog = Catalog(
        papers=[full, bare], link_counts={"arxiv": 1, "标题": 2},
        ambiguous=[Ambiguity("lists/视频.md:3", "VSR", (("p1", "视频", 0.9), ("p2", "", None)), "two papers")],
        links=[], unresolved_links=[UnresolvedLink("notes/视频.md", 7, "见", "缺失.md", "missing")],
        _by_file={"pdfs/vsr.pdf": "p1"},
        _blocks={"lists/视频.md": ([3], [(3, 5, "p1")])}, _sections={"notes/b.md": ([1], [(1, 8, "p2")])},
        citations_version=3,
    )
    _assert_catalog_as_asdict_made_it(catalog)
    _assert_catalog_as_asdict_made_it(Catalog(papers=[], link_counts={}, ambiguous=[]))

    made = catalog.to_dict()
    made["papers"][0]["links"]["paper"].append("changed")  # the form is the caller's, not the record's
    assert full.links["paper"] == ("https://arxiv.org/abs/2104.13371",)

    _assert_infos_as_asdict_made_them({
        "pdfs/论文.pdf": PdfPaperInfo("标题", "2104.13371", 2021, "metadata", "arxiv_id", ("别名", "Alt"), ("张 三",),
                                     "masters", "北京大学"),
        "pdfs/none.pdf": PdfPaperInfo(None, None, None, None),
    })
