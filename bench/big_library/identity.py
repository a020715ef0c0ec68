"""Who each generated file is: kind, path, title, authors, year, venue, planned pages.

Planned for the whole library in the parent process before any file is written (10,000
identities take a fraction of a second), so paths can be made unique and a note can link to the
PDF it is about; the text is composed later, in the workers, from the same seed.
"""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass

from bench.big_library.sources import Pool

PDF_SHARE = 0.7
CHINESE_EVERY = 7  # every 7th PDF carries Chinese passages (a Chinese paper's 摘要, a translated page)
FIELDS = {
    "vision": ["video-restoration", "diffusion", "super-resolution", "matching"],
    "biomed": ["immunology", "neuroscience", "oncology", "genetics"],
    "ml": ["theory", "generative-models", "transformers"],
    "chemistry": ["molecular-ml", "materials"],
    "epidemiology": ["cohorts", "trials"],
}
VENUES = ["CVPR", "ICCV", "ECCV", "NeurIPS", "ICLR", "ICML", "TIP", "Nature", "Cell", "Lancet", "NEJM", "JAMA", "PLoS-ONE", "Arxiv"]
SURNAMES = [
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Smith", "Johnson",
    "Garcia", "Müller", "Rossi", "Tanaka", "Kim", "Nguyen", "Silva", "Kowalski", "Ivanova", "Dubois", "Andersson",
    "Patel", "Cohen", "O'Brien", "Haddad", "Okafor", "Novak", "Jensen", "Moreau", "Sato", "Park", "Fischer",
]
INITIALS = "ABCDEFGHJKLMNPRSTWXYZ"
TITLE_VARIANTS = [
    "{t}: A Replication", "Revisiting {t}", "{t} in an Independent Cohort", "{t}, Reconsidered",
    "A Second Look at {t}", "{t}: Extended Version",
]


@dataclass(frozen=True)
class Identity:
    index: int
    kind: str  # "pdf" or "note"
    path: str  # relative to the library, "/"-separated
    title: str
    authors: tuple[str, ...]
    year: int
    venue: str
    anchor: int  # the abstract the file is built around
    pages: int = 0  # planned pages of a PDF
    chinese: bool = False  # a PDF with Chinese passages
    about_path: str = ""  # a note about a PDF: that PDF's path, relative to the note's folder
    about_title: str = ""


def plan_library(pool: Pool, files: int, seed: int, pdf_share: float = PDF_SHARE) -> list[Identity]:
    """Identities of `files` files, the same for the same pool and seed."""
    kinds = ["pdf"] * round(files * pdf_share) + ["note"] * (files - round(files * pdf_share))
    random.Random(f"{seed}:kinds").shuffle(kinds)
    anchors = list(range(len(pool.abstracts)))
    random.Random(f"{seed}:anchors").shuffle(anchors)
    identities: list[Identity] = []
    taken: set[str] = set()
    pdfs_so_far: list[Identity] = []
    for index, kind in enumerate(kinds):
        rng = random.Random(f"{seed}:{index}:identity")
        anchor = anchors[index % len(anchors)]
        title = _title(pool.abstracts[anchor].title, index // len(anchors))
        authors = tuple(f"{rng.choice(INITIALS)}. {rng.choice(SURNAMES)}" for _ in range(rng.randint(1, 6)))
        year, venue = rng.randint(2000, 2025), rng.choice(VENUES)
        field = rng.choice(sorted(FIELDS))
        if kind == "pdf":
            path = _pdf_path(rng, field, title, authors, year, venue)
            identity = Identity(index, kind, _unique(path, taken), title, authors, year, venue, anchor,
                                pages=rng.randint(4, 16), chinese=len(pdfs_so_far) % CHINESE_EVERY == CHINESE_EVERY // 2)
            pdfs_so_far.append(identity)
        elif pdfs_so_far and rng.random() < 0.7:  # a note on a paper of the library, linking its PDF
            paper = rng.choice(pdfs_so_far)
            path = _unique(f"notes/{field}/{paper.year}_{paper.venue}_{_dashed(paper.title)}_Note.md", taken)
            identity = Identity(index, kind, path, paper.title, paper.authors, paper.year, paper.venue, paper.anchor,
                                about_path=os.path.relpath(paper.path, os.path.dirname(path)), about_title=paper.title)
        else:
            path = _unique(f"notes/{field}/{rng.choice(FIELDS[field])}/Notes-on-{_dashed(title)}.md", taken)
            identity = Identity(index, kind, path, f"Notes on {title}", authors, year, venue, anchor)
        identities.append(identity)
    return identities


def _title(title: str, cycle: int) -> str:
    """The anchor abstract's title; from the second use of an abstract on, a variant of it."""
    if cycle == 0:
        return title
    return TITLE_VARIANTS[(cycle - 1) % len(TITLE_VARIANTS)].format(t=title) + ("" if cycle <= len(TITLE_VARIANTS) else f" ({cycle})")


def _pdf_path(rng: random.Random, field: str, title: str, authors: tuple[str, ...], year: int, venue: str) -> str:
    """Half Zotero's storage layout (one 8-character key folder per item), half topic folders."""
    if rng.random() < 0.5:
        key = "".join(rng.choice("ABCDEFGHIJKLMNPQRSTUVWXYZ23456789") for _ in range(8))
        first = authors[0].split(". ", 1)[1]
        who = f"{first} et al." if len(authors) > 1 else first
        return f"zotero/storage/{key}/{who} - {year} - {_safe(title)[:80].rstrip()}.pdf"
    return f"papers/{field}/{rng.choice(FIELDS[field])}/{year}_{venue}_{_dashed(title)}.pdf"


def _safe(title: str) -> str:
    return re.sub(r"[\\/:*?\"<>|]+", " ", title).strip()


def _dashed(title: str) -> str:
    return re.sub(r"[^\w]+", "-", title).strip("-")[:90].rstrip("-")


def _unique(path: str, taken: set[str]) -> str:
    stem, dot, suffix = path.rpartition(".")
    candidate, number = path, 2
    while candidate.lower() in taken:
        candidate, number = f"{stem}-{number}{dot}{suffix}", number + 1
    taken.add(candidate.lower())
    return candidate
