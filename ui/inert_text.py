"""Text from files, made inert for the page: Streamlit renders st.markdown, st.caption, st.info,
st.warning, st.success and st.error as Markdown, so a title like ``![t](http://attacker/x)`` would
make the browser fetch that URL. Every string from a file (titles, headings, paths, snippets,
reasons, annotations) goes through one of these before it reaches a Markdown-rendering call.

`markdown_text`: for Markdown — the punctuation that links, images, HTML, emphasis, code spans
and LaTeX are made of, backslash-escaped (CommonMark shows escaped punctuation literally).
Passage snippets go out as HTML (ui/passage_text.py, ui/highlight.py): HTML-escaped, with blank
lines dropped so the whole card stays one HTML block that Markdown does not parse inside.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!$&()*<>\[\\\]_`])")  # what links, images, HTML, emphasis, code and LaTeX need
_MARKDOWN_IN_HTML = re.compile(r"[!\[\]()*_`#$~|\\{}]")


def markdown_text(text: object) -> str:
    """`text` as Markdown that shows exactly these characters (line breaks kept as spaces-safe text)."""
    return _PUNCTUATION.sub(r"\\\1", str(text))
