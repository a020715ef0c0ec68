"""Where the repository, the demo library, the shared data and the test fixtures are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO_LIBRARY = REPO / "demo"
SHARED_DATA = REPO.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data. Without it a developer's run skips the test with the reason;
    CI (CI=true) fails instead, so CI can never pass by skipping."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        message = f"shared data not found: {path}"
        if in_ci():
            pytest.fail(message + " (CI must have ../shared/data beside the checkout)")
        pytest.skip(message)
    return path
