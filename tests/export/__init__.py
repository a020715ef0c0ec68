"""Tests of export/: CSV, BibTeX, Markdown paper lists."""
