"""How the fields of a paper are written in a researcher's notes, and how to read them.

Venue spellings ("NeurlPS", "CVPRoral", "TPAMI"), months in English or Chinese, arXiv ids in
URLs or ``arXiv:`` mentions, link labels ("paper local pdf" → "pdf"), paper sites, and note
file names ``YEAR_MONTH_VENUE_Title_Note.md``. `corpus.paper_entries` finds entries in a note;
this module reads what an entry says. Also used for PDF metadata (`corpus.pdf_metadata`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

__all__ = [
    "BADGE_LINK",
    "BARE_URL",
    "HTML_TAG",
    "IMAGE",
    "LINK",
    "SPACES",
    "VENUE_ALIASES",
    "VENUE_MODIFIERS",
    "NoteFileInfo",
    "PaperLink",
    "arxiv_from_links",
    "dedupe_links",
    "extract_arxiv_id",
    "is_link_label",
    "is_paper_url",
    "label_from_url",
    "link_only",
    "links_in",
    "month_number",
    "normalise_link_label",
    "normalise_title",
    "normalise_venue",
    "paper_from_note_filename",
    "strip_markup",
    "venue_token",
]


@dataclass(frozen=True)
class PaperLink:
    label: str  # normalised: "paper", "arxiv", "code", "website", "note", "pdf", "blog", ...
    url: str


@dataclass(frozen=True)
class NoteFileInfo:
    path: str
    title: str
    year: int
    month: int | None
    venue: str | None
    venue_raw: str | None
    abbreviation: str | None


_CANONICAL_VENUES = (
    "CVPR", "ICCV", "ECCV", "NeurIPS", "ICML", "ICLR", "AAAI", "IJCAI", "WACV", "BMVC",
    "ACCV", "3DV", "ICME", "ICIP", "ICASSP", "ACM MM", "SIGGRAPH", "SIGGRAPH Asia", "TOG",
    "TPAMI", "TIP", "TCSVT", "TMM", "TVCG", "TNNLS", "TCI", "TMI", "TGRS", "IJCV", "CVIU",
    "Neurocomputing", "The Visual Computer", "Pattern Recognition", "arXiv", "MICCAI",
    "KDD", "ACL", "EMNLP", "NAACL", "COLING", "SIGIR", "WWW", "ICRA", "IROS", "CoRL",
    "Interspeech", "UAI", "AISTATS", "TMLR", "JMLR", "Nature", "Science", "EG",
    "Eurographics", "SIGGRAPH", "CHI", "UIST", "VR", "ISMAR", "DCC", "PCS", "VCIP",
    "ICASSP", "SPL", "TCYB", "TIFS", "TOMM", "TBC",
)
VENUE_ALIASES: dict[str, str] = {v.casefold(): v for v in _CANONICAL_VENUES}
VENUE_ALIASES.update(
    {
        "cvprw": "CVPR", "iccvw": "ICCV", "eccvw": "ECCV",
        "nips": "NeurIPS", "neurlps": "NeurIPS", "nuerips": "NeurIPS",
        "pami": "TPAMI", "tapmi": "TPAMI", "t-pami": "TPAMI",
        "acmmm": "ACM MM", "mm": "ACM MM",
        "siggraphasia": "SIGGRAPH Asia", "tog": "TOG",
        "neuralcomputing": "Neurocomputing", "thevisualcomputer": "The Visual Computer",
        "visualcomputer": "The Visual Computer", "tvc": "The Visual Computer",
        "patternrecognition": "Pattern Recognition",
        "nnls": "TNNLS", "tnnls": "TNNLS", "arxiv": "arXiv",
    }
)
# Words that qualify a venue without changing it ("CVPR oral", "ICCV_best_paper", ...).
VENUE_MODIFIERS = {
    "oral", "orals", "spotlight", "poster", "highlight", "workshop", "workshops", "w",
    "best", "paper", "award", "notable", "top", "ntire", "challenge", "track", "dataset",
    "datasets", "and", "benchmark", "benchmarks", "main", "conference", "findings",
    "report", "thesis", "asia", "acm", "ieee", "version", "accepted", "st", "nd", "rd",
    "th", "1st", "2nd", "3rd", "champion", "short", "long", "demo",
}
_GLUED_SUFFIX = re.compile(r"^(?P<base>[a-z][a-z0-9]*?)(?P<suffix>oral|workshop|w|'?\d{2}|\d{4})$")

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8,
    "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
               "九": 9, "十": 10, "十一": 11, "十二": 12}

_PAPER_HOSTS = (
    "arxiv.org", "openaccess.thecvf.com", "thecvf.com", "openreview.net", "ieeexplore.ieee.org",
    "dl.acm.org", "link.springer.com", "springer.com", "sciencedirect.com", "neurips.cc",
    "papers.nips.cc", "proceedings.mlr.press", "aclanthology.org", "aaai.org", "ijcai.org",
    "semanticscholar.org", "nature.com", "science.org", "doi.org", "ecva.net",
    "cv-foundation.org", "onlinelibrary.wiley.com", "mdpi.com", "jmlr.org", "bmva.org",
)

_LINK_LABELS = {
    "paper": "paper", "papers": "paper", "paper link": "paper", "pub": "paper",
    "arxiv": "arxiv", "arxiv paper": "arxiv", "arxiv link": "arxiv",
    "code": "code", "github": "code", "github repo": "code", "repo": "code",
    "code link": "code", "official code": "code", "source code": "code", "git": "code",
    "website": "website", "web": "website", "project": "website", "project page": "website",
    "project webpage": "website", "project website": "website", "homepage": "website",
    "paper website": "website", "page": "website", "webpage": "website", "site": "website",
    "note": "note", "notes": "note", "our note": "note", "my note": "note", "note link": "note",
    "笔记": "note",
    "pdf": "pdf", "local pdf": "pdf", "paper local pdf": "pdf", "local paper pdf": "pdf",
    "pdf local": "pdf", "paper pdf": "pdf", "our noted pdf": "pdf", "noted pdf": "pdf",
    "blog": "blog", "blogs": "blog", "博客": "blog", "知乎": "blog",
    "supp": "supp", "supplementary": "supp", "supplement": "supp",
    "video": "video", "talk": "video", "youtube": "video",
}


BADGE_LINK = re.compile(r"\[!\[([^\]]*)\]\([^)]*\)\]\(\s*<?([^)\s>]*)>?\s*\)")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^)<>\"]*?)>?(?:\s+\"[^\"]*\")?\s*\)")
BARE_URL = re.compile(r"(?:https?|ftp)://[^\s)\]>]+")
HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_SHORTCODE = re.compile(r":[a-z0-9_+\-]+:(?![\w])")
_EMOJI_CHARS = re.compile(
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D\u2190-\u21FF\u2300-\u23FF]"
)
SPACES = re.compile(r"\s+")

_ARXIV_NEW = r"(?:0[7-9]|1\d|2\d)(?:0[1-9]|1[0-2])\.\d{4,5}"
_ARXIV_OLD = r"[a-z\-]+(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_URL = re.compile(
    r"(?:arxiv\.org|huggingface\.co/papers|alphaxiv\.org)/(?:(?:abs|pdf|html|format|papers)/)?"
    r"(?P<id>" + _ARXIV_NEW + "|" + _ARXIV_OLD + r")(?:v\d+)?",
    re.IGNORECASE,
)
_ARXIV_BARE = re.compile(
    r"\barxiv\s*[:：]?\s*(?P<id>" + _ARXIV_NEW + "|" + _ARXIV_OLD + r")(?:v\d+)?(?![\d])",
    re.IGNORECASE,
)


def normalise_title(title: str) -> str:
    """The matching key of a title: casefolded, no diacritics or punctuation, single spaces."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold()
    text = "".join(ch if (ch.isalnum() or ch.isspace()) else " " for ch in text)
    return SPACES.sub(" ", text).strip()


