#!/usr/bin/env bash
# Create .venv/ in the repo root and install Papersearch's requirements into it, and Tesseract
# (Debian's tesseract-ocr, English and Simplified Chinese) to read scanned PDFs, if apt can.
# Usage: scripts/setup.sh [--dev]     (--dev adds the test tools: pytest, playwright, fpdf2)
#        scripts/setup.sh --has-ocr   (only asks: exit status 0 when Tesseract has eng and chi_sim)
set -euo pipefail
cd "$(dirname "$0")/.."
has_ocr() {
    command -v tesseract >/dev/null && langs=$(tesseract --list-langs 2>/dev/null) &&
        grep -qx eng <<<"$langs" && grep -qx chi_sim <<<"$langs"
}
[[ "${1:-}" == "--has-ocr" ]] && { has_ocr; exit; }
if ! has_ocr; then
    # Optional: without it scanned pages are skipped with "install tesseract-ocr to read scanned pages".
    sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    if command -v apt-get >/dev/null && { [[ -z $sudo ]] || sudo -n true 2>/dev/null; }; then
        { $sudo apt-get update -qq && $sudo apt-get install -y -qq tesseract-ocr tesseract-ocr-eng \
            tesseract-ocr-chi-sim >/dev/null; } || echo "setup: could not install tesseract-ocr; scanned PDFs will be skipped" >&2
    else
        echo "setup: install tesseract-ocr (with eng and chi_sim) to read scanned PDFs" >&2
    fi
fi
requirements=requirements.txt
[[ "${1:-}" == "--dev" ]] && requirements=requirements-dev.txt
if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r "$requirements"
# Papersearch itself, editable: the `papersearch` command (cli.py) and its packages in .venv.
.venv/bin/python -m pip install --quiet --no-deps -e .
