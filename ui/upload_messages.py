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


def upload_summary(results: list[AddedFile]) -> str:
    """One line for all the files dropped at once ("2 files added, 1 already in the library"), shown
    where it is seen whatever the scroll (a toast); each file's own message is in the uploader."""
    added = sum(result.outcome in ("added", "renamed") for result in results)
    parts = [f"{count} {'file' if count == 1 else 'files'} {words}" for count, words in (
        (added, "added"),
        (sum(result.outcome == "duplicate" for result in results), "already in the library"),
        (sum(result.outcome == "refused" for result in results), "not added"),
    ) if count]
    return ", ".join(parts) + (": indexing them now." if added else ".")
