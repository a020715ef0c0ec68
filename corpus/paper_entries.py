"""Paper records from a researcher's Markdown: reading lists, per-paper notes, note file names.

The notes follow loose habits rather than a format, so the parser looks for a few strong
signals and ignores everything else:

* a list item (or a line, or a ``>`` quote line) that starts with a quoted title:
  ``- [x] "Title" Venue, 2022 June, **ABBR** :emoji:``
* a list item (or ``>`` quote line) that starts with a title inside a link to a paper site
  (arXiv, CVF open access, OpenReview, IEEE, ACM, Springer, ...) or to a local PDF / note
  file named ``YEAR_..._Title``: ``- [Title](https://arxiv.org/abs/...) CVPR 2021``
* a list item with an unquoted title followed by a venue/year, or followed by a link to a
  paper site on its continuation lines: ``- [ ] Title CVPR, 2021``
* a citation line: ``Title, Surname et al. CVPR 2020`` (optionally in parentheses)
* a row of a table whose header has a title column and a year or venue column

Links on the indented lines under an entry belong to it; ``>`` lines under it are its
annotation. Fenced code, front matter and HTML comments are never searched. Headings give
the topic path. ``paper_from_note_filename`` reads ``YEAR_MONTH_VENUE_Title_Note.md`` names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from corpus.markdown_clean import clean_heading

__all__ = [
    "NoteFileInfo",
    "PaperEntry",
    "PaperLink",
    "extract_arxiv_id",
    "normalise_link_label",
    "normalise_title",
    "normalise_venue",
    "paper_from_note_filename",
    "parse_paper_entries",
]


@dataclass(frozen=True)
class PaperLink:
    label: str  # normalised: "paper", "arxiv", "code", "website", "note", "pdf", "blog", ...
    url: str


@dataclass(frozen=True)
class PaperEntry:
    title: str
    venue: str | None
    venue_raw: str | None
    year: int | None
    month: int | None
    abbreviation: str | None
    read: bool | None
    links: tuple[PaperLink, ...]
    arxiv_id: str | None
    annotation: str | None
    topic: tuple[str, ...]
    path: str
    line: int


@dataclass(frozen=True)
class NoteFileInfo:
    path: str
    title: str
    year: int
    month: int | None
    venue: str | None
    venue_raw: str | None
    abbreviation: str | None


# --------------------------------------------------------------------------- vocabulary

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
_VENUE_ALIASES: dict[str, str] = {v.casefold(): v for v in _CANONICAL_VENUES}
_VENUE_ALIASES.update(
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
_VENUE_MODIFIERS = {
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

# --------------------------------------------------------------------------- regexes

_QUOTE_PREFIX = re.compile(r"^([ \t]*)((?:>[ \t]?)+)")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)\s*$")
_BULLET = re.compile(r"^(?:[-*+]|\d{1,3}[.)])[ \t]+(?=\S)")
_CHECKBOX = re.compile(r"^\[([ xX])\][ \t]*")
_BADGE_LINK = re.compile(r"\[!\[([^\]]*)\]\([^)]*\)\]\(\s*<?([^)\s>]*)>?\s*\)")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^)<>\"]*?)>?(?:\s+\"[^\"]*\")?\s*\)")
_BARE_URL = re.compile(r"(?:https?|ftp)://[^\s)\]>]+")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_SHORTCODE = re.compile(r":[a-z0-9_+\-]+:(?![\w])")
_EMOJI_CHARS = re.compile(
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D\u2190-\u21FF\u2300-\u23FF]"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef\u3000-\u303f]")
_STRONG = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_CODE_SPAN = re.compile(r"`([^`]+)`")
_SPACES = re.compile(r"\s+")

_MONTH_WORD = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_CN_MONTH = r"(?:十[一二]?|[一二三四五六七八九])"
_DATE = re.compile(
    r"(?<![A-Za-z0-9_.])(?P<year>(?:19|20)\d{2})(?![A-Za-z0-9_])"
    r"(?:\s*年\s*(?P<cnmonth>1[0-2]|0?[1-9]|" + _CN_MONTH + r")\s*月"
    r"|[ \t]*[,./\-]?[ \t]*(?P<month>" + _MONTH_WORD + r"\.?(?![a-z])|(?:1[0-2]|0?[1-9])(?![\w.]))"
    r"(?:[ \t]+(?P<day>[0-3]?\d)(?![\w.]))?)?",
    re.IGNORECASE,
)
_MONTH_FIRST = re.compile(
    r"(?<![A-Za-z0-9_])(?P<month>" + _MONTH_WORD + r")\.?,?[ \t]+(?P<year>(?:19|20)\d{2})(?![A-Za-z0-9_])",
    re.IGNORECASE,
)
_CITATION = re.compile(
    r"^\(?\s*(?P<title>[^()]+?),\s+"
    r"(?P<authors>[A-Z][\w'’\-]*(?:\s+(?:and|&)\s+[A-Z][\w'’\-]*)?(?:\s+(?:et\.?\s*al|et\s+la)\.?)?)"
    r"[,.]?\s+(?:in\s+)?(?P<venue>[A-Za-z][A-Za-z0-9 \-]*?)\s*'?(?P<year>(?:19|20)\d{2}|\d{2})\s*\)?\s*[.,]?$"
)

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

_TITLE_HEADERS = {"论文", "论文名", "论文名称", "论文标题", "标题", "题目", "文章", "paper", "papers",
                  "title", "paper title", "name", "名称"}
_YEAR_HEADERS = {"年份", "年", "时间", "发表时间", "year", "date", "published"}
_VENUE_HEADERS = {"venue", "会议", "期刊", "会议/期刊", "出处", "来源", "conference", "journal",
                  "publication", "conf", "发表"}
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


# --------------------------------------------------------------------------- public helpers


def normalise_title(title: str) -> str:
    """The matching key of a title: casefolded, no diacritics or punctuation, single spaces."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold()
    text = "".join(ch if (ch.isalnum() or ch.isspace()) else " " for ch in text)
    return _SPACES.sub(" ", text).strip()


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
    text = _SPACES.sub(" ", raw.replace("_", " ")).strip(" ,.;:-")
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
        venue = _venue_token(tokens[index])
        if venue:
            return venue
        if token not in _VENUE_MODIFIERS:
            break
    return text


