"""BibTeX for the papers behind a set of results (or a whole catalog), ready for a paper's
bibliography, written as BibTeX, biber, Zotero, JabRef and Better BibTeX expect it:

* keys from ``Catalog.citation_keys()`` (papers/citation_keys.py): the same paper has the same key
  in every export of the same library;
* the entry type from the venue's kind in papers/venues.py (``@inproceedings`` for a conference,
  ``@article`` for a journal, ``@misc`` for a preprint or nothing); a thesis whose cover names its
  school is a ``@phdthesis`` or ``@mastersthesis`` (a bachelor's with ``type``) with ``school``;
* ``month = mar``: the month macro, never the string ``{mar}``;
* an arXiv paper has ``eprint``, ``archivePrefix = {arXiv}`` (BibTeX styles) and
  ``eprinttype = {arxiv}`` (biblatex and Zotero's import); ``year`` comes from its arXiv id when
  nothing else gives it;
* ``doi`` read from the paper's links, ``url`` its (non-arXiv) paper link or its arXiv page.

Every field value is written with balanced braces: BibTeX finds the end of a ``{...}`` value by
counting braces, so one stray ``{`` or ``}`` in a title makes the whole file unreadable. Balanced
braces in a title are kept (they are the user's case protection); when they do not balance, every
brace is written as ``\\textbraceleft{}`` / ``\\textbraceright{}``. A backslash is written as
``\\textbackslash{}``, ``^`` and ``~`` as ``\\textasciicircum{}`` and ``\\textasciitilde{}`` (LaTeX
stops at a bare ``^`` and prints a bare ``~`` as a space), and ``& % $ # _`` are backslash-escaped, so the text reads back as
typed."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping

from export.terminal import terminal_safe
from papers import PaperRecord
from papers.citation_keys import citation_keys, paper_year
from papers.venues import venue_kind

_ENTRY_TYPES = {"conference": "inproceedings", "journal": "article", "preprint": "misc"}
# A thesis whose cover names its school (papers/theses.py). BibTeX has no bachelor's type: the usual
# form is @mastersthesis with ``type``, which styles print instead of "Master's thesis".
_THESIS_TYPES = {"phd": "phdthesis", "masters": "mastersthesis", "bachelor": "mastersthesis"}
_THESIS_TYPE_FIELD = {"bachelor": "Bachelor's thesis"}
_DOI = re.compile(r"(?:^|[/:=]|doi:\s*)(?P<doi>10\.\d{4,9}/[^\s?#\"<>]+)", re.IGNORECASE)


def to_bibtex(records: Iterable[PaperRecord], keys: Mapping[str, str] | None = None) -> str:
    """``keys``: paper_id → citation key, from ``Catalog.citation_keys()``, so keys agree between
    exports; without it the keys are made over ``records`` alone."""
    records = list(records)
    if keys is None:
        keys = citation_keys(records)
    entries, used = [], set()
    for record in records:
        if record.paper_id in used:  # the same paper twice
            continue
        used.add(record.paper_id)
        key = keys.get(record.paper_id) or citation_keys([record])[record.paper_id]
        venue = record.venue or ""
        kind = _ENTRY_TYPES.get(venue_kind(venue) or ("journal" if venue else ""), "misc")
        thesis = record.thesis if record.thesis and record.school else None  # school is a required field
        if thesis:
            kind = _THESIS_TYPES[thesis]
        fields = [("title", "{" + _escape(record.title) + "}")]
        if record.authors:
            fields.append(("author", " and ".join(_escape(name) for name in record.authors)))
        if thesis:
            fields.append(("school", _escape(record.school)))
            if thesis in _THESIS_TYPE_FIELD:
                fields.append(("type", _THESIS_TYPE_FIELD[thesis]))
        elif venue and venue_kind(venue) != "preprint":
            fields.append(("booktitle" if kind == "inproceedings" else "journal", _escape(venue)))
        year = paper_year(record)
        if year:
            fields.append(("year", str(year)))
        body = [f"  {name} = {{{value}}}" for name, value in fields]
        if record.month:
            body.append(f"  month = {calendar.month_abbr[record.month].lower()}")
        more = []
        if record.arxiv:
            more += [("eprint", record.arxiv), ("archivePrefix", "arXiv"), ("eprinttype", "arxiv")]
        doi = paper_doi(record)
        if doi:
            more.append(("doi", _escape_url(doi)))
        url = paper_url(record)
        if url:
            more.append(("url", _escape_url(url)))
        body += [f"  {name} = {{{value}}}" for name, value in more]
        entries.append(f"@{kind}{{{key},\n" + ",\n".join(body) + "\n}")
    return terminal_safe("\n\n".join(entries) + ("\n" if entries else ""))


def paper_doi(record: PaperRecord) -> str | None:
    """The DOI in one of the paper's links (doi.org, dl.acm.org/doi/..., Springer, Wiley, ...)."""
    for label, urls in record.links.items():
        if label == "code":
            continue
        for url in urls:
            found = _DOI.search(url)
            if found:
                doi = found.group("doi").rstrip(".,;)")
                doi = re.sub(r"(?i)(?:/(?:abstract|full|pdf|epdf))+$", "", doi)
                return doi
    return None


def paper_url(record: PaperRecord) -> str | None:
    """The paper's own web link when it has one that is not arXiv's, else its arXiv page."""
    for label in ("paper", "pdf", "doi"):  # not code, website, blog, ...: those are not the paper
        for url in record.links.get(label, ()):
            if url.startswith(("http://", "https://")) and "arxiv.org/" not in url:
                return url
    if record.arxiv:
        return f"https://arxiv.org/abs/{record.arxiv}"
    return None


def _escape_url(url: str) -> str:
    """A URL as BibTeX and biblatex take it (verbatim): only a brace or a backslash could end or
    break the value; they are percent-encoded, as a browser would send them."""
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


_SPECIAL = re.compile(r"[&%$#_\\{}^~]")


def _escape(text: str) -> str:
    balanced = _braces_balance(text)

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\\":
            return r"\textbackslash{}"
        if char in "^~":
            return r"\textasciicircum{}" if char == "^" else r"\textasciitilde{}"
        if char in "{}":
            return char if balanced else (r"\textbraceleft{}" if char == "{" else r"\textbraceright{}")
        return "\\" + char

    return _SPECIAL.sub(replace, text)


def _braces_balance(text: str) -> bool:
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
