"""The sidebar's pending-changes line and the upload summary: counts with their own nouns and plurals."""

from __future__ import annotations

from library import AddedFile, PendingChanges
from ui.pending_words import pending_words
from ui.upload_messages import upload_summary


def pending(new=0, changed=0, deleted=0, unreadable=0) -> PendingChanges:
    return PendingChanges(True, new, changed, deleted, 5, unreadable, "", True)


def test_each_count_is_said_with_its_noun_and_zeros_are_left_out():
    assert pending_words(pending(deleted=1)) == "1 deleted file: not indexed yet. Press Rebuild index."
    assert pending_words(pending(new=1, changed=2)) == "1 new file, 2 changed files: not indexed yet. Press Rebuild index."
    assert pending_words(pending(unreadable=3)) == "3 unreadable files: not indexed yet. Press Rebuild index."
    assert "-" not in pending_words(pending(new=2, deleted=4))


def test_the_upload_summary_counts_each_outcome():
    results = [AddedFile("a.pdf", "a.pdf", "added"), AddedFile("b.md", "b (2).md", "renamed"),
               AddedFile("c.md", None, "duplicate", "notes/c.md"), AddedFile("d.pptx", None, "refused", "not a PDF")]
    assert upload_summary(results) == "2 files added, 1 file already in the library, 1 file not added: indexing them now."
    assert upload_summary(results[2:3]) == "1 file already in the library."
