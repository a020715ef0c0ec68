"""The title printed on page 1 of a PDF, read the way a person does: the largest text at the
top, before the authors, skipping arXiv stamps, venue lines, cover pages and the like.

From a ``PdfHead`` (lines with font sizes) when the build kept one; else, from the page's
joined text, a known title hint (metadata title, file name) found at its start or an ALL-CAPS
title.
"""

from __future__ import annotations

import re

from corpus import HeadLine, clean_line
from corpus.syntax import HAN_RUN
from papers.arxiv import find_arxiv_stamp, strip_leading_arxiv_stamp
from papers.titles import normalise_title

_FOOTNOTE_MARKS = "∗*†‡§¶⋆♯♮#"
# Searched for, never matched: an address is tried only from the start of a run of the
# characters it may hold, and "{a,b}@" only from the last "{" before the "}" (the same lines are
# found; trying every position of a long run of letters or of "{" was quadratic).
_EMAIL = re.compile(
    r"(?<![\w.+\-])[\w.+\-]++@[\w\-]+\.[\w.\-]+|\{[^{}]*+\}\s*+@|@[\w\-]+\.(?:com|edu|org|ac|cn|net)"
)
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
_CJK_COVER_WORDS = re.compile(
    r"^(?:摘\s*要|目\s*录|毕\s*业\s*论\s*文|毕\s*业\s*设\s*计|学\s*位\s*论\s*文|"
    r"(?:硕|博)\s*士\s*(?:学\s*位\s*)?论\s*文|本\s*科|声\s*明|原\s*创\s*性|.{0,12}大\s*学\s*$)"
)
_CJK_TITLE_LABEL = re.compile(r"^(?:论\s*文\s*)?(?:题\s*目|标\s*题|中\s*文\s*题\s*目)\s*[:：]?\s*(?P<title>\S.*)$")

_TITLE_LINES = 4  # a title wraps over at most this many lines
_SCAN_LINES = 14  # lines searched for the title


def title_from_head_lines(lines: tuple[HeadLine, ...]) -> str | None:
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
        elif HAN_RUN.search(text[-1:]) and HAN_RUN.search(part[:1]):
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


def title_from_page_text(text: str, hints: list[str]) -> str | None:
    """Page text without line breaks: find a title hint at its start, or an ALL-CAPS title."""
    head = clean_line(text[:1500])
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
        text = strip_leading_arxiv_stamp(text)
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
    text = clean_line(text).strip(" .,;:*∗†‡")
    text = _without_trailing_marks(text)
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


def _without_trailing_marks(text: str) -> str:
    """Footnote marks at the end and the spaces around them removed: what substituting
    ``\\s*[marks]+\\s*$`` by "" does, without a regex that retries every position of a long
    run of marks (quadratic)."""
    body = text.rstrip()
    cut = len(body)
    while cut and body[cut - 1] in _FOOTNOTE_MARKS:
        cut -= 1
    return text if cut == len(body) else body[:cut].rstrip()


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
    if find_arxiv_stamp(text):
        return True
    if re.fullmatch(r"[\d\s.\-–/]+", text):
        return True  # page numbers, dates
    return bool(_FRONT_MATTER.search(text)) and not _CJK_TITLE_LABEL.match(text)


def _looks_like_authors(text: str) -> bool:
    """Author, affiliation, e-mail or "Abstract" lines: the title has ended."""
    if "{" in text or "@" in text or _EMAIL.search(text):  # (every address has an @)
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
    return bool(re.search(r"[A-Za-z]{2}", text) or HAN_RUN.search(text))

