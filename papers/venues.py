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
    # Chinese journals, named as their own covers name them (CCF's list of Chinese journals, the
    # core ones of vision, graphics, language and automation).
    **dict.fromkeys((
        "计算机学报", "软件学报", "自动化学报", "中国科学: 信息科学", "中国科学: 技术科学", "电子学报",
        "中文信息学报", "中国图象图形学报", "计算机研究与发展", "计算机辅助设计与图形学学报", "模式识别与人工智能",
        "电子与信息学报", "通信学报", "智能系统学报", "图学学报", "信号处理", "光学学报", "中国激光",
        "控制与决策", "科学通报", "计算机科学", "计算机工程", "计算机应用", "计算机工程与应用", "计算机应用研究",
    ), "journal"),
    # Conferences held in Chinese, by the acronym they are cited by (their Chinese names are aliases).
    **dict.fromkeys(("CNCC", "ChinaMM", "PRCV", "CCL", "CCKS", "CCIR", "NCIG", "CCML", "NDBC", "ChinaVR",
                     "Chinagraph", "CCAI"), "conference"),
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
# Venues written as several words (or with a colon): matched on the whole text, without spaces,
# punctuation or case, before the word-by-word reading below.
_PHRASES: dict[str, str] = {
    "中国科学信息科学": "中国科学: 信息科学", "scientiasinicainformationis": "中国科学: 信息科学",
    "中国科学技术科学": "中国科学: 技术科学", "scientiasinicatechnologica": "中国科学: 技术科学",
    "chinesejournalofcomputers": "计算机学报", "journalofsoftware": "软件学报",
    "actaautomaticasinica": "自动化学报", "actaelectronicasinica": "电子学报",
    "journalofchineseinformationprocessing": "中文信息学报", "journalofimageandgraphics": "中国图象图形学报",
    "中国图像图形学报": "中国图象图形学报",  # 图像 is the spelling most people type
    "journalofcomputerresearchanddevelopment": "计算机研究与发展",
    "journalofcomputeraideddesigncomputergraphics": "计算机辅助设计与图形学学报",
    "patternrecognitionandartificialintelligence": "模式识别与人工智能",
    "journalofelectronicsinformationtechnology": "电子与信息学报", "journaloncommunications": "通信学报",
    "chinesesciencebulletin": "科学通报",
    "中国计算机大会": "CNCC", "中国多媒体大会": "ChinaMM", "中国模式识别与计算机视觉大会": "PRCV",
    "中国计算语言学大会": "CCL", "全国知识图谱与语义计算大会": "CCKS", "全国信息检索学术会议": "CCIR",
    "全国图象图形学学术会议": "NCIG", "中国机器学习会议": "CCML", "全国机器学习会议": "CCML",
    "中国数据库学术会议": "NDBC", "中国虚拟现实大会": "ChinaVR", "中国计算机图形学大会": "Chinagraph",
    "中国人工智能大会": "CCAI",
}
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


_CONFERENCE_WORDS = re.compile(
    r"(?i)\b(?:conference|proceedings|symposium|workshops?|congress|meeting)\b|会议|大会|研讨会|年会|论文集")
_JOURNAL_WORDS = re.compile(r"(?i)\b(?:journal|transactions|letters|magazine|review)\b|学报|期刊|杂志|通报|汇刊")


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
    phrase = _PHRASES.get(_phrase_key(text))
    if phrase:
        return phrase
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


def _phrase_key(text: str) -> str:
    """"中国科学：信息科学" and "Journal of Computer-Aided Design & Computer Graphics" as one key;
    "第二十届中国计算语言学大会论文集" is the conference itself."""
    key = re.sub(r"[\W_]+", "", text.casefold())
    return _EDITION.sub("", key)


_EDITION = re.compile(r"^(?:(?:19|20)\d\d年?)?第[一二三四五六七八九十百零〇\d]+届|论文集$")


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
