"""Reduce Markdown to the words worth embedding.

Link syntax becomes its label; images, bare URLs, HTML tags and emoji shortcodes go.
The removed URLs are returned so they can be kept as chunk metadata.
"""

from __future__ import annotations

import re

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_BARE_URL = re.compile(r"(?:https?|ftp)://[^\s)\]>]+|www\.[^\s)\]>]+")
_EMOJI = re.compile(r":[a-z0-9_+\-]+:")
_CHECKBOX = re.compile(r"^(\s*[-*+]\s+)\[[ xX]\]\s*", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*\*|__|~~|`)")
_SPACES = re.compile(r"[ \t\u3000]+")
_QUOTE_MARKER = re.compile(r"^\s*(?:>\s*)+", re.MULTILINE)
_NO_WORDS = re.compile(r"^[\W_]*$")


def extract_links(text: str) -> list[str]:
    """Every URL or link target in `text`, in order of appearance (images excluded)."""
    no_images = _IMAGE.sub(" ", text)
    targets = [m.group(2) for m in _LINK.finditer(no_images) if m.group(2)]
    rest = _LINK.sub(" ", no_images)
    targets += _AUTOLINK.findall(rest)
    targets += _BARE_URL.findall(_AUTOLINK.sub(" ", rest))
    return targets


def clean_markdown(text: str) -> str:
    """The embeddable form of a Markdown snippet: labels kept, markup and addresses dropped."""
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(lambda m: f" {m.group(1)} ", text)
    text = _AUTOLINK.sub(" ", text)
    text = _HTML_TAG.sub(" ", text)
    text = _BARE_URL.sub(" ", text)
    text = _EMOJI.sub(" ", text)
    text = _QUOTE_MARKER.sub("", text)
    text = _CHECKBOX.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if not _NO_WORDS.match(line))


def clean_heading(text: str) -> str:
    """A heading as a reader would say it: no emphasis, emoji, link syntax or trailing #s."""
    return clean_markdown(text.strip().rstrip("#")).replace("\n", " ").strip()
