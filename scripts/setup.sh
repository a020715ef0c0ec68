#!/usr/bin/env bash
# Create .venv/ in the repo root and install Papersearch's requirements into it.
# Usage: scripts/setup.sh [--dev]     (--dev adds the test tools: pytest, playwright, fpdf2)
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=requirements.txt
[[ "${1:-}" == "--dev" ]] && requirements=requirements-dev.txt
if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r "$requirements"
