"""How large to render a PDF page: the wanted dpi, unless that exceeds a pixel budget.

A PDF page may legally be 14,400 pt (200 in) square, and a "poster" scan at 300 dpi is 60,000 px
a side: 3.6 gigapixels, gigabytes of memory for one page. Every place that renders a page (OCR,
the page preview) asks here for its scale, so no page can cost more than ``budget`` pixels, and
no side exceeds what Tesseract (Leptonica) accepts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_PIXELS = 40_000_000  # width * height; ~40 MB grey, ~160 MB RGBA: far above any normal page at 300 dpi
MAX_SIDE = 32_000  # Tesseract refuses images with a side over 32767 px


@dataclass(frozen=True)
class RenderSize:
    scale: float  # pixels per PDF point (pdfium's `scale`)
    width: int
    height: int
    capped: bool  # True when the wanted scale was lowered to fit the budget

    @property
    def dpi(self) -> float:
        return self.scale * 72


def render_size(
    width_pt: float, height_pt: float, scale: float, budget: int = MAX_PIXELS, max_side: int = MAX_SIDE
) -> RenderSize:
    """The scale to render a `width_pt` x `height_pt` page at: `scale`, or less so that
    width*height <= `budget` pixels and neither side exceeds `max_side`."""
    width_pt, height_pt = max(float(width_pt), 1e-3), max(float(height_pt), 1e-3)
    limit = min(scale, (budget / (width_pt * height_pt)) ** 0.5, max_side / max(width_pt, height_pt))
    capped = limit < scale
    # pdfium rounds each side up to whole pixels; keep that product inside the budget too
    while capped and _pixels(width_pt, limit) * _pixels(height_pt, limit) > budget:
        limit *= 0.999
    return RenderSize(limit, _pixels(width_pt, limit), _pixels(height_pt, limit), capped)


def _pixels(points: float, scale: float) -> int:
    return max(1, math.ceil(points * scale))


def page_render_size(page, scale: float, budget: int = MAX_PIXELS) -> RenderSize:
    """`render_size` for a pypdfium2 page."""
    width, height = page.get_size()
    return render_size(width, height, scale, budget)
