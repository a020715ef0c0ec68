"""ruff (configured in pyproject.toml) finds nothing: the suite is where CI runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO

RUFF = Path(sys.executable).with_name("ruff")


def test_ruff_is_clean():
    result = subprocess.run([str(RUFF), "check", "--no-cache", str(REPO)], cwd=REPO, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout
