"""Tests of The codebase itself: the import rule, what the repository may hold."""
