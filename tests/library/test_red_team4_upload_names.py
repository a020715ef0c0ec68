"""The page's upload messages name a file by its safe stored name (AddedFile.shown_name), never by
the raw uploaded name, which may hold bidi overrides, controls or a path: every outcome is checked."""

from __future__ import annotations

import re

from library import Library, safe_file_name
from tests.support.pdf_factory import write_pdf
from ui.upload_messages import upload_message

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069/]")
NOTE = "# Deformable convolution\n\nOffsets align frames.\n".encode()


def test_every_upload_message_shows_the_safe_name(small_library, tmp_path):
    lib = Library(small_library)
    write_pdf(tmp_path / "x.pdf", title="T", pages=["Some text on a page."])
    hostile = "../evil\u202egnp.\x1b[2J"  # shows as "evil" + reversed text, clears a terminal
    results = lib.add_files("notes", [
        (hostile + "a.md", NOTE),                                 # added
        (hostile + "b.exe", b"MZ"),                               # refused: not a PDF or a note
        (hostile + "c.md", NOTE),                                 # duplicate of the first
        (hostile + "a.md", "# Other\n\nDifferent text.\n".encode()),  # renamed: the name is taken
    ])
    assert [r.outcome for r in results] == ["added", "refused", "duplicate", "renamed"]
    for result in results:
        assert result.shown_name == safe_file_name(result.name) and not UNSAFE.search(result.shown_name)
        level, text = upload_message(result)
        assert level in {"success", "info", "warning"}
        assert not UNSAFE.search(text.replace("\\", "").replace("notes/", "")), (result.outcome, text)