def normalise_link_label(label: str, url: str = "") -> str:
    """"Paper local pdf" → "pdf", "github repo" → "code", ...; unknown labels lower-cased."""
    text = _SPACES.sub(" ", _strip_markup(label)).strip().casefold()
    key = _SPACES.sub(" ", re.sub(r"[_\-:：]+", " ", text)).strip()
    if key in _LINK_LABELS:
        return _LINK_LABELS[key]
    prefix = _SPACES.sub(" ", re.sub(r"[_\-]+", " ", re.split(r"[(（:：]", text)[0])).strip()
    if prefix in _LINK_LABELS:
        return _LINK_LABELS[prefix]
    if not key or len(key.split()) > 3 or key.startswith(("http://", "https://", "./", "../")):
        return _label_from_url(url)
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
        while middle and middle[0].casefold() in _VENUE_MODIFIERS:
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


# --------------------------------------------------------------------------- parsing


@dataclass
class _Line:
    number: int
    indent: int  # columns before the first character (or before the first '>')
    depth: int  # blockquote depth
    content_indent: int  # spaces after the quote markers
    content: str  # text after quote markers and indentation
    hidden: bool = False  # code, front matter, HTML comment
    heading: tuple[int, str] | None = None

    @property
    def blank(self) -> bool:
        return not self.content.strip()


@dataclass
class _Head:
    index: int
    kind: str  # "bullet", "quote", "para"
    read: bool | None
    rest: str  # text after the bullet marker and checkbox


