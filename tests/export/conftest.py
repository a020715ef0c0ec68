"""The shared library's catalog (tests/conftest.py builds the library once with the fake model),
for the export tests that read whole-catalog exports back with real tools."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def shared_catalog(shared_library):
    from library import Library

    return Library(shared_library).catalog()
