"""Retrieval and parsing quality evaluations, with their gold files."""
