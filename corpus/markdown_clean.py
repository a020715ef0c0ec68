"""Reduce Markdown to the words worth embedding.

Link syntax becomes its label; images, bare URLs, HTML tags and emoji shortcodes go.
The removed URLs are returned so they can be kept as chunk metadata. ``strip_markup`` is the
lighter cleaning the paper-list parser needs: inline markup and emoji go, links stay.
"""

from __future__ import annotations

import re

from corpus.syntax import (
    AUTOLINK,
    EMOJI_SHORTCODE,
    EMOJI_SHORTCODE_WORD,
    HTML_TAG,
    IMAGE,
    PLAIN_LINK,
    WEB_ADDRESS,
)

# A line may start with spaces but not with blank lines: "^\s*" would rescan a run of blank
# lines from each of them (quadratic); the output is the same, as blank lines are dropped.
_CHECKBOX = re.compile(r"^([^\S\n]*+[-*+]\s+)\[[ xX]\]\s*", re.MULTILINE)
_EMPHASIS = re.compile(r"\*\*|__|~~|`")
_LONE_ASTERISK = re.compile(r"(?<!\w)\*|\*(?!\w)")
_EMOJI_CHARS = re.compile(
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D\u2190-\u21FF\u2300-\u23FF]"
)
_SPACES = re.compile(r"[ \t\u3000]+")  # within a line: the ideographic space counts too
_QUOTE_MARKER = re.compile(r"^[^\S\n]*+(?:>\s*+)++", re.MULTILINE)
_NO_WORDS = re.compile(r"^[\W_]*$")


def extract_links(text: str) -> list[str]:
    """Every URL or link target in `text`, in order of appearance (images excluded)."""
    no_images = IMAGE.sub(" ", text)
    targets = [m.group(2) for m in PLAIN_LINK.finditer(no_images) if m.group(2)]
    rest = PLAIN_LINK.sub(" ", no_images)
    targets += AUTOLINK.findall(rest)
    targets += WEB_ADDRESS.findall(AUTOLINK.sub(" ", rest))
    return targets


def clean_markdown(text: str) -> str:
    """The embeddable form of a Markdown snippet: labels kept, markup and addresses dropped."""
    text = IMAGE.sub(" ", text)
    text = PLAIN_LINK.sub(lambda m: f" {m.group(1)} ", text)
    text = AUTOLINK.sub(" ", text)
    text = HTML_TAG.sub(" ", text)
    text = WEB_ADDRESS.sub(" ", text)
    text = EMOJI_SHORTCODE.sub(" ", text)
    text = _QUOTE_MARKER.sub("", text)
    text = _CHECKBOX.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if not _NO_WORDS.match(line))


def clean_heading(text: str) -> str:
    """A heading as a reader would say it: no emphasis, emoji, link syntax or trailing #s."""
    return clean_markdown(text.strip().rstrip("#")).replace("\n", " ").strip()


def strip_markup(text: str) -> str:
    """Text without HTML tags, emoji (shortcodes and characters) or emphasis marks; links and
    line breaks are left alone. For reading the fields of a list entry."""
    text = HTML_TAG.sub(" ", text)
    text = EMOJI_SHORTCODE_WORD.sub(" ", text)
    text = _EMOJI_CHARS.sub(" ", text)
    text = _EMPHASIS.sub("", text)
    return _LONE_ASTERISK.sub("", text)