def parse_paper_entries(text: str, path: str) -> list[PaperEntry]:
    """Every paper entry in a Markdown note, in order of appearance."""
    lines = _split_lines(text)
    topics = _topics(lines)
    entries: dict[int, PaperEntry] = {}
    spans: dict[int, int] = {}
    heads = [h for h in (_head_at(lines, i) for i in range(len(lines))) if h is not None]
    # Innermost first: a parent's links and annotation must not take its children's lines.
    for head in reversed(heads):
        end = _span_end(lines, head)
        own = _own_lines(head.index, end, spans)
        entry = _entry_from_head(lines, head, own, topics[head.index], path)
        if entry is not None:
            entries[head.index] = entry
            spans[head.index] = end
    for index, entry in _table_entries(lines, topics, path):
        entries.setdefault(index, entry)
    return [entries[i] for i in sorted(entries)]


def _split_lines(text: str) -> list[_Line]:
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    result: list[_Line] = []
    fence: tuple[str, int, int] | None = None  # marker, indent, depth of the opener
    in_comment = False
    front_matter = bool(raw_lines) and raw_lines[0].strip() == "---"
    for number, raw in enumerate(raw_lines, start=1):
        expanded = raw.expandtabs(4)
        quote = _QUOTE_PREFIX.match(expanded)
        if quote:
            indent = len(quote.group(1))
            depth = quote.group(2).count(">")
            after = expanded[quote.end():]
        else:
            indent = len(expanded) - len(expanded.lstrip(" "))
            depth = 0
            after = expanded[indent:]
        content = after.lstrip(" ")
        line = _Line(number, indent, depth, len(after) - len(content), content.rstrip())
        if front_matter:
            line.hidden = True
            if number > 1 and content.strip() in {"---", "..."}:
                front_matter = False
            result.append(line)
            continue
        fence_match = _FENCE.match(content)
        if fence is not None:
            line.hidden = True
            line.indent, line.depth = max(line.indent, fence[1]), max(line.depth, fence[2])
            if fence_match and fence_match.group(1)[0] == fence[0]:
                fence = None
            result.append(line)
            continue
        if fence_match:
            fence = (fence_match.group(1)[0], indent, depth)
            line.hidden = True
            result.append(line)
            continue
        if in_comment or content.startswith("<!--"):
            line.hidden = True
            in_comment = "-->" not in content[4 if not in_comment else 0:]
            result.append(line)
            continue
        if depth == 0 and indent <= 3:
            heading = _HEADING.match(content)
            if heading:
                line.heading = (len(heading.group(1)), clean_heading(heading.group(2)))
        result.append(line)
    return result


def _topics(lines: list[_Line]) -> list[tuple[str, ...]]:
    stack: list[tuple[int, str]] = []
    topics = []
    for line in lines:
        if line.heading and not line.hidden:
            level, heading = line.heading
            stack = [(lvl, h) for lvl, h in stack if lvl < level]
            if heading:
                stack.append((level, heading))
        topics.append(tuple(h for _, h in stack))
    return topics


def _head_at(lines: list[_Line], index: int) -> _Head | None:
    line = lines[index]
    if line.hidden or line.heading or line.blank or line.content.startswith("|"):
        return None
    content = line.content
    bullet = _BULLET.match(content)
    if bullet:
        rest = content[bullet.end():]
        read = None
        box = _CHECKBOX.match(rest)
        if box:
            read = box.group(1) != " "
            rest = rest[box.end():]
        return _Head(index, "bullet", read, rest.strip())
    kind = "quote" if line.depth else "para"
    if content[0] in "\"“[" or _looks_like_citation(content):
        return _Head(index, kind, None, content.strip())
    return None


def _looks_like_citation(text: str) -> bool:
    return (
        len(text) < 400
        and bool(re.search(r"\d{2}\)?\s*[.,]?$", text))
        and bool(re.search(r"\bet\.?\s*al\b|\bet\s+la\b|\s(?:and|&)\s", text))
        and _CITATION.match(_strip_markup(text)) is not None
    )


