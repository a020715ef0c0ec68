"""Every text parser on arbitrary text: it never raises, its output keeps its promises, and the
pathological inputs that once took seconds to minutes (super-linear regexes and loops) now take
well under a second and grow linearly.

Property tests draw Unicode text from Markdown-ish alphabets (brackets, parentheses, quotes,
``#``, ``>``, ``|``, spaces, newlines, CJK, emoji) as well as from all of Unicode (no
surrogates). The rewritten patterns of ``corpus.syntax`` are also checked against the plain
regexes they replace: same matches, same groups, on short texts where backtracking is cheap.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus import HeadLine, UnreadableFileError, clean_heading, clean_markdown, extract_links, strip_markup
from corpus import syntax
from corpus.markdown_reader import read_markdown
from corpus.pdf_clean import clean_pages
from corpus import LexicalTokenizer
from papers import build_catalog, paper_from_note_filename, parse_paper_entries, title_from_pdf_filename
from papers.dates import first_date, first_year, last_date, month_after_first_year
from papers.pdf_title import title_from_head_lines

PROPERTIES = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))

_MARKDOWN_CHARS = list("[]()<>!*_#>-|`\"':/. \t\n") + list("abcxyzABC0129") + list("论文视频恢复，。") + ["😀", "\u3000"]
_MARKDOWN_WORDS = [
    "[", "](", ")", "![", "[![", "<https://", "http://arxiv.org/abs/2101.00001", "> ", "- ", "* [x] ",
    "# ", "## ", "```", "| ", "|---|---|", '"', "“", "”", " et al. ", "CVPR", "2021", "Jun", " ", "  ",
    "\n", "\n\n", "**", "<b>", "</b>", ":star:", "Deep", "Video", "Restoration", "视频", "😀", "<!--", "-->",
    "[paper](https://arxiv.org/abs/2012.02181)", "[code](https://github.com/x/y)", "(", "{", "}", "@",
]
markdownish = st.one_of(
    st.text(alphabet=st.sampled_from(_MARKDOWN_CHARS), max_size=120),
    st.lists(st.sampled_from(_MARKDOWN_WORDS), max_size=40).map("".join),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80),
)
_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _note_lines(text: str) -> list[str]:
    """Lines as the paper-list parser numbers them."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# --------------------------------------------------------------------------- Markdown cleaning


@PROPERTIES
@given(markdownish)
def test_clean_markdown_never_raises_and_keeps_lines_clean(text):
    cleaned = clean_markdown(text)
    assert isinstance(cleaned, str)
    if cleaned:
        for line in cleaned.split("\n"):
            assert line and line == line.strip()  # no blank or padded lines
    assert "`" not in cleaned


_WORD = st.text(alphabet="abcdefghij论文", min_size=1, max_size=6)
_TARGET = st.text(alphabet="abcdefghij:/.-_#?=", min_size=1, max_size=12)


@PROPERTIES
@given(st.lists(st.one_of(_WORD, st.tuples(_WORD, _TARGET), st.tuples(st.just("!"), _WORD, _TARGET)), max_size=12))
def test_clean_markdown_replaces_well_formed_links_by_their_labels(parts):
    pieces, labels = [], []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
        elif len(part) == 2:
            pieces.append(f"[{part[0]}]({part[1]})")
            labels.append(part[0])
        else:
            pieces.append(f"![{part[1]}]({part[2]})")
    cleaned = clean_markdown(" ".join(pieces))
    assert "](" not in cleaned
    for label in labels:
        assert label in cleaned


@PROPERTIES
@given(markdownish)
def test_extract_links_are_substrings_of_the_input(text):
    for link in extract_links(text):
        assert link and link in text


@PROPERTIES
@given(markdownish)
def test_clean_heading_is_one_stripped_line(text):
    heading = clean_heading(text)
    assert "\n" not in heading and heading == heading.strip()


@PROPERTIES
@given(markdownish)
def test_strip_markup_never_raises(text):
    assert "`" not in strip_markup(text)


# --------------------------------------------------------------------------- paper entries


