"""Say in words why a passage was returned: which rankings found it, and where."""

from __future__ import annotations


def why(dense_rank: int | None, lexical_rank: int | None, role: str = "body") -> str:
    parts = []
    if dense_rank is not None:
        parts.append(f"by meaning (embedding rank {dense_rank})")
    if lexical_rank is not None:
        parts.append(f"by shared words (BM25 rank {lexical_rank})")
    if not parts:
        return "Not found by either ranking."  # cannot happen for a returned hit; said plainly if it does
    found = "Found " + " and ".join(parts) + "."
    if role == "references":
        found += " It is in the paper's reference list, so it counts half."
    return found