def _span_end(lines: list[_Line], head: _Head) -> int:
    """One past the last line that belongs to the entry starting at `head`."""
    first = lines[head.index]
    end = head.index + 1
    if head.kind == "para":
        # a quoted title on a line of its own takes the link lines right under it
        for j in range(head.index + 1, len(lines)):
            line = lines[j]
            if line.hidden or line.blank or line.depth or line.indent < first.indent:
                break
            if not _link_only(line.content):
                break
            end = j + 1
        return end
    for j in range(head.index + 1, len(lines)):
        line = lines[j]
        if line.heading and not line.hidden:
            break
        if head.kind == "quote":
            # the rest of the ``>`` block the entry starts
            if line.depth < first.depth:
                break
            end = j + 1
        elif first.depth == 0:
            # a list item: everything indented deeper, across blank lines
            if line.blank and line.depth == 0:
                continue
            if line.indent <= first.indent:
                break
            end = j + 1
        else:
            # a list item inside a blockquote
            if line.depth < first.depth:
                break
            if line.blank:
                continue
            if line.depth == first.depth and line.content_indent <= first.content_indent:
                break
            end = j + 1
    return end


def _own_lines(start: int, end: int, spans: dict[int, int]) -> list[int]:
    own = []
    j = start + 1
    while j < end:
        if j in spans:
            j = max(spans[j], j + 1)
            continue
        own.append(j)
        j += 1
    return own


def _entry_from_head(
    lines: list[_Line], head: _Head, own: list[int], topic: tuple[str, ...], path: str
) -> PaperEntry | None:
    first = lines[head.index]
    links: list[PaperLink] = []
    listed: list[PaperLink] = []  # links on lines that hold nothing but links
    annotation: list[str] = []
    for j in own:
        line = lines[j]
        if line.hidden:
            continue
        if line.depth > first.depth:
            text = _SPACES.sub(" ", line.content).strip()
            if text:
                annotation.append(text)
        else:
            found = _links_in(line.content)
            links.extend(found)
            if _link_only(line.content):
                listed.extend(found)
    fields = _fields_from_head(head, listed)
    if fields is None:
        return None
    title, tail_links, venue_raw, year, month, abbreviation = fields
    all_links = _dedupe_links(tail_links + links)
    arxiv_id = _arxiv_from_links(all_links) or extract_arxiv_id(head.rest)
    return PaperEntry(
        title=title,
        venue=normalise_venue(venue_raw),
        venue_raw=venue_raw,
        year=year,
        month=month,
        abbreviation=abbreviation,
        read=head.read,
        links=tuple(all_links),
        arxiv_id=arxiv_id,
        annotation="\n".join(annotation) or None,
        topic=topic,
        path=path,
        line=first.number,
    )


_Fields = tuple[str, list[PaperLink], str | None, int | None, int | None, str | None]


def _fields_from_head(head: _Head, continuation_links: list[PaperLink]) -> _Fields | None:
    rest = head.rest
    if not rest:
        return None
    if rest[0] in "\"“":
        return _quoted_entry(head, continuation_links)
    if rest.startswith("["):
        found = _linked_title_entry(head)
        if found is not None:
            return found
        if head.kind != "bullet":
            return None
    return _unquoted_entry(head, continuation_links)


def _quoted_entry(head: _Head, continuation_links: list[PaperLink]) -> _Fields | None:
    rest = head.rest
    close = "”" if rest[0] == "“" else '"'
    end = rest.find(close, 1)
    if end == -1 and close == "”":
        end = rest.find('"', 1)
    if end <= 1:
        return None
    title = _clean_title(rest[1:end])
    if not _has_letters(title):
        return None
    tail = _parse_tail(rest[end + 1 :])
    words = len(title.split())
    has_paper_link = any(_is_paper_url(link.url) for link in tail.links + continuation_links)
    bullet = head.kind == "bullet"
    if words < 2 and not (bullet and (tail.year or tail.venue_known or has_paper_link)):
        return None
    # A line that merely starts with a quotation ("Warm up" the learning rate ...) is prose;
    # a title followed by metadata, or by a note in Chinese, is an entry.
    if not (
        tail.year is not None
        or tail.venue_known
        or has_paper_link
        or tail.metadata_only
        or (bullet and words >= 3 and tail.chinese_note)
    ):
        return None
    return title, tail.links, tail.venue_raw, tail.year, tail.month, tail.abbreviation