def extract_arxiv_id(text: str) -> str | None:
    """The first arXiv id in an arXiv/Hugging Face URL or an ``arXiv:ID`` mention, no version."""
    if not text:
        return None
    for pattern in (_ARXIV_URL, _ARXIV_BARE):
        match = pattern.search(text)
        if match:
            return match.group("id")
    return None


def normalise_venue(raw: str | None) -> str | None:
    """A venue's usual spelling: "NeurlPS"/"NIPS" → "NeurIPS", "CVPRoral" → "CVPR", ...

    Unknown venues come back as given (whitespace collapsed); empty text gives None.
    """
    if raw is None:
        return None
    text = SPACES.sub(" ", raw.replace("_", " ")).strip(" ,.;:-")
    if not text:
        return None
    tokens = [t for t in re.split(r"[\s_\-/,.()（）|]+", text) if t]
    lowered = [t.casefold() for t in tokens]
    for index, token in enumerate(lowered):
        nxt = lowered[index + 1] if index + 1 < len(lowered) else ""
        if token == "siggraph" and nxt == "asia":
            return "SIGGRAPH Asia"
        if token == "acm" and nxt == "mm":
            return "ACM MM"
        if token in {"acm", "ieee"} and nxt:
            continue
        venue = venue_token(tokens[index])
        if venue:
            return venue
        if token not in VENUE_MODIFIERS:
            break
    return text


