"""The paper-entry parser reads a note's structure and links as CommonMark does (markdown-it-py),
so it agrees with the section reader: nothing in an HTML comment or in front matter is a paper, a
setext heading is a topic, and a link destination in angle brackets is read whole."""

from __future__ import annotations

import pytest

from corpus.markdown_reader import markdown_document
from papers import PaperLink, parse_paper_entries
from papers.note_papers import read_note_papers
from tests.corpus.test_parser_properties import _assert_linear


def titles(text: str) -> list[str]:
    return [entry.title for entry in parse_paper_entries(text, "list.md")]


def test_entries_in_an_html_comment_are_not_papers():
    text = (
        "# Reading\n"
        "<!--\n"
        '- [ ] "Old Draft Entry About Video" CVPR, 2020\n'
        "# Not a heading\n"
        "-->\n"
        '- [x] "Kept Entry About Video" CVPR, 2021\n'
        "- [ ] Second Kept Entry ICCV, 2019\n"
        "  <!-- - [ ] \"Commented Child Entry\" ECCV, 2018 -->\n"
    )
    entries = parse_paper_entries(text, "list.md")
    assert [e.title for e in entries] == ["Kept Entry About Video", "Second Kept Entry"]
    assert {e.topic for e in entries} == {("Reading",)}


def test_entries_in_front_matter_are_not_papers_and_an_unclosed_fence_line_hides_nothing():
    front = '---\ntitle: list\nrelated:\n- "Front Matter Entry Title" CVPR, 2020\n---\n'
    body = '## Video\n- "Body Entry Title Here" CVPR, 2021\n'
    assert titles(front + body) == ["Body Entry Title Here"]
    # a "---" first line that never closes is a rule, not front matter: the list is read
    assert titles('---\n- "Body Entry Title Here" CVPR, 2021\n') == ["Body Entry Title Here"]


def test_a_setext_heading_is_a_topic():
    text = 'Video Restoration\n=================\n\nTransformers\n------------\n- "Some Paper Title" CVPR, 2022\n'
    (entry,) = parse_paper_entries(text, "list.md")
    assert entry.topic == ("Video Restoration", "Transformers")


def test_an_angle_bracket_destination_is_read_whole():
    text = '- [x] "Distilling The Knowledge" NeurIPS, 2015\n  [pdf](<./pdfs/x (1).pdf>) [code](https://github.com/a/b_(c))\n'
    (entry,) = parse_paper_entries(text, "list.md")
    assert entry.links == (PaperLink("pdf", "./pdfs/x (1).pdf"), PaperLink("code", "https://github.com/a/b_(c)"))


def test_links_as_notes_write_them_without_brackets_are_still_read():
    """Typora shows a local link with spaces in its name as a link; CommonMark would not."""
    text = '- "Latent Diffusion Models Here" CVPR, 2022 [note](./2022_CVPR_Latent Diffusion_Note.md)\n'
    (entry,) = parse_paper_entries(text, "list.md")
    assert entry.links == (PaperLink("note", "./2022_CVPR_Latent Diffusion_Note.md"),)


def test_a_link_in_a_code_span_or_after_a_backslash_is_no_link():
    text = '- "Some Paper Title" CVPR, 2022 `[pdf](./a.pdf)` \\[note](./b c.md)\n'
    (entry,) = parse_paper_entries(text, "list.md")
    assert entry.links == ()


def test_a_badge_is_labelled_by_its_image():
    text = '- "Some Paper Title" CVPR, 2022 [![arXiv](https://img.shields.io/badge/x.svg)](https://arxiv.org/abs/2201.00520)\n'
    (entry,) = parse_paper_entries(text, "list.md")
    assert entry.links == (PaperLink("arxiv", "https://arxiv.org/abs/2201.00520"),)
    assert entry.arxiv_id == "2201.00520"


def test_entry_topics_are_the_section_readers_headings():
    """Every entry sits under the heading path of the section the reader puts its line in."""
    text = (
        "---\ntags: [a]\n---\n"
        "Survey Notes\n============\n"
        "<!--\n# Hidden Heading\n-->\n"
        '- "First Paper Title" CVPR, 2020\n'
        "```\n# not a heading\n```\n"
        "## Second Part\n"
        '- "Second Paper Title" ICCV, 2021\n\n'
        "Third Part\n----------\n"
        '- "Third Paper Title" ECCV, 2022\n'
    )
    sections = markdown_document(text, "list.md").sections
    entries = read_note_papers(text, "list.md").entries

    def section_of(line: int):
        return max((s for s in sections if s.start_line <= line), key=lambda s: s.start_line)

    assert [e.title for e in entries] == ["First Paper Title", "Second Paper Title", "Third Paper Title"]
    assert [e.topic for e in entries] == [section_of(e.line).heading_path for e in entries]
    assert entries[2].topic == ("Survey Notes", "Third Part")


def _badges(n: int) -> str:
    return '- "Some Paper Title" CVPR, 2022 ' + "".join(f"[![a{i}](b)](c{i}) " for i in range(n // 16)) + "\n"


def _link_lines(n: int) -> str:
    return '- "Some Paper Title" CVPR, 2022\n' + "".join(f"  [pdf](<./x ({i}).pdf>) [code](https://g.com/{i}_(v))\n"
                                                     for i in range(n // 50))


@pytest.mark.parametrize("make", [_badges, _link_lines, lambda n: "- " + "[a](<b" * (n // 6) + "\n",
                                  lambda n: "- " + "[" * n + "](x)\n", lambda n: "- " + "`[a](b c) " * (n // 10) + "\n"],
                         ids=["badges", "link-lines", "unclosed-angle", "open-brackets", "code-spans"])
def test_links_are_read_in_linear_time(make):
    from corpus.markdown_links import _cached_links

    def run(text: str) -> None:
        _cached_links.cache_clear()  # every repeat reads the lines afresh
        parse_paper_entries(text, "a.md")

    _assert_linear(run, make, 4_000, 2.0)
