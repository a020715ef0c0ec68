"""What Chinese text and Markdown look like: the character classes and patterns that every
reader, cleaner, parser and tokenizer shares, defined once so they cannot drift apart.

Character classes are given as bodies (no brackets) so callers can combine them:
``re.compile(f"[{HAN}{KANA}]")``. The Markdown patterns are used by the corpus readers and
cleaners (``corpus.markdown_reader``, ``corpus.markdown_clean``) and by the paper-list parser
(``papers``); where two of them differ, they differ on purpose and the comment says how.
"""

from __future__ import annotations

import re

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

HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)\s*$")  # groups: the #s, the heading text
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")  # group: the fence marker
QUOTE_PREFIX = re.compile(r"^([ \t]*)((?:>[ \t]?)+)")  # groups: indentation, the > markers

# --------------------------------------------------------------------------- inline syntax

IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
# [label](target "title"): the label may hold one level of [brackets] and the target may sit in
# <angle brackets> or hold spaces. Groups: label, target.
LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^)<>\"]*?)>?(?:\s+\"[^\"]*\")?\s*\)")
# [label](target "title") as written plainly: no brackets in the label, no spaces in the target.
# What the embedding cleaner replaces by its label. Groups: label, target.
PLAIN_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
# [![badge alt](image)](target): a shields.io-style badge that links somewhere. Groups: alt, target.
BADGE_LINK = re.compile(r"\[!\[([^\]]*)\]\([^)]*\)\]\(\s*<?([^)\s>]*)>?\s*\)")
AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")  # group: the URL
_SCHEME_URL = r"(?:https?|ftp)://[^\s)\]>]+"
BARE_URL = re.compile(_SCHEME_URL)  # an address with a scheme, outside link syntax
WEB_ADDRESS = re.compile(_SCHEME_URL + r"|www\.[^\s)\]>]+")  # also www.example.org
HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_SHORTCODE = r":[a-z0-9_+\-]+:"
EMOJI_SHORTCODE = re.compile(_SHORTCODE)  # :star:, and also the ":30:" of 10:30:45
EMOJI_SHORTCODE_WORD = re.compile(_SHORTCODE + r"(?![\w])")  # only one not glued to a word
SPACES = re.compile(r"\s+")


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them: only \n, \r\n and \r end a line. (str.splitlines also
    splits at form feeds, U+2028, NEL and others, which would shift every later line number.)"""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
