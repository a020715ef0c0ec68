"""The result cards of the page: one per paper, file or passage, each passage with its tools
(its PDF page with the passage marked, the PDF opened at that page, the note section, more like
this). Streamlit widgets; the data they show comes from the library and the pure helpers here."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from corpus import colour_hex, read_text_file
from library import Library
from index import UnsafePathError
from papers import Catalog, PaperRecord
from search import DocumentResult, Hit, PaperResult, mark_pdf, marked_text
from ui.citations import show_citations
from ui.explain import why
from ui.inert_text import markdown_text as md
from ui.links import paper_links, zotero_links
from ui.mark_labels import mark_html
from ui.note_section import note_section
from ui.page_preview import page_preview
from ui.passage_text import passage_html
from ui.open_buttons import open_buttons
from ui.picks import paper_ident, pick_box
from ui.search_scope import active_scope
from ui.served_files import served_pdf_url


@dataclass(frozen=True)
class CardContext:
    library: Library
    catalog: Catalog
    file_hashes: dict[str, str]  # library path -> SHA-256, from the index manifest
    static_dir: Path  # Streamlit's static folder, where served PDFs go
    query: str
    explain: bool
    on_more_like_this: Callable[[Hit], None] | None = None
    # (PDF name, page) -> (colour name, text) of the reader's marks kept outside that PDF (search/marks.py)
    page_marks: Callable[[str, int], list[tuple[str | None, str]]] | None = None
    on_open_paper: Callable[[str], None] | None = None  # a paper_id: show that paper (a citation followed)
    # ("paper", paper_id) or ("file", path): search within it from now on (ui/search_scope.py)
    on_search_within: Callable[[str, str], None] | None = None
    pickable: bool = False  # a "Pick" box on each card, for the downloads (ui/picks.py)


def show_paper_cards(papers: list[PaperResult], ctx: CardContext) -> None:
    for number, paper in enumerate(papers, start=1):
        record = ctx.catalog.paper(paper.paper_id) if paper.paper_id else None
        with st.container(border=True):
            mark = _READING_MARKS.get(record.reading, "") if record else ""
            within = (("paper", record.paper_id, "Search within this paper") if record  # a file about no one paper:
                      else ("file", paper.hits[0].path, "Search within this file"))  # within that file
            _card_header(f"**{number}. {md(paper.title)}**", ctx, "paper", paper_ident(paper), within)
            st.caption(" · ".join(filter(None, [md(_authors(record)), md(_venue_year(record)), mark, md(_topic(record)),
                                                f"best score {paper.score:.3f}"])))
            if record:
                show_citations(record, ctx.catalog, f"cite-{number}", ctx.on_open_paper)
            if record and record.annotation:
                st.markdown(f"> {md(record.annotation)}")
            for hit in paper.hits:
                where = f"PDF p. {hit.page}" if hit.page is not None else hit.location or "note"
                show_passage(hit, f"{hit.path} · {where}" if hit.kind != "annotation" else f"p. {hit.page}", ctx)
            if record:
                links = paper_links(record)
                shown = [f"[{md(label)}]({_link_target(url)})" if url else md(label) for label, url in links]
                if shown:
                    st.markdown(" · ".join(shown))


_READING_MARKS = {"read": "✅ read", "unread": "⬜ unread", "to-read": "🔖 to read"}


def _authors(record: PaperRecord | None) -> str:
    """The first three authors, "et al." after them."""
    if record is None or not record.authors:
        return ""
    return ", ".join(record.authors[:3]) + (" et al." if len(record.authors) > 3 else "")


def show_document_cards(documents: list[DocumentResult], ctx: CardContext) -> None:
    for number, document in enumerate(documents, start=1):
        with st.container(border=True):
            _card_header(f"**{number}. {md(document.title)}**", ctx, "file", document.path,
                         ("file", document.path, "Search within this file"))
            st.caption(f"{document.kind.upper()} · {md(document.path)} · best score {document.score:.3f}")
            for hit in document.hits:
                show_passage(hit, hit.location or "passage", ctx)


def show_passage_cards(hits: tuple[Hit, ...], ctx: CardContext) -> None:
    for hit in hits:
        with st.container(border=True):
            _card_header(f"**{hit.rank}. {md(hit.title)}**", ctx, "passage", hit.chunk_id, None)
            show_passage(hit, " · ".join(filter(None, [hit.path, hit.location])), ctx)


def _card_header(title: str, ctx: CardContext, view: str, ident: str, within: tuple[str, str, str] | None) -> None:
    """The card's title, its "Search within" button (`within`: kind, value, label; not when that is
    the scope already) and its Pick box."""
    if within is not None and within[:2] == active_scope():
        within = None
    if not ctx.pickable and (within is None or ctx.on_search_within is None):
        st.markdown(title)
        return
    title_column, within_column, pick_column = st.columns([6.5, 2, 1.5], vertical_alignment="center")  # "Pick" whole at 1280 px
    title_column.markdown(title)
    if within is not None and ctx.on_search_within is not None:
        kind, value, label = within
        within_column.button(label, key=f"within-{view}-{ident}", on_click=ctx.on_search_within, args=(kind, value),
                             type="tertiary", help="Search only its passages from now on (the sidebar's Search within).")
    if ctx.pickable:
        pick_box(pick_column, view, ident)


def show_passage(hit: Hit, heading: str, ctx: CardContext) -> None:
    reason = f"<br><small><i>{html.escape(why(hit.dense_rank, hit.lexical_rank, hit.role))}</i></small>" if ctx.explain else ""
    pending = "" if hit.embedded else " · keyword match only (not embedded yet)"
    mark = mark_html(hit)
    label = f"{mark} · {html.escape(heading)}" if mark else f"<b>{html.escape(heading)}</b>"
    st.markdown(
        f"<div class='passage{' own-mark' if mark else ''}'><small>{label} · score {hit.score:.3f}{pending}</small>"
        f"<div class='passage-text'>{passage_html(hit.text, hit.kind, ctx.query)}</div>{reason}</div>",
        unsafe_allow_html=True,
    )
    tools = st.columns([2, 2, 2, 2, 2, 3])
    pdf = _pdf_of(hit, ctx)
    if pdf is not None and hit.page is not None:
        url = _served_url(pdf, hit.page, ctx)
        if url:
            tools[0].markdown(f"[Open PDF at p. {hit.page}]({url})")
        if tools[1].toggle("Show page", key=f"page-{hit.chunk_id}"):
            _show_page(hit, pdf, ctx)
    elif hit.kind == "note" and hit.start_line is not None:
        if tools[1].toggle("Open note", key=f"note-{hit.chunk_id}"):
            _show_note_section(hit, ctx)
    if ctx.on_more_like_this is not None and hit.embedded and tools[2].button("More like this", key=f"like-{hit.chunk_id}"):
        ctx.on_more_like_this(hit)
    own_file = pdf if pdf is not None else hit.path if hit.kind == "note" else None
    if own_file is not None:
        open_buttons(ctx.library, own_file, f"{hit.chunk_id}", (tools[3], tools[4]))
    zotero = zotero_links(hit.links)
    if zotero:  # the links are checked against their one form (ui/links.py): safe in an href
        tools[5].markdown(" · ".join(f"<a href='{url}'>{html.escape(label)}</a>" for label, url in zotero),
                          unsafe_allow_html=True)


def _pdf_of(hit: Hit, ctx: CardContext) -> str | None:
    """The indexed PDF a passage shows a page of: its own file, or the PDF a mark was made on."""
    if hit.kind == "pdf":
        return hit.path
    if hit.kind == "annotation":
        return mark_pdf(hit.path, ctx.file_hashes)
    return None


def _served_url(pdf: str, page: int, ctx: CardContext) -> str | None:
    sha = ctx.file_hashes.get(pdf)
    try:
        source = ctx.library.path_of(pdf)
    except UnsafePathError:
        return None
    if sha is None or source is None or not source.is_file():
        return None
    return served_pdf_url(source, sha, ctx.static_dir, page, index_dir=ctx.library.index_dir)


@st.cache_data(show_spinner=False, max_entries=64)
def _preview(path: str, modified: float, page: int, passage: str,
             other_marks: tuple[tuple[str, str], ...] = ()) -> tuple[bytes, int, int]:
    """Cached by the file's modification time, so an edited PDF is rendered again."""
    preview = page_preview(Path(path), page, passage, other_marks=other_marks)
    return preview.png, preview.marked_chars, preview.own_marks


