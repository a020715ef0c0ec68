"""The links under a paper entry and what they point at.

Labels are written every which way ("paper local pdf", "github repo", "项目主页"): they are
normalised to a few kinds ("paper", "arxiv", "code", "website", "note", "pdf", "blog", ...).
A URL on a paper site (arXiv, CVF open access, OpenReview, IEEE, ACM, ...) is a paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from corpus import strip_markup
from corpus.syntax import BADGE_LINK, BARE_URL, IMAGE, LINK, SPACES
from papers.arxiv import extract_arxiv_id


@dataclass(frozen=True)
class PaperLink:
    label: str  # normalised: "paper", "arxiv", "code", "website", "note", "pdf", "blog", ...
    url: str


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
_LABEL_KINDS = set(_LINK_LABELS.values())
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://|^mailto:|^#")


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


def links_in(text: str) -> list[PaperLink]:
    """Every link in a line: badges, Markdown links, then bare URLs, each with its kind."""
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


def without_links(text: str) -> str:
    """``text`` with badges, images, Markdown links and bare URLs blanked out."""
    return BARE_URL.sub(" ", LINK.sub(" ", IMAGE.sub(" ", BADGE_LINK.sub(" ", text))))


def link_only(text: str) -> bool:
    """A line of links: "[paper](...) [code](...) :star:", nothing else worth reading."""
    if not LINK.search(text) and not BARE_URL.search(text):
        return False
    rest = strip_markup(without_links(text))
    return not re.search(r"[^\W_]", rest)


def is_link_label(text: str) -> bool:
    """"paper(CVPR version)", "github repo", "paper local pdf": a link's label, not a title."""
    return normalise_link_label(text) in _LABEL_KINDS


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
    """The arXiv id of the paper links first ("paper", "arxiv"), then of any other link."""
    preferred = [link for link in links if link.label in {"paper", "arxiv"}]
    for link in preferred + [other for other in links if other not in preferred]:
        found = extract_arxiv_id(link.url)
        if found:
            return found
    return None


def label_from_url(url: str, remote_paper: str = "link") -> str:
    """The kind of link a bare URL is: a local note or PDF, arXiv, a paper site, code, ..."""
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


def is_remote(url: str) -> bool:
    """A URL with a scheme ("https://...", "file://...")."""
    return re.match(r"(?i)[a-z][a-z0-9+.-]*://", url) is not None


def is_local_paper_link(url: str) -> bool:
    """A relative or absolute file link to a PDF or a note (not a web address or an anchor)."""
    target = url.strip().split("#", 1)[0].split("?", 1)[0]
    if not target or _SCHEME.match(target):
        return False
    return bool(re.search(r"(?i)\.(?:pdf|md|markdown|txt)$", unquote(target)))
