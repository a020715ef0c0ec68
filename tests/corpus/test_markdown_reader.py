from pathlib import Path

import pytest

from corpus import UnreadableFileError, clean_markdown, extract_links, read_document


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_sections_keep_heading_path_and_start_line(tmp_path):
    path = write(
        tmp_path,
        "note.md",
        "# Old video restoration\n\nintro line\n\n## RVRT\n\nclip-level recurrence\n\n### GDA\n\nguided attention\n\n## BasicVSR\n\npropagation\n",
    )
    document = read_document(path, "note.md")
    assert document.title == "Old video restoration"
    assert [(s.heading_path, s.start_line, s.text) for s in document.sections] == [
        (("Old video restoration",), 3, "intro line"),
        (("Old video restoration", "RVRT"), 7, "clip-level recurrence"),
        (("Old video restoration", "RVRT", "GDA"), 11, "guided attention"),
        (("Old video restoration", "BasicVSR"), 15, "propagation"),
    ]


def test_headings_inside_code_fences_are_text(tmp_path):
    path = write(tmp_path, "code.md", "# T\n\n```python\n# not a heading\nx = 1\n```\n")
    (section,) = read_document(path, "code.md").sections
    assert section.heading_path == ("T",)
    assert "# not a heading" in section.text


def test_heading_markup_is_cleaned_and_crlf_lines_counted(tmp_path):
    path = write(tmp_path, "n.md", "# **Key-point** :star:\r\n\r\ntext\r\n")
    (section,) = read_document(path, "n.md").sections
    assert section.heading_path == ("Key-point",)
    assert section.start_line == 3


def test_title_falls_back_to_file_name_and_txt_is_one_section(tmp_path):
    md = write(tmp_path, "2022_06_NeurIPS_RVRT_Note.md", "no heading here\n")
    assert read_document(md, md.name).title == "2022 06 NeurIPS RVRT Note"
    txt = write(tmp_path, "thoughts.txt", "\n\nline one\nline two\n")
    (section,) = read_document(txt, txt.name).sections
    assert section.start_line == 3 and section.text == "line one\nline two"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        ("方法".encode("gb18030"), "not valid UTF-8.*could be GBK or Big5"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"   \n\t\n", "blank"),
    ],
    ids=["zero-byte", "ambiguous-gbk", "binary-named-md", "whitespace-only"],
)
def test_unreadable_notes_raise_with_reason(tmp_path, content, reason):
    path = write(tmp_path, "bad.md", content)
    with pytest.raises(UnreadableFileError, match=reason) as caught:
        read_document(path, "bad.md")
    assert caught.value.path == "bad.md"


def test_clean_markdown_keeps_labels_and_drops_addresses():
    text = (
        '- [x] "RVRT" NeurIPS, 2022 **RVRT** :star: [paper](https://arxiv.org/abs/2206.02146) '
        '![fig](docs/a.png) <a name="x"></a> see https://example.org/page'
    )
    cleaned = clean_markdown(text)
    assert cleaned == '- "RVRT" NeurIPS, 2022 RVRT paper see'
    assert extract_links(text) == ["https://arxiv.org/abs/2206.02146", "https://example.org/page"]


def _sections(document) -> list[tuple[tuple[str, ...], int, str]]:
    return [(s.heading_path, s.start_line, s.text) for s in document.sections]


def test_front_matter_is_neither_text_nor_title(tmp_path):
    path = write(tmp_path, "fm.md", "---\ntitle: Draft 草稿\ntags: [video, 超分]\n---\n\nIntro words\n\n# Real title\n\nbody\n")
    document = read_document(path, "fm.md")
    assert document.title == "Real title"
    assert _sections(document) == [((), 6, "Intro words"), (("Real title",), 10, "body")]


def test_front_matter_without_headings_leaves_the_body_titled_by_file_name(tmp_path):
    path = write(tmp_path, "plain_note.md", "---\ntitle: x\n...\nonly text\n")
    document = read_document(path, "plain_note.md")
    assert document.title == "plain note"
    assert _sections(document) == [((), 4, "only text")]


@pytest.mark.parametrize("text, sections", [
    # not on the first line: a rule, then a setext heading, as CommonMark renders it
    ("\n---\ntitle: x\n---\nbody\n", [((), 2, "---"), (("title: x",), 5, "body")]),
    ("---\nnever closed\n\nbody\n", [((), 1, "---\nnever closed\n\nbody")]),  # unclosed: text
])
def test_only_a_closed_block_on_the_first_line_is_front_matter(tmp_path, text, sections):
    assert _sections(read_document(write(tmp_path, "n.md", text), "n.md")) == sections


def test_a_heading_inside_an_html_comment_is_not_a_heading_or_the_title(tmp_path):
    text = "<!--\n# Old title, commented out\n## TODO\n-->\n# Current title\n\ntext\n\n<!-- # inline comment -->\nmore\n"
    document = read_document(write(tmp_path, "c.md", text), "c.md")
    assert document.title == "Current title"
    assert [s.heading_path for s in document.sections] == [(), ("Current title",)]
    assert document.sections[1].text == "text\n\n<!-- # inline comment -->\nmore"


def test_setext_headings_are_headings(tmp_path):
    text = "Video restoration\n=================\n\nintro\n\nRVRT\n----\n\nrecurrence\n\nTwo line\nheading\n---\nlast\n"
    document = read_document(write(tmp_path, "s.md", text), "s.md")
    assert document.title == "Video restoration"
    assert _sections(document) == [
        (("Video restoration",), 4, "intro"),
        (("Video restoration", "RVRT"), 9, "recurrence"),
        (("Video restoration", "Two line heading"), 14, "last"),
    ]


def test_quoted_and_listed_hashes_stay_text_and_a_rule_is_not_a_heading(tmp_path):
    text = "# T\n\n> # quoted\n\n- # listed\n\n---\n\nafter the rule\n"
    (section,) = read_document(write(tmp_path, "q.md", text), "q.md").sections
    assert section.heading_path == ("T",) and "> # quoted" in section.text and "after the rule" in section.text


def test_an_outline_includes_its_last_setext_underline(tmp_path):
    text = "# Plan\n\nRead first\n----------\n"
    (section,) = read_document(write(tmp_path, "o.md", text), "o.md").sections
    assert (section.start_line, section.text) == (1, text.rstrip("\n"))


def test_sectioning_a_long_note_is_linear():
    import time

    from corpus.markdown_reader import markdown_document

    def seconds(n: int) -> float:
        text = "".join(f"# H{i}\n\n<!--\n# c{i}\n-->\nSet {i}\n===\n\nbody {i} " + "word " * 20 + "\n\n" for i in range(n))
        start = time.process_time()
        markdown_document(text, "n.md")
        return time.process_time() - start

    small, large = min(seconds(500) for _ in range(2)), min(seconds(2000) for _ in range(2))
    assert large < 2.0 and large <= 10 * small + 0.05, (small, large)
