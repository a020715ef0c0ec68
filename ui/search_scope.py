"""Search within one paper, one list or note, or one folder: the sidebar's scope selector, the line
above the results that says which scope is on (with a way back to the whole library), and the
callbacks of "Search within this paper / file" on cards and in the paper view.

The scope lives in the selector's own widget keys, so a button sets it by setting those keys in
its callback (before the widgets are drawn on the next run); a tag scope is the Filters' Tag.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from papers import Catalog
from ui.inert_text import markdown_text as md

KINDS = {"The whole library": None, "One paper": "paper", "One list or note": "file", "One folder": "folder"}
_KIND_KEY = "scope_kind"
_VALUE_KEYS = {"paper": "scope_paper", "file": "scope_file", "folder": "scope_folder"}


@dataclass(frozen=True)
class Scope:
    paper: str | None = None
    file: str | None = None
    folder: str | None = None
    label: str | None = None  # "paper: Deformable Convolutional Networks"; None for the whole library

    def fields(self) -> dict:
        """The ResultFilter fields of this scope."""
        return {"paper": self.paper, "file": self.file, "folder": self.folder}


def scope_controls(catalog: Catalog, note_files: list[str], folders: list[str]) -> Scope:
    """The sidebar's "Search within" section; returns the chosen scope."""
    with st.sidebar:
        st.header("Search within")
        kind_name = st.radio("Search within", list(KINDS), key=_KIND_KEY, label_visibility="collapsed")
        kind = KINDS[kind_name]
        if kind is None:
            return Scope()
        if kind == "paper":
            titles = {p.paper_id: p.title for p in sorted(catalog.papers, key=lambda p: p.title.casefold())}
            _drop_unknown("paper", titles)
            chosen = st.selectbox("Paper", list(titles), index=None, format_func=titles.get, key=_VALUE_KEYS["paper"],
                                  placeholder="Choose a paper")
            label = titles.get(chosen)
        else:
            options = note_files if kind == "file" else [folder for folder in folders if folder]
            _drop_unknown(kind, options)
            chosen = st.selectbox("List or note" if kind == "file" else "Folder", options, index=None,
                                  key=_VALUE_KEYS[kind], placeholder="Choose a file" if kind == "file" else "Choose a folder")
            label = chosen
        if chosen is None:
            st.caption("Choose one to search only its passages.")
            return Scope()
        st.button("Search the whole library", key="scope_clear_side", on_click=clear_scope)
        return Scope(**{kind: chosen}, label=f"{kind}: {label}")


def active_scope() -> tuple[str, str] | None:
    """(kind, value) of the scope the selector holds now, e.g. ("paper", paper_id); None for the whole library."""
    kind = KINDS.get(st.session_state.get(_KIND_KEY))
    value = st.session_state.get(_VALUE_KEYS[kind]) if kind else None
    return (kind, value) if value is not None else None


def show_active_scope(scope: Scope, tag: str | None) -> None:
    """One line above the results: what the search is within, and the way back to everything."""
    parts = ([md(scope.label)] if scope.label else []) + ([f"tag: {md(tag)}"] if tag else [])
    if not parts:
        return
    said, button = st.columns([5, 1.2], vertical_alignment="center")
    said.info("Searching only within " + " and ".join(f"**{part}**" for part in parts), icon="🔎")
    button.button("✕ Whole library", key="scope_clear", on_click=clear_scope, args=(True,),
                  help="Search the whole library again (the scope and the Tag filter are cleared).")


def search_within(kind: str, value: str) -> None:
    """A button's callback: search within this paper (`kind` "paper", a paper_id) or file ("file", a
    library path) from now on, in the Search view."""
    st.session_state[_KIND_KEY] = next(name for name, known in KINDS.items() if known == kind)
    st.session_state[_VALUE_KEYS[kind]] = value
    st.session_state["desk"] = "Search"
    for key in ("like", "related"):  # a scope is a new search: it ends "More like this" and "Related to"
        st.session_state.pop(key, None)


def restore_scope(paper: str | None, file: str | None, folder: str | None) -> None:
    """Set the selector to a scope again (a recent search re-run); the whole library when none."""
    for kind, value in (("paper", paper), ("file", file), ("folder", folder)):
        if value is not None:
            search_within(kind, value)
            return
    st.session_state[_KIND_KEY] = "The whole library"


def clear_scope(with_tag: bool = False) -> None:
    st.session_state[_KIND_KEY] = "The whole library"
    if with_tag:
        st.session_state["f_tag"] = "any"


def _drop_unknown(kind: str, options) -> None:
    """A value set by a button or a recent search that this library no longer offers is dropped
    (a selectbox would refuse it)."""
    key = _VALUE_KEYS[kind]
    if st.session_state.get(key) is not None and st.session_state[key] not in options:
        del st.session_state[key]
