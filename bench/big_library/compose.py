"""The text of one generated file, recombined from the pool with the file's own random stream.

A paragraph is a window of sentences of one source (a real PDF page's run of text, a SciFact
abstract or, in a Chinese-bearing PDF, the Chinese lines of a note), sometimes with a sentence or
two of another source appended; windows start anywhere and are of any length, so two files share
a sentence now and then but never a paragraph sequence. Every passage a build embeds also carries
the file's title, so no two files give the model the same text to embed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from bench.big_library.identity import INITIALS, SURNAMES, Identity
from bench.big_library.sources import Pool, plain

SECTIONS = ["Introduction", "Related Work", "Method", "Experimental Setup", "Results", "Ablation Studies",
            "Discussion", "Limitations", "Conclusion"]
NOTE_OPENERS = ["Key-point", "Contributions", "Summary", "Takeaways"]


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str  # title, meta, heading, body, caption, reference
    chinese: bool = False


def front_matter(identity: Identity, pool: Pool) -> list[Paragraph]:
    """Page 1's head: title, authors, venue and year, and the anchor abstract."""
    abstract = pool.abstracts[identity.anchor]
    return [
        Paragraph(identity.title, "title"),
        Paragraph(", ".join(identity.authors), "meta"),
        Paragraph(f"{identity.venue} {identity.year}", "meta"),
        Paragraph("Abstract", "heading"),
        Paragraph(" ".join(abstract.sentences), "body"),
    ]


def body(identity: Identity, pool: Pool, rng: random.Random) -> Iterator[Paragraph]:
    """Numbered sections of recombined paragraphs and figure captions, as long as it is read."""
    section = 0
    while True:
        name = SECTIONS[section % len(SECTIONS)]
        section += 1
        yield Paragraph(f"{section} {name}" if section <= len(SECTIONS) else f"A.{section - len(SECTIONS)} {name} (continued)",
                        "heading")
        for _ in range(rng.randint(2, 6)):
            yield paragraph(identity, pool, rng)


def paragraph(identity: Identity, pool: Pool, rng: random.Random) -> Paragraph:
    roll = rng.random()
    if identity.chinese and roll < 0.2:
        count = rng.randint(1, 2)
        start = rng.randrange(len(pool.chinese_paragraphs))
        return Paragraph("".join(pool.chinese_paragraphs[(start + k) % len(pool.chinese_paragraphs)] for k in range(count)),
                         "body", chinese=True)
    sentences = _window(rng.choice(pool.passages), rng) if roll < 0.6 else _window(rng.choice(pool.abstracts).sentences, rng)
    if rng.random() < 0.3:
        other = rng.choice(pool.abstracts).sentences if rng.random() < 0.5 else rng.choice(pool.passages)
        sentences += _window(other, rng, 1, 2)
    return Paragraph(" ".join(sentences), "body")


def caption(number: int, pool: Pool, rng: random.Random) -> Paragraph:
    return Paragraph(f"Figure {number}: " + _window(rng.choice(pool.abstracts).sentences, rng, 1, 1)[0], "caption")


def references(pool: Pool, rng: random.Random) -> list[Paragraph]:
    """A short reference list of other abstracts' titles, as the last page of a paper has."""
    found = [Paragraph("References", "heading")]
    for number in range(1, rng.randint(4, 10) + 1):
        authors = ", ".join(f"{rng.choice(SURNAMES)} {rng.choice(INITIALS)}" for _ in range(rng.randint(1, 3)))
        title = rng.choice(pool.abstracts).title
        found.append(Paragraph(f"[{number}] {authors}. {title}. {rng.choice(['Nature', 'Cell', 'CVPR', 'NeurIPS'])}, "
                               f"{rng.randint(1990, 2024)}.", "reference"))
    return found


def _window(sentences: tuple[str, ...], rng: random.Random, shortest: int = 2, longest: int = 5) -> list[str]:
    length = min(len(sentences), rng.randint(shortest, longest))
    start = rng.randint(0, len(sentences) - length)
    return list(sentences[start : start + length])


def note_markdown(identity: Identity, pool: Pool, rng: random.Random) -> str:
    """A reading note in the shared notes' own layout: a quoted header naming the paper (and
    linking its PDF when the library has it), a key-point list, then 2 to 5 sections of the real
    notes (a window of each one's lines, headings kept) and an English summary."""
    abstract = pool.abstracts[identity.anchor]
    lines = [f"# {identity.title}", "", f'> "{identity.about_title or identity.title}" {identity.venue}, {identity.year}']
    if identity.about_path:
        lines.append(f"> [pdf](./{identity.about_path.replace(' ', '%20')})")
    lines += [f"> Authors: {', '.join(identity.authors)}", "", f"## {rng.choice(NOTE_OPENERS)}", ""]
    lines += [f"- {sentence}" for sentence in _window(abstract.sentences, rng, 2, 4)]
    for _ in range(rng.randint(2, 5)):
        section = rng.choice(pool.sections)
        length = min(len(section.lines), rng.randint(6, 30))
        start = rng.randint(0, len(section.lines) - length)
        window = [line for line in section.lines[start : start + length]]
        if sum(len(plain(line)) for line in window) < 40:
            window = list(section.lines[:30])
        lines += ["", f"## {section.heading}", "", *window]
    lines += ["", "## Summary", "", " ".join(_window(rng.choice(pool.abstracts).sentences, rng, 2, 4)), ""]
    return "\n".join(lines)