def _linked_title_entry(head: _Head) -> _Fields | None:
    rest = head.rest
    badge = _BADGE_LINK.match(rest)
    if badge:
        return None
    match = _LINK.match(rest)
    if not match:
        return None
    text, url = match.group(1).strip(), match.group(2).strip()
    tail = _parse_tail(rest[match.end() :])
    local = not re.match(r"(?i)[a-z][a-z0-9+.-]*://", url)
    if local:
        if head.kind == "para":
            return None  # a file link on a line of its own belongs to the entry above it
        # Only a link whose text is itself a file name ("[2020_CVPR_Title.pdf](./...)"); a
        # "[note](./2020_..._Note.md)" link under an entry is that entry's link, not a paper.
        info = paper_from_note_filename(text.strip())
        if info is None:
            return None
        kind = "note" if re.search(r"(?i)\.(md|markdown)$", url) else "pdf"
        links = [PaperLink(kind, url)] + tail.links
        venue_raw = info.venue_raw or tail.venue_raw
        return (
            info.title,
            links,
            venue_raw,
            info.year,
            info.month if info.month is not None else tail.month,
            info.abbreviation or tail.abbreviation,
        )
    if not _is_paper_url(url):
        return None
    title = _clean_title(re.sub(r"(?i)^arxiv\s*[:：]\s*", "", text))
    if len(title.split()) < 2 or _CJK.search(title) or _is_link_label(title):
        return None
    if head.kind != "bullet" and not (tail.metadata_only or tail.year is not None):
        return None
    links = [PaperLink(_label_from_url(url, remote_paper="paper"), url)] + tail.links
    return title, links, tail.venue_raw, tail.year, tail.month, tail.abbreviation


def _unquoted_entry(head: _Head, continuation_links: list[PaperLink]) -> _Fields | None:
    rest = head.rest
    citation = _CITATION.match(_strip_markup(rest)) if _looks_like_citation(rest) else None
    if citation and re.search(r"\bet\.?\s*al\b|\bet\s+la\b|\s(?:and|&)\s", citation.group("authors")):
        venue = _venue_token(citation.group("venue").split()[-1]) if citation.group("venue").split() else None
        venue_raw = citation.group("venue").strip()
        if venue is None:
            venue = normalise_venue(venue_raw)
            venue = venue if venue in _VENUE_ALIASES.values() else None
        title = _clean_title(citation.group("title"))
        if venue and len(title.split()) >= 2 and not _CJK.search(title):
            year_text = citation.group("year")
            year = int(year_text) if len(year_text) == 4 else 2000 + int(year_text)
            return title, [], venue_raw, year, None, None
    if head.kind != "bullet":
        return None
    head_links = _links_in(rest)
    text = _strip_markup(_IMAGE.sub(" ", _LINK.sub(" ", rest)))
    text = _BARE_URL.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if not text or _CJK.search(text) or re.search(r"[\"“”]|>>|->|=>", text):
        return None
    # "Title Venue, 2021 Jun" / "Title 2021 Jun" / "Title *Apr 2023*"
    split = _split_unquoted(text)
    if split is not None:
        title, venue_raw, year, month, abbreviation = split
        if _title_like(title):
            return title, head_links, venue_raw, year, month, abbreviation
    # "Title" followed by a link to a paper site on the lines below
    if any(_is_paper_url(link.url) for link in head_links + continuation_links):
        title, venue_raw = _split_venue_without_year(text)
        if _title_like(title, min_words=1) and re.search(r"[A-Z]", title):
            return title, head_links, venue_raw, None, None, None
    return None