def normalise_link_label(label: str, url: str = "") -> str:
    """"Paper local pdf" → "pdf", "github repo" → "code", ...; unknown labels lower-cased."""
    text = SPACES.sub(" ", strip_markup(label)).strip().casefold()
    key = SPACES.sub(" ", re.sub(r"[_\-:：]+", " ", text)).strip()
    if key in _LINK_LABELS:
        return _LINK_LABELS[key]
    prefix = SPACES.sub(" ", re.sub(r"[_\-]+", " ", re.split(r"[(（:：]", text)[0])).strip()
    if prefix in _LINK_LABELS:
        return _LINK_LABELS[prefix]
    if not key or len(key.split()) > 3 or key.startswith(("http://", "https://", "./", "../")):
        return label_from_url(url)
    return text


def paper_from_note_filename(path: str) -> NoteFileInfo | None:
    """``YEAR[_MONTH]_VENUE[_modifier][_ABBR]_Title-With-Dashes_Note.md`` → its parts.

    Also reads PDFs named the same way. Dashes become spaces and "--" becomes ": ".
    None when the name does not start with a year or has no title.
    """
    name = PurePosixPath(path.replace("\\", "/")).name
    stem = re.sub(r"(?i)(?:[_ ]note)?\.(?:md|markdown|txt|pdf)$", "", name)
    if stem == name:
        return None
    parts = stem.split("_")
    if len(parts) < 2 or not re.fullmatch(r"(?:19|20)\d{2}", parts[0]):
        return None
    year = int(parts[0])
    rest = parts[1:]
    month = None
    if rest and re.fullmatch(r"0?[1-9]|1[0-2]", rest[0]):
        month = int(rest[0])
        rest = rest[1:]
    rest = [p for p in rest if p.strip()]
    if not rest:
        return None
    title = _title_from_slug(rest[-1])
    if not re.search(r"[^\W\d_]", title):
        return None
    venue_raw = abbreviation = None
    if len(rest) >= 2:
        venue_parts = [rest[0]]
        middle = rest[1:-1]
        while middle and middle[0].casefold() in VENUE_MODIFIERS:
            venue_parts.append(middle.pop(0))
        venue_raw = "_".join(venue_parts)
        if middle:
            abbreviation = " ".join(middle)
    return NoteFileInfo(
        path=path,
        title=title,
        year=year,
        month=month,
        venue=normalise_venue(venue_raw),
        venue_raw=venue_raw,
        abbreviation=abbreviation,
    )


def links_in(text: str) -> list[PaperLink]:
    links: list[PaperLink] = []
    for match in BADGE_LINK.finditer(text):
        if match.group(2):
            links.append(PaperLink(normalise_link_label(match.group(1), match.group(2)), match.group(2)))
    rest = BADGE_LINK.sub(" ", text)
    rest = IMAGE.sub(" ", rest)
    for match in LINK.finditer(rest):
        url = match.group(2).strip()
        if url:
            links.append(PaperLink(normalise_link_label(match.group(1), url), url))
    for url in BARE_URL.findall(LINK.sub(" ", rest)):
        links.append(PaperLink(label_from_url(url), url.rstrip(".,;")))
    return links


