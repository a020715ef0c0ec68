"""Presentation helpers for the Streamlit page (pure functions, no Streamlit import): query
highlighting, "why this result" and the links on a paper card."""

from ui.explain import why
from ui.highlight import highlight, query_terms
from ui.links import paper_links

__all__ = ["highlight", "paper_links", "query_terms", "why"]
