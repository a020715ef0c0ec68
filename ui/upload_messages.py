"""What the page says about each file dropped into "Add papers and notes": (level, Markdown text).
Names are the safe stored names (AddedFile.shown_name), never the raw uploaded ones."""

from __future__ import annotations

from library import AddedFile
from ui.inert_text import markdown_text as md


def upload_message(result: AddedFile) -> tuple[str, str]:
    """("success" | "info" | "warning", text) for st.success / st.info / st.warning."""
    name = md(result.shown_name)
    if result.outcome == "added":
        return "success", f"Added {md(result.path)}"
    if result.outcome == "renamed":
        return "success", f"Added as {md(result.path)} (a different {name} is already there)"
    if result.outcome == "duplicate":
        return "info", f"{name} is already in the library as {md(result.detail)}: not stored twice"
    return "warning", f"{name} was not added: {md(result.detail)}"