def _first_word(title: str) -> str | None:
    found = re.search(r"[^\W_]+", title)
    return found.group() if found else None


@PROPERTIES
@given(markdownish)
def test_paper_entries_point_at_a_line_holding_their_title(text):
    lines = _note_lines(text)
    for entry in parse_paper_entries(text, "notes/list.md"):
        assert 1 <= entry.line <= len(lines)
        assert entry.title and entry.title == entry.title.strip()
        word = _first_word(entry.title)
        if word is not None:
            assert word in lines[entry.line - 1], (entry.title, lines[entry.line - 1])
        for link in entry.links:
            assert link.url


_ENTRY_LINE = st.builds(
    lambda bullet, title, tail, link: f'{bullet}"{title}" {tail}{link}',
    st.sampled_from(["- ", "- [ ] ", "- [x] ", "> ", "* ", "1. ", ""]),
    st.text(alphabet="abcdef XYZ-:论", min_size=1, max_size=30),
    st.sampled_from(["CVPR, 2021", "NeurIPS 2020 Jun", "2019", "", "arXiv 2023 **ABC**", "ICCV oral, 2017"]),
    st.sampled_from(["", " [paper](https://arxiv.org/abs/2101.00001)", " [code](https://github.com/a/b)"]),
)


@PROPERTIES
@given(st.lists(st.one_of(_ENTRY_LINE, st.sampled_from(["", "# Topic", "  > note", "```", "|a|b|"])), max_size=15))
def test_paper_entries_of_list_like_notes(lines):
    text = "\n".join(lines)
    for entry in parse_paper_entries(text, "a.md"):
        assert 1 <= entry.line <= len(lines)
        assert entry.title.split()[0] in lines[entry.line - 1]


# --------------------------------------------------------------------------- file names and PDFs


_FILE_NAME = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="/\\\x00"), max_size=60),
    st.builds(
        lambda year, parts, suffix: f"{year}_{'_'.join(parts)}{suffix}",
        st.integers(1800, 2099),
        st.lists(st.text(alphabet="abcXYZ-019 论", max_size=12), max_size=5),
        st.sampled_from([".md", "_Note.md", ".pdf", ".txt", ".markdown", ""]),
    ),
)


@PROPERTIES
@given(_FILE_NAME, st.sampled_from(["", "notes/", "a/b/", "C:\\papers\\"]))
def test_note_file_names(name, folder):
    info = paper_from_note_filename(folder + name)
    if info is not None:
        assert 1900 <= info.year <= 2099 and str(info.year) == name[:4]
        assert info.title and info.title == info.title.strip()
        assert info.month is None or 1 <= info.month <= 12
    title = title_from_pdf_filename(folder + name + ".pdf")
    assert title is None or (title and title == title.strip())


_HEAD_LINE_TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(list("abcXYZ 019-:,.*†{}@#∗论文题目：")), max_size=60),
    st.lists(st.sampled_from(["Abstract", "University", "arXiv:2101.00001v1 [cs.CV]", "Deep", "VIDEO", "of",
                              "Learning", "Smith1,", "a@b.com", "∗", " ", "题目：", "Published as a paper at ICLR 2020"]),
             max_size=8).map(" ".join),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40),
)


@PROPERTIES
@given(st.lists(st.tuples(_HEAD_LINE_TEXT, st.one_of(st.none(), st.floats(0, 40))), max_size=20))
def test_title_from_page_one_lines(pairs):
    title = title_from_head_lines(tuple(HeadLine(text, size) for text, size in pairs))
    assert title is None or (len(title) >= 3 and "\n" not in title and title == title.strip())


@PROPERTIES
@given(st.lists(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30), max_size=12))
def test_pdf_page_cleaning_never_raises(pages):
    cleaned = clean_pages(pages)
    assert len(cleaned) == len(pages)


# --------------------------------------------------------------------------- lexical tokenizer


_TOKENIZER = LexicalTokenizer()


@PROPERTIES
@given(markdownish)
def test_tokens_are_non_empty_lowercase_words(text):
    for token in _TOKENIZER.tokenize(text):
        assert token and token == token.lower()
        assert not any(ch.isspace() for ch in token)


