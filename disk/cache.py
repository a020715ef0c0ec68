"""Where Papersearch keeps what it can make again: converted models, OCR results, benchmark indexes."""

from __future__ import annotations

import os
from pathlib import Path

ENV_CACHE = "PAPERSEARCH_CACHE"


def cache_dir(*parts: str) -> Path:
    """$PAPERSEARCH_CACHE, else $XDG_CACHE_HOME/papersearch, else ~/.cache/papersearch (an empty
    variable counts as unset), joined with `parts`."""
    own = os.environ.get(ENV_CACHE, "").strip()
    if own:
        base = Path(own).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "papersearch"
    return base.joinpath(*parts)