def _split_unquoted(text: str):
    date = None
    for match in _DATE.finditer(text):
        date = match
    month_first = None
    for match in _MONTH_FIRST.finditer(text):
        month_first = match
    if month_first is not None and (date is None or month_first.start() < date.start() <= month_first.end()):
        start, end = month_first.start(), month_first.end()
        year, month = int(month_first.group("year")), _month(month_first.group("month"))
    elif date is not None:
        start, end = date.start(), date.end()
        year, month = int(date.group("year")), _month(date.group("cnmonth") or date.group("month"))
    else:
        return None
    after = text[end:].strip(" ,;")
    if len(after.split()) > 3:
        return None
    before = text[:start].rstrip(" ,;(")
    tokens = before.split()
    # The venue is the last known venue word before the date, plus its modifiers.
    venue_at = None
    for k in range(len(tokens) - 1, max(-1, len(tokens) - 6), -1):
        word = tokens[k].strip(",.;()")
        if _venue_token(word):
            venue_at = k
            break
        if word.casefold() not in _VENUE_MODIFIERS:
            break
    if venue_at is not None:
        title = " ".join(tokens[:venue_at]).rstrip(" ,.;:-–—")
        venue_raw = " ".join(tokens[venue_at:]).strip(" ,.;")
    elif month is not None:
        title, venue_raw = before.rstrip(" ,.;:-–—"), None
    else:
        return None
    abbreviation = after if after and _abbreviation_like(after) else None
    return _clean_title(title), venue_raw, year, month, abbreviation


def _split_venue_without_year(text: str) -> tuple[str, str | None]:
    """"A Toolbox for Video Restoration: VR-Baseline. CVPR NTIRE 3rd award" → title, venue."""
    for match in re.finditer(r"[.,]\s+(\S+)", text):
        if _venue_token(match.group(1).strip(",.;")):
            return _clean_title(text[: match.start()]), text[match.start(1) :].strip()
    return _clean_title(text), None


# --------------------------------------------------------------------------- the tail


@dataclass
class _Tail:
    links: list[PaperLink]
    venue_raw: str | None
    venue_known: bool
    year: int | None
    month: int | None
    abbreviation: str | None
    metadata_only: bool
    chinese_note: bool


def _parse_tail(tail: str) -> _Tail:
    links = _links_in(tail)
    text = _BADGE_LINK.sub(" ", tail)
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(" ", text)
    text = _BARE_URL.sub(" ", text)
    text = _HTML_TAG.sub(" ", text)
    abbreviation = None
    marked = [m for m in (_STRONG.search(text), _CODE_SPAN.search(text)) if m is not None]
    if marked:
        first = min(marked, key=lambda m: m.start())
    if marked and not _CJK.search(text[: first.start()]):
        abbreviation = _SPACES.sub(" ", next(g for g in first.groups() if g)).strip() or None
        text = text[: first.start()] + " " + text[first.end() :]
    text = _strip_markup(text)
    text = _SPACES.sub(" ", text).strip(" ,;")
    venue_raw = None
    year = month = None
    leftover = text
    date = _DATE.search(text)
    month_first = _MONTH_FIRST.search(text)
    if month_first and (date is None or month_first.start() < date.start()):
        year, month = int(month_first.group("year")), _month(month_first.group("month"))
        before, leftover = text[: month_first.start()], text[month_first.end() :]
    elif date:
        year = int(date.group("year"))
        month = _month(date.group("cnmonth") or date.group("month"))
        before, leftover = text[: date.start()], text[date.end() :]
    else:
        before = ""
        first_word = text.split(",")[0].split()
        if first_word and _venue_token(first_word[0].strip(",.;")):
            before, leftover = text.split(",")[0], ",".join(text.split(",")[1:])
    before = before.strip(" ,;.-–—")
    if before and _venue_like(before):
        venue_raw = before
    elif before:
        # the year sits inside a sentence ("proposed in 2020 ..."): not the paper's date
        year = month = None
        leftover = text
    leftover = leftover.strip(" ,;.")
    if leftover and abbreviation is None and _abbreviation_like(leftover):
        abbreviation, leftover = leftover, ""
    venue_known = bool(venue_raw) and normalise_venue(venue_raw) in _VENUE_ALIASES.values()
    metadata_only = not leftover or (len(leftover.split()) <= 3 and not _CJK.search(leftover))
    chinese_note = bool(leftover) and bool(_CJK.match(leftover))
    return _Tail(links, venue_raw, venue_known, year, month, abbreviation, metadata_only, chinese_note)


