"""A catalog of the papers in a library: every mention in the notes, every PDF, one record each.

``build_catalog(notes, pdfs)`` reads the papers every note names (``read_note_papers``: list
entries, then headings and bare checkbox titles judged on their evidence),
treats per-paper notes (``YEAR_MONTH_VENUE_Title_Note.md``) and PDFs as files that *are* a
paper (``papers.nodes``), and links them, strongest evidence first (``papers.linking``):

1. ``explicit_link`` — an entry's local ``note``/``pdf`` link that resolves to a library file
   (relative to the entry's file, else by file name anywhere in the library when unique);
2. ``arxiv`` — the same arXiv id (entry links, the PDF's arXiv stamp);
3. ``note_file`` — a per-paper note and its top ``> "Title"`` entry (first entry in the first
   15 lines, when its title fits the file name);
   ``filename`` — a per-paper note's or a PDF's file name spelling a known title;
4. ``title_exact`` — the same title (case, punctuation and spaces ignored);
   ``abbreviation`` — a tentative mention named by a method name ("- [ ] DDIM") and the one
   paper other mentions give that abbreviation (two such papers: reported);
   ``title_fuzzy`` — titles at least ``FUZZY_THRESHOLD`` similar (rapidfuzz ratio on normalised
   titles) that differ only inside words, never by a whole added word ("Deep Exemplar-based
   Colorization" is not "Deep Exemplar-based Video Colorization"). A mention whose two best
   candidates are different papers within ``AMBIGUITY_MARGIN`` is reported, not linked.

Two groups with different arXiv ids are never merged, whatever links them (reported). Each
group then becomes one record (``papers.merging``), except a group of tentative mentions only:
those are reported in ``Catalog.ambiguous`` (and the health report), not recorded.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from papers.linking import Linker
from papers.merging import merge
from papers.nodes import LibraryNodes
from papers.note_facts import NoteFacts
from papers.pdf_info import PdfPaperInfo
from papers.records import Catalog, PaperRecord


def build_catalog(
    notes: Mapping[str, str | NoteFacts],
    pdfs: Mapping[str, PdfPaperInfo],
    *,
    other_files: Iterable[str] = (),
) -> Catalog:
    """One record per paper from every note's text and every PDF's ``pdf_paper_info``.

    ``notes``: library-relative Markdown/txt path → text, or the note's ``NoteFacts`` when kept
    from an earlier build. ``pdfs``: library-relative PDF path →
    PdfPaperInfo (give unreadable PDFs too, from ``pdf_paper_info(None, path)`` or, for a
    scanned one, ``pdf_paper_info(None, path, head=error.pdf_head)``, so links and file names
    still reach them). ``other_files``: any further library paths that a local link may point
    to (so such links do not count as missing).
    """
    library = LibraryNodes(notes, pdfs, other_files)
    linker = Linker(library)
    linker.link()
    return merge(library, linker)


def paper_of_passage(catalog: Catalog, kind: str, path: str, start_line: int | None, text: str) -> PaperRecord | None:
    """The paper a passage belongs to: a PDF is one paper; a note passage belongs to the entry its
    first line is in (each list entry starts a passage of its own, corpus/chunking.py), else to the
    paper the note file is about, else to the paper whose heading's section holds it. One rule for
    search (which shows and filters by it) and for stores that keep it per passage (Milvus)."""
    if kind == "note" and start_line is not None:
        paper = catalog.paper_for_line(path, start_line)
        if paper is not None:
            return paper
    return catalog.paper_for_file(path)
