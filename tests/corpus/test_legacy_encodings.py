"""Notes saved as GB18030/GBK or Big5 are read as the Chinese they are, said so in the warnings,
and nothing that is not such a note is ever indexed as mojibake."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import UnreadableFileError, read_document
from corpus.text_decoding import decode_note
from tests.support.paths import shared_path

SIMPLIFIED = (
    "# 视频超分辨率阅读笔记\n\n本文提出一种基于可变形卷积的对齐模块，用于处理大运动。\n\n"
    "## 方法\n\n- 金字塔级联，时空注意力融合\n- 在 REDS 数据集上 PSNR 提升 0.5 dB\n"
)
TRADITIONAL = (
    "# 影片超解析度閱讀筆記\n\n本文提出一種基於可變形卷積的對齊模組，用於處理大運動。\n\n"
    "## 方法\n\n- 金字塔級聯，時空注意力融合\n- 在 REDS 資料集上 PSNR 提升 0.5 dB\n"
)


@pytest.mark.parametrize(
    ("text", "encoding", "detected"),
    [
        (SIMPLIFIED, "gbk", "gb18030"),
        (SIMPLIFIED, "gb18030", "gb18030"),
        (SIMPLIFIED + "- 罕见字：𠀾\n", "gb18030", "gb18030"),  # a four-byte GB18030 character
        (TRADITIONAL, "big5", "big5"),
        (TRADITIONAL, "gb18030", "gb18030"),  # traditional text saved as GBK is GBK all the same
    ],
    ids=["gbk", "gb18030", "gb18030-four-byte", "big5", "traditional-as-gbk"],
)
def test_a_legacy_chinese_note_is_read_with_its_sections_and_says_how(tmp_path, text, encoding, detected):
    path = tmp_path / "笔记.md"
    path.write_bytes(text.encode(encoding))
    document = read_document(path, "笔记.md")
    assert document.title == text.splitlines()[0].removeprefix("# ")
    assert [section.heading_path[-1] for section in document.sections] == [document.title, "方法"]
    assert document.sections[1].start_line == 7
    assert document.sections[1].text == "\n".join(text.splitlines()[6:])
    (warning,) = document.warnings
    assert "not UTF-8" in warning and ("Big5" if detected == "big5" else "GB18030") in warning


def test_a_big5_text_file_is_read_too(tmp_path):
    path = tmp_path / "memo.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    (section,) = read_document(path, "memo.txt").sections
    assert section.text == TRADITIONAL.strip("\n")


def test_a_unicode_note_has_no_encoding_warning(tmp_path):
    path = tmp_path / "n.md"
    path.write_text(SIMPLIFIED, encoding="utf-8")
    assert read_document(path, "n.md").warnings == ()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        # Two characters whose GBK bytes are two common Big5 characters too: refused, not guessed.
        ("# 方法\n".encode("gbk"), "could be GBK or Big5"),
        # A UTF-8 note with one damaged byte also decodes as GB18030, into mojibake.
        (SIMPLIFIED.encode("utf-8")[:40] + b"\xff" + SIMPLIFIED.encode("utf-8")[40:], "a byte is damaged"),
        # Latin-1 accents followed by letters are valid GBK pairs of rare characters.
        ("Notes: the café, a résumé, naïve Zürich.\n".encode("cp1252"), "not GBK or Big5"),
        (bytes(range(0x80, 0x100)) * 40, "not GBK or Big5"),  # binary without NUL bytes
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(0x80, 0x100)), "binary"),
    ],
    ids=["ambiguous", "damaged-utf8", "latin-1", "binary-no-nul", "png"],
)
def test_what_is_not_a_legacy_chinese_note_is_refused_with_the_reason(data, reason):
    with pytest.raises(UnreadableFileError, match=reason) as caught:
        decode_note(data, "bad.md")
    assert "re-save" in caught.value.reason or "binary" in caught.value.reason


_HAN = sorted({char for char in SIMPLIFIED + TRADITIONAL if "\u4e00" <= char <= "\u9fff"})


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(_HAN), st.sampled_from(list("abc XYZ 12#-\n，。"))), min_size=1, max_size=60),
    st.sampled_from(["gbk", "big5"]),
)
def test_a_decoded_note_is_exactly_the_text_written_or_refused(chars, encoding):
    text = "".join(chars)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return  # simplified characters have no Big5 bytes
    try:
        data.decode("utf-8")
        return  # valid UTF-8 is read as UTF-8, as every editor does ("一" in GBK is UTF-8's "һ")
    except UnicodeDecodeError:
        pass
    try:
        note = decode_note(data, "n.md")
    except UnreadableFileError:
        return  # refusing is allowed (pure ASCII or blank is UTF-8; too little Chinese is ambiguous)
    assert note.text == text


def test_real_notes_saved_as_gb18030_read_back_exactly(tmp_path):
    """The shared library's Chinese notes, re-encoded: whole notes and random runs of their lines."""
    notes = sorted(shared_path("notes").rglob("*.md"))
    rng = random.Random(24)
    read = refused = 0
    for note in notes:
        text = note.read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        start = rng.randrange(len(lines))
        for sample in (text, "".join(lines[start : start + rng.choice((1, 3, 8))])):
            if sample.isascii():
                continue
            try:
                decoded = decode_note(sample.encode("gb18030"), note.name)
            except UnreadableFileError:
                refused += 1
                continue
            assert decoded.text == sample, note.name
            read += 1
    assert read >= 50 and refused <= read // 10
