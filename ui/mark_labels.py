"""How a card names the reader's own mark: "your highlight" / "your comment" with a swatch of its
colour. Nothing of the file's text goes into the HTML but the label, escaped: the kind of mark and
its colour are read back from the passage's heading against fixed lists
(corpus/annotation_passages.py), and the swatch's colour is the palette's own hex, never the file's.
"""

from __future__ import annotations

import html

from corpus.annotation_passages import colour_hex, mark_of_heading
from search import Hit

SWATCH_STYLE = ".swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.3em;" \
               "vertical-align:-.05em;border:1px solid #0003}"


def mark_label(hit: Hit) -> str | None:
    """"your highlight", "your comment", ... for a mark's passage; None for any other passage."""
    mark = mark_of_heading(hit.heading) if hit.kind == "annotation" else None
    return f"your {mark.what}" if mark else None


def mark_html(hit: Hit) -> str:
    """The label with its colour swatch, as HTML ("" for a passage that is not a mark)."""
    mark = mark_of_heading(hit.heading) if hit.kind == "annotation" else None
    if mark is None:
        return ""
    colour = colour_hex(mark.colour)
    swatch = (f"<span class='swatch' style='background:{colour}' title='{html.escape(mark.colour or '')}'></span>"
              if colour else "")
    return f"<span class='mark-label'>{swatch}{html.escape(f'your {mark.what}')}</span>"
