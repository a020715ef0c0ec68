"""Chinese journals and conferences are venues with a kind, however they are written, and a list
entry naming one is a paper record."""

from __future__ import annotations

import pytest

from papers.note_papers import read_note_papers
from papers.venues import is_known_venue, normalise_venue, venue_kind


@pytest.mark.parametrize(
    ("written", "canonical", "kind"),
    [
        ("计算机学报", "计算机学报", "journal"),
        ("Chinese Journal of Computers", "计算机学报", "journal"),
        ("软件学报", "软件学报", "journal"),
        ("Acta Automatica Sinica", "自动化学报", "journal"),
        ("中国科学：信息科学", "中国科学: 信息科学", "journal"),
        ("中国科学:信息科学", "中国科学: 信息科学", "journal"),
        ("SCIENTIA SINICA Informationis", "中国科学: 信息科学", "journal"),
        ("电子学报", "电子学报", "journal"),
        ("中文信息学报", "中文信息学报", "journal"),
        ("中国图像图形学报", "中国图象图形学报", "journal"),
        ("Pattern Recognition and Artificial Intelligence", "模式识别与人工智能", "journal"),
        ("中国模式识别与计算机视觉大会", "PRCV", "conference"),
        ("PRCV 2023", "PRCV", "conference"),
        ("第二十届中国计算语言学大会", "CCL", "conference"),
        ("2021年第十九届中国计算语言学大会论文集", "CCL", "conference"),
        ("全国知识图谱与语义计算大会", "CCKS", "conference"),
        ("中国计算机大会", "CNCC", "conference"),
    ],
)
def test_chinese_venues_are_known_with_their_kind(written, canonical, kind):
    assert normalise_venue(written) == canonical and is_known_venue(canonical)
    assert venue_kind(written) == kind


@pytest.mark.parametrize(
    ("written", "kind"),
    [("北京航空航天大学学报", "journal"), ("中国控制会议", "conference"), ("全国图象图形学学术会议", "conference"),
     ("某某研讨会", "conference"), ("中国科学院大学", None), ("Pattern Recognition", "journal")],
)
def test_unlisted_chinese_venues_get_their_kind_from_their_words(written, kind):
    assert venue_kind(written) == kind


NOTE = """# 阅读清单

- [x] "基于深度学习的图像修复方法综述" 中国图象图形学报, 2022 Jan
- [ ] "Video Super-Resolution via Deep Alignment" 北京航空航天大学学报, 2020
- [ ] "跨语言的检索增强生成" 第二十届中国计算语言学大会, 2021
- [ ] "Learning Temporal Alignment for Video Restoration" 2020, 这篇讲了对齐
"""


def test_a_list_entry_with_a_chinese_venue_is_a_paper_record():
    entries = {entry.title: entry for entry in read_note_papers(NOTE, "清单.md").entries}
    survey = entries["基于深度学习的图像修复方法综述"]
    assert (survey.venue, survey.year, survey.month) == ("中国图象图形学报", 2022, 1)
    assert entries["Video Super-Resolution via Deep Alignment"].venue == "北京航空航天大学学报"
    assert entries["跨语言的检索增强生成"].venue == "CCL"
    # A Chinese note after the year is the reader's note, not a venue.
    assert entries["Learning Temporal Alignment for Video Restoration"].venue is None
