"""Is a PDF a thesis, and whose, from where? A Chinese thesis says so on its cover (page 1):
"山东农业大学 / 毕业论文 / 学生姓名 …", "博士学位论文 / 培养单位 …". A BibTeX entry for it is a
@phdthesis or @mastersthesis with its ``school``, not an @article of an unknown journal.

Only the cover counts: the degree must stand on a line of its own (letter-spaced "毕 业 论 文" is
one), so a paper that mentions "硕士学位论文" in a sentence on page 1 is not a thesis. The school is
a line that is nothing but a university's name, or the value of a "培养单位"-style label — never
the "学院" label's value (the faculty, not the school)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus import HeadLine

PHD, MASTERS, BACHELOR = "phd", "masters", "bachelor"

_DEGREES = (  # best first: a master's cover that says "毕业论文" too is a master's thesis
    (PHD, re.compile(r"博士(?:研究生)?(?:专业)?(?:学位|毕业)?论文|博士学位申请论文")),
    (MASTERS, re.compile(r"硕士(?:研究生)?(?:专业)?(?:学位|毕业)?论文|硕士学位申请论文")),
    (BACHELOR, re.compile(r"学士学位论文|本科(?:生)?毕业(?:论文|设计)|毕业(?:论文|设计)(?:（论文）|\(论文\))?")),
)
# A degree line may carry a little more ("山东农业大学本科毕业论文", "（申请工学硕士学位论文）").
_DEGREE_LINE_EXTRA = 12
_SCHOOL = re.compile(r"[\u4e00-\u9fff（）()]{2,24}?(?:大学|学院|科学院|研究院|研究所)")
# Labels whose value is the school, and labels whose value is something else that may end in 学院.
_SCHOOL_LABELS = ("学位授予单位", "培养单位", "授予单位", "学校名称", "学校")
_OTHER_LABELS = ("学院", "院系", "院（系）", "院(系)", "系别", "所在学院", "二级学院", "专业", "题目", "论文题目", "指导教师")
_AUTHOR_LABELS = ("学生姓名", "作者姓名", "研究生姓名", "研究生", "申请人", "作者", "姓名")
_HAN_NAME = re.compile(r"[\u4e00-\u9fff·]{2,8}")
_CHINESE_DIGITS = {char: str(value) for value, char in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_COVER_YEAR = re.compile(r"(?P<digits>(?:19|20)\d{2})\s*(?:年|届)|(?P<chinese>[〇零一二三四五六七八九]{4})\s*年")


@dataclass(frozen=True)
class Thesis:
    degree: str  # PHD, MASTERS or BACHELOR
    school: str | None  # the university, as its cover names it
    author: str | None  # the student, from the cover's name label
    year: int | None  # the cover's date or class year ("二〇二五年五月", "2025 届")


def thesis_from_cover(lines: Sequence[HeadLine]) -> Thesis | None:
    """The thesis a PDF's page 1 is the cover of, or None when it is not a thesis cover."""
    compact = [_compact(line.text) for line in lines]
    degree = degree_line = None
    for name, pattern in _DEGREES:
        for index, text in enumerate(compact):
            match = pattern.search(text)
            if match and len(text) <= len(match.group()) + _DEGREE_LINE_EXTRA:
                degree, degree_line = name, index
                break
        if degree:
            break
    if degree is None:
        return None
    return Thesis(degree, _school(compact, degree_line), _author(compact), _year(compact))


def _compact(text: str) -> str:
    """A cover line without the spaces covers letter-space with: "山 东 农 业 大 学" → "山东农业大学"."""
    return re.sub(r"\s+", "", text)


def _school(compact: list[str], degree_line: int) -> str | None:
    for text in compact:
        label = next((label for label in _SCHOOL_LABELS if text.startswith(label)), None)
        if label:
            value = text[len(label):].lstrip(":：")
            if _SCHOOL.fullmatch(value):
                return value
    for text in compact:
        if _SCHOOL.fullmatch(text) and not text.startswith(_OTHER_LABELS + _SCHOOL_LABELS):
            return text
    before_degree = _SCHOOL.match(compact[degree_line])  # "山东农业大学本科毕业论文"
    return before_degree.group() if before_degree else None


def _author(compact: list[str]) -> str | None:
    for text in compact:
        label = next((label for label in _AUTHOR_LABELS if text.startswith(label)), None)
        if label:
            value = text[len(label):].lstrip(":：")
            if _HAN_NAME.fullmatch(value):
                return value
    return None


def _year(compact: list[str]) -> int | None:
    for text in compact:
        match = _COVER_YEAR.search(text)
        if match and match.group("digits"):
            return int(match.group("digits"))
        if match:
            return int("".join(_CHINESE_DIGITS[char] for char in match.group("chinese")))
    return None
