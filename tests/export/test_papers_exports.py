"""`papers --bibtex / --markdown / --csv` export the whole catalog (or what the search filters
keep), with the same keys as a search's export, and with the same refusals: never a file inside
the library, never an existing file without --force."""

from __future__ import annotations

from urllib.parse import unquote

import bibtexparser
import pandas as pd
from click.testing import CliRunner

import cli
from export import PAPER_CSV_COLUMNS


def run(*args):
    return CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)


def test_the_whole_catalog_is_exported(shared_library, shared_catalog, tmp_path):
    bib, md, table = tmp_path / "all.bib", tmp_path / "all.md", tmp_path / "all.csv"
    result = run("papers", "--library", shared_library, "--bibtex", bib, "--markdown", md, "--csv", table)
    assert result.exit_code == 0, result.output
    total = len(shared_catalog.papers)
    assert f"Wrote {total} papers to {bib}" in result.output
    entries = bibtexparser.parse_string(bib.read_text(encoding="utf-8")).entries
    assert sorted(e.key for e in entries) == sorted(shared_catalog.citation_keys().values())
    frame = pd.read_csv(table, encoding="utf-8-sig")
    assert list(frame.columns) == PAPER_CSV_COLUMNS and len(frame) == total
    arxiv = {p.paper_id: p.arxiv for p in shared_catalog.papers if p.arxiv}
    assert {pid: a for pid, a in zip(frame["paper_id"], frame["arxiv"]) if pid in arxiv} == {
        pid: f"arXiv:{a}" for pid, a in arxiv.items()}
    assert md.read_text(encoding="utf-8").count('\n- ') + 1 >= total


def test_filters_choose_the_papers_and_keys_stay_the_same(shared_library, shared_catalog, tmp_path):
    bib = tmp_path / "cvpr.bib"
    result = run("papers", "--library", shared_library, "--venue", "CVPR", "--year-from", "2020", "--bibtex", bib)
    assert result.exit_code == 0, result.output
    keys = shared_catalog.citation_keys()
    expected = {keys[p.paper_id] for p in shared_catalog.papers if p.venue == "CVPR" and (p.year or 0) >= 2020}
    entries = bibtexparser.parse_string(bib.read_text(encoding="utf-8")).entries
    assert expected and {e.key for e in entries} == expected
    assert all(e.entry_type == "inproceedings" for e in entries)


def test_an_existing_file_or_one_in_the_library_is_refused(shared_library, tmp_path):
    out = tmp_path / "taken.bib"
    out.write_text("mine", encoding="utf-8")
    result = run("papers", "--library", shared_library, "--bibtex", out)
    assert result.exit_code == 1 and "Error: " in result.output and out.read_text(encoding="utf-8") == "mine"
    assert run("papers", "--library", shared_library, "--bibtex", out, "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("@")
    inside = shared_library / "refs.bib"
    result = run("papers", "--library", shared_library, "--csv", inside)
    assert result.exit_code == 1 and "inside the library folder" in result.output and not inside.exists()


def _local_links(markdown_file):
    from markdown_it import MarkdownIt

    from papers.links import is_remote

    tokens = MarkdownIt("commonmark").parse(markdown_file.read_text(encoding="utf-8"))
    hrefs = [child.attrGet("href") for token in tokens for child in token.children or () if child.type == "link_open"]
    return [unquote(h) for h in hrefs if not is_remote(h)]


def test_a_lists_file_links_work_from_where_it_is_written_or_will_be_pasted(shared_library, tmp_path):
    here = tmp_path / "elsewhere" / "all.md"
    here.parent.mkdir()
    result = run("papers", "--library", shared_library, "--has-pdf", "--markdown", here)
    assert result.exit_code == 0, result.output
    links = _local_links(here)
    assert links and all((here.parent / link).is_file() for link in links)
    lists = shared_library / "notes" / "lists"
    pasted = tmp_path / "to_paste.md"
    result = run("papers", "--library", shared_library, "--has-pdf", "--markdown", pasted, "--links-from", lists)
    assert result.exit_code == 0, result.output
    links = _local_links(pasted)
    assert links and all(link.startswith(("../../pdfs/", "../../notes/")) and (lists / link).is_file() for link in links)
    result = run("papers", "--library", shared_library, "--links-from", lists)
    assert result.exit_code == 2 and "add --markdown FILE" in result.output
