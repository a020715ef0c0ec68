"""Show a passage with the query's words marked, trimmed around the first match."""

from __future__ import annotations

import html
import re

from corpus.syntax import HAN_RUN

_CJK_RUN = HAN_RUN
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+\-_.]*[A-Za-z0-9+]|[A-Za-z0-9]")
_STOP = {"a", "an", "and", "the", "of", "for", "in", "on", "to", "is", "are", "with", "by", "how", "what", "does"}


def query_terms(query: str) -> list[str]:
    """English words (no stop words) and Chinese runs; runs longer than two characters also
    contribute their two-character pieces, since Chinese words rarely match whole phrases."""
    terms = [w for w in _WORD.findall(query) if w.lower() not in _STOP]
    for run in _CJK_RUN.findall(query):
        terms.append(run)
        if len(run) > 2:
            terms.extend(run[i : i + 2] for i in range(len(run) - 1))
    return sorted(set(terms), key=len, reverse=True)


def highlight(text: str, query: str, width: int = 420) -> str:
    """HTML-escaped snippet of `text` with query terms wrapped in <mark>; line breaks are kept
    (blank lines dropped) so tables and lists stay readable under `white-space: pre-wrap`."""
    flat = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    terms = query_terms(query)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None
    first = pattern.search(flat) if pattern else None
    start = max(0, first.start() - width // 3) if first and len(flat) > width else 0
    snippet = flat[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(flat) else ""
    if pattern is None:
        return prefix + html.escape(snippet) + suffix
    pieces, position = [], 0
    for match in pattern.finditer(snippet):
        pieces.append(html.escape(snippet[position : match.start()]))
        pieces.append(f"<mark>{html.escape(match.group())}</mark>")
        position = match.end()
    pieces.append(html.escape(snippet[position:]))
    return prefix + "".join(pieces) + suffix
