"""Timing and memory benchmarks."""
