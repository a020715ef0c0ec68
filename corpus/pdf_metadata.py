"""What paper a PDF is: its title, arXiv id and year, from metadata and the first page.

``pdf_paper_info`` works on a Document that was already read. The joined page text of a
Document has lost its line breaks and font sizes, so on its own it can only confirm a title
hint (the metadata title or the file name) or read an ALL-CAPS title. Given a ``PdfHead``
(the metadata dict plus page 1's lines with their font sizes, from ``read_pdf_head`` or
``head_from_reader``) it reads the title the way a person does: the largest text at the top
of page 1, before the authors.

Sources, best first:

* title: the metadata title when it looks real and does not contradict page 1; else the
  title lines of page 1; else the file name (``YEAR_VENUE_Title.pdf`` or ``Title.pdf``).
* arXiv id: the arXiv stamp on the first pages (``arXiv:1706.03762v7 [cs.CL] 6 Dec 2017``),
  else a file name that is an arXiv id (``1706.03762v7.pdf``).
* year: the arXiv id (year of the first version), else the stamp's date, else a venue line on
  page 1 ("Published as a conference paper at ICLR 2018", "Proceedings of ... 2020"), else the
  metadata creation date (often the day it was downloaded or re-saved: flagged as such).
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from corpus.documents import Document
from corpus.paper_fields import normalise_title, paper_from_note_filename

__all__ = [
    "HeadLine",
    "PdfHead",
    "PdfPaperInfo",
    "head_and_first_page_text",
    "head_from_reader",
    "pdf_paper_info",
    "read_pdf_head",
    "title_from_pdf_filename",
]


@dataclass(frozen=True)
class PdfPaperInfo:
    title: str | None
    arxiv_id: str | None
    year: int | None
    title_source: str | None  # "metadata" | "first_page" | "filename" | None
    year_source: str | None = None  # "arxiv_id" | "arxiv_stamp" | "first_page" | "metadata_date"
    alt_titles: tuple[str, ...] = ()  # other readings (metadata, page 1, file name) for matching


@dataclass(frozen=True)
class HeadLine:
    text: str
    size: float | None  # the largest effective font size on the line, in points


@dataclass(frozen=True)
class PdfHead:
    """What a Document does not keep: the metadata and page 1 as laid-out lines."""

    metadata: dict[str, str] = field(default_factory=dict)
    lines: tuple[HeadLine, ...] = ()


# --------------------------------------------------------------------------- patterns

_ARXIV_ID = r"(?P<id>(?:0[7-9]|1\d|2\d)(?:0[1-9]|1[0-2])\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
_ARXIV_STAMP = re.compile(
    r"arXiv\s*:\s*" + _ARXIV_ID + r"\s*(?:v\s*\d+)?\s*\[\s*[a-zA-Z\-]+(?:\.[A-Za-z\-]+)?\s*\]"
    r"(?:\s*(?P<day>\d{1,2})\s+(?P<month>" + _MONTH + r")\.?\s+(?P<year>(?:19|20)\d{2}))?"
)
_ARXIV_FILENAME = re.compile(r"^(?:arxiv[_\-. ]?)?" + _ARXIV_ID + r"(?:v\d+)?$", re.IGNORECASE)
_VENUE_YEAR = re.compile(
    r"(?:published\s+as\s+a\s+(?:conference|workshop)\s+paper\s+at|under\s+review\s+as|"
    r"proceedings\s+of|conference\s+on|accepted\s+(?:at|to|by)|appear(?:s|ing)?\s+in|©|copyright)"
    r"[^\n]{0,160}?(?<!\d)(?P<year>(?:19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)
_PDF_DATE = re.compile(r"^D?:?(?P<year>(?:19|20)\d{2})")
_JUNK_METADATA_TITLE = re.compile(
    r"^(?:untitled|title|paper|main|document\d*|slide\s*\d*|microsoft\s+(?:word|powerpoint)|"
    r"arxiv|preprint|manuscript|abstract|none|null)\b|\.(?:docx?|tex|dvi|pdf|ps|indd|qxd)\b|"
    r"^[\w\-]+\.(?:\w{2,4})$",
    re.IGNORECASE,
)
_FOOTNOTE_MARKS = "∗*†‡§¶⋆♯♮#"
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+\.[\w.\-]+|\{[^}]*\}\s*@|@[\w\-]+\.(?:com|edu|org|ac|cn|net)")
_AFFILIATION = re.compile(
    r"\b(?:Universit(?:y|é|e|at|ät|ad|à)|Institut(?:e)?|Laborator(?:y|ies)|Lab|Labs|College|"
    r"School|Department|Dept|Faculty|Academy|Research|Inc|Corp(?:oration)?|Ltd|GmbH|Google|"
    r"Microsoft|Facebook|Meta|NVIDIA|DeepMind|OpenAI|Adobe|Tencent|Alibaba|Baidu|ByteDance|"
    r"Huawei|Samsung|Amazon|Apple|IBM|Intel|Sony|Kuaishou|SenseTime|Megvii|Max\s+Planck|"
    r"MIT|ETH|EPFL|CNRS|INRIA|Inria)\b"
)
_NAME_MARKERS = re.compile(r"[A-Z\u00C0-\u00DE][a-z\u00DF-\u024F]*\s?(?:\d(?:\s?,\s?\d)*|[" + _FOOTNOTE_MARKS + r"])(?:\s|,|$)")
_ABSTRACT = re.compile(r"^(?:abstract|a\s*b\s*s\s*t\s*r\s*a\s*c\s*t|摘\s*要|introduction|keywords?)\b", re.IGNORECASE)
_FRONT_MATTER = re.compile(
    r"(?:published\s+as|under\s+review|accepted\s+(?:at|to|by|as)|to\s+appear|appearing\s+in|"
    r"proceedings\s+of|preprint|^technical\s+report\b|conference\s+on|workshop\s+on|"
    r"transactions\s+on|journal\s+of|provided\s+proper\s+attribution|permission\s+to|"
    r"copyright|©|all\s+rights\s+reserved|licen[cs]e|doi\s*:|https?://|www\.|vol\.|pp\.|"
    r"issn|isbn|draft|camera[\s\-]ready|submitted\s+to|arxiv\s*:)",
    re.IGNORECASE,
)
_FUNCTION_WORDS = {
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "of",
    "on", "or", "over", "the", "to", "towards", "toward", "under", "using", "via", "vs",
    "with", "without", "through", "beyond", "between", "across", "do", "does", "can", "what",
    "when", "how", "why", "all", "you", "need", "not",
}
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or",
                "the", "to", "via", "vs", "with"}
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_CJK_COVER_WORDS = re.compile(
    r"^(?:摘\s*要|目\s*录|毕\s*业\s*论\s*文|毕\s*业\s*设\s*计|学\s*位\s*论\s*文|"
    r"(?:硕|博)\s*士\s*(?:学\s*位\s*)?论\s*文|本\s*科|声\s*明|原\s*创\s*性|.{0,12}大\s*学\s*$)"
)
_CJK_TITLE_LABEL = re.compile(r"^(?:论\s*文\s*)?(?:题\s*目|标\s*题|中\s*文\s*题\s*目)\s*[:：]?\s*(?P<title>\S.*)$")
_CJK_FILENAME_PREFIX = re.compile(r"^(?:毕业论文|毕业设计|学位论文|(?:硕|博)士(?:学位)?论文|本科论文|论文)[_\-\s]+")
_SPACES = re.compile(r"\s+")
_LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl"})
# pypdf leaves a detached accent after its letter ("Balaˇzevi´c", "H ́enaff"): drop the accent.
_LOOSE_ACCENTS = re.compile(r"\s?[\u00b4\u02c6\u02c7\u02d8\u02d9\u02da\u02db\u02dc\u02dd\u00a8\u0060\u0301\u0300\u0308]")

_TITLE_LINES = 4  # a title wraps over at most this many lines
_HEAD_LINES = 400  # lines of page 1 kept in a PdfHead (the arXiv stamp often comes last)
_SCAN_LINES = 14  # lines searched for the title


# --------------------------------------------------------------------------- reading the head


def read_pdf_head(path: str | Path) -> PdfHead | None:
    """Metadata and page 1's lines with font sizes; None when pypdf cannot open the file.

    About 20 ms to open a PDF plus 40-200 ms for page 1 on this machine: a build that already
    has the PdfReader open should call ``head_from_reader`` instead.
    """
    from pypdf import PdfReader  # third-party, only needed here

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:  # noqa: BLE001 — any failure: no head
                return None
        return head_from_reader(reader)
    except Exception:  # noqa: BLE001 — pypdf raises many types on damaged files
        return None


def head_from_reader(reader) -> PdfHead:
    """The PdfHead of an open ``pypdf.PdfReader`` (page 1 extracted once, with a font visitor)."""
    return head_and_first_page_text(reader)[0]


def head_and_first_page_text(reader) -> tuple[PdfHead, str]:
    """The PdfHead and page 1's plain text from one extraction of page 1.

    The text is exactly what ``reader.pages[0].extract_text()`` returns, so a reader that needs
    both (``corpus.pdf_reader``) pays for page 1 once.
    """
    metadata: dict[str, str] = {}
    try:
        for key, value in (reader.metadata or {}).items():
            text = str(value or "").strip()
            if text:
                metadata[str(key)] = text
    except Exception:  # noqa: BLE001
        metadata = {}
    lines: list[HeadLine] = []
    text = ""
    try:
        if len(reader.pages):
            text, lines = _page_lines(reader.pages[0])
    except Exception:  # noqa: BLE001 — a damaged first page: metadata only
        lines = []
    return PdfHead(metadata=metadata, lines=tuple(lines[:_HEAD_LINES])), text or ""


def _page_lines(page) -> tuple[str, list[HeadLine]]:
    pieces: list[tuple[str, float | None]] = []

    def visit(text, cm, tm, font_dict, font_size):  # noqa: ARG001 — pypdf's visitor signature
        size = None
        if text.strip() and font_size:
            # effective size: font size × vertical scale of text matrix × current matrix
            b = tm[0] * cm[1] + tm[1] * cm[3]
            d = tm[2] * cm[1] + tm[3] * cm[3]
            c = tm[2] * cm[0] + tm[3] * cm[2]
            scale = math.hypot(c, d) or math.hypot(tm[0] * cm[0] + tm[1] * cm[2], b)
            size = round(float(font_size) * scale, 1)
        pieces.append((text, size))

    page_text = page.extract_text(visitor_text=visit)
    lines: list[HeadLine] = []
    current, size = "", None
    for text, piece_size in pieces:
        parts = text.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append(HeadLine(current, size))
                current, size = "", None
            current += part
            if piece_size and part.strip():
                size = max(size or 0.0, piece_size)
    lines.append(HeadLine(current, size))
    cleaned = []
    for line in lines:
        text = _clean_text(line.text)
        if text:
            cleaned.append(HeadLine(text, line.size))
    return page_text, cleaned


# --------------------------------------------------------------------------- the public function


def pdf_paper_info(
    document: Document | None,
    pdf_path: str | Path | None = None,
    *,
    head: PdfHead | None = None,
) -> PdfPaperInfo:
    """Title, arXiv id and year of one PDF.

    ``document`` is what ``read_pdf`` returned (None for an unreadable PDF). ``head`` is the
    PDF's metadata and laid-out page 1; when it is None and ``pdf_path`` is an existing file,
    the head is read from that file (one extra page extraction). Pass neither to stay pure:
    then titles come from the metadata title the Document kept, a title hint confirmed on
    page 1, or the file name.
    """
    relative = document.path if document is not None else (str(pdf_path) if pdf_path else "")
    if head is None and pdf_path is not None and Path(pdf_path).is_file():
        head = read_pdf_head(pdf_path)
    metadata = dict(head.metadata) if head else {}
    filename_title = title_from_pdf_filename(relative)

    metadata_title = _metadata_title(metadata.get("/Title"))
    if metadata_title is None and head is None and document is not None:
        # read_pdf kept the metadata title as Document.title when it looked real
        raw_stem = PurePosixPath(relative.replace("\\", "/")).stem
        from_name = {_key(_stem_title(relative)), _key(raw_stem)}
        if document.title and _key(document.title) not in from_name:
            metadata_title = _metadata_title(document.title)

    first_page_title = None
    if head is not None and head.lines:
        first_page_title = _title_from_lines(head.lines)
    if first_page_title is None and document is not None and document.sections:
        hints = [t for t in (metadata_title, filename_title) if t]
        first_page_title = _title_from_joined_text(document.sections[0].text, hints)

    title, source = None, None
    if metadata_title and (
        first_page_title is None or _similar(metadata_title, first_page_title) >= 0.8
    ):
        title, source = metadata_title, "metadata"
    elif first_page_title:
        title, source = first_page_title, "first_page"
    elif filename_title:
        title, source = filename_title, "filename"
    alternatives = []
    for candidate in (first_page_title, metadata_title, filename_title):
        if candidate and candidate != title and candidate not in alternatives:
            alternatives.append(candidate)

    arxiv_id, stamp_year = _arxiv_from_text(document, head)
    if arxiv_id is None:
        arxiv_id = _arxiv_from_filename(relative)
    year, year_source = _year(arxiv_id, stamp_year, document, head, metadata)
    return PdfPaperInfo(
        title=title,
        arxiv_id=arxiv_id,
        year=year,
        title_source=source,
        year_source=year_source,
        alt_titles=tuple(alternatives),
    )


# --------------------------------------------------------------------------- titles


def title_from_pdf_filename(path: str) -> str | None:
    """``2017_06_NIPS_Attention-Is-All-You-Need.pdf`` or ``Attention Is All You Need.pdf``
    (Windows turns ':' into '_': ``PaSa_ An LLM Agent ...``) → the title; junk names → None."""
    if not path:
        return None
    info = paper_from_note_filename(path)
    if info is not None and len(info.title.split()) >= 2:
        return info.title
    stem = _stem_title(path)
    if not stem or _ARXIV_FILENAME.match(PurePosixPath(path.replace("\\", "/")).stem):
        return None
    words = stem.split()
    if len(words) < 2 and not _CJK.search(stem):
        return None
    return stem


def _stem_title(path: str) -> str:
    stem = PurePosixPath(path.replace("\\", "/")).stem
    stem = _CJK_FILENAME_PREFIX.sub("", stem)  # "毕业论文_基于..." → "基于..."
    stem = re.sub(r"_\s+", ": ", stem)
    stem = stem.replace("_", " ")
    return _SPACES.sub(" ", stem).strip(" :")


def _metadata_title(raw: str | None) -> str | None:
    if not raw:
        return None
    title = _clean_text(raw).strip(" .;")
    if len(title) < 4 or _JUNK_METADATA_TITLE.search(title):
        return None
    if not _CJK.search(title) and (len(title.split()) < 2 or not re.search(r"[A-Za-z]{3}", title)):
        return None  # "legewie-fagan-scanned", "paper_v3": a file name, not a title
    if _ARXIV_FILENAME.match(title):
        return None
    return title


def _title_from_lines(lines: tuple[HeadLine, ...]) -> str | None:
    """The largest text near the top of page 1, before the authors; wrapped lines joined."""
    candidates: list[tuple[int, HeadLine]] = []
    for index, line in enumerate(lines[:_SCAN_LINES]):
        text = line.text
        labelled = _CJK_TITLE_LABEL.match(text)
        if labelled:
            return _finish_title(labelled.group("title"))
        if _is_front_matter(text) or not _has_words(text):
            continue
        if _ABSTRACT.match(text):
            break  # the abstract has begun: the title, if any, is above
        if candidates and _looks_like_authors(text):
            break  # the authors have begun
        if _CJK_COVER_WORDS.match(text) or _sentence_like(text):
            continue
        candidates.append((index, line))
    if not candidates:
        return None
    sizes = [line.size for _, line in candidates if line.size]
    if sizes:
        biggest = max(sizes)
        start = next(i for i, (_, line) in enumerate(candidates) if line.size and line.size >= biggest - 0.6)
    else:
        start = 0
    first_index, first = candidates[start]
    parts = [first.text]
    previous_index = first_index
    for index, line in candidates[start + 1 :]:
        if index != previous_index + 1 or len(parts) >= _TITLE_LINES:
            break
        if first.size and line.size and abs(line.size - first.size) > 0.6:
            break
        if not first.size and not _continues_title(parts[-1], line.text):
            break
        parts.append(line.text)
        previous_index = index
    return _finish_title(_join_title_lines(parts))


def _join_title_lines(parts: list[str]) -> str:
    text = parts[0]
    for part in parts[1:]:
        if text.endswith("-") and re.search(r"[a-z]-$", text) and part[:1].islower():
            text = text + part  # "Diffusion-" / "Based" keeps its hyphen; "represen-" / "tation" joins
        elif _CJK.search(text[-1:]) and _CJK.search(part[:1]):
            text += part
        else:
            text += " " + part
    return text


def _continues_title(previous: str, line: str) -> bool:
    """Without font sizes: does this line carry on the title above it?"""
    if _looks_like_authors(line):
        return False
    last = previous.split()[-1].casefold() if previous.split() else ""
    first = line.split()[0] if line.split() else ""
    return (
        previous.endswith((":", "-", "–", ","))
        or last in _FUNCTION_WORDS
        or first[:1].islower()
        or any(w.casefold() in _FUNCTION_WORDS for w in line.split())
    )


def _title_from_joined_text(text: str, hints: list[str]) -> str | None:
    """Page text without line breaks: find a title hint at its start, or an ALL-CAPS title."""
    head = _clean_text(text[:1500])
    head = _strip_leading_front_matter(head)
    words = head.split()
    if not words:
        return None
    normalised_words = [normalise_title(w) for w in words]
    for hint in hints:
        target = normalise_title(hint).split()
        if not target:
            continue
        # the hint's words, in order, within the first ~60 words of the page
        for start in range(0, min(60, len(words))):
            if normalised_words[start].split()[:1] != target[:1]:
                continue
            joined: list[str] = []
            end = start
            while end < len(words) and len(joined) < len(target) + 3:
                joined.extend(normalised_words[end].split())
                end += 1
                if joined[: len(target)] == target:
                    return _finish_title(" ".join(words[start:end]))
                if joined != target[: len(joined)]:
                    break
    # ALL-CAPS titles ("AUTOREGRESSIVE DIFFUSION MODELS Emiel Hoogeboom∗, ...")
    caps: list[str] = []
    for word in words[:30]:
        letters = re.sub(r"[^A-Za-z]", "", word)
        if letters and letters.isupper() and (len(letters) > 1 or word in {"A", "I"}):
            caps.append(word)
        elif caps and word.casefold() in {"mixup:", "of", "and", "for"}:
            caps.append(word)
        elif not caps and len(caps) == 0 and word.endswith(":") and len(word) > 2:
            caps.append(word)  # "mixup: BEYOND ..." starts with a lower-case name
        else:
            break
    if len([w for w in caps if re.sub(r"[^A-Za-z]", "", w).isupper()]) >= 2:
        return _finish_title(" ".join(caps))
    return None


def _strip_leading_front_matter(text: str) -> str:
    """Drop an arXiv stamp, a page number and "Published as ..." from the page's start."""
    previous = None
    while previous != text:
        previous = text
        text = _ARXIV_STAMP.sub("", text, count=1) if _ARXIV_STAMP.match(text.strip()) else text
        text = re.sub(r"^\s*\d{1,3}\s+", "", text)
        text = re.sub(
            r"^\s*(?:Published as a (?:conference|workshop) paper at|Under review as a conference paper at)"
            r"\s+\S+\s+(?:19|20)\d{2}\s*",
            "",
            text,
            flags=re.IGNORECASE,
        )
        text = re.sub(r"^\s*Provided proper attribution[^.]*\.[^.]*\.\s*", "", text)
    return text.strip()


