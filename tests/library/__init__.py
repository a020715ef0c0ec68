"""Tests of library/: Library.update, uploads, safe paths, watch."""
