"""Tests of ui/: the page's helpers."""
