"""Does a bit of text look like a paper's name? The shape tests that headings and bare checkbox
items are judged by (``papers.heading_papers``, ``papers.bare_titles``), where nothing but the
words themselves, the list around them and the author's own markers say "this is a paper".

Read from the shared lists: a paper is named by a title ("Scalable Diffusion Models with
Transformers": several words, most content words capitalised) or by a method name ("SwinIR",
"Wav2Lip", "GFP-GAN": one token with an inner capital or a digit). Section topics ("Methods",
"Related work", "画质增强") and to-dos ("accept file transfer", "调研 ... 论文") are neither.
Every test here is a single pass over the words: no regex that can backtrack.
"""

from __future__ import annotations

import re

from corpus.syntax import CJK_CHAR

# Words that do not count for capitalisation ("Image Super-Resolution via Iterative Refinement").
_MINOR_WORDS = frozenset(
    "a an the of for with and or in on at to via by from using is are be as into towards toward "
    "through without under over vs versus its their do does can not what how when where why "
    "we you your our it this that than all".split()
)
# Headings that name a part of a text, not a paper (compared casefolded, without end ':').
TOPIC_WORDS = frozenset(
    "abstract introduction intro background motivation method methods "
    "methodology approach approaches model architecture experiment experiments experimental setup "
    "results result evaluation discussion conclusion conclusions summary summaries overview notes "
    "note todo references reference bibliography appendix takeaways takeaway key-points "
    "key-point contributions contribution limitations limitation ideas idea "
    "questions question q&a faq links resources dataset datasets metrics metric loss losses code "
    "implementation training inference analysis ablation ablations papers paper "
    "survey readme contents misc others other".split()
)
_TOPIC_PHRASES = frozenset({
    "related work", "related works", "future work", "key points", "key point", "more papers",
    "paper list", "reading list", "table of contents", "experimental setup", "to do",
})
# A title that names software, not a paper ("CycleGAN and pix2pix in PyTorch").
_CODE_WORDS = frozenset({"pytorch", "tensorflow", "toolbox", "library", "repo", "repository", "github", "implementation", "toolkit"})
# The first word of a to-do ("read the DDIM code", "accept file transfer", "check ...").
_TODO_VERBS = frozenset(
    "read reread check try look find add fix write ask accept install run test compare reproduce "
    "see search review learn study prepare update clean download upload send reply have make".split()
)
_WORD = re.compile(r"[^\s]+")


def words_of(text: str) -> list[str]:
    """The words of a title; a single hyphen-joined name of four or more parts
    ("Masked-Siamese-Networks-for-Label-Efficient-Learning") counts as the words it joins."""
    words = [w.strip("()[]{},.;:!\"'“”‘’") for w in text.split()]
    words = [w for w in words if w]
    if len(words) == 1 and words[0].count("-") >= 3:
        words = [w for w in words[0].split("-") if w]
    return words


def is_method_name(word: str) -> bool:
    """One token that names a method: a capital after its first letter ("SwinIR", "iNeRF",
    "GFP-GAN", "DDIM") or letters mixed with digits ("Wav2Lip", "pix2pix", "GPT-4")."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9+\-_.]{1,39}", word) or not re.search(r"[A-Za-z]", word):
        return False
    inner_capital = any(ch.isupper() for ch in word[1:])
    letters_digits = any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word)
    return inner_capital or letters_digits


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit() or is_method_name(word)


def capital_share(words: list[str]) -> float:
    """Share of the content words (not "of", "for", "with", ...) that are capitalised."""
    content = [w for w in words if w.casefold() not in _MINOR_WORDS and re.search(r"[A-Za-z]", w)]
    if not content:
        return 0.0
    return sum(_capitalised(w) for w in content) / len(content)


def is_topic(text: str) -> bool:
    """A heading that names a part of a text or a kind of content ("Related Work", "Methods:")."""
    key = text.casefold().rstrip(" \t:：.#*").strip()
    key = re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", key)  # "3. Methods"
    return key in TOPIC_WORDS or key in _TOPIC_PHRASES


def names_code(words: list[str]) -> bool:
    return any(w.casefold() in _CODE_WORDS for w in words)


def looks_like_todo(words: list[str]) -> bool:
    """A to-do or a remark: starts with a lower-case word that is not a method name, or with a
    to-do verb ("Check the code")."""
    if not words:
        return True
    first = words[0]
    if first.casefold() in _TODO_VERBS and len(words) > 1 and not is_method_name(first):
        return True
    return first[:1].islower() and not is_method_name(first)


def title_shape(text: str) -> str:
    """"title" (3-30 words, first word capitalised, at least 60% of content words capitalised),
    "name" (1-2 words, one of them a method name), "other" (English, but neither), or "none"
    (no Latin letters, Chinese, a question, too long)."""
    if not text or CJK_CHAR.search(text) or not re.search(r"[A-Za-z]", text) or text.rstrip().endswith("?"):
        return "none"
    words = words_of(text)
    if not words or len(words) > 30:
        return "none"
    if len(words) >= 3:
        if _capitalised(words[0]) and capital_share(words) >= 0.6:
            return "title"
        return "other"
    if any(is_method_name(w) for w in words):
        return "name"
    return "other"
