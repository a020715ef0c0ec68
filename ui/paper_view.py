"""One paper opened from the Library view: what it is, its files, list entries and notes, and the
researcher's marks on it (reading status and tags), set here and kept in the marks file."""

from __future__ import annotations

import streamlit as st

from corpus import UnreadableFileError, read_text_file
from index import PapersearchError
from library import Library
from papers import Catalog, PaperRecord
from ui.inert_text import markdown_text as md
from ui.links import paper_links
from ui.note_section import whole_note
from ui.open_buttons import open_buttons
from ui.paper_downloads import paper_downloads
from ui.search_scope import search_within

READINGS = ["read", "unread", "to-read"]
_SOURCE_WORDS = {
    "marked": "marked by you",
    "note": "counted as read because you have a note on it; mark it here to decide yourself",
    "list": "from the [x] / [ ] in your paper list; mark it here to keep it whatever the list says",
}


def show_paper(lib: Library, record: PaperRecord, all_tags: list[str], catalog: Catalog | None = None) -> None:
    """The opened paper; marking it runs the page again with the mark in every view. With its
    ``catalog``, the paper's own BibTeX entry, list line and CSV row to download."""
    with st.container(border=True):
        st.markdown(f"### {md(record.title)}")
        facts = [", ".join(record.authors) or "authors unknown", record.venue or "", str(record.year or "")]
        st.caption(md(" · ".join(fact for fact in facts if fact)))
        links = [f"[{md(label)}]({url})" for label, url in paper_links(record) if url]
        if links:
            st.markdown(" · ".join(links))
        if record.annotation:
            st.markdown(f"> {md(record.annotation)}")
        st.button("Search within this paper", key=f"within-view-{record.paper_id}", on_click=search_within,
                  args=("paper", record.paper_id), help="Go to Search, limited to this paper's passages.")
        mark_controls(lib, record, all_tags)
        if catalog is not None:
            key = catalog.citation_keys().get(record.paper_id, "paper")
            paper_downloads(lambda: [record], 1, catalog, f"paper_download_{record.paper_id}", key)
        if record.files:
            st.markdown("**Files**")
            for path in record.files:
                name, opener, folder = st.columns([6, 2, 2], vertical_alignment="center")
                name.markdown(f"- {md(path)}")
                open_buttons(lib, path, f"paper-{record.paper_id}-{path}", (opener, folder))
        if record.entries:
            st.markdown("**In your paper lists**")
            st.markdown("\n".join(f"- {md(entry.path)}, line {entry.line}: \"{md(entry.title)}\""
                                  for entry in record.entries))
        for note in record.notes:
            with st.expander(f"Note: {md(note)}"):
                st.markdown(_note_text(lib, note))


def mark_controls(lib: Library, record: PaperRecord, all_tags: list[str]) -> None:
    """Reading status and tags, saved at once to the marks file (library/marks.py)."""
    left, right = st.columns([2, 3])
    key = f"mark_{record.paper_id}"
    # The radio shows the marks file's own word only, set afresh every run (the file may have changed
    # from the command line or another page): a status inferred from a note or a list is said below,
    # and choosing "read" on such a paper writes a mark rather than being a no-op on a pre-selected button.
    st.session_state[f"{key}_reading"] = record.reading if record.read_source == "marked" else None
    left.radio("Reading status", READINGS, horizontal=True, key=f"{key}_reading", on_change=_save_reading,
               args=(lib, record.paper_id, f"{key}_reading"),
               help="Kept in " + md(lib.marks_file.path) + "; your notes are never changed.")
    left.caption(md(reading_words(record)))
    from_zotero = [tag for tag in record.tags if tag not in record.marked_tags]
    right.multiselect("Your tags", sorted(set(all_tags) | set(record.marked_tags), key=str.casefold),
                      default=list(record.marked_tags), key=f"{key}_tags", accept_new_options=True,
                      on_change=_save_tags, args=(lib, record, f"{key}_tags"), placeholder="Add a tag")
    if from_zotero:
        right.caption("Zotero tags: " + md(", ".join(from_zotero)))


def reading_words(record: PaperRecord) -> str:
    """"Now: read — counted as read because ..." for the caption under the marks."""
    if record.reading is None:
        return "Now: not marked, no note of its own, not in a list with [x] / [ ]."
    return f"Now: {record.reading} — {_SOURCE_WORDS[record.read_source]}."


def _save_reading(lib: Library, paper_id: str, key: str) -> None:
    reading = st.session_state.get(key)
    if reading:
        _saved(lambda: lib.mark(paper_id, reading=reading))


def _save_tags(lib: Library, record: PaperRecord, key: str) -> None:
    chosen = [tag for tag in st.session_state.get(key, []) if tag.strip()]
    had = {tag.casefold() for tag in record.marked_tags}
    now = {tag.casefold() for tag in chosen}
    _saved(lambda: lib.mark(record.paper_id, add_tags=[t for t in chosen if t.casefold() not in had],
                            remove_tags=[t for t in record.marked_tags if t.casefold() not in now]))


def _saved(change) -> None:
    """A mark the file refused (a hand edit broke it, a read-only library) is said on the next run."""
    try:
        change()
    except PapersearchError as error:
        st.session_state["mark_error"] = str(error)


def _note_text(lib: Library, note: str) -> str:
    try:
        return whole_note(read_text_file(lib.path_of(note), note))
    except (OSError, UnreadableFileError, PapersearchError) as error:
        return md(f"This note cannot be read now: {error}")
