"""Documents → chunks sized in the embedding model's own tokens.

Whitespace words mean nothing for Chinese, so sizes are measured with the model's tokenizer
(passed in as a `Tokenizer`, so this package needs nothing from `embed`). A section is cut into
units (note lines, PDF sentences), units are packed greedily up to the budget, and consecutive
chunks share a small overlap. A chunk's shown text is an exact slice of the source; its embedded
text is the document title + heading path + the cleaned slice, and never exceeds the model's limit.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import asdict, dataclass, replace
from typing import Protocol

from corpus.bibliography import BODY, STUB, passage_roles
from corpus.documents import Chunk, Document, Section
from corpus.markdown_clean import clean_markdown, extract_links

_SENTENCE = re.compile(r".+?(?:[.!?](?=\s)|[。！？；]|$)", re.S)
_MIN_BODY_TOKENS = 16
# A note passage with fewer body tokens than this (title and headings aside) is a stub: a template's
# skeleton or a one-line "> learn what", which says little however well its heading matches.
# Chosen on the dev sets with its weight (search/evidence.py; bench/RETRIEVAL.md, issue #20).
STUB_TOKENS = 24


class Tokenizer(Protocol):
    """What chunking needs from a model's tokenizer."""

    @property
    def max_tokens(self) -> int:
        """The most content tokens one input may hold (special tokens excluded)."""

    def count_tokens(self, texts: list[str]) -> list[int]: ...

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character (start, end) of each token of `text`."""


@dataclass(frozen=True)
class ChunkSettings:
    chunk_tokens: int = 192
    overlap_tokens: int = 32
    # A note's paper-list entries each start a passage of their own, so a passage carries the
    # paper it is about (issue #20); False reads indexes chunked before this setting existed.
    entry_breaks: bool = True

    def __post_init__(self) -> None:
        if self.chunk_tokens < 32:
            raise ValueError("chunk_tokens must be at least 32")
        if not 0 <= self.overlap_tokens < self.chunk_tokens // 2:
            raise ValueError("overlap_tokens must be >= 0 and less than half of chunk_tokens")

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class _Unit:
    start: int  # character offsets into the section text
    end: int
    line: int  # 0-based line of `start` within the section
    clean: str
    tokens: int


def chunk_document(
    document: Document, tokenizer: Tokenizer, settings: ChunkSettings, breaks: frozenset[int] = frozenset()
) -> list[Chunk]:
    """The document's passages in reading order; a PDF's reference list is marked as such
    (corpus/bibliography.py), so search can tell a paper's own text from what it cites. `breaks`:
    lines of a note (1-based) where a passage must start, with nothing carried over: the first
    lines of its paper-list entries (with `settings.entry_breaks`)."""
    breaks = breaks if settings.entry_breaks else frozenset()
    chunks: list[Chunk] = []
    for section in document.sections:
        chunks.extend(_chunk_section(document, section, tokenizer, settings, breaks))
    if document.kind == "pdf":
        chunks = [replace(c, role=role) for c, role in zip(chunks, passage_roles([c.text for c in chunks]))]
    if document.marks:  # the reader's own marks in the file: passages of their own kind, on their page
        marks = replace(document, kind="annotation", sections=document.marks, marks=())
        chunks.extend(chunk_document(marks, tokenizer, settings))
    return chunks


def _chunk_section(
    document: Document, section: Section, tokenizer: Tokenizer, settings: ChunkSettings, breaks: frozenset[int]
) -> list[Chunk]:
    prefix = _embed_prefix(document, section, tokenizer)
    limit = min(settings.chunk_tokens, tokenizer.max_tokens)
    budget = limit - tokenizer.count_tokens([prefix])[0] - 1
    units = _units(section.text, document.kind, tokenizer, budget)
    heading = " > ".join(section.heading_path) or None
    chunks = []
    starts = {i for i, unit in enumerate(units)
              if section.start_line is not None and section.start_line + unit.line in breaks}
    for group in _pack(units, budget, settings.overlap_tokens, starts):
        body = "\n".join(unit.clean for unit in group)
        shown = section.text[group[0].start : group[-1].end].strip()
        embed_text = f"{prefix}\n{body}"
        start_line = None if section.start_line is None else section.start_line + group[0].line
        stub = document.kind == "note" and sum(unit.tokens for unit in group) < STUB_TOKENS
        chunks.append(
            Chunk(
                chunk_id=_chunk_id(document.path, section.page, start_line, embed_text),
                path=document.path,
                kind=document.kind,
                title=document.title,
                text=shown,
                embed_text=embed_text,
                page=section.page,
                heading=heading,
                start_line=start_line,
                links=tuple(extract_links(shown)) if document.kind == "note" else (),
                role=STUB if stub else BODY,
            )
        )
    return chunks


def _embed_prefix(document: Document, section: Section, tokenizer: Tokenizer) -> str:
    """Title and heading path give a passage its context; cap them at a third of the window."""
    path = [h for h in section.heading_path if h != document.title]
    prefix = " > ".join([document.title, *path])
    cap = tokenizer.max_tokens // 3
    spans = tokenizer.token_spans(prefix)
    if len(spans) > cap:
        prefix = prefix[: spans[cap - 1][1]]
    return prefix


def _units(text: str, kind: str, tokenizer: Tokenizer, budget: int) -> list[_Unit]:
    """Lines of a note or sentences of a PDF page, each no larger than `budget` tokens."""
    budget = max(budget, _MIN_BODY_TOKENS)
    newlines = [i for i, char in enumerate(text) if char == "\n"]
    pieces = _line_spans(text) if kind == "note" else _sentence_spans(text)
    cleaned = [clean_markdown(text[s:e]) if kind == "note" else text[s:e].strip() for s, e in pieces]
    kept = [(span, clean) for span, clean in zip(pieces, cleaned) if clean]
    counts = tokenizer.count_tokens([clean for _, clean in kept]) if kept else []
    units: list[_Unit] = []
    for ((start, end), clean), count in zip(kept, counts):
        if count <= budget:
            units.append(_Unit(start, end, bisect.bisect_left(newlines, start), clean, count))
        else:
            units.extend(_split_long(text, start, end, kind, tokenizer, budget, newlines))
    return units


def _split_long(
    text: str,
    start: int,
    end: int,
    kind: str,
    tokenizer: Tokenizer,
    budget: int,
    newlines: list[int],
) -> list[_Unit]:
    """Cut an over-long line or sentence at token boundaries of its raw text."""
    raw = text[start:end]
    spans = tokenizer.token_spans(raw)
    units = []
    for first in range(0, len(spans), budget):
        window = spans[first : first + budget]
        piece_start = start + window[0][0]
        piece_end = start + window[-1][1] if first + budget < len(spans) else end
        piece = text[piece_start:piece_end]
        clean = clean_markdown(piece) if kind == "note" else piece.strip()
        if clean:
            count = tokenizer.count_tokens([clean])[0]
            line = bisect.bisect_left(newlines, piece_start)
            units.append(_Unit(piece_start, piece_end, line, clean, count))
    return units


def _pack(units: list[_Unit], budget: int, overlap: int, starts: set[int] = frozenset()) -> list[list[_Unit]]:
    """Greedy packing; each new chunk starts with the tail (<= `overlap` tokens) of the last one,
    except at `starts` (unit positions that open a chunk of their own, with no tail)."""
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    size = 0
    fresh = 0  # units in `current` not carried over from the previous chunk
    for position, unit in enumerate(units):
        if current and position in starts:
            if fresh:
                groups.append(current)
            current, size, fresh = [], 0, 0
        if current and size + unit.tokens > budget:
            if fresh:
                groups.append(current)
            current, size = _overlap_tail(current, overlap, budget - unit.tokens)
            fresh = 0
        current.append(unit)
        size += unit.tokens
        fresh += 1
    if current and fresh:
        groups.append(current)
    return groups


def _overlap_tail(units: list[_Unit], overlap: int, room: int) -> tuple[list[_Unit], int]:
    tail: list[_Unit] = []
    size = 0
    for unit in reversed(units):
        if size + unit.tokens > min(overlap, room):
            break
        tail.insert(0, unit)
        size += unit.tokens
    return tail, size


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, position = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((position, position + len(line)))
        position += len(line) + 1
    return spans


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]


def _chunk_id(path: str, page: int | None, line: int | None, embed_text: str) -> str:
    """Content-derived: the same file read the same way always yields the same ids."""
    key = f"{path}\x00{page}\x00{line}\x00{embed_text}".encode()
    return hashlib.sha256(key).hexdigest()[:20]