def _venue_like(text: str) -> bool:
    """"CVPR oral", "NeurIPS Datasets and Benchmarks Track", "Master Thesis": not a sentence."""
    if _CJK.search(text):
        return False
    words = text.split()
    if normalise_venue(text) in _VENUE_ALIASES.values():
        return len(words) <= 8
    return len(words) <= 3 and any(re.search(r"[A-Z]", w) for w in words)


# --------------------------------------------------------------------------- tables


def _table_entries(lines: list[_Line], topics: list[tuple[str, ...]], path: str):
    index = 0
    while index + 1 < len(lines):
        header, separator = lines[index], lines[index + 1]
        if (
            header.hidden
            or not header.content.startswith("|")
            or not _TABLE_SEPARATOR.match(separator.content)
        ):
            index += 1
            continue
        names = [c.strip().strip("*").casefold() for c in _cells(header.content)]
        title_col = next((i for i, n in enumerate(names) if n in _TITLE_HEADERS), None)
        year_col = next((i for i, n in enumerate(names) if n in _YEAR_HEADERS), None)
        venue_col = next((i for i, n in enumerate(names) if n in _VENUE_HEADERS), None)
        row = index + 2
        while row < len(lines) and lines[row].content.startswith("|") and not lines[row].hidden:
            if title_col is not None and (year_col is not None or venue_col is not None):
                entry = _table_row_entry(
                    lines[row], _cells(lines[row].content), title_col, year_col, venue_col,
                    topics[row], path,
                )
                if entry is not None:
                    yield row, entry
            row += 1
        index = row


def _cells(row: str) -> list[str]:
    body = row.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.replace("\\|", "|").strip() for c in re.split(r"(?<!\\)\|", body)]


def _table_row_entry(line, cells, title_col, year_col, venue_col, topic, path) -> PaperEntry | None:
    if title_col >= len(cells):
        return None
    cell = cells[title_col]
    links = _links_in(cell)
    link = _LINK.search(cell)
    if link is not None:
        url = link.group(2)
        if not (_is_paper_url(url) or paper_from_note_filename(url)):
            return None  # a link to a video, blog or repository: not a paper
        title = _clean_title(link.group(1))
        links = [PaperLink(_label_from_url(url, remote_paper="paper"), url)] + links[1:]
    else:
        title = _clean_title(cell)
    if not _title_like(title, min_words=1, allow_cjk=False):
        return None
    year = None
    if year_col is not None and year_col < len(cells):
        found = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", cells[year_col])
        year = int(found.group(1)) if found else None
    month = None
    if year_col is not None and year_col < len(cells):
        date = _DATE.search(cells[year_col])
        month = _month(date.group("cnmonth") or date.group("month")) if date else None
    venue_raw = None
    if venue_col is not None and venue_col < len(cells):
        venue_raw = _strip_markup(cells[venue_col]).strip() or None
    return PaperEntry(
        title=title,
        venue=normalise_venue(venue_raw),
        venue_raw=venue_raw,
        year=year,
        month=month,
        abbreviation=None,
        read=None,
        links=tuple(links),
        arxiv_id=_arxiv_from_links(links),
        annotation=None,
        topic=topic,
        path=path,
        line=line.number,
    )


# --------------------------------------------------------------------------- small helpers


def _links_in(text: str) -> list[PaperLink]:
    links: list[PaperLink] = []
    for match in _BADGE_LINK.finditer(text):
        if match.group(2):
            links.append(PaperLink(normalise_link_label(match.group(1), match.group(2)), match.group(2)))
    rest = _BADGE_LINK.sub(" ", text)
    rest = _IMAGE.sub(" ", rest)
    for match in _LINK.finditer(rest):
        url = match.group(2).strip()
        if url:
            links.append(PaperLink(normalise_link_label(match.group(1), url), url))
    for url in _BARE_URL.findall(_LINK.sub(" ", rest)):
        links.append(PaperLink(_label_from_url(url), url.rstrip(".,;")))
    return links