# --------------------------------------------------------------------------- Markdown reader


@PROPERTIES
@given(markdownish)
def test_markdown_reader_sections_point_at_their_source(tmp_path_factory, text):
    path = Path(tmp_path_factory.mktemp("notes")) / "note.md"
    path.write_text(text, encoding="utf-8")
    try:
        document = read_markdown(path, "note.md")
    except UnreadableFileError:
        return  # the reader's one error, with a reason (an empty or binary-looking file)
    plain = not any(ch in text for ch in _LINE_BREAKS)
    lines = text.split("\n")
    for section in document.sections:
        assert section.text.strip()
        if not plain:
            continue  # other line breaks: the reader's own numbering (tests/corpus/test_markdown_reader.py)
        assert section.text in text
        first = next(line for line in section.text.split("\n") if line.strip())
        assert lines[section.start_line - 1] == first


# --------------------------------------------------------------------------- same matches as the plain regexes

# The plain regexes that corpus.syntax replaced, kept as the reference for what matches.
_REFERENCE = {
    "IMAGE": re.compile(r"!\[[^\]]*\]\([^)]*\)"),
    "LINK": re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^)<>\"]*?)>?(?:\s+\"[^\"]*\")?\s*\)"),
    "PLAIN_LINK": re.compile(r"\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)"),
    "BADGE_LINK": re.compile(r"\[!\[([^\]]*)\]\([^)]*\)\]\(\s*<?([^)\s>]*)>?\s*\)"),
    "AUTOLINK": re.compile(r"<(https?://[^>\s]+)>"),
    "HTML_TAG": re.compile(r"</?[A-Za-z][^>]*>"),
    "HEADING": re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)\s*$"),
}
_SHORT = st.one_of(
    st.text(alphabet=st.sampled_from(list('[]()<>!"# \t\nab\u3000x\x0c')), max_size=30),
    st.lists(st.sampled_from(list('[]()<>!"# \tab') + ["https://", "![", "[![", "](", ' "t"', "<u>", "\n"]), max_size=20).map("".join),
)


def _signature(match):
    return None if match is None else (match.span(), match.groups())


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(_SHORT)
def test_rewritten_patterns_match_like_the_plain_regexes(text):
    for name, reference in _REFERENCE.items():
        pattern = getattr(syntax, name)
        assert [_signature(m) for m in pattern.finditer(text)] == [_signature(m) for m in reference.finditer(text)], name
        assert _signature(pattern.search(text)) == _signature(reference.search(text)), name
        assert _signature(pattern.match(text)) == _signature(reference.match(text)), name
        assert pattern.sub("<\\g<0>>", text) == reference.sub("<\\g<0>>", text), name
        assert pattern.findall(text) == reference.findall(text), name


_REFERENCE_YEAR_MONTH = re.compile(
    r"(?<![A-Za-z0-9_.])(?P<year>(?:19|20)\d{2})(?![A-Za-z0-9_])"
    r"(?:\s*年\s*(?P<cnmonth>1[0-2]|0?[1-9]|(?:十[一二]?|[一二三四五六七八九]))\s*月"
    r"|[ \t]*[,./\-]?[ \t]*(?P<month>(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?![a-z])|(?:1[0-2]|0?[1-9])(?![\w.]))"
    r"(?:[ \t]+(?P<day>[0-3]?\d)(?![\w.]))?)?",
    re.IGNORECASE,
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(["2020", "2021", "19", " ", "\t", "年", "月", "十二", "6", "06", ".", "/", "-", ",", "Jun", "a", "\n"]), max_size=14).map("".join))
def test_dates_match_like_the_plain_regex(text):
    from papers.dates import _YEAR_MONTH

    assert [_signature(m) for m in _YEAR_MONTH.finditer(text)] == [_signature(m) for m in _REFERENCE_YEAR_MONTH.finditer(text)]
    first_date(text), last_date(text), first_year(text), month_after_first_year(text)


# --------------------------------------------------------------------------- pathological inputs: linear now


