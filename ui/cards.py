"""The result cards of the page: one per paper, file or passage, each passage with its tools
(its PDF page with the passage marked, the PDF opened at that page, the note section, more like
this). Streamlit widgets; the data they show comes from the library and the pure helpers here."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from corpus import read_text_file
from library import Library
from index import UnsafePathError
from papers import Catalog, PaperRecord
from search import DocumentResult, Hit, PaperResult
from ui.explain import why
from ui.inert_text import markdown_text as md
from ui.links import paper_links
from ui.note_section import note_section
from ui.page_preview import page_preview
from ui.passage_text import passage_html
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


def show_paper_cards(papers: list[PaperResult], ctx: CardContext) -> None:
    for number, paper in enumerate(papers, start=1):
        record = ctx.catalog.paper(paper.paper_id) if paper.paper_id else None
        with st.container(border=True):
            mark = _READING_MARKS.get(record.reading, "") if record else ""
            st.markdown(f"**{number}. {md(paper.title)}**")
            st.caption(" · ".join(filter(None, [md(_authors(record)), md(_venue_year(record)), mark, md(_topic(record)),
                                                f"best score {paper.score:.3f}"])))
            if record and record.annotation:
                st.markdown(f"> {md(record.annotation)}")
            for hit in paper.hits:
                where = f"PDF p. {hit.page}" if hit.page is not None else hit.location or "note"
                show_passage(hit, f"{hit.path} · {where}", ctx)
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
            st.markdown(f"**{number}. {md(document.title)}**")
            st.caption(f"{document.kind.upper()} · {md(document.path)} · best score {document.score:.3f}")
            for hit in document.hits:
                show_passage(hit, hit.location or "passage", ctx)


def show_passage_cards(hits: tuple[Hit, ...], ctx: CardContext) -> None:
    for hit in hits:
        with st.container(border=True):
            st.markdown(f"**{hit.rank}. {md(hit.title)}**")
            show_passage(hit, " · ".join(filter(None, [hit.path, hit.location])), ctx)


def show_passage(hit: Hit, heading: str, ctx: CardContext) -> None:
    reason = f"<br><small><i>{html.escape(why(hit.dense_rank, hit.lexical_rank, hit.role))}</i></small>" if ctx.explain else ""
    pending = "" if hit.embedded else " · keyword match only (not embedded yet)"
    st.markdown(
        f"<div class='passage'><small><b>{html.escape(heading)}</b> · score {hit.score:.3f}{pending}</small>"
        f"<div class='passage-text'>{passage_html(hit.text, hit.kind, ctx.query)}</div>{reason}</div>",
        unsafe_allow_html=True,
    )
    tools = st.columns([2, 2, 3, 5])
    if hit.kind == "pdf" and hit.page is not None:
        url = _served_url(hit, ctx)
        if url:
            tools[0].markdown(f"[Open PDF at p. {hit.page}]({url})")
        if tools[1].toggle("Show page", key=f"page-{hit.chunk_id}"):
            _show_page(hit, ctx)
    elif hit.kind == "note" and hit.start_line is not None:
        if tools[1].toggle("Open note", key=f"note-{hit.chunk_id}"):
            _show_note_section(hit, ctx)
    if ctx.on_more_like_this is not None and hit.embedded and tools[2].button("More like this", key=f"like-{hit.chunk_id}"):
        ctx.on_more_like_this(hit)


def _served_url(hit: Hit, ctx: CardContext) -> str | None:
    sha = ctx.file_hashes.get(hit.path)
    try:
        source = ctx.library.path_of(hit.path)
    except UnsafePathError:
        return None
    if sha is None or not source.is_file():
        return None
    return served_pdf_url(source, sha, ctx.static_dir, hit.page, index_dir=ctx.library.index_dir)


@st.cache_data(show_spinner=False, max_entries=64)
def _preview(path: str, modified: float, page: int, passage: str) -> tuple[bytes, int]:
    """Cached by the file's modification time, so an edited PDF is rendered again."""
    preview = page_preview(Path(path), page, passage)
    return preview.png, preview.marked_chars


def _show_page(hit: Hit, ctx: CardContext) -> None:
    source = ctx.library.path_of(hit.path)
    png, marked = _preview(str(source), source.stat().st_mtime, hit.page, hit.text)
    note = "the passage is marked" if marked else "the passage could not be located on the page"
    st.image(png, caption=f"{md(hit.path)}, page {hit.page}: {note}", width="stretch")


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
