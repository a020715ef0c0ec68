"""The links in one line of Markdown, as a CommonMark renderer reads them, with where they sit.

A regex cannot follow CommonMark's link grammar: `[pdf](<./pdfs/x (1).pdf>)` (the form for a
destination with spaces or parentheses, which the Markdown export writes), balanced parentheses
in a bare destination, backslash escapes and entities, code spans that hide a link. So the line
goes through markdown-it-py's inline stage (the parser corpus/note_blocks.py uses for the block
structure), and its link, image and autolink rules are wrapped to note the span each one
consumed: callers get the destination exactly as the renderer would link it (escapes decoded,
not percent-encoded) and can blank the link out of the text they read further.

Notes also hold what CommonMark does not accept but Typora shows as a link: a local file named
with spaces, written without angle brackets (`[note](./2022_CVPR_Latent Diffusion_Note.md)`). Such
a link is read from what the parser left as text, outside code spans, with ``corpus.syntax.LINK``.

The inline stage is linear in the line (markdown-it's own guarantees); a line longer than
``MAX_LINE`` characters is read by the regex fallback alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from corpus.syntax import LINK

MAX_LINE = 20_000
_CACHED_LINE = 1_000


@dataclass(frozen=True)
class InlineLink:
    start: int  # span of the whole link in the line
    end: int
    kind: str  # "link" | "image" | "autolink"
    label: str  # the link text's Markdown as written (an image: its alt text's)
    url: str  # the destination as the renderer links it: escapes and entities decoded
    label_start: int  # span of the label (for an autolink, of the address)
    label_end: int
    nested: bool  # inside another link's label (the image of a badge)


def inline_links(text: str) -> tuple[InlineLink, ...]:
    """Every link, image and autolink of ``text`` (one line), in the order they start."""
    if "[" not in text and "<" not in text:
        return ()
    # a line is asked about several times (is it only links? which links? the text without them):
    # short lines are remembered, long ones (rare) read again rather than held
    return _cached_links(text) if len(text) <= _CACHED_LINE else _inline_links(text)


def outer_links(text: str) -> tuple[InlineLink, ...]:
    """The links and images of ``text`` that no other link holds."""
    return tuple(link for link in inline_links(text) if not link.nested)


def unescape_markdown(text: str) -> str:
    """Backslash escapes and entities decoded, as a renderer shows them (``tpami\\_版本``)."""
    from markdown_it.common.utils import unescapeAll

    return unescapeAll(text)


def blank_spans(text: str, links) -> str:
    """``text`` with each of ``links`` replaced by one space (the rest kept in place)."""
    pieces, last = [], 0
    for link in sorted(links, key=lambda found: found.start):
        if link.start < last:
            continue
        pieces += [text[last : link.start], " "]
        last = link.end
    pieces.append(text[last:])
    return "".join(pieces)


@lru_cache(maxsize=4096)
def _cached_links(text: str) -> tuple[InlineLink, ...]:
    return _inline_links(text)


def _inline_links(text: str) -> tuple[InlineLink, ...]:
    found: list[InlineLink] = []
    code: list[tuple[int, int]] = []
    if len(text) <= MAX_LINE:
        env: dict = {"links": found, "code": code, "in_image": 0}
        # the parser's normaliser would turn these into other characters (\r\n into one): same length
        _parser().parseInline(text.replace("\r", " ").replace("\0", "\ufffd"), env)
    return tuple(sorted(found + _lenient_links(text, found, code), key=lambda link: link.start))


def _lenient_links(text: str, found: list[InlineLink], code: list[tuple[int, int]]) -> list[InlineLink]:
    """``[label](dest with spaces)`` links CommonMark left as text (not in a code span, not after
    a backslash, not inside a link it read)."""
    if "](" not in text:
        return []
    covered = _covered(text, [(link.start, link.end) for link in found] + code)
    result = []
    for match in LINK.finditer(text):
        start, end = match.span()
        if start and text[start - 1] in "\\!":
            continue
        if covered[end] - covered[start]:
            continue
        result.append(InlineLink(start, end, "link", match.group(1), match.group(2).strip(),
                                 match.start(1), match.end(1), False))
    return result


def _covered(text: str, spans: list[tuple[int, int]]) -> list[int]:
    """Prefix counts of the characters inside ``spans``: a span [a, b) overlaps them iff
    counts[b] - counts[a] > 0."""
    inside = [0] * (len(text) + 1)
    for start, end in spans:
        inside[start] += 1
        inside[end] -= 1
    counts, depth, total = [0], 0, 0
    for position in range(len(text)):
        depth += inside[position]
        total += depth > 0
        counts.append(total)
    return counts


def _recording(rule, kind: str):
    def run(state, silent: bool) -> bool:
        start, depth = state.pos, state.linkLevel
        label_end = -1
        if kind != "autolink" and not silent:
            at = start + 1 if kind == "image" else start
            label_end = state.md.helpers.parseLinkLabel(state, at, kind == "link") if state.src[at:at + 1] == "[" else -1
        before = len(state.tokens)
        if kind == "image":
            # an image's alt text is parsed as a string of its own: its positions are not the line's
            state.env["in_image"] = state.env.get("in_image", 0) + 1
        try:
            matched = rule(state, silent)
        finally:
            if kind == "image":
                state.env["in_image"] -= 1
        if not matched:
            return False
        if not silent and "links" in state.env and not state.env["in_image"]:
            wanted = "image" if kind == "image" else "link_open"
            # pending text before the link is pushed first
            token = next((t for t in state.tokens[before:] if t.type == wanted), None)
            if token is not None:
                url = token.attrGet("src" if kind == "image" else "href") or ""
                if kind == "autolink":
                    label_start, label_end = start + 1, state.pos - 1
                else:
                    label_start = start + (2 if kind == "image" else 1)
                label = state.src[label_start:label_end] if label_end >= label_start else ""
                state.env["links"].append(InlineLink(start, state.pos, kind, label, str(url),
                                                     label_start, max(label_end, label_start), depth > 0))
        return True

    return run


def _recording_code(rule):
    def run(state, silent: bool) -> bool:
        start = state.pos
        if not rule(state, silent):
            return False
        if not silent and "code" in state.env and not state.env["in_image"] and state.pos > start + 1:
            state.env["code"].append((start, state.pos))
        return True

    return run


@lru_cache(maxsize=1)
def _parser():
    """CommonMark's inline rules; destinations kept as written (no percent-encoding) and every
    scheme accepted: the links are read, never rendered."""
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import autolink, backtick, image, link

    md = MarkdownIt("commonmark")
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.inline.ruler.at("link", _recording(link, "link"))
    md.inline.ruler.at("image", _recording(image, "image"))
    md.inline.ruler.at("autolink", _recording(autolink, "autolink"))
    md.inline.ruler.at("backticks", _recording_code(backtick))
    return md
