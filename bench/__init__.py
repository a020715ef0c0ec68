"""Benchmarks and quality evaluations; run each as a module from the repo root (bench/README.md)."""
