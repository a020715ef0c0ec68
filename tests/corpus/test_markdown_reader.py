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
