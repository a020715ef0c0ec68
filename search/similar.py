""""More like this": what a passage, a file (or one of its pages or sections) or a paper is.

`Searcher.similar` searches with the item's own stored vectors (their mean, normalised) and
leaves the item out of the results; this module names items and says which passages are theirs.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from search.errors import UnknownItemError


@dataclass(frozen=True)
class LikeTarget:
    """One of: a passage (`chunk_id`), a file (`path`, optionally narrowed to a PDF `page` or a
    note section `heading`), or a paper (`paper_id`)."""

    chunk_id: str | None = None
    path: str | None = None
    page: int | None = None
    heading: str | None = None
    paper_id: str | None = None

    def __post_init__(self) -> None:
        chosen = [name for name in ("chunk_id", "path", "paper_id") if getattr(self, name) is not None]
        if len(chosen) != 1:
            raise ValueError("give exactly one of chunk_id, path or paper_id")
        if (self.page is not None or self.heading is not None) and self.path is None:
            raise ValueError("page and heading narrow a path")
        if self.page is not None and self.heading is not None:
            raise ValueError("give a page or a heading, not both")

    def label(self) -> str:
        if self.chunk_id is not None:
            return f"passage {self.chunk_id}"
        if self.paper_id is not None:
            return f"paper {self.paper_id}"
        if self.page is not None:
            return f"{self.path}#page={self.page}"
        if self.heading is not None:
            return f"{self.path}#{self.heading}"
        return str(self.path)


def parse_like(spec: str, known_paths: Collection[str]) -> LikeTarget:
    """`PATH`, `PATH#page=N` or `PATH#heading text` (a heading path may be written `A > B`), with
    PATH relative to the library. A `#` that is part of an indexed file name stays in the path."""
    spec = spec.strip()
    if spec in known_paths:
        return LikeTarget(path=spec)
    for cut, char in enumerate(spec):
        if char != "#" or spec[:cut] not in known_paths:
            continue
        path, fragment = spec[:cut], spec[cut + 1 :].strip()
        if not fragment:
            return LikeTarget(path=path)
        if fragment.lower().startswith("page="):
            number = fragment[len("page=") :].strip()
            if not number.isdigit() or int(number) < 1:
                raise UnknownItemError(f"'{fragment}' is not a page: write {path}#page=N with N a page number (1, 2, ...).")
            return LikeTarget(path=path, page=int(number))
        return LikeTarget(path=path, heading=fragment)
    path = spec.split("#", 1)[0]
    raise UnknownItemError(
        f"{path} is not in the index: give a file's path relative to the library, as search results show it "
        "(a file added since the last build needs a build first)."
    )


def heading_matches(heading: str | None, wanted: str) -> bool:
    """Does a passage's heading path ('Title > Methods > Loss') lie in the section `wanted`
    ('Methods', 'Title > Methods', any case)? Subsections belong to their section."""
    if not heading:
        return False
    have = [part.strip().casefold() for part in heading.split(" > ")]
    want = [part.strip().casefold() for part in wanted.split(">") if part.strip()]
    return bool(want) and any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))
