"""Authors read from page 1 (papers/pdf_authors.py) when the metadata names none: every name or none."""

from __future__ import annotations

from corpus import HeadLine
from papers.pdf_authors import authors_from_head_lines

TITLE = "Flow-Free Alignment for Video Restoration"


def head(*lines: str) -> tuple[HeadLine, ...]:
    return (HeadLine("Published as a conference paper at ICLR 2024", 10.0), HeadLine("Flow-Free Alignment for", 17.2),
            HeadLine("Video Restoration", 17.2), *(HeadLine(text, 10.0) for text in lines), HeadLine("Abstract", 12.0),
            HeadLine("Jane Roe, John Doe", 10.0))


def test_a_comma_list_with_marks_wrapped_over_lines_gives_every_name():
    lines = head("Mei Lin1,2∗, Jun Zhou2, Rianne van den Berg3,", "Łukasz Kaiser† and Hervé Jégou1",
                 "1Zhejiang University 2Papersearch Demo Lab", "{mlin, jzhou}@example.edu")
    assert authors_from_head_lines(lines, TITLE) == ("Mei Lin", "Jun Zhou", "Rianne van den Berg", "Łukasz Kaiser",
                                                     "Hervé Jégou")


def test_names_separated_by_marks_alone_and_one_name_per_block_with_its_mark():
    assert authors_from_head_lines(head("Zhiwu Qing1 Shiwei Zhang2∗ Ziyuan Huang3"), TITLE) == (
        "Zhiwu Qing", "Shiwei Zhang", "Ziyuan Huang")
    interleaved = head("Ashish Vaswani∗", "Google Brain", "avaswani@google.com", "Noam Shazeer∗", "Google Brain")
    assert authors_from_head_lines(interleaved, TITLE) == ("Ashish Vaswani", "Noam Shazeer")


def test_what_cannot_be_split_with_confidence_gives_nothing():
    assert authors_from_head_lines(head("Kaiming He Xiangyu Zhang Shaoqing Ren Jian Sun"), TITLE) == ()
    assert authors_from_head_lines(head("Jun-Yan Zhu∗, Taesung Park∗, Phillip Isola Alexei A. Efros"), TITLE) == ()
    assert authors_from_head_lines(head("Diederik P. Kingma", "Machine Learning Group"), TITLE) == ()  # no mark
    assert authors_from_head_lines(head("Salesforce Research", "https://github.com/x/y"), TITLE) == ()
    assert authors_from_head_lines(head("Mei Lin, Jun Zhou"), None) == ()  # no title to start under


def test_ieee_membership_is_not_a_name():
    lines = head("Yi Huang∗, Wei Xiong, Senior Member, IEEE, and Liangliang Cao, Fellow, IEEE")
    assert authors_from_head_lines(lines, TITLE) == ("Yi Huang", "Wei Xiong", "Liangliang Cao")
