""""Open in editor" / "Show in folder" buttons for one library file, on cards and in the paper
view; the opening itself is library/open_files.py (the path is resolved inside the library there
and then, never taken as given)."""

from __future__ import annotations

import streamlit as st

from index import PapersearchError
from library import Library, open_file, show_in_folder
from ui.inert_text import markdown_text as md


def open_buttons(lib: Library, relative: str, key: str, columns) -> None:
    """Two buttons in `columns` (two containers); what happened is said at once beside them."""
    is_note = not relative.lower().endswith(".pdf")
    open_column, folder_column = columns
    if open_column.button("Open in editor" if is_note else "Open in viewer", key=f"open-{key}",
                          help=f"Open {relative} in your computer's program for it"):
        _act(lambda: open_file(lib.path_of(relative)), open_column, f"Opened {relative}.")
    if folder_column.button("Show in folder", key=f"folder-{key}", help=f"Open the folder that holds {relative}"):
        _act(lambda: show_in_folder(lib.path_of(relative)), folder_column, f"Opened the folder of {relative}.")


def _act(action, column, done: str) -> None:
    try:
        action()
    except PapersearchError as error:
        column.error(md(error))
        return
    st.toast(md(done))
