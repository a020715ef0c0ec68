"""Citation keys: assigned once per catalog, from the paper (never from result order), unique over
the shared library's whole catalog, readable (pinyin for Chinese titles), and the user's own key
wins. Read back with bibtexparser 2, not with regexes."""

from __future__ import annotations

import re

import bibtexparser
from click.testing import CliRunner

import cli
from export import to_bibtex
from papers import PaperRecord
from papers.citation_keys import citation_keys
from papers.note_facts import note_citation_key


def _record(paper_id: str, title: str, **fields) -> PaperRecord:
    values = dict(paper_id=paper_id, title=title, venue=None, year=2020, month=None, arxiv=None, read=None,
                  abbreviation=None, topics=(), annotation=None, links={}, files=(), entries=(), titles=(title,))
    values.update(fields)
    return PaperRecord(**values)


def _keys_by_title(bibtex: str) -> dict[str, str]:
    library = bibtexparser.parse_string(bibtex)
    assert not library.failed_blocks
    return {entry.fields_dict["title"].value: entry.key for entry in library.entries}


def _search_bibtex(library, query: str, out) -> str:
    result = CliRunner().invoke(cli.main, ["search", query, "--library", str(library), "--model", "fake-hash-64",
                                           "-k", "200", "--bibtex", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_two_searches_give_every_shared_paper_the_same_key(shared_library, tmp_path):
    first = _keys_by_title(_search_bibtex(shared_library, "video super-resolution", tmp_path / "a.bib"))
    second = _keys_by_title(_search_bibtex(shared_library, "video transformer attention", tmp_path / "b.bib"))
    shared = set(first) & set(second)
    assert shared and set(first) != set(second)
    assert {title: first[title] for title in shared} == {title: second[title] for title in shared}


def test_keys_are_unique_and_readable_over_the_whole_catalog(shared_catalog):
    keys = shared_catalog.citation_keys()
    assert set(keys) == {paper.paper_id for paper in shared_catalog.papers}
    assert len({key.casefold() for key in keys.values()}) == len(keys)
    for paper in shared_catalog.papers:
        key = keys[paper.paper_id]
        assert re.fullmatch(r"[A-Za-z0-9_:.+/\-]+", key), key
        assert not re.fullmatch(r"paper\d*[a-z]?", key), (key, paper.title)
    # the whole catalog's BibTeX has exactly these keys
    library = bibtexparser.parse_string(to_bibtex(shared_catalog.papers, keys))
    assert sorted(entry.key for entry in library.entries) == sorted(keys.values())


def test_a_key_does_not_depend_on_the_order_or_the_subset_of_papers():
    papers = [_record("a", "Deep Video Deblurring"), _record("b", "Deep Image Prior"),
              _record("c", "Deep Image Prior"), _record("d", "Deep Learning")]
    whole = citation_keys(papers)
    assert citation_keys(list(reversed(papers))) == whole
    assert to_bibtex([papers[2], papers[0]], whole).index("@misc{" + whole["c"]) < to_bibtex(
        [papers[2], papers[0]], whole).index("@misc{" + whole["a"])
    assert whole == {"a": "2020deepvideo", "b": "2020deepimage", "c": "2020deepimagea",
                     "d": "2020deeplearning"}


def test_the_shape_is_author_year_shorttitle_when_authors_are_known():
    keys = citation_keys([
        _record("v", "Attention Is All You Need", year=None, arxiv="1706.03762",
                authors=("Ashish Vaswani", "Noam Shazeer")),
        _record("h", "Long-Context Video", authors=("Ivana Balažević", "Yuge Shi"), year=2024),
        _record("s", "EDVR: Video Restoration", abbreviation="EDVR", year=2019),
        _record("w", "What’s Wrong with Mean-Squared Error", year=1993),
    ])
    assert keys == {"v": "vaswani2017attention", "h": "balazevic2024longcontext", "s": "2019edvr", "w": "1993whats"}


def test_chinese_titles_get_pinyin_keys():
    keys = citation_keys([
        _record("c1", "基于卷积神经网络的肾小球图像分割方法研究", year=2025),
        _record("c2", "基于RISC-V架构的实时操作系统RVOS设计与应用", year=2025),
        _record("c3", "基于卷积神经网络的视频超分辨率", year=2025, authors=("郭鹏鹏",)),
    ])
    assert keys["c1"].startswith("2025juanji") and keys["c3"].startswith("guo2025juanji")
    assert keys["c1"] != keys["c3"]
    assert keys["c2"].startswith("2025risc")
    assert all(key.isascii() for key in keys.values())


def test_the_users_own_key_wins():
    note = "# Attention\n\n- **Citation Key**: Vaswani2017AIAYN\n- tags: transformers\n"
    assert note_citation_key(note) == "Vaswani2017AIAYN"
    assert note_citation_key("---\ncitekey: he2016deep\n---\n# ResNet\n") == "he2016deep"
    keys = citation_keys([_record("a", "Attention Is All You Need", citation_key="Vaswani2017AIAYN"),
                          _record("b", "Vaswani2017AIAYN")])
    assert keys["a"] == "Vaswani2017AIAYN" and keys["b"] != keys["a"]


def test_a_notes_citation_key_and_a_pdfs_authors_reach_the_catalog_and_the_bibtex():
    from papers import PdfPaperInfo, build_catalog

    note = "2017_06_NIPS_Attention-Is-All-You-Need_Note.md"
    pdf = "pdfs/Deep Residual Learning for Image Recognition.pdf"
    catalog = build_catalog(
        {note: "# Attention Is All You Need\n\n- Citation Key: Vaswani2017AIAYN\n\nNotes.\n"},
        {pdf: PdfPaperInfo(title="Deep Residual Learning for Image Recognition", arxiv_id="1512.03385", year=None,
                           title_source="metadata", authors=("Kaiming He", "Xiangyu Zhang"))},
        other_files=[note, pdf],
    )
    keys = catalog.citation_keys()
    by_title = {paper.title: keys[paper.paper_id] for paper in catalog.papers}
    assert by_title["Attention Is All You Need"] == "Vaswani2017AIAYN"
    assert by_title["Deep Residual Learning for Image Recognition"] == "he2015deep"
    entries = {e.key: e for e in bibtexparser.parse_string(to_bibtex(catalog.papers, keys)).entries}
    assert entries["he2015deep"].fields_dict["author"].value == "Kaiming He and Xiangyu Zhang"
    assert entries["he2015deep"].fields_dict["year"].value == "2015"


def test_authors_come_only_from_metadata_that_names_people(shared_catalog):
    from papers.pdf_info import metadata_authors

    assert metadata_authors("Ivana Balažević, Yuge Shi, Olivier J. Hénaff") == (
        "Ivana Balažević", "Yuge Shi", "Olivier J. Hénaff")
    assert metadata_authors("Vaswani, Ashish; Shazeer, Noam") == ("Vaswani, Ashish", "Shazeer, Noam")
    for junk in ("https://imagemagick.org", "XD", "Microsoft Word - paper.docx", "user", "", None):
        assert metadata_authors(junk) == ()
    with_authors = [paper for paper in shared_catalog.papers if paper.authors]
    assert with_authors and all(not any("http" in name for name in paper.authors) for paper in with_authors)