def _finish_title(text: str) -> str | None:
    text = _clean_text(text).strip(" .,;:*∗†‡")
    text = re.sub(r"\s*[" + _FOOTNOTE_MARKS + r"]+\s*$", "", text)
    text = re.sub(r"(?<=[A-Za-z])\d$", "", text)  # footnote digit glued to the last word
    if not _has_words(text) or len(text) < 3:
        return None
    if _CJK_COVER_WORDS.match(text):
        return None
    words = [re.sub(r"[^A-Za-z]", "", w) for w in text.split()]
    words = [w for w in words if w]
    upper = [w for w in words if w.isupper() and len(w) > 1]
    if words and sum(map(len, upper)) > 8 and len(upper) >= 0.7 * len(words):
        text = _title_case(text)  # "AUTOREGRESSIVE DIFFUSION MODELS", "mixup: BEYOND EMPIRICAL ..."
    return text


def _title_case(text: str) -> str:
    """"AUTOREGRESSIVE DIFFUSION MODELS" → "Autoregressive Diffusion Models" (acronyms kept
    when short, like "3D", "FID"; a lower-case lead word like "mixup:" stays)."""
    words: list[str] = []
    for index, word in enumerate(text.split()):
        after_colon = index == 0 or words[-1].endswith((":", "?", "!"))
        out = []
        for part in re.split(r"(-)", word):
            letters = re.sub(r"[^A-Za-z]", "", part)
            small = part.casefold().strip(":,.?") in _SMALL_WORDS
            if not letters or not letters.isupper():
                out.append(part)
            elif len(letters) <= 3 and not small:
                out.append(part)  # "3D", "GAN", "FID"
            elif small and not after_colon:
                out.append(part.lower())
            else:
                out.append(part[:1] + part[1:].lower())
        words.append("".join(out))
    return " ".join(words)


