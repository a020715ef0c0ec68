"""Paths from outside never leave the library: `..`, absolute, links out, URL-encoded variants."""

from __future__ import annotations

import pytest

from library import Library
from index import UnsafePathError


@pytest.fixture
def lib(small_library, tmp_path):
    (tmp_path / "secret.txt").write_text("private")
    (small_library / "notes" / "out").symlink_to(tmp_path)
    (small_library / "notes" / "inner").symlink_to(small_library / "pdfs")
    return Library(small_library)


@pytest.mark.parametrize("relative", [
    "notes/alignment.md", "notes/%E6%89%A9%E6%95%A3%E6%A8%A1%E5%9E%8B.md", "pdfs/transformers.pdf",
    "notes/inner/transformers.pdf", "notes/./alignment.md",
])
def test_library_paths_resolve_inside(lib, relative):
    path = lib.path_of(relative)
    assert path.is_file() and path.is_relative_to(lib.root.resolve())


@pytest.mark.parametrize("relative", [
    "../secret.txt", "notes/../../secret.txt", "/etc/passwd", "notes/out/secret.txt",
    "%2e%2e/secret.txt", "notes/%2E%2E/%2e%2e/secret.txt", "%252e%252e%252fsecret.txt", "..%2fsecret.txt",
    "..\\secret.txt", "C:/Windows/win.ini", "notes/alignment.md\x00.pdf", "", "%25252525252e",
])
def test_paths_that_leave_the_library_are_refused(lib, relative):
    with pytest.raises(UnsafePathError):
        lib.path_of(relative)
