"""Writes one generated file (a PDF with fpdf2, or a Markdown note) and says what it holds.

The file's text comes from the file's own random stream (seed and index), so any worker process
writes the same bytes for it; the PDF's dates are the paper's year, not the clock, for the same
reason.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bench.big_library.compose import body, front_matter, note_markdown, references
from bench.big_library.identity import Identity
from bench.big_library.layout import LEFT, PAGE_HEIGHT, PAGE_WIDTH, TEXT_WIDTH, Laid, lay_out
from bench.big_library.sources import CJK, Pool
from bench.big_library.typeface import Typeface

FONT = "noto"


@dataclass(frozen=True)
class Written:
    """What one file holds, for files.jsonl and the checks of the whole library."""

    index: int
    path: str
    kind: str
    pages: int  # planned pages of a PDF (0 for a note): the test checks the PDF has them
    chinese: bool
    bytes: int
    words: int
    digest: str  # of the file's text: the library's files must all differ
    answers: tuple[int, ...]  # the queries whose source text this file contains

    def to_dict(self) -> dict:
        return {"path": self.path, "kind": self.kind, "pages": self.pages, "chinese": self.chinese, "bytes": self.bytes,
                "words": self.words, "digest": self.digest}


def text_of(identity: Identity, pool: Pool, face: Typeface, seed: int) -> tuple[str, Laid | None]:
    """The file's text as printed (a PDF's paragraphs as laid out, whole lines joined back) and,
    for a PDF, its layout."""
    rng = random.Random(f"{seed}:{identity.index}:text")
    if identity.kind == "note":
        return note_markdown(identity, pool, rng), None
    laid = lay_out(front_matter(identity, pool), body(identity, pool, rng), references(pool, rng), identity.pages, face, pool, rng)
    return "\n".join(text for _, _, text in laid.placed), laid


def write(identity: Identity, pool: Pool, face: Typeface, seed: int, out: Path, sources: list[str]) -> Written:
    """Writes the file under `out`; `sources`: the queries' source texts, to say which it holds."""
    text, laid = text_of(identity, pool, face, seed)
    target = out / identity.path
    target.parent.mkdir(parents=True, exist_ok=True)
    if laid is None:
        target.write_text(text, encoding="utf-8")
        pages, chinese = 0, bool(CJK.search(text))
    else:
        target.write_bytes(pdf_bytes(identity, laid, face))
        pages, chinese = identity.pages, any(paragraph.chinese for _, paragraph, _ in laid.placed)
    flat = " ".join(text.split())
    return Written(identity.index, identity.path, identity.kind, pages, chinese, target.stat().st_size, len(flat.split()),
                   hashlib.blake2b(flat.encode("utf-8"), digest_size=8).hexdigest(),
                   tuple(number for number, source in enumerate(sources) if source in flat))


def pdf_bytes(identity: Identity, laid: Laid, face: Typeface) -> bytes:
    """The laid-out pages as a PDF: lines placed where the layout put them, a grey box per figure,
    a page number in the foot; title and authors in the document information too."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(PAGE_WIDTH, PAGE_HEIGHT))
    pdf.set_auto_page_break(False)
    pdf.add_font(FONT, "", str(face.path))
    pdf.set_title(identity.title)
    pdf.set_author(", ".join(identity.authors))
    pdf.set_creation_date(datetime(identity.year, 1, 1, tzinfo=timezone.utc))
    pdf.set_draw_color(120, 120, 120)
    pdf.set_fill_color(235, 235, 235)
    for number, page in enumerate(laid.pages, 1):
        pdf.add_page()
        if page.figure:
            top, height = page.figure
            pdf.rect(LEFT + 40, top, TEXT_WIDTH - 80, height, style="DF")
        size = None
        for y, line_size, text in page.lines:
            if line_size != size:
                pdf.set_font(FONT, size=line_size)
                size = line_size
            pdf.text(LEFT, y, text)
        pdf.set_font(FONT, size=8)
        pdf.text(PAGE_WIDTH / 2 - 4, PAGE_HEIGHT - 32, str(number))
    return bytes(pdf.output())
