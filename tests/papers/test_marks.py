"""Marks laid over a catalog: keyed by what names a paper, never by row or build; reading decided
by the mark, else an own note, else the list's box."""

from __future__ import annotations

import json

import pytest

from papers import Marks, MarksFormatError, PaperRecord, apply_marks, build_catalog, identities

LIST = """# Video
- [ ] "Deformable Attention for Video" CVPR, 2022 Mar, **DAV**
  [paper](https://arxiv.org/abs/2201.00520)
- [x] "Flow Guided Propagation" ICCV, 2021 Oct, **FGP**
- "Unmarked Transformer Paper" NeurIPS, 2020 Dec
"""
NOTE = '> "Deformable Attention for Video" CVPR, 2022 Mar\n\n# Notes\nIt aligns frames.\n'


def catalog():
    return build_catalog({"lists/video.md": LIST, "notes/2022_03_CVPR_Deformable-Attention-for-Video_Note.md": NOTE}, {})


def by_title(cat, title) -> PaperRecord:
    return next(p for p in cat.papers if p.title == title)


def test_an_own_note_counts_as_read_over_the_lists_empty_box_and_a_mark_beats_both():
    cat = catalog()
    seen = apply_marks(cat, Marks())
    dav = by_title(seen, "Deformable Attention for Video")
    assert (dav.read, dav.reading, dav.read_source) == (True, "read", "note")
    fgp = by_title(seen, "Flow Guided Propagation")
    assert (fgp.reading, fgp.read_source) == ("read", "list")
    plain = by_title(seen, "Unmarked Transformer Paper")
    assert (plain.read, plain.reading, plain.read_source) == (None, None, None)
    marks = Marks().changed(by_title(cat, "Deformable Attention for Video"), reading="to-read")
    dav = by_title(apply_marks(cat, marks), "Deformable Attention for Video")
    assert (dav.read, dav.reading, dav.read_source) == (False, "to-read", "marked")


def test_a_mark_is_keyed_by_the_arxiv_id_and_found_again_by_title_once_the_id_is_gone():
    cat = catalog()
    dav = by_title(cat, "Deformable Attention for Video")
    assert identities(dav)[0] == "arxiv:2201.00520"
    marks = Marks().changed(dav, reading="unread", add_tags=["alignment", " video  "])
    assert list(marks.by_key) == ["arxiv:2201.00520"]
    no_link = LIST.replace("  [paper](https://arxiv.org/abs/2201.00520)\n", "")
    later = build_catalog({"lists/video.md": no_link}, {})
    assert by_title(later, "Deformable Attention for Video").arxiv is None
    marks_by_title = Marks().changed(by_title(later, "Deformable Attention for Video"), reading="read")
    assert list(marks_by_title.by_key) == ["title:deformableattentionforvideo"]
    found = by_title(apply_marks(cat, marks_by_title), "Deformable Attention for Video")  # gained an id since
    assert found.read_source == "marked"
    assert by_title(apply_marks(cat, marks), "Deformable Attention for Video").tags == ("alignment", "video")


def test_tags_are_added_once_removed_in_any_case_and_an_empty_mark_is_dropped():
    dav = by_title(catalog(), "Deformable Attention for Video")
    marks = Marks().changed(dav, add_tags=["Video", "video", "ssm"])
    assert marks.by_key["arxiv:2201.00520"].tags == ("Video", "ssm")
    marks = marks.changed(dav, remove_tags=["VIDEO", "ssm"])
    assert len(marks) == 0


def test_the_file_round_trips_as_readable_json_and_a_broken_edit_says_where():
    dav = by_title(catalog(), "Deformable Attention for Video")
    text = Marks().changed(dav, reading="read", add_tags=["对齐"], now="2025-01-02T03:04:05+00:00").to_json()
    data = json.loads(text)
    assert data["papers"] == {"arxiv:2201.00520": {"title": "Deformable Attention for Video", "reading": "read",
                                                   "tags": ["对齐"], "updated": "2025-01-02T03:04:05+00:00"}}
    assert "对齐" in text and "\n  " in text  # Chinese as itself, indented for a person
    assert Marks.from_json(text).by_key == Marks().changed(dav, reading="read", add_tags=["对齐"],
                                                          now="2025-01-02T03:04:05+00:00").by_key
    with pytest.raises(MarksFormatError, match="line 1"):
        Marks.from_json('{"papers": {')
    with pytest.raises(MarksFormatError, match="'finished'"):
        Marks.from_json('{"papers": {"title:x": {"reading": "finished"}}}')
    with pytest.raises(MarksFormatError, match="reading status"):
        Marks().changed(dav, reading="done")