def _show_page(hit: Hit, pdf: str, ctx: CardContext) -> None:
    source = ctx.library.path_of(pdf)
    others = ctx.page_marks(pdf, hit.page) if ctx.page_marks is not None else []
    other_marks = tuple((colour_hex(colour) or "#ffd400", text) for colour, text in others)
    passage = marked_text(hit.text) if hit.kind == "annotation" else hit.text
    png, marked, own = _preview(str(source), source.stat().st_mtime, hit.page, passage, other_marks)
    note = "the passage is outlined in blue" if marked else "the passage could not be located on the page"
    if own:
        note += f"; your {'highlight is' if own == 1 else f'{own} highlights are'} painted in {'its' if own == 1 else 'their'} colour"
    st.image(png, caption=f"{md(pdf)}, page {hit.page}: {note}", width="stretch")


def _show_note_section(hit: Hit, ctx: CardContext) -> None:
    source = ctx.library.path_of(hit.path)
    section, start = note_section(read_text_file(source, hit.path), hit.start_line)
    with st.container(border=True):
        st.caption(f"{md(hit.path)}, from line {start}")
        st.markdown(section)


def _link_target(url: str) -> str:
    """A link destination from a note, in <...> so no parenthesis or space in it can end it early."""
    return "<" + url.replace("<", "%3C").replace(">", "%3E").replace("\n", "") + ">"


def _venue_year(record: PaperRecord | None) -> str:
    if record is None:
        return ""
    return " ".join(str(part) for part in (record.venue, record.year) if part)


def _topic(record: PaperRecord | None) -> str:
    return " > ".join(record.topics[0]) if record and record.topics else ""
