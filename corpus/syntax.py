"""What Chinese text and Markdown look like: the character classes and patterns that every
reader, cleaner, parser and tokenizer shares, defined once so they cannot drift apart.

Character classes are given as bodies (no brackets) so callers can combine them:
``re.compile(f"[{HAN}{KANA}]")``. The Markdown patterns are used by the corpus readers and
cleaners (``corpus.markdown_reader``, ``corpus.markdown_clean``) and by the paper-list parser
(``papers``); where two of them differ, they differ on purpose and the comment says how.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs: extension A, unified, compatibility
KANA = "\u3040-\u30ff"
HANGUL = "\uac00-\ud7af"
CJK_PUNCTUATION = "\u3000-\u303f"  # ideographic space, 、。「」 and friends
FULLWIDTH = "\uff00-\uffef"  # fullwidth ASCII and halfwidth forms: （），：
CJK_LETTERS = HAN + KANA + HANGUL

CJK_LETTER = re.compile(f"[{CJK_LETTERS}]")
HAN_RUN = re.compile(f"[{HAN}]+")
# Any character of CJK writing: a letter, CJK punctuation or a fullwidth form. A title or a
# venue containing one is not an English paper title.
CJK_CHAR = re.compile(f"[{CJK_LETTERS}{CJK_PUNCTUATION}{FULLWIDTH}]")

# --------------------------------------------------------------------------- block structure

# Groups: the #s, the heading text (to its last non-space; a heading of only spaces keeps one).
# No two quantifiers trade characters, so a match is linear in the line (the lazy
# ``[ \t]+(.+?)\s*$`` it replaces, same matches, was quadratic on a long run of spaces).
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+([^\n]*\S|[^\n])\s*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")  # group: the fence marker
QUOTE_PREFIX = re.compile(r"^([ \t]*)((?:>[ \t]?)+)")  # groups: indentation, the > markers

# --------------------------------------------------------------------------- inline syntax

# Every inline pattern below runs in time linear in the text. Where Python's backtracking engine
# would retry a doomed match from every bracket of a long run (a line of unclosed "[", a "[x]("
# whose target never closes), the pattern is a ``ScannedPattern``: the compiled regex decides
# each match (so groups and spans are exactly the regex's) and a scan skips the start positions
# that must fail for the same reason as one already tried. Each behaves like a ``re.Pattern``
# for match, search, finditer, findall and sub.


class ScannedPattern:
    """A regex whose unanchored searches skip start positions known to fail (see above)."""

    def __init__(
        self, regex: re.Pattern, scan: Callable[[re.Pattern, str, int], Iterator[re.Match]], needle: str
    ):
        self.regex = regex
        self.pattern = regex.pattern
        self.groups = regex.groups
        self._scan = scan
        self._needle = needle  # every match contains it: most texts are settled by one find

    def match(self, text: str, pos: int = 0) -> re.Match | None:
        return self.regex.match(text, pos)

    def finditer(self, text: str, pos: int = 0) -> Iterator[re.Match]:
        if self._needle not in text:
            return iter(())
        return self._scan(self.regex, text, pos)

    def search(self, text: str, pos: int = 0) -> re.Match | None:
        return next(self.finditer(text, pos), None)

    def findall(self, text: str, pos: int = 0) -> list:
        if self.groups == 0:
            return [m.group(0) for m in self.finditer(text, pos)]
        if self.groups == 1:
            return [m.group(1) or "" for m in self.finditer(text, pos)]
        return [m.groups("") for m in self.finditer(text, pos)]

    def sub(self, repl, text: str, count: int = 0) -> str:
        if self._needle not in text:
            return text
        if not callable(repl) and "\\" not in repl:
            literal = repl
            repl = lambda m: literal  # noqa: E731 — no group references to expand
        pieces: list[str] = []
        last = 0
        for n, m in enumerate(self.finditer(text), start=1):
            pieces.append(text[last : m.start()])
            pieces.append(repl(m) if callable(repl) else m.expand(repl))
            last = m.end()
            if count and n >= count:
                break
        pieces.append(text[last:])
        return "".join(pieces)

    def __repr__(self) -> str:
        return f"ScannedPattern({self.pattern!r})"


def _scan_image(regex: re.Pattern, text: str, pos: int) -> Iterator[re.Match]:
    # Every "![" before the same "]" shares its fate; with no ")" left, nothing more matches.
    while True:
        start = text.find("![", pos)
        if start < 0:
            return
        close = text.find("]", start + 2)
        if close < 0:
            return
        if not text.startswith("](", close):
            pos = close + 1
            continue
        if text.find(")", close + 2) < 0:
            return
        match = regex.match(text, start)  # matches: "![", no "]" before close, "](", a ")"
        yield match
        pos = match.end()


def _scan_links(label_end: Callable[[str, int], int], target_run: re.Pattern):
    """The scan of a "[label](target ...)" pattern. A start whose label ends at no "](" fails.
    A failed attempt's target runs up to a character that stops it; any later start whose
    target begins inside that run runs up to the same character, followed by the same text,
    and fails the same way."""

    def scan(regex: re.Pattern, text: str, pos: int) -> Iterator[re.Match]:
        dead_from, dead_to = 0, 0  # targets starting in [dead_from, dead_to) are known to fail
        while True:
            start = text.find("[", pos)
            if start < 0:
                return
            close = label_end(text, start)
            target = close + 2
            if not text.startswith("](", close) or dead_from <= target < dead_to:
                pos = start + 1
                continue
            match = regex.match(text, start)
            if match is not None:
                yield match
                pos = match.end()
                continue
            run_end = target_run.match(text, target).end()
            if run_end >= dead_to:
                dead_from, dead_to = target, run_end
            pos = start + 1

    return scan


_LINK_LABEL = re.compile(r"\[(?:[^\[\]]++|\[[^\[\]]*+\])*+")


def _link_label_end(text: str, start: int) -> int:
    return _LINK_LABEL.match(text, start).end()


def _scan_plain_links(regex: re.Pattern, text: str, pos: int) -> Iterator[re.Match]:
    # As _scan_links; also every "[" before the same "]" shares its fate, so jump past that "]".
    dead = 0  # targets starting before this (and after the last failed one) are known to fail
    while True:
        start = text.find("[", pos)
        if start < 0:
            return
        close = text.find("]", start + 1)
        if close < 0:
            return
        if not text.startswith("](", close) or close + 2 < dead:
            pos = close + 1
            continue
        match = regex.match(text, start)
        if match is not None:
            yield match
            pos = match.end()
            continue
        dead = max(dead, _PLAIN_TARGET_RUN.match(text, close + 2).end())
        pos = close + 1


def _scan_badges(regex: re.Pattern, text: str, pos: int) -> Iterator[re.Match]:
    # Starts before the same "]" share their fate, and so do starts whose image ends at the
    # same ")" (what follows that ")" decides).
    failed_paren = -1
    while True:
        start = text.find("[![", pos)
        if start < 0:
            return
        close = text.find("]", start + 3)
        if close < 0:
            return
        if not text.startswith("](", close):
            pos = close + 1
            continue
        paren = text.find(")", close + 2)
        if paren < 0:
            return
        if paren != failed_paren:
            match = regex.match(text, start)
            if match is not None:
                yield match
                pos = match.end()
                continue
            failed_paren = paren
        pos = close + 1


def _scan_autolinks(regex: re.Pattern, text: str, pos: int) -> Iterator[re.Match]:
    # A start whose address runs into a space or the end fails, and so does every start inside
    # that address.
    while True:
        head = _AUTOLINK_HEAD.search(text, pos)
        if head is None:
            return
        match = regex.match(text, head.start())
        if match is not None:
            yield match
            pos = match.end()
            continue
        pos = _AUTOLINK_RUN.match(text, head.end()).end()


def _scan_html_tags(regex: re.Pattern, text: str, pos: int) -> Iterator[re.Match]:
    # Every tag ends at a ">": up to the last ">" of the text every start that opens like a tag
    # is one (up to the next ">"); after it none is.
    last = text.rfind(">")
    if last >= 0:
        yield from regex.finditer(text, pos, last + 1)


IMAGE = ScannedPattern(re.compile(r"!\[[^\]]*\]\([^)]*\)"), _scan_image, "](")
# [label](target "title"): the label may hold one level of [brackets] and the target may sit in
# <angle brackets> or hold spaces. Groups: label, target. The target runs to its last non-space
# before the title or the ")" (to the ">" when in angle brackets). No two quantifiers can trade
# characters: the lazy ``\(\s*<?([^)<>"]*?)>?(?:\s+"[^"]*")?\s*\)`` this replaces (same matches)
# took cubic time on "[paper](" followed by a long run of spaces.
_LINK_TARGET = (
    r"\(\s*+<?"
    r'([^)<>"\s]*+(?:\s++[^)<>"\s]++)*+(?:\s++(?=>))?)'
    r'>?(?:(?:\s+|(?<=\s))"[^"]*")?\s*\)'
)
LINK = ScannedPattern(
    re.compile(r"\[((?:[^\[\]]++|\[[^\[\]]*+\])*+)\]" + _LINK_TARGET),
    _scan_links(_link_label_end, re.compile(r'\s*+<?[^)<>"]*+')),
    "](",
)
# [label](target "title") as written plainly: no brackets in the label, no spaces in the target.
# What the embedding cleaner replaces by its label. Groups: label, target.
PLAIN_LINK = ScannedPattern(re.compile(r'\[([^\]]*)\]\(([^)\s]*+)(?:\s+"[^"]*")?\)'), _scan_plain_links, "](")
_PLAIN_TARGET_RUN = re.compile(r"[^)\s]*+")
# [![badge alt](image)](target): a shields.io-style badge that links somewhere. Groups: alt, target.
BADGE_LINK = ScannedPattern(re.compile(r"\[!\[([^\]]*)\]\([^)]*\)\]\(\s*+<?([^)\s>]*)>?\s*\)"), _scan_badges, "](")
AUTOLINK = ScannedPattern(re.compile(r"<(https?://[^>\s]+)>"), _scan_autolinks, "://")  # group: the URL
_AUTOLINK_HEAD = re.compile(r"<https?://")
_AUTOLINK_RUN = re.compile(r"[^>\s]*+")
_SCHEME_URL = r"(?:https?|ftp)://[^\s)\]>]+"
BARE_URL = re.compile(_SCHEME_URL)  # an address with a scheme, outside link syntax
WEB_ADDRESS = re.compile(_SCHEME_URL + r"|www\.[^\s)\]>]+")  # also www.example.org
HTML_TAG = ScannedPattern(re.compile(r"</?[A-Za-z][^>]*>"), _scan_html_tags, ">")
_SHORTCODE = r":[a-z0-9_+\-]+:"
EMOJI_SHORTCODE = re.compile(_SHORTCODE)  # :star:, and also the ":30:" of 10:30:45
EMOJI_SHORTCODE_WORD = re.compile(_SHORTCODE + r"(?![\w])")  # only one not glued to a word
SPACES = re.compile(r"\s+")


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them: only \n, \r\n and \r end a line. (str.splitlines also
    splits at form feeds, U+2028, NEL and others, which would shift every later line number.)"""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
