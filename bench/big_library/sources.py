"""The text a generated library is recombined from, read from ../shared/data at run time.

Three sources, as issue #23 asks: SciFact abstracts (titles and sentences), sections of the real
reading notes (Markdown, much of it Chinese) and passages of the real PDFs' pages (extracted with
pypdfium2). Nothing is copied into the repository; the pool lives in memory only while a library
is generated (about 60 MB for the whole shared data).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

CJK = re.compile(r"[\u3400-\u9fff]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])|(?<=[。！？；])")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`>#|]+")
_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")


@dataclass(frozen=True)
class Abstract:
    title: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class NoteSection:
    heading: str
    lines: tuple[str, ...]  # the section's Markdown lines, as the note has them
    chinese: bool


@dataclass(frozen=True)
class Pool:
    """Everything a file is built from; indexed by position, so a seed picks the same pieces."""

    abstracts: tuple[Abstract, ...]
    passages: tuple[tuple[str, ...], ...]  # sentences of a run of a real PDF page
    sections: tuple[NoteSection, ...]
    chinese_paragraphs: tuple[str, ...]  # plain-text Chinese paragraphs (markup removed) for PDFs

    def characters(self) -> set[str]:
        """Every character the pool can put into a PDF: the font is cut down to these."""
        chars: set[str] = set()
        for abstract in self.abstracts:
            chars.update(abstract.title)
            for sentence in abstract.sentences:
                chars.update(sentence)
        for passage in self.passages:
            for sentence in passage:
                chars.update(sentence)
        for paragraph in self.chinese_paragraphs:
            chars.update(paragraph)
        return chars


def sentences(text: str) -> list[str]:
    """Sentences of English or Chinese prose; a sentence stays whole, with its own punctuation."""
    return [piece.strip() for piece in _SENTENCE_END.split(" ".join(printable(text).split())) if piece and piece.strip()]


def printable(text: str) -> str:
    """Text without control, format and unassigned characters: PDF extraction leaves some
    (\\x01, \\x1a, and U+FFFE where a word was hyphenated, so dropping it mends the word)."""
    return "".join(char for char in text if char in "\n\t" or not unicodedata.category(char).startswith("C"))


def plain(markdown_line: str) -> str:
    """A Markdown line as a PDF would print it: no images, links as their text, no markup."""
    line = _IMAGE.sub("", markdown_line)
    line = _LINK.sub(r"\1", line)
    line = _MARKUP.sub("", line).replace("$", "")
    return " ".join(line.split()).lstrip("- ").strip()


def load_abstracts(scifact: Path) -> list[Abstract]:
    """SciFact's corpus, one abstract per title (two titles repeat; the first is kept)."""
    seen: set[str] = set()
    abstracts = []
    with open(scifact / "corpus.jsonl", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            title = " ".join(record["title"].split()).rstrip(".")
            found = sentences(record["text"])
            if title and title not in seen and len(found) >= 3:
                seen.add(title)
                abstracts.append(Abstract(title, tuple(found)))
    return abstracts


def load_passages(pdfs: Path, words: int = 110) -> list[tuple[str, ...]]:
    """Runs of about `words` words of sentences from every page of the real PDFs, with lines
    joined and hyphenated line ends mended. Runs that are mostly digits and symbols (tables,
    equations, reference lists) are left out: they are not what a paragraph recombines from."""
    import pypdfium2 as pdfium

    runs: list[tuple[str, ...]] = []
    for path in sorted(pdfs.glob("*.pdf")):
        document = pdfium.PdfDocument(path)
        try:
            for number in range(len(document)):
                page = document[number]
                text = page.get_textpage().get_text_range()
                page.close()
                runs.extend(_runs(sentences(_joined_lines(text)), words))
        finally:
            document.close()
    return [run for run in runs if _is_prose(" ".join(run))]


def _joined_lines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\x02", "")
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return text.replace("\n", " ")


def _runs(found: list[str], words: int) -> list[tuple[str, ...]]:
    runs, current, count = [], [], 0
    for sentence in found:
        if len(sentence) > 600 or not _is_prose(sentence, 20):  # no full stops, or an equation
            continue
        current.append(sentence)
        count += len(sentence.split())
        if count >= words:
            runs.append(tuple(current))
            current, count = [], 0
    if count >= words // 2:
        runs.append(tuple(current))
    return runs


def _is_prose(text: str, shortest: int = 200) -> bool:
    letters = sum(char.isalpha() for char in text)
    return len(text) >= shortest and letters >= 0.75 * len(text.replace(" ", ""))


def load_sections(notes: Path) -> list[NoteSection]:
    """Every note's sections (a heading and the lines up to the next heading) with some text."""
    found = []
    for path in sorted(notes.glob("*.md")):
        heading, lines = None, []
        for line in printable(path.read_text(encoding="utf-8")).splitlines() + ["# end"]:
            match = _HEADING.match(line)
            if not match:
                lines.append(line.rstrip())
                continue
            body = tuple(_trimmed(lines))
            if heading and sum(len(plain(text)) for text in body) >= 80:
                found.append(NoteSection(heading, body, bool(CJK.search("".join(body)))))
            heading, lines = match.group(2), []
    return found


def _trimmed(lines: list[str]) -> list[str]:
    """Lines without runs of blank lines (the notes have many around their images)."""
    kept: list[str] = []
    for line in lines:
        if line.strip() or (kept and kept[-1].strip()):
            kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    return kept


def chinese_paragraphs(sections: list[NoteSection]) -> list[str]:
    """Lines of the notes that are mostly Chinese prose, as plain text, for PDFs' Chinese passages."""
    found = []
    for section in sections:
        for line in section.lines:
            text = plain(line)
            if len(text) >= 40 and len(CJK.findall(text)) >= 0.3 * len(text):
                found.append(text)
    return found


def load_pool(data: Path) -> Pool:
    """The whole pool from a shared-data folder (scifact/, notes/, pdfs/)."""
    sections = load_sections(data / "notes")
    return Pool(
        abstracts=tuple(load_abstracts(data / "scifact")),
        passages=tuple(load_passages(data / "pdfs")),
        sections=tuple(sections),
        chinese_paragraphs=tuple(chinese_paragraphs(sections)),
    )
