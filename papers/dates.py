"""When a paper appeared, as notes write it: "2022 June", "Jun 2022", "2021.06", "2023年3月",
"十二月". Month names are defined here once; the arXiv stamp's own date format is read by
``papers.arxiv``."""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8,
    "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
               "九": 9, "十": 10, "十一": 11, "十二": 12}

_MONTH_WORD = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_CN_MONTH = r"(?:十[一二]?|[一二三四五六七八九])"
# A year, then optionally a month: "2022 June", "2021.06", "2020-3 15", "2023年十二月". Spaces are
# taken possessively (giving some back never helps): the plain ``[ \t]*[,./\-]?[ \t]*`` retried every
# split of a long run of spaces after a year.
_YEAR_MONTH = re.compile(
    r"(?<![A-Za-z0-9_.])(?P<year>(?:19|20)\d{2})(?![A-Za-z0-9_])"
    r"(?:\s*+年\s*+(?P<cnmonth>1[0-2]|0?[1-9]|" + _CN_MONTH + r")\s*+月"
    r"|[ \t]*+[,./\-]?[ \t]*+(?P<month>" + _MONTH_WORD + r"\.?(?![a-z])|(?:1[0-2]|0?[1-9])(?![\w.]))"
    r"(?:[ \t]++(?P<day>[0-3]?\d)(?![\w.]))?)?",
    re.IGNORECASE,
)
# A month name, then the year: "Jun 2022", "April, 2023".
_MONTH_YEAR = re.compile(
    r"(?<![A-Za-z0-9_])(?P<month>" + _MONTH_WORD + r")\.?,?[ \t]+(?P<year>(?:19|20)\d{2})(?![A-Za-z0-9_])",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass(frozen=True)
class DateMention:
    """A year (and maybe a month) written at ``text[start:end]``."""

    start: int
    end: int
    year: int
    month: int | None


def month_number(text: str | None) -> int | None:
    """"6", "Jun", "June.", "六", "十二" → 1-12; anything else → None."""
    if not text:
        return None
    key = text.strip().rstrip(".").casefold()
    if key.isdigit():
        value = int(key)
        return value if 1 <= value <= 12 else None
    if key in _CN_NUMBERS:
        return _CN_NUMBERS[key]
    return _MONTHS.get(key)


def first_date(text: str) -> DateMention | None:
    """The first date in ``text``; a month-first date wins when it starts first."""
    year_month = _YEAR_MONTH.search(text)
    month_year = _MONTH_YEAR.search(text)
    if month_year and (year_month is None or month_year.start() < year_month.start()):
        return _month_year(month_year)
    return _year_month(year_month) if year_month else None


def last_date(text: str) -> DateMention | None:
    """The last date in ``text``; a month-first date wins when the last year-first one starts
    inside it ("Jun 2021": "2021" alone is part of it)."""
    year_month = None
    for match in _YEAR_MONTH.finditer(text):
        year_month = match
    month_year = None
    for match in _MONTH_YEAR.finditer(text):
        month_year = match
    if month_year is not None and (
        year_month is None or month_year.start() < year_month.start() <= month_year.end()
    ):
        return _month_year(month_year)
    return _year_month(year_month) if year_month else None


def first_year(text: str) -> int | None:
    """The first four-digit year (19xx/20xx) not inside a longer number."""
    found = _YEAR.search(text)
    return int(found.group(1)) if found else None


def month_after_first_year(text: str) -> int | None:
    """The month written right after the first year ("2021.06" → 6), if any."""
    match = _YEAR_MONTH.search(text)
    return _year_month(match).month if match else None


def _year_month(match: re.Match) -> DateMention:
    month = month_number(match.group("cnmonth") or match.group("month"))
    return DateMention(match.start(), match.end(), int(match.group("year")), month)


def _month_year(match: re.Match) -> DateMention:
    month = month_number(match.group("month"))
    return DateMention(match.start(), match.end(), int(match.group("year")), month)
