"""The sidebar's "your folder changed since the last build" in words: each count with its own
noun and plural ("1 new file, 2 deleted files"), only the counts that are not zero; the build's
plan line ("1 new, 0 changed, ...") stays the command line's."""

from __future__ import annotations

from library import PendingChanges


def files(count: int, what: str) -> str:
    return f"{count} {what} {'file' if count == 1 else 'files'}"


def pending_words(pending: PendingChanges) -> str:
    parts = [files(count, what) for count, what in (
        (pending.new, "new"), (pending.changed, "changed"), (pending.deleted, "deleted"),
        (pending.unreadable, "unreadable")) if count]
    return f"{', '.join(parts) or 'Changes to your files'}: not indexed yet. Press Rebuild index."
