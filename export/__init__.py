"""Hits and papers → files a researcher keeps: CSV of passages or of papers, BibTeX, a Markdown
paper list, and JSON of paper records and library health."""

from export.bibtex import to_bibtex
from export.paper_csv import PAPER_CSV_COLUMNS, papers_to_csv
from export.paper_json import health_to_dict, paper_to_dict
from export.paper_list import library_path_from, to_markdown_list
from export.passages_csv import CSV_COLUMNS, hits_to_csv
from export.terminal import terminal_json, terminal_safe

__all__ = ["CSV_COLUMNS", "PAPER_CSV_COLUMNS", "health_to_dict", "hits_to_csv", "library_path_from", "paper_to_dict", "papers_to_csv",
           "terminal_json", "terminal_safe", "to_bibtex", "to_markdown_list"]
