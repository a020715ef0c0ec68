"""Exported files read back correctly: BibTeX with balanced braces, CSV cells that a spreadsheet
never runs as formulas, and Markdown links to local files whose names have spaces."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from export import hits_to_csv, to_bibtex, to_markdown_list
from papers import PaperRecord
from papers.note_papers import read_note_papers
from search import Hit


def _record(title: str, *, venue: str | None = None, files: tuple[str, ...] = (), year: int | None = 2015,
            arxiv: str | None = None, paper_id: str = "p1") -> PaperRecord:
    return PaperRecord(paper_id=paper_id, title=title, venue=venue, year=year, month=None, arxiv=arxiv, read=None,
                       abbreviation=None, topics=(), annotation=None, links={}, files=files, entries=(), titles=(title,))


# ---------------------------------------------------------------- BibTeX


def _read_bibtex(text: str) -> list[dict[str, str]]:
    """Read entries the way BibTeX does: a ``{...}`` value ends where its braces balance (a
    backslash does not hide a brace from BibTeX). Fails on anything BibTeX could not read."""
    entries, pos = [], 0
    head = re.compile(r"\s*@(\w+)\{([^,\s{}]+),\n")
    field = re.compile(r"\s*(\w+) = ")
    while text[pos:].strip():
        match = head.match(text, pos)
        assert match, f"no entry head at {text[pos:pos + 40]!r}"
        pos, entry = match.end(), {"@type": match.group(1), "@key": match.group(2)}
        while True:
            match = field.match(text, pos)
            assert match, f"no field at {text[pos:pos + 40]!r}"
            pos = match.end()
            macro = re.compile(r"[a-z]+").match(text, pos)  # month = mar
            if macro and match.group(1) == "month":
                entry["month"], pos = macro.group(), macro.end()
                if text.startswith(",\n", pos):
                    pos += 2
                    continue
                assert text.startswith("\n}", pos), f"entry does not close at {text[pos:pos + 40]!r}"
                pos += 2
                break
            assert text[pos] == "{", f"value does not open with a brace at {text[pos:pos + 40]!r}"
            depth, start = 0, pos
            while True:
                assert pos < len(text), "value never closes: its braces do not balance"
                depth += {"{": 1, "}": -1}.get(text[pos], 0)
                pos += 1
                if depth == 0:
                    break
            entry[match.group(1)] = text[start + 1:pos - 1]
            if text.startswith(",\n", pos):
                pos += 2
                continue
            assert text.startswith("\n}", pos), f"entry does not close at {text[pos:pos + 40]!r}"
            pos += 2
            break
        entries.append(entry)
    return entries


def _braces_balance(value: str) -> bool:
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _as_typed(value: str) -> str:
    """The text a LaTeX reader sees for an escaped value (the inverse of the exporter's escaping)."""
    return re.sub(r"\\textbackslash\{\}|\\textbraceleft\{\}|\\textbraceright\{\}|\\([&%$#_])|\\textasciicircum\{\}|\\textasciitilde\{\}",
                  lambda m: m.group(1) or {"\\textbackslash{}": "\\", "\\textbraceleft{}": "{",
                                           "\\textbraceright{}": "}", "\\textasciicircum{}": "^",
                                           "\\textasciitilde{}": "~"}[m.group()], value)


WEIRD_TITLE = r"A {Weird} Title with \\ backslash & 100% and } brace"


def test_a_title_with_an_unbalanced_brace_is_written_with_braces_that_balance():
    bibtex = to_bibtex([_record(WEIRD_TITLE)])
    assert bibtex == (
        "@misc{2015weird,\n"
        r"  title = {{A \textbraceleft{}Weird\textbraceright{} Title with \textbackslash{}\textbackslash{} "
        r"backslash \& 100\% and \textbraceright{} brace}},"
        "\n  year = {2015}\n}\n"
    )
    (entry,) = _read_bibtex(bibtex)
    assert _as_typed(entry["title"][1:-1]) == WEIRD_TITLE


def test_balanced_braces_in_a_title_are_kept_as_case_protection():
    bibtex = to_bibtex([_record("{EDVR}: Video Restoration with {D}eformable Nets_v2", venue="CVPR")])
    assert "  title = {{{EDVR}: Video Restoration with {D}eformable Nets\\_v2}},\n" in bibtex
    assert "  booktitle = {CVPR},\n" in bibtex


NASTY_TITLES = [
    WEIRD_TITLE,
    "}",
    "{",
    "}{",
    "Ends in a backslash \\",
    "\\}",
    "\\{ escaped open",
    "{{nested} but one short",
    "Braces {in} {order} }{ then reversed",
    "$O(n)$ & #1 at 50% for my_var",
]


@pytest.mark.parametrize("title", NASTY_TITLES)
def test_every_nasty_title_gives_a_readable_entry(title):
    (entry,) = _read_bibtex(to_bibtex([_record(title, venue=title)]))
    assert _as_typed(entry["title"][1:-1]) == title
    assert _as_typed(entry["journal"]) == title


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab Z9{}\\&%$#_~^@,=\"") + ["中"]), min_size=1, max_size=30),
                min_size=1, max_size=4))