def _is_front_matter(text: str) -> bool:
    if _ARXIV_STAMP.search(text):
        return True
    if re.fullmatch(r"[\d\s.\-–/]+", text):
        return True  # page numbers, dates
    return bool(_FRONT_MATTER.search(text)) and not _CJK_TITLE_LABEL.match(text)


def _looks_like_authors(text: str) -> bool:
    """Author, affiliation, e-mail or "Abstract" lines: the title has ended."""
    if _EMAIL.search(text) or "{" in text or "@" in text:
        return True
    if _ABSTRACT.match(text):
        return True
    if any(mark in text for mark in _FOOTNOTE_MARKS):
        return True
    if _NAME_MARKERS.search(text) and not re.search(r"\b\d+[Dd]\b|\bv\d\b", text):
        return True
    if _AFFILIATION.search(text) and not any(
        w.casefold() in _FUNCTION_WORDS - {"and", "of"} for w in text.split()
    ):
        return True
    words = text.split()
    if "," in text and len(words) >= 4:
        chunks = [c.strip() for c in re.split(r",|\band\b", text) if c.strip()]
        if len(chunks) >= 2 and all(_name_like(c) for c in chunks):
            return True
    return False


def _name_like(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 4 and all(
        re.fullmatch(r"[A-Z\u00C0-\u024F][\w.'’\-\u00C0-\u024F]*", w) for w in words
    ) and not any(w.casefold() in _FUNCTION_WORDS for w in words)


def _sentence_like(text: str) -> bool:
    """Body text, not a title: Chinese punctuation inside, or a line ending a sentence."""
    return bool(re.search(r"[，。；、]", text)) or (len(text) > 60 and text.endswith("."))


def _has_words(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]{2}", text) or _CJK.search(text))


def _clean_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.translate(_LIGATURES))
    text = _LOOSE_ACCENTS.sub("", text)
    text = re.sub(r"[\x00-\x1f\x7f]", " ", text)
    return _SPACES.sub(" ", text).strip()


