"""Experiments kept for what they showed (bench/HISTORY.md)."""