def test_any_titles_give_entries_whose_values_balance(titles):
    bibtex = to_bibtex([_record(title, venue=title or None, arxiv="1503.02531", paper_id=f"p{i}")
                        for i, title in enumerate(titles)])
    entries = _read_bibtex(bibtex)
    assert [_as_typed(entry["title"][1:-1]) for entry in entries] == titles
    for entry in entries:
        assert all(_braces_balance(value) for value in entry.values())


# ---------------------------------------------------------------- CSV


def _hit(**text) -> Hit:
    fields = {"kind": "note", "path": "notes/a.md", "title": "A title", "heading": None, "text": "passage"}
    fields.update(text)
    return Hit(rank=1, score=-0.25, page=None, start_line=3, chunk_id="c1", year=2020, **fields)


def _rows(hits) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(hits_to_csv(hits).decode("utf-8-sig"))))


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "@SUM(A1)", "\tcmd", "\r=1", "-2+3",
                                  "-cmd|' /C calc'!A0"])
@pytest.mark.parametrize("column", ["title", "path", "heading", "text", "paper_title", "venue"])
def test_a_text_cell_that_a_spreadsheet_would_run_gets_a_quote(cell, column):
    (row,) = _rows([_hit(**{column: cell})])
    assert row[column] == "'" + cell


@pytest.mark.parametrize("cell", ["- bullet item", "普通的中文段落：高斯噪声", "ordinary text = fine", "a+b", "-", "",
                                  "'already quoted", "3.5 dB better"])
@pytest.mark.parametrize("column", ["title", "heading", "text"])
def test_ordinary_text_is_written_unchanged(cell, column):
    (row,) = _rows([_hit(**{column: cell})])
    assert row[column] == cell


def test_numbers_are_not_quoted():
    (row,) = _rows([_hit()])
    assert (row["rank"], row["score"], row["year"]) == ("1", "-0.2500", "2020")


# ---------------------------------------------------------------- Markdown paper list


def _hrefs(markdown: str) -> dict[str, str]:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(markdown)
    return {label: href for href, label in re.findall(r'<a href="([^"]*)">([^<]*)</a>', html)}


def test_a_local_pdf_with_spaces_in_its_name_is_a_working_link():
    record = _record("Distilling the Knowledge in a Neural Network", arxiv="1503.02531",
                     files=("pdfs/Distilling the Knowledge in a Neural Network.pdf", "notes/Hinton (2015).md"))
    markdown = to_markdown_list([record])
    assert ("  [paper](https://arxiv.org/abs/1503.02531) [note](<./notes/Hinton (2015).md>) "
            "[pdf](<./pdfs/Distilling the Knowledge in a Neural Network.pdf>)") in markdown
    assert _hrefs(markdown) == {
        "paper": "https://arxiv.org/abs/1503.02531",
        "note": "./notes/Hinton%20(2015).md",
        "pdf": "./pdfs/Distilling%20the%20Knowledge%20in%20a%20Neural%20Network.pdf",
    }


def test_a_local_pdf_without_spaces_keeps_its_plain_link():
    markdown = to_markdown_list([_record("KD", files=("pdfs/kd.pdf",))])
    assert "  [pdf](./pdfs/kd.pdf)\n" in markdown
    assert _hrefs(markdown) == {"pdf": "./pdfs/kd.pdf"}


