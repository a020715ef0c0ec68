"""Where a paper appeared, as researchers write it: "NeurlPS", "NIPS", "CVPRoral", "TPAMI",
"ICCV_best_paper" all name a handful of canonical venues. One list, one reader."""

from __future__ import annotations

import re

from corpus.syntax import SPACES

# Each canonical venue with its kind: what BibTeX entry a paper there is (@inproceedings for a
# conference, @article for a journal, @misc for a preprint). The exports read the kind from here.
VENUE_KINDS: dict[str, str] = {
    **dict.fromkeys((
        "CVPR", "ICCV", "ECCV", "NeurIPS", "ICML", "ICLR", "AAAI", "IJCAI", "WACV", "BMVC", "ACCV", "3DV",
        "ICME", "ICIP", "ICASSP", "ACM MM", "SIGGRAPH", "SIGGRAPH Asia", "MICCAI", "KDD", "ACL", "EMNLP",
        "NAACL", "COLING", "SIGIR", "WWW", "ICRA", "IROS", "CoRL", "Interspeech", "UAI", "AISTATS", "EG",
        "Eurographics", "CHI", "UIST", "VR", "ISMAR", "DCC", "PCS", "VCIP",
    ), "conference"),
    **dict.fromkeys((
        "TOG", "TPAMI", "TIP", "TCSVT", "TMM", "TVCG", "TNNLS", "TCI", "TMI", "TGRS", "IJCV", "CVIU",
        "Neurocomputing", "The Visual Computer", "Pattern Recognition", "TMLR", "JMLR", "Nature", "Science",
        "SPL", "TCYB", "TIFS", "TOMM", "TBC",
    ), "journal"),
    "arXiv": "preprint",
}
_CANONICAL_VENUES = tuple(VENUE_KINDS)
_ALIASES: dict[str, str] = {v.casefold(): v for v in _CANONICAL_VENUES}
_ALIASES.update(
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
_KNOWN = frozenset(_ALIASES.values())
# Words that qualify a venue without changing it ("CVPR oral", "ICCV_best_paper", ...).
_MODIFIERS = {
    "oral", "orals", "spotlight", "poster", "highlight", "workshop", "workshops", "w",
    "best", "paper", "award", "notable", "top", "ntire", "challenge", "track", "dataset",
    "datasets", "and", "benchmark", "benchmarks", "main", "conference", "findings",
    "report", "thesis", "asia", "acm", "ieee", "version", "accepted", "st", "nd", "rd",
    "th", "1st", "2nd", "3rd", "champion", "short", "long", "demo",
}
_GLUED_SUFFIX = re.compile(r"^(?P<base>[a-z][a-z0-9]*?)(?P<suffix>oral|workshop|w|'?\d{2}|\d{4})$")


def is_known_venue(venue: str | None) -> bool:
    """Is this (already normalised) venue one of the canonical ones?"""
    return venue in _KNOWN


_CONFERENCE_WORDS = re.compile(r"(?i)\b(?:conference|proceedings|symposium|workshops?|congress|meeting)\b|会议")
_JOURNAL_WORDS = re.compile(r"(?i)\b(?:journal|transactions|letters|magazine|review)\b|学报|期刊|杂志")


def venue_kind(venue: str | None) -> str | None:
    """"conference", "journal" or "preprint" for a venue as written (known venues by the table,
    others by their words: "Proceedings of ...", "... Transactions on ...", "...学报"); None when
    nothing says."""
    if not venue:
        return None
    canonical = normalise_venue(venue)
    if canonical in VENUE_KINDS:
        return VENUE_KINDS[canonical]
    if _CONFERENCE_WORDS.search(venue):
        return "conference"
    if _JOURNAL_WORDS.search(venue):
        return "journal"
    return None


def is_venue_modifier(word: str) -> bool:
    """"oral", "workshop", "best", "paper", ...: qualifies a venue (case-insensitive)."""
    return word.casefold() in _MODIFIERS


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
        if token not in _MODIFIERS:
            break
    return text


def venue_token(token: str) -> str | None:
    """The canonical venue one word names ("NeurlPS", "CVPR'21", "ICCVW"), else None."""
    key = token.casefold().strip(" ,.;:()'’*")
    if not key:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    glued = _GLUED_SUFFIX.match(key)
    if glued and glued.group("base") in _ALIASES:
        return _ALIASES[glued.group("base")]
    if len(key) >= 4 and key.isalpha() and sum(ch.isupper() for ch in token) >= 2:
        close = {
            venue for alias, venue in _ALIASES.items()
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
