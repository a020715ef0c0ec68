"""The import rule of README's "How it is built", enforced with import-linter (.importlinter)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO

PACKAGES = ("disk", "corpus", "embed", "papers", "index", "search", "library", "export", "evaluation", "ui", "server")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(root / ".importlinter")],
        cwd=root, capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(root), "PATH": ""},
    )


def copy_of_packages(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_every_package_imports_only_the_layers_below_it():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "forbidden_import", "contract"),
    [
        ("corpus/discover.py", "import search", "Imports run one way"),
        ("papers/__init__.py", "import index", "Imports run one way"),
        ("index/store.py", "from search import Searcher", "Imports run one way"),
        ("embed/base.py", "import corpus", "Imports run one way"),
        ("disk/atomic.py", "import corpus", "Imports run one way"),
        ("search/searcher.py", "import library", "Imports run one way"),
        ("index/store.py", "import library", "Imports run one way"),
        ("papers/__init__.py", "import embed", "papers reads files, never models"),
    ],
)
def test_a_forbidden_import_breaks_the_contract(tmp_path, module, forbidden_import, contract):
    root = copy_of_packages(tmp_path)
    target = root / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{forbidden_import}  # added by the test\n", encoding="utf-8")
    result = lint_imports(root)
    assert result.returncode == 1, result.stdout
    assert "BROKEN" in result.stdout and contract in result.stdout