def link_only(text: str) -> bool:
    """A line of links: "[paper](...) [code](...) :star:", nothing else worth reading."""
    if not LINK.search(text) and not BARE_URL.search(text):
        return False
    rest = BARE_URL.sub(" ", LINK.sub(" ", IMAGE.sub(" ", BADGE_LINK.sub(" ", text))))
    rest = strip_markup(rest)
    return not re.search(r"[^\W_]", rest)


def is_link_label(text: str) -> bool:
    """"paper(CVPR version)", "github repo", "paper local pdf": a link's label, not a title."""
    return normalise_link_label(text) in set(_LINK_LABELS.values())


def dedupe_links(links: list[PaperLink]) -> list[PaperLink]:
    seen: set[tuple[str, str]] = set()
    result = []
    for link in links:
        key = (link.label, link.url)
        if key not in seen:
            seen.add(key)
            result.append(link)
    return result


def arxiv_from_links(links: list[PaperLink]) -> str | None:
    preferred = [link for link in links if link.label in {"paper", "arxiv"}]
    for link in preferred + [other for other in links if other not in preferred]:
        found = extract_arxiv_id(link.url)
        if found:
            return found
    return None


def label_from_url(url: str, remote_paper: str = "link") -> str:
    lowered = url.casefold()
    if re.search(r"\.(md|markdown)(?:#.*)?$", lowered) and "://" not in lowered:
        return "note"
    if re.search(r"\.pdf(?:[#?].*)?$", lowered) and "://" not in lowered:
        return "pdf"
    if "arxiv.org" in lowered:
        return "arxiv" if remote_paper == "link" else remote_paper
    if is_paper_url(url):
        return "paper"
    if re.search(r"(?:github|gitlab)\.com|gitee\.com|huggingface\.co/spaces", lowered):
        return "code"
    return "link"


def is_paper_url(url: str) -> bool:
    host = re.match(r"(?i)^[a-z][a-z0-9+.-]*://([^/?#]+)(/[^?#]*)?", url.strip())
    if not host:
        return False
    domain = host.group(1).casefold().split(":")[0]
    if any(domain == h or domain.endswith("." + h) for h in _PAPER_HOSTS):
        return True
    return domain == "huggingface.co" and (host.group(2) or "").startswith("/papers/")


def venue_token(token: str) -> str | None:
    key = token.casefold().strip(" ,.;:()'’*")
    if not key:
        return None
    if key in VENUE_ALIASES:
        return VENUE_ALIASES[key]
    glued = _GLUED_SUFFIX.match(key)
    if glued and glued.group("base") in VENUE_ALIASES:
        return VENUE_ALIASES[glued.group("base")]
    if len(key) >= 4 and key.isalpha() and sum(ch.isupper() for ch in token) >= 2:
        close = {
            venue for alias, venue in VENUE_ALIASES.items()
            if len(alias) >= 4 and alias.isalpha() and _within_one_edit(key, alias)
        }
        if len(close) == 1:
            return close.pop()
    return None


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau distance ≤ 1 (one substitution, insertion, deletion or swap)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def month_number(text: str | None) -> int | None:
    if not text:
        return None
    key = text.strip().rstrip(".").casefold()
    if key.isdigit():
        value = int(key)
        return value if 1 <= value <= 12 else None
    if key in _CN_NUMBERS:
        return _CN_NUMBERS[key]
    return _MONTHS.get(key)


def _title_from_slug(slug: str) -> str:
    text = slug.strip().strip("-")
    text = re.sub(r"--+", ": ", text)
    text = text.replace("-", " ")
    return SPACES.sub(" ", text).strip(" :")


def strip_markup(text: str) -> str:
    text = HTML_TAG.sub(" ", text)
    text = _SHORTCODE.sub(" ", text)
    text = _EMOJI_CHARS.sub(" ", text)
    text = re.sub(r"\*\*|__|~~|`", "", text)
    text = re.sub(r"(?<!\w)\*|\*(?!\w)", "", text)
    return text
