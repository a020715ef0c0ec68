"""BibTeX read back by the tools researchers use: pybtex and bibtexparser 2 parse the whole shared
catalog's export with no warning and no failed block, biber validates it with no month warning,
LaTeX + BibTeX typeset nasty titles as typed, and the fields follow the conventions (month
macros, eprint + archivePrefix + eprinttype, entry types from papers/venues.py, doi, url, year)."""

from __future__ import annotations

import calendar
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pytest
from pybtex import errors as pybtex_errors
from pybtex.database import parse_string as pybtex_parse

from export import to_bibtex
from papers import PaperRecord
from papers.venues import VENUE_KINDS, normalise_venue, venue_kind
from tests.support.paths import in_ci

NASTY = r"x^2 ~ y & 50% of $5 #1 my_var {EDVR} back\slash"


def _record(paper_id: str, title: str, **fields) -> PaperRecord:
    values = dict(paper_id=paper_id, title=title, venue=None, year=2020, month=None, arxiv=None, read=None,
                  abbreviation=None, topics=(), annotation=None, links={}, files=(), entries=(), titles=(title,))
    values.update(fields)
    return PaperRecord(**values)


def _pybtex(text: str):
    """Parse with pybtex in strict mode: any of its warnings is an error."""
    pybtex_errors.set_strict_mode(True)
    try:
        return pybtex_parse(text, "bibtex")
    finally:
        pybtex_errors.set_strict_mode(False)


def _bibtexparser(text: str):
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [block.error for block in library.failed_blocks]
    assert len(library.blocks) == len(library.entries)  # nothing read as a comment, string or preamble
    return library


@pytest.fixture(scope="module")
def catalog_bibtex(shared_catalog) -> str:
    return to_bibtex(shared_catalog.papers, shared_catalog.citation_keys())


def test_pybtex_and_bibtexparser_read_the_whole_catalog(shared_catalog, catalog_bibtex):
    data = _pybtex(catalog_bibtex)
    library = _bibtexparser(catalog_bibtex)
    assert len(data.entries) == len(library.entries) == len(shared_catalog.papers)
    by_key = {paper_id: key for paper_id, key in shared_catalog.citation_keys().items()}
    for paper in shared_catalog.papers:
        entry = data.entries[by_key[paper.paper_id]]
        if paper.month:
            assert entry.fields["month"] == calendar.month_name[paper.month]  # the macro, expanded
        if paper.arxiv:
            assert entry.fields["eprint"] == paper.arxiv
            assert entry.fields["archivePrefix"] == "arXiv" and entry.fields["eprinttype"] == "arxiv"
            assert entry.fields["year"]
        for person in entry.persons.get("author", []):
            assert person.last_names


def test_month_is_the_macro_not_a_string(catalog_bibtex):
    library = _bibtexparser(catalog_bibtex)
    months = [entry.fields_dict["month"].value for entry in library.entries if "month" in entry.fields_dict]
    assert months and set(months) <= {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                      "dec"}
    assert "month = {" not in catalog_bibtex


def _biber() -> str:
    biber = shutil.which("biber")
    if biber is None:
        if in_ci():  # scripts/test.sh installs it
            pytest.fail("biber is not installed (scripts/test.sh installs it with apt)")
        pytest.skip("biber is not installed (apt-get install biber)")
    return biber


def test_biber_validates_the_catalog_without_month_warnings(catalog_bibtex, tmp_path):
    biber = _biber()
    bib = tmp_path / "catalog.bib"
    bib.write_text(catalog_bibtex, encoding="utf-8")
    result = subprocess.run([biber, "--tool", "--validate-datamodel", "--output-directory", str(tmp_path), bib.name],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "ERROR" not in log
    assert not [line for line in log.splitlines() if line.startswith("WARN") and "month" in line.lower()], log


def test_latex_and_bibtex_typeset_nasty_titles_as_typed(tmp_path):
    latex, bibtex = shutil.which("pdflatex"), shutil.which("bibtex")
    if not (latex and bibtex):
        pytest.skip("pdflatex and bibtex are not installed")
    records = [_record("n", NASTY, venue="ICME", month=3), _record("m", "A ~ tilde and ^ caret", arxiv="2201.00520",
                                                                     year=None)]
    (tmp_path / "refs.bib").write_text(to_bibtex(records), encoding="utf-8")
    (tmp_path / "doc.tex").write_text("\\documentclass{article}\\usepackage[T1]{fontenc}\\begin{document}"
                                      "\\nocite{*}\\bibliographystyle{plain}\\bibliography{refs}\\end{document}\n")
    run = dict(cwd=tmp_path, capture_output=True, text=True, timeout=120)
    first = subprocess.run([latex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], **run)
    assert first.returncode == 0, first.stdout[-2000:]
    bib = subprocess.run([bibtex, "doc"], **run)
    assert "error message" not in bib.stdout, bib.stdout
    final = subprocess.run([latex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], **run)
    assert final.returncode == 0, final.stdout[-2000:]
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(tmp_path / "doc.pdf"))
    text = " ".join(pdf[0].get_textpage().get_text_range().split())
    assert "x^2 ~ y & 50% of $5 #1 my_var EDVR back\\slash" in text, text
    assert "A ~ tilde and ^ caret" in text and "In ICME, March 2020" in text  # the month macro, expanded by the style


@pytest.mark.parametrize("venue", ["ACM MM", "ICME", "ICIP", "ICASSP", "MICCAI", "KDD", "ICRA", "AISTATS", "CVPR",
                                   "CVPR workshop", "NeurIPS"])