def _seconds(run, data, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        run(data)
        best = min(best, time.process_time() - start)
    return best


def _assert_linear(run, make, size: int, limit: float) -> None:
    """``run(make(4 * size))`` is well under ``limit`` seconds and about 4x ``run(make(size))``
    (16x or more when quadratic); generous bounds for a shared machine."""
    small = _seconds(run, make(size))
    large = _seconds(run, make(4 * size))
    assert large < limit, f"{large:.2f}s for size {4 * size}"
    assert large <= 10 * small + 0.05, f"x4 input: {small:.4f}s -> {large:.4f}s"


def test_defect_9_link_followed_by_many_spaces_is_linear():
    # was cubic: 1,500 spaces 11 s, 3,000 spaces 87 s
    _assert_linear(lambda t: parse_paper_entries(t, "a.md"), lambda n: "- [paper](" + " " * n + "text\n", 3000, 1.0)
    _assert_linear(lambda t: list(syntax.LINK.finditer(t)), lambda n: "[paper](" + " " * n + "text", 3000, 0.5)


def _similar_notes(n: int) -> dict[str, str]:
    words = ["".join(chr(97 + (i * 7 + k * 3 + i // (k + 1)) % 26) for k in range(6)) for i in range(n)]
    return {"lists/a.md": "\n".join(f'- [ ] "Learning Deep Video Restoration Networks {w}" CVPR, 2021' for w in words)}


def test_defect_10_similar_entries_link_in_linear_time():
    # was quadratic with a large constant: 250 entries 4.5 s, 500 entries 27 s, 3,000 > 105 s
    _assert_linear(lambda notes: build_catalog(notes, {}), _similar_notes, 750, 5.0)


def test_defect_10_pdf_page_one_with_many_lines_is_linear():
    # clean_pages rescanned the joined page for a hyphen at its end after every line:
    # 8,000 lines took 24 s; the title finder reads the first lines only
    def run(n):
        lines = [f"line {i} of a page" for i in range(n)]
        clean_pages(["\n".join(lines)])
        title_from_head_lines(tuple(HeadLine(line, 10.0) for line in lines))

    _assert_linear(run, lambda n: n, 5000, 2.0)


def test_defect_11_long_line_of_unclosed_brackets_is_linear():
    # was quadratic: 220 KB 14 s, 440 KB 56 s
    _assert_linear(lambda t: (clean_markdown(t), extract_links(t)), lambda n: "[a " * n, 40_000, 1.0)
    _assert_linear(clean_markdown, lambda n: "![a" * n, 40_000, 1.0)


@pytest.mark.parametrize(
    "make, run",
    [
        (lambda n: "[a](b" * n, lambda t: (list(syntax.LINK.finditer(t)), clean_markdown(t))),  # targets never close
        (lambda n: "<a" * n + " " + "<https://x" * n, clean_markdown),  # tags and autolinks never close
        (lambda n: " \n" * n, clean_markdown),  # blank lines under "^\s*"
        (lambda n: "# a" + " " * n + "b", syntax.HEADING.match),
        (lambda n: '> "warm up" the learning rate before training it\n' * (n // 20), lambda t: parse_paper_entries(t, "a.md")),
        (lambda n: "[paper](https://arxiv.org/abs/2101.00001)\n" * (n // 20), lambda t: parse_paper_entries(t, "a.md")),
        (lambda n: "| Paper | Year |\n|---|---|\n| [A B C](https://arxiv.org/abs/1) | 2020" + " " * n + "x |", lambda t: parse_paper_entries(t, "a.md")),
        (lambda n: (HeadLine("Title " + "a" * n + " " + "#" * n + " x", 12.0), HeadLine("{" * n, 10.0)), title_from_head_lines),
    ],
    ids=["unclosed-targets", "unclosed-tags", "blank-lines", "heading-spaces", "quote-block", "link-lines",
         "year-spaces", "page-one-marks"],
)
def test_other_pathological_inputs_are_linear(make, run):
    _assert_linear(run, make, 10_000, 1.5)
