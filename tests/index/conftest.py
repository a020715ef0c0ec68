"""Fixtures of the index tests."""

from __future__ import annotations

import pytest

import index.staged_build as staged_build


@pytest.fixture
def small_batches(monkeypatch):
    """Embed in batches of two, and let a staged build commit after every one of them."""
    monkeypatch.setattr(staged_build.StagedCommits, "min_interval", 0.0)
    monkeypatch.setattr(staged_build.StagedCommits, "cost_ratio", 0.0)
    monkeypatch.setattr("index.passage_vectors.EMBED_BATCH", 2)
