"""A thesis is recognised from its cover (page 1) with its degree, school, student and year, and
nothing else is taken for one."""

from __future__ import annotations

import pytest

from corpus import HeadLine, PdfHead, read_pdf_head
from papers.pdf_info import pdf_paper_info
from papers.theses import thesis_from_cover
from tests.support.paths import shared_path


def cover(*texts: str) -> tuple[HeadLine, ...]:
    return tuple(HeadLine(text, 16.0) for text in texts)


def test_a_letter_spaced_bachelor_cover():
    thesis = thesis_from_cover(cover("北 京 某 某 大 学", "毕 业 论 文", "题 目 一种图像去噪方法研究",
                                     "学 院 计算机科学与技术学院", "学生姓名 张小明", "届 次 2024 届"))
    assert (thesis.degree, thesis.school, thesis.author, thesis.year) == ("bachelor", "北京某某大学", "张小明", 2024)


def test_a_doctoral_cover_with_a_school_label_and_a_chinese_date():
    thesis = thesis_from_cover(cover("分类号 TP391", "博士学位论文", "视频修复中的时空对齐方法研究",
                                     "研究生姓名：李四", "培养单位：某某科技大学", "二〇二三年六月"))
    assert (thesis.degree, thesis.school, thesis.author, thesis.year) == ("phd", "某某科技大学", "李四", 2023)


def test_a_masters_cover_whose_school_and_degree_share_a_line():
    thesis = thesis_from_cover(cover("某某理工学院硕士学位论文", "基于注意力的图像超分辨率", "作 者 王五"))
    assert (thesis.degree, thesis.school, thesis.author) == ("masters", "某某理工学院", "王五")


def test_the_faculty_label_is_not_the_school():
    thesis = thesis_from_cover(cover("本科毕业论文", "学 院 信息科学与工程学院", "专 业 数据科学"))
    assert thesis.degree == "bachelor" and thesis.school is None


@pytest.mark.parametrize(
    "lines",
    [
        ("Attention Is All You Need", "Ashish Vaswani", "Google Brain"),
        ("本文是作者硕士学位论文工作的延续，在此基础上提出了新的对齐模块并做了大量实验。", "某某大学"),
        ("摘要", "本文研究了图像分割方法。"),
    ],
    ids=["english-paper", "thesis-in-a-sentence", "abstract-page"],
)
def test_pages_that_are_not_a_cover_are_no_thesis(lines):
    assert thesis_from_cover(cover(*lines)) is None


def test_the_cover_gives_the_pdf_its_author_and_year():
    head = PdfHead(metadata={"/Author": "小明 张", "/CreationDate": "D:20250613165728+08'00'"},
                   lines=cover("北 京 某 某 大 学", "毕 业 论 文", "题 目 一种图像去噪方法研究", "学生姓名 张小明",
                               "二〇二四年五月十五日"))
    info = pdf_paper_info(None, None, head=head)
    assert (info.thesis, info.school, info.authors) == ("bachelor", "北京某某大学", ("张小明",))
    assert (info.year, info.year_source) == (2024, "first_page")  # the cover's date, not the file's


def test_the_shared_pdfs_hold_one_recognisable_thesis():
    """Of the shared PDFs only the thesis with a cover is one; the other thesis starts at its abstract
    (its file name says what it is, its page 1 does not) and stays a plain record."""
    found = {}
    for pdf in sorted(shared_path("pdfs").glob("*.pdf")):
        head = read_pdf_head(pdf)
        info = pdf_paper_info(None, pdf, head=head) if head else None
        if info and info.thesis:
            found[pdf.name] = info
    (name, info), = found.items()
    assert name.startswith("毕业论文_") and info.thesis == "bachelor"
    assert info.school.endswith("大学") and len(info.authors) == 1 and " " not in info.authors[0]
