"""The heading and bare-checkbox readers on arbitrary text: they never raise, their entries
point at the lines they came from, and the inputs that make naive readers slow (long runs of
headings, checkboxes, spaces, blank lines, deep nesting) are read in linear time."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from papers import build_catalog
from papers.note_papers import read_note_papers
from papers.title_shape import title_shape
from tests.corpus.test_parser_properties import PROPERTIES, _assert_linear, _note_lines, markdownish

_LOOSE_LINE = st.builds(
    lambda head, text, tail: f"{head}{text}{tail}",
    st.sampled_from(["#### ", "## :page_with_curl: ", "### :computer: ", "- [ ] ", "- [x] ", "  - [ ] ", "", "> "]),
    st.text(alphabet="abc XYZ-:?论文2019", max_size=30),
    st.sampled_from(["", " CVPR 2021", " https://arxiv.org/abs/2101.00001", " :star:", " >> 注", " 23.7.14"]),
)
_BELOW = st.sampled_from(["", "CVPR 2021 *Lab*", "ECCV2018", "[X](https://arxiv.org/abs/2101.00001)",
                          "Image-to-Image Translation with Adversarial Networks", "```", "笔记"])


def _check(text: str) -> None:
    lines = _note_lines(text)
    for entry in read_note_papers(text, "lists/a.md").entries:
        assert 1 <= entry.line <= len(lines)
        assert entry.title and entry.title == entry.title.strip()
        if entry.end_line is not None:
            assert entry.line <= entry.end_line <= len(lines)
        word = re.search(r"[^\W_]+", entry.title)
        if word is not None:  # the title is on the entry's line or, for a heading, just under it
            assert any(word.group() in line for line in lines[entry.line - 1 : entry.line + 8]), entry


@PROPERTIES
@given(markdownish)
def test_loose_readers_never_raise_and_point_at_their_lines(text):
    _check(text)


@PROPERTIES
@given(st.lists(st.one_of(_LOOSE_LINE, _BELOW), max_size=20))
def test_loose_readers_on_list_like_notes(lines):
    text = "\n".join(lines)
    _check(text)
    build_catalog({"lists/a.md": text}, {})


@PROPERTIES
@given(st.text(max_size=200))
def test_title_shape_is_total(text):
    assert title_shape(text) in {"title", "name", "other", "none"}


def _headings(n: int) -> str:
    return "".join(f"#### :page_with_curl: Method{i} Network\n\nCVPR 2021\n\n笔记\n\n" for i in range(n // 8))


def _nested(n: int) -> str:
    return "".join(f"{'#' * (1 + i % 6)} :page_with_curl: Name{i}\n" + "\n" * 5 for i in range(n // 10))


def test_many_paper_headings_are_linear():
    _assert_linear(lambda t: read_note_papers(t, "lists/a.md"), _headings, 10_000, 2.0)
    _assert_linear(lambda t: build_catalog({"lists/a.md": t}, {}), _headings, 4_000, 5.0)


def test_nested_headings_over_blank_runs_are_linear():
    _assert_linear(lambda t: read_note_papers(t, "lists/a.md"), _nested, 10_000, 2.0)


def test_many_checkbox_titles_are_linear():
    make = lambda n: "".join(f"- [ ] Learning Deep Video Networks {i} 23.7.1{i % 9}\n" for i in range(n // 10))  # noqa: E731
    _assert_linear(lambda t: read_note_papers(t, "lists/a.md"), make, 10_000, 2.0)


def test_long_lines_of_marks_spaces_and_stamps_are_linear():
    for make in (
        lambda n: "#### " + ":page_with_curl: " * (n // 20) + "x" + " " * n + "?\n",
        lambda n: "- [ ] " + "1.2 " * (n // 4) + "\n",
        lambda n: "- [ ] A" + " " * n + ">>" + " " * n + "\n",
        lambda n: "#### X\n" + "CVPR" + " " * n + "2021x\n",
        lambda n: "## " + ":" * n + "x\n",
    ):
        _assert_linear(lambda t: read_note_papers(t, "lists/a.md"), make, 10_000, 1.5)