def _key(title: str) -> str:
    return normalise_title(title).replace(" ", "")


def _similar(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(normalise_title(a), normalise_title(b)) / 100.0


# --------------------------------------------------------------------------- arXiv id and year


def _arxiv_from_text(document: Document | None, head: PdfHead | None) -> tuple[str | None, int | None]:
    texts: list[str] = []
    if head is not None:
        texts.append(" ".join(line.text for line in head.lines))
    if document is not None:
        texts.extend(section.text for section in document.sections[:2])
    for text in texts:
        match = _ARXIV_STAMP.search(_SPACES.sub(" ", text))
        if match:
            year = int(match.group("year")) if match.group("year") else None
            return match.group("id"), year
    return None, None


def _arxiv_from_filename(path: str) -> str | None:
    if not path:
        return None
    match = _ARXIV_FILENAME.match(PurePosixPath(path.replace("\\", "/")).stem)
    return match.group("id") if match else None


def _year(arxiv_id, stamp_year, document, head, metadata) -> tuple[int | None, str | None]:
    if arxiv_id:
        new = re.match(r"(\d{2})(\d{2})\.", arxiv_id)
        old = re.search(r"/(\d{2})(\d{2})\d{3}$", arxiv_id)
        found = new or old
        if found:
            yy = int(found.group(1))
            return (2000 + yy if yy < 90 else 1900 + yy), "arxiv_id"
    if stamp_year:
        return stamp_year, "arxiv_stamp"
    texts = []
    if head is not None:
        texts.append("\n".join(line.text for line in head.lines))
    if document is not None and document.sections:
        texts.append(document.sections[0].text[:6000])
    for text in texts:
        match = _VENUE_YEAR.search(text)
        if match:
            return int(match.group("year")), "first_page"
    for key in ("/CreationDate", "/ModDate"):
        match = _PDF_DATE.match(metadata.get(key, ""))
        if match:
            return int(match.group("year")), "metadata_date"
    return None, None