MARKUP_TITLES = [
    "[Re] Attention Is All You Need",
    "![img](https://evil.example/x.png) Pixels",
    "Click [here](https://evil.example) Now",
    "<img src=x onerror=alert(1)> Vision",
    "<b>Bold</b> & <script>x</script> Claims",
    "*Emphasis* and __Strong__ and `code` Titles",
    "# Heading-like Title",
    "Table | Cells | In Titles",
    "~~Struck~~ $E=mc^2$ &amp; Entities",
    "Back\\slash \\[escaped\\] Title",
    "注意力 [机制] 的 *研究*",
]


@pytest.mark.parametrize("title", MARKUP_TITLES)
def test_a_title_with_markdown_renders_as_its_text_and_reads_back(title):
    from markdown_it import MarkdownIt

    record = replace(_record(title, arxiv="1706.03762", venue="CVPR <i>oral</i>"), abbreviation="A*B")
    markdown = to_markdown_list([record])
    html = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown)
    tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", html))
    assert tags <= {"ul", "li", "p", "a", "strong"}, html  # no img, em, code, h1, del, raw HTML
    assert _hrefs(markdown) == {"paper": "https://arxiv.org/abs/1706.03762"}  # the only link: ours
    item = html.split("<a ")[0]
    shown = re.sub(r"<[^>]+>", "", item).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
    assert f'"{title}"' in shown.replace("&amp;", "&"), html
    (entry,) = read_note_papers(markdown, "list.md").entries
    assert entry.title == title


def test_every_link_and_label_an_entry_carries_is_written_and_read_back():
    links = {
        "paper": ("https://doi.org/10.1109/TPAMI.2020.1", "https://openaccess.thecvf.com/content/CVPR2021/html/X.html"),
        "tpami 版本": ("https://ieeexplore.ieee.org/document/9000001",),
        "code": ("https://github.com/a/b_(c)",), "blog": ("https://zhuanlan.zhihu.com/p/1",),
        "acm": ("https://dl.acm.org/doi/10.1145/3394171.3413",),
    }
    record = replace(_record("Video Restoration Transformer", arxiv="2201.12288", files=("pdfs/a (1).pdf",)), links=links)
    markdown = to_markdown_list([record])
    assert "[paper](https://arxiv.org/abs/2201.12288) [paper](https://doi.org/10.1109/TPAMI.2020.1)" in markdown
    assert "[code](<https://github.com/a/b_(c)>)" in markdown and "[pdf](<./pdfs/a (1).pdf>)" in markdown
    (entry,) = read_note_papers(markdown, "list.md").entries
    read = {}
    for link in entry.links:
        read.setdefault(link.label, []).append(link.url)
    assert read == {"paper": ["https://arxiv.org/abs/2201.12288", *links["paper"]],
                    **{label: list(urls) for label, urls in links.items() if label != "paper"},
                    "pdf": ["./pdfs/a (1).pdf"]}


def test_the_arxiv_page_is_not_written_twice():
    record = replace(_record("KD Paper Title", arxiv="1503.02531"), links={"arxiv": ("https://arxiv.org/pdf/1503.02531",)})
    assert to_markdown_list([record]).count("1503.02531") == 1


def test_local_links_are_relative_to_the_lists_folder():
    record = _record("KD Paper Title", files=("pdfs/kd (v2).pdf", "notes/2015_KD_Note.md"))
    assert "[note](../../notes/2015_KD_Note.md) [pdf](<../../pdfs/kd (v2).pdf>)" in to_markdown_list([record], "../..")
    assert "[pdf](<../papers/lib/pdfs/kd (v2).pdf>)" in to_markdown_list([record], "../papers/lib")


def test_the_library_path_from_a_folder(tmp_path):
    from export import library_path_from

    library = tmp_path / "papers" / "lib"
    (library / "notes" / "lists").mkdir(parents=True)
    (tmp_path / "exports").mkdir()
    assert library_path_from(library / "notes" / "lists", library) == "../.."
    assert library_path_from(library, library) == "."
    assert library_path_from(tmp_path / "exports", library) == "../papers/lib"


def test_other_local_links_are_resolved_from_the_note_that_had_them():
    from papers.records import EntryRef

    record = replace(_record("KD Paper Title"), entries=(EntryRef("notes/lists/l.md", 3, 4, "KD Paper Title", None),),
                     links={"fig": ("./figs/a b.png",), "slides": ("/media/talks/s.pptx",)})
    markdown = to_markdown_list([record], "../elsewhere/lib")
    assert "[fig](<../elsewhere/lib/notes/lists/figs/a b.png>) [slides](/media/talks/s.pptx)" in markdown
