"""BibTeX citation keys for a whole catalog: stable, readable and unique across it.

A key depends on the paper and on the catalog it is in, never on which papers a search returned or
in what order, so the BibTeX of two searches (or of a search and the whole library) cite a shared
paper by the same key and a ``refs.bib`` built from several exports stays right.

* A key the user gave the paper (a per-paper note's ``Citation Key:``, as Zotero and Better BibTeX
  write it) is used as it is.
* Otherwise ``[auth][year][shorttitle]`` (``vaswani2017attention``) when the PDF names its authors,
  else ``[year][shorttitle]`` (``2017attention``). The short title is the paper's abbreviation
  (``EDVR``) or its first significant title word; Chinese is written in pinyin
  (``2022juanjishenjingwangluo``), accents are dropped (``balazevic``).
* Papers whose keys would collide get more title words (``2020deepvideo`` / ``2020deepimage``);
  papers still alike get ``a``, ``b``, ... in the order of their paper ids, which do not depend
  on searches either.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from corpus.syntax import HAN_RUN
from papers.arxiv import arxiv_year
from papers.records import PaperRecord

_MAX_TITLE_WORDS = 3
_MAX_ABBREVIATION = 12
# Function words a short title skips, as JabRef's and Better BibTeX's shorttitle do.
_SKIP = frozenset(
    "a an the of for on in at to and or with without via from by towards toward is are be its into "
    "using based what when how why do does can we our your you this that".split()
)
_CHINESE_SKIP = frozenset("基于 一种 一个 面向 关于 的 及其 和 与 研究 方法 分析 中 在 下 对 及".split())
# Characters a BibTeX key may hold that biber, pybtex and bibtexparser all accept.
_KEY_SAFE = re.compile(r"[^A-Za-z0-9_:.+/\-]")


def citation_keys(papers: Iterable[PaperRecord]) -> dict[str, str]:
    """paper_id → citation key, unique over ``papers`` (pass the whole catalog)."""
    papers = sorted(papers, key=lambda p: p.paper_id)
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for paper in papers:  # the user's own keys first: they win
        own = _KEY_SAFE.sub("", paper.citation_key or "")
        if own and own.casefold() not in taken:
            keys[paper.paper_id] = own
            taken.add(own.casefold())
    pending = [p for p in papers if p.paper_id not in keys]
    words = {p.paper_id: _title_words(p) for p in pending}
    level = dict.fromkeys(words, 1)
    while True:
        groups: dict[str, list[str]] = defaultdict(list)
        for paper in pending:
            groups[_generated_key(paper, words[paper.paper_id], level[paper.paper_id]).casefold()].append(paper.paper_id)
        bumped = False
        for key, ids in groups.items():
            same_title = len({tuple(words[i]) for i in ids}) == 1  # more words would not part them
            if (len(ids) > 1 and not same_title) or key in taken:
                for paper_id in ids:
                    if level[paper_id] < min(_MAX_TITLE_WORDS, len(words[paper_id])):
                        level[paper_id] += 1
                        bumped = True
        if not bumped:
            break
    for paper in pending:  # in paper-id order: the a/b suffixes do not depend on searches
        base = _generated_key(paper, words[paper.paper_id], level[paper.paper_id])
        key, suffix = base, 0
        while key.casefold() in taken:
            key, suffix = base + _suffix(suffix), suffix + 1
        keys[paper.paper_id] = key
        taken.add(key.casefold())
    return keys


def paper_year(paper: PaperRecord) -> int | None:
    """The paper's year; when nothing else gives it, its arXiv id's."""
    return paper.year or (arxiv_year(paper.arxiv) if paper.arxiv else None)


def _generated_key(paper: PaperRecord, words: list[str], level: int) -> str:
    author = _family_name(paper.authors[0]) if paper.authors else ""
    year = paper_year(paper)
    short = "".join(words[:level]) or "paper"
    return f"{author}{year or ''}{short}"


def _suffix(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _title_words(paper: PaperRecord) -> list[str]:
    """Lower-case ASCII words of a short title: the abbreviation first when there is one."""
    words = []
    if paper.abbreviation:
        abbreviation = _ascii(paper.abbreviation)
        if abbreviation and len(abbreviation) <= _MAX_ABBREVIATION:  # "EDVR", not a phrase
            words.append(abbreviation)
    title = paper.title or ""
    if HAN_RUN.search(title):
        words += [w for w in (_ascii(_pinyin(t)) for t in _chinese_words(title)) if w]
    else:
        # a hyphenated word is one word: "Self-Supervised" → "selfsupervised", not "self"
        for token in re.findall(r"[^\W_]+(?:-[^\W_]+)*", re.sub(r"['’]", "", unicodedata.normalize("NFKC", title))):
            word = _ascii(token)
            if word and word not in _SKIP and word not in words:
                words.append(word)
    return words


def _chinese_words(title: str) -> list[str]:
    from corpus.lexical_tokens import jieba_module  # jieba, loaded once for the lexical index too

    tokens = [t.strip() for t in jieba_module().lcut(title)]
    return [t for t in tokens if t and t not in _CHINESE_SKIP and re.search(r"[^\W_]", t)]


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin  # third-party, only needed here

    return "".join(lazy_pinyin(text))


def _family_name(name: str) -> str:
    """"Ashish Vaswani" / "Vaswani, Ashish" → "vaswani"; "Ludwig van Beethoven" → "beethoven";
    a Chinese name → its family name in pinyin."""
    name = name.strip()
    if "," in name:
        family = name.split(",", 1)[0]
    elif HAN_RUN.search(name):
        parts = name.split()
        family = parts[-1] if len(parts) > 1 else name[:1]  # "鹏鹏 郭" (given family) or "郭鹏鹏"
        family = _pinyin(family)
    else:
        family = name.split()[-1]
    return _ascii(family)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if not unicodedata.combining(c)).lower())
