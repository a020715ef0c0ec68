"""Tests of papers/: list entries, note names, PDF titles, linking into paper records."""
