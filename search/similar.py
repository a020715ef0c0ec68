""""More like this": what a passage, a file (or one of its pages or sections) or a paper is.

`Searcher.similar` searches with the item's own stored vectors (their mean, normalised) and
leaves the item out of the results; this module names items and says which passages are theirs.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from search.errors import SkippedItemError, UnknownItemError
from search.passages import PassageRows, optional_int


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


def parse_like(spec: str, known_paths: Collection[str], skipped: Mapping[str, str] | None = None) -> LikeTarget:
    """`PATH`, `PATH#page=N` or `PATH#heading text` (a heading path may be written `A > B`), with
    PATH relative to the library. A `#` that is part of an indexed file name stays in the path.
    `skipped` (path → reason, from the manifest): a file the build skipped is refused as skipped,
    with its reason (SkippedItemError), not as a file that needs a build."""
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
    for cut in [len(spec)] + [cut for cut, char in enumerate(spec) if char == "#"]:
        if skipped and spec[:cut] in skipped:
            raise SkippedItemError(spec[:cut], skipped[spec[:cut]])
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


def item_rows(target: LikeTarget, passages: PassageRows) -> tuple[list[int], set[int]]:
    """The rows whose vectors describe the item, and the rows to leave out of its results."""
    if target.chunk_id is not None:
        rows = passages.where(pc.equal(passages.column("chunk_id"), target.chunk_id))
        if not rows:
            raise UnknownItemError(
                f"No passage {target.chunk_id} in the index; it may have changed in a rebuild. Search again."
            )
        return rows, set(rows)
    if target.paper_id is not None:
        return _paper_rows(target.paper_id, passages)
    return _file_rows(target, passages)


def _file_rows(target: LikeTarget, passages: PassageRows) -> tuple[list[int], set[int]]:
    path = target.path
    rows = passages.where(pc.equal(passages.column("path"), path))
    if not rows:
        raise UnknownItemError(
            f"{path} is not in the index: give a file's path relative to the library, as search results show it "
            "(a file added since the last build needs a build first)."
        )
    if target.page is not None:
        pages = sorted({optional_int(passages.row(row)["page"]) for row in rows} - {None})
        if not pages:
            raise UnknownItemError(f"{path} is a note and has no pages; name a section instead: {path}#Heading.")
        chosen = [row for row in rows if optional_int(passages.row(row)["page"]) == target.page]
        if not chosen:
            raise UnknownItemError(f"{path} has no indexed text on page {target.page}; pages with text: {_ranges(pages)}.")
        return chosen, set(chosen)
    if target.heading is not None:
        chosen = [row for row in rows if heading_matches(passages.row(row)["heading"], target.heading)]
        if not chosen:
            headings = list(dict.fromkeys(passages.row(row)["heading"] for row in rows if passages.row(row)["heading"]))
            if not headings:
                raise UnknownItemError(f"{path} has no headings; use the whole file, or #page=N for a PDF.")
            shown = "; ".join(headings[:8]) + ("; ..." if len(headings) > 8 else "")
            raise UnknownItemError(f"{path} has no section '{target.heading}'. Its sections: {shown}.")
        return chosen, set(chosen)
    return rows, set(rows)


def _paper_rows(paper_id: str, passages: PassageRows) -> tuple[list[int], set[int]]:
    record = passages.catalog.paper(paper_id)
    if record is None:
        raise UnknownItemError(
            f"No paper with id '{paper_id}' in the index; the paper list and search results carry each paper's id."
        )
    files = set(record.files)
    in_files = pc.is_in(passages.column("path"), pa.array(sorted(files), pa.string()))
    own = passages.where(in_files)
    notes = passages.where(pc.and_(pc.equal(passages.column("kind"), "note"), pc.invert(in_files)))
    about = [row for row in notes if (paper := passages.paper(row)) is not None and paper.paper_id == paper_id]
    source = own or about
    if not source:
        raise UnknownItemError(f"Paper '{paper_id}' ({record.title}) has no indexed passage to compare with.")
    return source, set(own) | set(about)


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> '1-3, 7'."""
    parts, start = [], None
    for i, number in enumerate(numbers):
        if start is None:
            start = number
        if i + 1 == len(numbers) or numbers[i + 1] != number + 1:
            parts.append(str(start) if start == number else f"{start}-{number}")
            start = None
    return ", ".join(parts)
