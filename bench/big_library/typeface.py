"""One font for every generated PDF: Noto Sans CJK SC cut down to the characters the pool uses.

The full Noto CJK collection is 20 MB; fpdf2 parses it in 0.2 s and subsets it in 0.14 s for every
PDF, which alone would cost 10,000 PDFs half an hour. Cut once to the pool's ~1,500 characters it
costs a few milliseconds per PDF, and it prints English, Greek and Chinese alike. The advance
widths are read from the same font, so lines can be wrapped in plain Python (fpdf2's multi_cell
is 50 ms a page; placing pre-wrapped lines with `text` is 2 ms).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# Debian's fonts-noto-cjk; face 2 of the collection is the Simplified Chinese one.
NOTO_CJK = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2)
_PIECES = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")


class FontMissingError(RuntimeError):
    """The CJK font is not installed: `apt-get install fonts-noto-cjk`."""


@dataclass(frozen=True)
class Typeface:
    path: Path  # the cut-down font, a temporary file beside nothing of the repository
    widths: dict[str, float]  # advance width in em, per character the font has

    def clean(self, text: str) -> str:
        """Text the font can print: a character it lacks is replaced by its compatibility form
        (ligature ﬁ -> fi) if the font has that, else dropped."""
        if all(char in self.widths or char == " " for char in text):
            return text
        out = []
        for char in text:
            if char in self.widths or char == " ":
                out.append(char)
            else:
                out.append("".join(c for c in unicodedata.normalize("NFKC", char) if c in self.widths or c == " "))
        return "".join(out)

    def width(self, text: str, size: float) -> float:
        """Printed width in points at `size` points."""
        widths = self.widths
        return size * sum(widths.get(char, 0.5) for char in text)

    def wrap(self, text: str, size: float, width: float) -> list[tuple[str, str]]:
        """Lines of `text` no wider than `width` points, each with the separator its break
        removed (" " between words, "" inside Chinese), so the lines join back to the text."""
        space = self.width(" ", size)
        lines: list[tuple[str, str]] = []
        current, current_width, previous_end = "", 0.0, 0
        for match in _PIECES.finditer(text):
            piece = match.group()
            gap = text[previous_end:match.start()]
            joiner = " " if gap else ""
            piece_width = self.width(piece, size)
            needed = piece_width + (space if joiner and current else 0.0)
            if current and current_width + needed > width:
                lines.append((current, joiner))
                current, current_width = "", 0.0
            if not current and piece_width > width:  # a URL or formula longer than a line
                while self.width(piece, size) > width:
                    cut = _fit(self, piece, size, width)
                    lines.append((piece[:cut], ""))
                    piece = piece[cut:]
                piece_width = self.width(piece, size)
            if current:
                current += joiner + piece
                current_width += needed
            else:
                current, current_width = piece, piece_width
            previous_end = match.end()
        if current:
            lines.append((current, ""))
        return lines


def _fit(face: Typeface, piece: str, size: float, width: float) -> int:
    total = 0.0
    for position, char in enumerate(piece):
        total += face.width(char, size)
        if total > width:
            return max(position, 1)
    return len(piece)


def cut_font(characters: set[str], folder: Path, source: tuple[Path, int] = NOTO_CJK) -> Typeface:
    """Writes the font cut down to `characters` into `folder` and reads its widths."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    path, number = source
    if not path.is_file():
        raise FontMissingError(f"{path} is not installed (Debian: apt-get install fonts-noto-cjk)")
    font = TTFont(path, fontNumber=number, recalcTimestamp=False)  # the same bytes on every run
    cmap = font.getBestCmap()
    wanted = sorted({ord(char) for char in characters if ord(char) in cmap} | set(range(0x20, 0x7F)) & set(cmap))
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=wanted)
    cutter.subset(font)
    _to_truetype(font)
    target = folder / "NotoSansCJKsc-pool.ttf"
    font.save(target)
    return read_typeface(target)


def _to_truetype(font) -> None:
    """CFF outlines to TrueType ones (fontTools' otf2ttf recipe). fpdf2 embeds a CFF font with its
    encoding as an embedded CMap, which pypdf (and so the builder's page-1 title reader,
    corpus/pdf_head.py) decodes one byte at a time; a TrueType font is written as Identity-H,
    which every reader knows."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font.sfntVersion = "\000\001\000\000"


def read_typeface(path: Path) -> Typeface:
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    units = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {chr(code): metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    return Typeface(path, widths)