def _link_only(text: str) -> bool:
    """A line of links: "[paper](...) [code](...) :star:", nothing else worth reading."""
    if not _LINK.search(text) and not _BARE_URL.search(text):
        return False
    rest = _BARE_URL.sub(" ", _LINK.sub(" ", _IMAGE.sub(" ", _BADGE_LINK.sub(" ", text))))
    rest = _strip_markup(rest)
    return not re.search(r"[^\W_]", rest)


def _is_link_label(text: str) -> bool:
    """"paper(CVPR version)", "github repo", "paper local pdf": a link's label, not a title."""
    return normalise_link_label(text) in set(_LINK_LABELS.values())


def _dedupe_links(links: list[PaperLink]) -> list[PaperLink]:
    seen: set[tuple[str, str]] = set()
    result = []
    for link in links:
        key = (link.label, link.url)
        if key not in seen:
            seen.add(key)
            result.append(link)
    return result


def _arxiv_from_links(links: list[PaperLink]) -> str | None:
    preferred = [link for link in links if link.label in {"paper", "arxiv"}]
    for link in preferred + [other for other in links if other not in preferred]:
        found = extract_arxiv_id(link.url)
        if found:
            return found
    return None


def _label_from_url(url: str, remote_paper: str = "link") -> str:
    lowered = url.casefold()
    if re.search(r"\.(md|markdown)(?:#.*)?$", lowered) and "://" not in lowered:
        return "note"
    if re.search(r"\.pdf(?:[#?].*)?$", lowered) and "://" not in lowered:
        return "pdf"
    if "arxiv.org" in lowered:
        return "arxiv" if remote_paper == "link" else remote_paper
    if _is_paper_url(url):
        return "paper"
    if re.search(r"(?:github|gitlab)\.com|gitee\.com|huggingface\.co/spaces", lowered):
        return "code"
    return "link"


def _is_paper_url(url: str) -> bool:
    host = re.match(r"(?i)^[a-z][a-z0-9+.-]*://([^/?#]+)(/[^?#]*)?", url.strip())
    if not host:
        return False
    domain = host.group(1).casefold().split(":")[0]
    if any(domain == h or domain.endswith("." + h) for h in _PAPER_HOSTS):
        return True
    return domain == "huggingface.co" and (host.group(2) or "").startswith("/papers/")


def _venue_token(token: str) -> str | None:
    key = token.casefold().strip(" ,.;:()'’*")
    if not key:
        return None
    if key in _VENUE_ALIASES:
        return _VENUE_ALIASES[key]
    glued = _GLUED_SUFFIX.match(key)
    if glued and glued.group("base") in _VENUE_ALIASES:
        return _VENUE_ALIASES[glued.group("base")]
    if len(key) >= 4 and key.isalpha() and sum(ch.isupper() for ch in token) >= 2:
        close = {
            venue for alias, venue in _VENUE_ALIASES.items()
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


def _month(text: str | None) -> int | None:
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
    return _SPACES.sub(" ", text).strip(" :")


def _strip_markup(text: str) -> str:
    text = _HTML_TAG.sub(" ", text)
    text = _SHORTCODE.sub(" ", text)
    text = _EMOJI_CHARS.sub(" ", text)
    text = re.sub(r"\*\*|__|~~|`", "", text)
    text = re.sub(r"(?<!\w)\*|\*(?!\w)", "", text)
    return text


def _clean_title(text: str) -> str:
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _strip_markup(text)
    text = _SPACES.sub(" ", text).strip()
    text = text.strip("\"“”'‘’ ")
    return text.rstrip(" .,;:").strip()


def _has_letters(text: str) -> bool:
    return bool(re.search(r"[^\W\d_]", text))


def _title_like(title: str, min_words: int = 2, allow_cjk: bool = False) -> bool:
    if not title or not re.search(r"[A-Za-z]", title):
        return False
    if not allow_cjk and _CJK.search(title):
        return False
    words = title.split()
    return min_words <= len(words) <= 40 and "://" not in title


def _abbreviation_like(text: str) -> bool:
    """A bare method name after the date: one token with a capital, like "DAT" or "DeepFillv2"."""
    return (
        len(text) <= 40
        and len(text.split()) == 1
        and not _CJK.search(text)
        and bool(re.search(r"[A-Z]", text))
    )