def test_conferences_are_inproceedings(venue):
    (entry,) = _bibtexparser(to_bibtex([_record("p", "A Paper", venue=venue)])).entries
    assert entry.entry_type == "inproceedings" and entry.fields_dict["booktitle"].value == venue


def test_every_venue_has_one_kind_and_the_export_follows_it():
    types = {"conference": "inproceedings", "journal": "article", "preprint": "misc"}
    for venue, kind in VENUE_KINDS.items():
        assert venue_kind(venue) == kind
        (entry,) = _bibtexparser(to_bibtex([_record("p", "A Paper", venue=venue)])).entries
        assert entry.entry_type == types[kind], venue
    source = (Path(__file__).resolve().parents[2] / "export" / "bibtex.py").read_text(encoding="utf-8")
    assert "CVPR" not in source and "NeurIPS" not in source  # no venue list of its own


def test_arxiv_doi_url_and_year_from_the_arxiv_id():
    records = [
        _record("a", "Only On arXiv", year=None, arxiv="2201.00520",
                links={"code": ("https://github.com/x/y",), "website": ("https://x.github.io",)}),
        _record("d", "In A Journal", venue="TPAMI", links={"paper": ("https://doi.org/10.1109/TPAMI.2021.3115428",),
                                                          "code": ("https://github.com/x/10.1234/y",)}),
        _record("m", "In ACM MM", venue="ACM MM", links={"paper": ("https://dl.acm.org/doi/abs/10.1145/3503161.3548000",)}),
        _record("i", "On IEEE Xplore", venue="ICIP", links={"paper": ("https://ieeexplore.ieee.org/document/9506000",)}),
    ]
    entries = {e.key: e.fields_dict for e in _bibtexparser(to_bibtex(records)).entries}
    only, journal, acm, ieee = (entries[key] for key in ("2022only", "2020journal", "2020acm", "2020ieee"))
    assert only["year"].value == "2022" and only["eprint"].value == "2201.00520"
    assert only["eprinttype"].value == "arxiv" and only["archivePrefix"].value == "arXiv"
    assert only["url"].value == "https://arxiv.org/abs/2201.00520"
    assert journal["doi"].value == "10.1109/TPAMI.2021.3115428"
    assert journal["url"].value == "https://doi.org/10.1109/TPAMI.2021.3115428"
    assert acm["doi"].value == "10.1145/3503161.3548000"
    assert "doi" not in ieee and ieee["url"].value == "https://ieeexplore.ieee.org/document/9506000"


def test_authors_are_written_and_read_as_people():
    record = _record("p", "A Paper", authors=("Ivana Balažević", "Olivier J. Hénaff", "Vaswani, Ashish"))
    entry = _pybtex(to_bibtex([record])).entries["balazevic2020paper"]
    assert [" ".join(p.last_names) for p in entry.persons["author"]] == ["Balažević", "Hénaff", "Vaswani"]


@pytest.mark.parametrize(
    ("venue", "entry_type", "field", "value"),
    [
        ("计算机学报", "article", "journal", "计算机学报"),
        ("中国科学: 信息科学", "article", "journal", "中国科学: 信息科学"),
        ("北京航空航天大学学报", "article", "journal", "北京航空航天大学学报"),
        ("PRCV", "inproceedings", "booktitle", "PRCV"),
        ("中国控制会议", "inproceedings", "booktitle", "中国控制会议"),
        ("全国图象图形学学术会议", "inproceedings", "booktitle", "NCIG"),
    ],
)
def test_chinese_venues_choose_the_entry_type(venue, entry_type, field, value):
    text = to_bibtex([_record("p", "基于深度学习的视频修复", venue=normalise_venue(venue))])
    (entry,) = _bibtexparser(text).entries
    assert entry.entry_type == entry_type and entry.fields_dict[field].value == value
    assert _pybtex(text).entries[entry.key].type == entry_type


@pytest.mark.parametrize(
    ("degree", "entry_type", "type_field"),
    [("phd", "phdthesis", None), ("masters", "mastersthesis", None), ("bachelor", "mastersthesis", "Bachelor's thesis")],
)
def test_a_thesis_with_its_school_is_a_thesis_entry(degree, entry_type, type_field):
    record = _record("t", "基于卷积神经网络的图像分割方法研究", authors=("张小明",), thesis=degree, school="北京某某大学")
    text = to_bibtex([record])
    (entry,) = _bibtexparser(text).entries
    assert entry.entry_type == entry_type and entry.fields_dict["school"].value == "北京某某大学"
    assert (entry.fields_dict["type"].value if "type" in entry.fields_dict else None) == type_field
    assert entry.fields_dict["author"].value == "张小明" and "journal" not in entry.fields_dict
    assert _pybtex(text).entries[entry.key].type == entry_type


def test_a_thesis_without_a_school_stays_misc():
    (entry,) = _bibtexparser(to_bibtex([_record("t", "一种实时操作系统的设计", thesis="bachelor")])).entries
    assert entry.entry_type == "misc" and "school" not in entry.fields_dict


def test_the_shared_thesis_is_exported_as_one(shared_catalog, catalog_bibtex):
    (thesis,) = [paper for paper in shared_catalog.papers if paper.thesis]
    entries = {entry.key: entry for entry in _bibtexparser(catalog_bibtex).entries}
    entry = entries[shared_catalog.citation_keys()[thesis.paper_id]]
    assert entry.entry_type == "mastersthesis" and entry.fields_dict["school"].value == thesis.school
    assert entry.fields_dict["type"].value == "Bachelor's thesis"
