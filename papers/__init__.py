"""Files → paper records → catalog: which papers a library's notes and PDFs describe.

The front door: index, app, cli, tests and benches import from here only. Built on ``corpus``
(documents, PDF heads, Markdown syntax) and nothing else of Papersearch's.
"""

from papers.arxiv import extract_arxiv_id
from papers.catalog import build_catalog, paper_of_passage
from papers.citation_links import CITATIONS_VERSION, CitationMemo, PdfCitations, citation_line, cite_links, with_citations
from papers.citations import CitationMatch, CitationMatcher, MatcherKeys
from papers.entries import parse_paper_entries
from papers.entry_fields import PaperEntry
from papers.file_names import NoteFileInfo, paper_from_note_filename, title_from_pdf_filename
from papers.health import HealthReport, health
from papers.marks import READINGS, Mark, Marks, MarksFormatError, apply_marks, identities, reading_of
from papers.links import PaperLink, normalise_link_label
from papers.note_papers import NotePapers, read_note_papers
from papers.pdf_info import PdfPaperInfo, pdf_paper_info
from papers.records import Ambiguity, Catalog, EntryRef, LinkEvent, PaperRecord, UnresolvedLink
from papers.titles import (
    AMBIGUITY_MARGIN,
    FUZZY_THRESHOLD,
    normalise_title,
    title_key,
    title_match_score,
)
from papers.venues import normalise_venue
from papers.references import ReferenceEntry, join_passages, reading_order, split_entries
from papers.zotero_join import join_zotero

__all__ = [
    "AMBIGUITY_MARGIN",
    "CITATIONS_VERSION",
    "CitationMemo",
    "PdfCitations",
    "FUZZY_THRESHOLD",
    "Ambiguity",
    "Catalog",
    "Mark",
    "Marks",
    "MarksFormatError",
    "READINGS",
    "apply_marks",
    "identities",
    "reading_of",
    "EntryRef",
    "HealthReport",
    "LinkEvent",
    "NotePapers",
    "NoteFileInfo",
    "PaperEntry",
    "PaperLink",
    "PaperRecord",
    "PdfPaperInfo",
    "UnresolvedLink",
    "CitationMatch",
    "CitationMatcher",
    "MatcherKeys",
    "ReferenceEntry",
    "build_catalog",
    "cite_links",
    "citation_line",
    "join_passages",
    "reading_order",
    "split_entries",
    "with_citations",
    "join_zotero",
    "paper_of_passage",
    "extract_arxiv_id",
    "health",
    "normalise_link_label",
    "normalise_title",
    "normalise_venue",
    "paper_from_note_filename",
    "parse_paper_entries",
    "pdf_paper_info",
    "read_note_papers",
    "title_from_pdf_filename",
    "title_key",
    "title_match_score",
]
