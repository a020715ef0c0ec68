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
from corpus.markdown_links import InlineLink, blank_spans, inline_links, outer_links, unescape_markdown
from corpus.syntax import BARE_URL, SPACES
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
    """Every link in a line, in order (a badge's label is its image's alt text), then the bare
    URLs outside links, each with its kind. Links are read as CommonMark reads them
    (``corpus.markdown_links``): ``[pdf](<./pdfs/x (1).pdf>)`` is ``./pdfs/x (1).pdf``."""
    found = inline_links(text)
    images = _nested_images(found)
    links: list[PaperLink] = []
    for link in found:
        url = link.url.strip()
        if link.nested or link.kind == "image" or not url:
            continue
        if link.kind == "autolink":
            links.append(PaperLink(label_from_url(url), url))
            continue
        badge = _badge_image(link, images)
        label = badge.label if badge is not None else unescape_markdown(link.label)
        links.append(PaperLink(normalise_link_label(label, url), url))
    for url in BARE_URL.findall(blank_spans(text, [link for link in found if not link.nested])):
        links.append(PaperLink(label_from_url(url), url.rstrip(".,;")))
    return links


def leading_link(text: str) -> InlineLink | None:
    """The link ``text`` starts with (not an image, not an autolink), if any."""
    found = inline_links(text)
    first = next((link for link in found if link.start == 0 and not link.nested), None)
    return first if first is not None and first.kind == "link" else None


def is_badge(link: InlineLink, text: str) -> bool:
    """A link whose label is one image: ``[![arXiv](badge.svg)](https://...)``."""
    return _badge_image(link, _nested_images(inline_links(text))) is not None


def _nested_images(found) -> dict[int, InlineLink]:
    return {link.start: link for link in found if link.nested and link.kind == "image"}


def _badge_image(link: InlineLink, images: dict[int, InlineLink]) -> InlineLink | None:
    """The image that is the whole label of ``link`` (spaces around it aside), if one is."""
    label = link.label
    inner = images.get(link.label_start + len(label) - len(label.lstrip()))
    if inner is None or inner.end > link.label_end or label[inner.end - link.label_start :].strip():
        return None
    return inner


def without_links(text: str) -> str:
    """``text`` with links (badges too), images, autolinks and bare URLs blanked out."""
    return BARE_URL.sub(" ", blank_spans(text, outer_links(text)))


def labels_for_links(text: str, space: bool = False) -> str:
    """``text`` with each link replaced by its label's Markdown (``space``: padded by spaces),
    images blanked, autolinks kept as their address."""
    pieces, last = [], 0
    for link in outer_links(text):
        if link.kind == "image":
            shown = " "
        elif link.kind == "autolink":
            shown = link.url
        else:
            shown = f" {link.label} " if space else link.label
        pieces += [text[last : link.start], shown]
        last = link.end
    pieces.append(text[last:])
    return "".join(pieces)


def link_only(text: str) -> bool:
    """A line of links: "[paper](...) [code](...) :star:", nothing else worth reading."""
    if not outer_links(text) and not BARE_URL.search(text):
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
