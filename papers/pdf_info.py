"""What paper a PDF is: its title, arXiv id and year, from metadata and the first page.

``pdf_paper_info`` works on a Document that was already read; ``read_pdf`` attaches the PDF's
head (metadata plus page 1 as lines with font sizes) to it, so nothing is opened again. Without
a head (a Document built by hand) the joined page text can only confirm a title hint (the
metadata title or the file name) or read an ALL-CAPS title.

Sources, best first:

* title: the metadata title when it looks real and does not contradict page 1; else the
  title lines of page 1; else the file name (``YEAR_VENUE_Title.pdf`` or ``Title.pdf``).
* arXiv id: the arXiv stamp on the first pages (``arXiv:1706.03762v7 [cs.CL] 6 Dec 2017``),
  else a file name that is an arXiv id (``1706.03762v7.pdf``).
* year: the arXiv id (year of the first version), else the stamp's date, else a venue line on
  page 1 ("Published as a conference paper at ICLR 2018", "Proceedings of ... 2020"), else the
  metadata creation date (often the day it was downloaded or re-saved: flagged as such), except for
  a PDF whose page 1 has no text layer: a scan's dates are the day it was scanned (a 2026 "year"
  for a 1998 paper would stretch the page's Year slider), so it has no year rather than that one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from corpus import Document, PdfHead, clean_line, read_pdf_head
from corpus.syntax import HAN_RUN, SPACES
from papers.arxiv import arxiv_from_filename, arxiv_year, find_arxiv_stamp, is_arxiv_file_name
from papers.file_names import stem_title, title_from_pdf_filename
from papers.pdf_authors import authors_from_head_lines
from papers.pdf_title import title_from_head_lines, title_from_page_text
from papers.theses import thesis_from_cover
from papers.titles import title_key, title_similarity


@dataclass(frozen=True)
class PdfPaperInfo:
    title: str | None
    arxiv_id: str | None
    year: int | None
    title_source: str | None  # "metadata" | "first_page" | "filename" | None
    year_source: str | None = None  # "arxiv_id" | "arxiv_stamp" | "first_page" | "metadata_date"
    alt_titles: tuple[str, ...] = ()  # other readings (metadata, page 1, file name) for matching
    authors: tuple[str, ...] = ()  # the metadata's /Author when it names people, a thesis cover's student, else page 1's
    thesis: str | None = None  # "phd" | "masters" | "bachelor" when page 1 is a thesis cover (papers/theses.py)
    school: str | None = None  # the thesis cover's university


_VENUE_YEAR = re.compile(
    r"(?:published\s+as\s+a\s+(?:conference|workshop)\s+paper\s+at|under\s+review\s+as|"
    r"proceedings\s+of|conference\s+on|accepted\s+(?:at|to|by)|appear(?:s|ing)?\s+in|©|copyright)"
    r"[^\n]{0,160}?(?<!\d)(?P<year>(?:19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)
_PDF_DATE = re.compile(r"^D?:?(?P<year>(?:19|20)\d{2})")
_JUNK_METADATA_TITLE = re.compile(
    r"^(?:untitled|title|paper|main|document\d*|slide\s*\d*|microsoft\s+(?:word|powerpoint)|"
    r"arxiv|preprint|manuscript|abstract|none|null)\b|\.(?:docx?|tex|dvi|pdf|ps|indd|qxd)\b|"
    r"^[\w\-]+\.(?:\w{2,4})$",
    re.IGNORECASE,
)


def pdf_paper_info(
    document: Document | None,
    pdf_path: str | Path | None = None,
    *,
    head: PdfHead | None = None,
) -> PdfPaperInfo:
    """Title, arXiv id and year of one PDF.

    ``document`` is what ``read_pdf`` returned (None for an unreadable PDF). ``head`` is the
    PDF's metadata and laid-out page 1; when it is None, ``document.pdf_head`` is used, and
    only when there is neither and ``pdf_path`` is an existing file is the head read from that
    file (for callers outside a build). For a scanned PDF pass ``head=error.pdf_head`` from the
    ``UnreadableFileError``. With no head at all, titles come from the metadata title the
    Document kept, a title hint confirmed on page 1, or the file name.
    """
    relative = document.path if document is not None else (str(pdf_path) if pdf_path else "")
    if head is None and document is not None:
        head = document.pdf_head
    if head is None and pdf_path is not None and Path(pdf_path).is_file():
        head = read_pdf_head(pdf_path)
    metadata = dict(head.metadata) if head else {}
    filename_title = title_from_pdf_filename(relative)

    metadata_title = _metadata_title(metadata.get("/Title"))
    if metadata_title is None and head is None and document is not None:
        # read_pdf kept the metadata title as Document.title when it looked real
        raw_stem = PurePosixPath(relative.replace("\\", "/")).stem
        from_name = {title_key(stem_title(relative)), title_key(raw_stem)}
        if document.title and title_key(document.title) not in from_name:
            metadata_title = _metadata_title(document.title)

    first_page_title = None
    if head is not None and head.lines:
        first_page_title = title_from_head_lines(head.lines)
    if first_page_title is None and document is not None and document.sections:
        hints = [t for t in (metadata_title, filename_title) if t]
        first_page_title = title_from_page_text(document.sections[0].text, hints)

    title, source = None, None
    if metadata_title and (
        first_page_title is None or title_similarity(metadata_title, first_page_title) / 100.0 >= 0.8
    ):
        title, source = metadata_title, "metadata"
    elif first_page_title:
        title, source = first_page_title, "first_page"
    elif filename_title:
        title, source = filename_title, "filename"
    alternatives = []
    for candidate in (first_page_title, metadata_title, filename_title):
        if candidate and candidate != title and candidate not in alternatives:
            alternatives.append(candidate)

    arxiv_id, stamp_year = _arxiv_from_text(document, head)
    if arxiv_id is None:
        arxiv_id = arxiv_from_filename(relative)
    year, year_source = _year(arxiv_id, stamp_year, document, head, metadata)
    authors = metadata_authors(metadata.get("/Author"))
    thesis = thesis_from_cover(head.lines) if head is not None and head.lines else None
    if thesis is not None:
        authors = (thesis.author,) if thesis.author else authors  # Word's /Author is often "Given Family"
        if thesis.year and year_source in (None, "metadata_date"):
            year, year_source = thesis.year, "first_page"
    elif not authors and head is not None and head.lines:  # most papers' /Author is empty: page 1 names them
        authors = authors_from_head_lines(head.lines, title_from_head_lines(head.lines) or title)
    return PdfPaperInfo(
        title=title,
        arxiv_id=arxiv_id,
        year=year,
        title_source=source,
        year_source=year_source,
        alt_titles=tuple(alternatives),
        authors=authors,
        thesis=thesis.degree if thesis else None,
        school=thesis.school if thesis else None,
    )


_NOT_A_PERSON = re.compile(r"https?:|www\.|@|\.(?:com|org|net)\b|\d|\b(?:admin|user|owner|unknown|author|"
                           r"microsoft|adobe|latex|tex|ieee|springer|elsevier|acm)\b", re.IGNORECASE)


def metadata_authors(raw: str | None) -> tuple[str, ...]:
    """People named by a PDF's /Author ("A B, C D and E F" or "A B; C D"); () for a tool's name,
    a URL, a login ("XD") or anything else that is not a list of names."""
    if not raw or not isinstance(raw, str) or _NOT_A_PERSON.search(raw):
        return ()
    text = SPACES.sub(" ", raw).strip()
    separators = r"\s*;\s*|\s+and\s+|\s*&\s*" if ";" in text else r"\s*,\s*|\s*;\s*|\s+and\s+|\s*&\s*"
    names = tuple(n.strip(" .") for n in re.split(separators, text) if n.strip(" ."))
    def person(name: str) -> bool:
        if HAN_RUN.search(name):
            return 2 <= len(name.replace(" ", "")) <= 8
        words = name.split()
        return 2 <= len(words) <= 6 and all(w[:1].isupper() or w.islower() and len(w) <= 4 for w in words)
    return names if names and all(person(n) for n in names) else ()


def _metadata_title(raw: str | None) -> str | None:
    if not raw:
        return None
    title = clean_line(raw).strip(" .;")
    if len(title) < 4 or _JUNK_METADATA_TITLE.search(title):
        return None
    if not HAN_RUN.search(title) and (len(title.split()) < 2 or not re.search(r"[A-Za-z]{3}", title)):
        return None  # "legewie-fagan-scanned", "paper_v3": a file name, not a title
    if is_arxiv_file_name(title):
        return None
    return title


def _arxiv_from_text(document: Document | None, head: PdfHead | None) -> tuple[str | None, int | None]:
    texts: list[str] = []
    if head is not None:
        texts.append(" ".join(line.text for line in head.lines))
    if document is not None:
        texts.extend(section.text for section in document.sections[:2])
    for text in texts:
        stamp = find_arxiv_stamp(SPACES.sub(" ", text))
        if stamp:
            return stamp
    return None, None


def _year(arxiv_id, stamp_year, document, head, metadata) -> tuple[int | None, str | None]:
    if arxiv_id:
        year = arxiv_year(arxiv_id)
        if year:
            return year, "arxiv_id"
    if stamp_year:
        return stamp_year, "arxiv_stamp"
    texts = []
    if head is not None:
        texts.append("\n".join(line.text for line in head.lines))
    if document is not None and document.sections:
        texts.append(document.sections[0].text[:6000])
    for text in texts:
        match = _VENUE_YEAR.search(text)
        if match:
            return int(match.group("year")), "first_page"
    if head is not None and not head.lines:
        return None, None  # no text on page 1: a scan, whose dates are the day it was scanned, not published
    for key in ("/CreationDate", "/ModDate"):
        match = _PDF_DATE.match(metadata.get(key, ""))
        if match:
            return int(match.group("year")), "metadata_date"
    return None, None
