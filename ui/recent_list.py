"""The sidebar's recent searches (library/recent_searches.py): each typed search is remembered once
its results are shown; clicking one runs it again, with its ranking and scope."""

from __future__ import annotations

import hashlib

import streamlit as st

from library import Library, RecentSearch, RecentSearchesError
from search import ResultFilter
from ui.inert_text import markdown_text as md
from ui.picks import clear_picks
from ui.search_scope import restore_scope

SHOWN_CHARS = 60  # of a query, on its button


def remember_search(lib: Library, query: str, mode: str, where: ResultFilter, scope_label: str | None) -> None:
    """Keep this search at the top of the list, once per change (a re-run of the page does not
    write the file again); a folder the file cannot be written in is said once, and search goes on."""
    search = RecentSearch(query.strip(), mode, where.paper, where.file, where.folder, where.tag,
                          _label(scope_label, where.tag))
    signature = (str(lib.index_dir), search.query, mode, where.paper, where.file, where.folder, where.tag)
    if st.session_state.get("recent_signature") == signature:
        return
    st.session_state["recent_signature"] = signature
    try:
        lib.recent_searches.add(search)
    except RecentSearchesError as error:
        st.session_state["recent_error"] = str(error)


def recent_sidebar(lib: Library, box) -> None:
    """The list, in `box` (a sidebar container), newest first."""
    searches, problem = lib.recent_searches.load()
    with box:
        with st.expander(f"Recent searches ({len(searches)})", expanded=bool(searches)):
            for said in (problem, st.session_state.pop("recent_error", None)):
                if said:
                    st.caption(md(said))
            if not searches:
                st.caption("Your searches appear here; click one to run it again.")
            for search in searches:
                text = search.query if len(search.query) <= SHOWN_CHARS else search.query[: SHOWN_CHARS - 1] + "…"
                where = f" · {search.scope_label}" if search.scope_label else ""
                st.button(md(f"{text}{where}"), key=_key(search), on_click=run_again, args=(search,),
                          type="tertiary", help=md(f"Run again ({search.mode}{where}); searched {search.at}"))


def run_again(search: RecentSearch) -> None:
    """A button's callback: put the search back in the search box, the ranking and the scope."""
    for key in ("like", "related"):
        st.session_state.pop(key, None)
    clear_picks()
    st.session_state["query"] = search.query
    st.session_state["mode"] = search.mode
    st.session_state["f_tag"] = search.tag or "any"
    restore_scope(search.paper, search.file, search.folder)


def _key(search: RecentSearch) -> str:
    """Named by the search itself, not its place in the list: a click that reaches the page after
    the list changed still runs the search that was clicked."""
    signature = "\x1f".join(str(part) for part in (search.query.strip(), search.mode, search.paper, search.file,
                                                      search.folder, search.tag))
    return "recent-" + hashlib.sha1(signature.encode("utf-8")).hexdigest()[:16]


def _label(scope_label: str | None, tag: str | None) -> str | None:
    parts = [part for part in (scope_label, f"tag: {tag}" if tag else None) if part]
    return " and ".join(parts) or None
