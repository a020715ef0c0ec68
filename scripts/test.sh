#!/usr/bin/env bash
# Set up (once) and run the whole test suite, including the real-model and real-browser tests.
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not slow" for the fast unit tests only.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
# The browser tests drive Debian's Chromium; without Noto CJK their screenshots show Chinese as boxes,
# and without Noto Color Emoji the page's read marks (✅ ⬜) too.
# The OCR tests (tests/corpus/test_ocr.py) need Tesseract with English and Simplified Chinese; the
# BibTeX tests (tests/export/test_bibtex_tools.py) run biber --validate-datamodel on an export.
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/biber || ! -d /usr/share/fonts/opentype/noto || ! -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]] || ! scripts/setup.sh --has-ocr; then
    sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji biber \
        tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim >/dev/null
fi
exec .venv/bin/python -m pytest "$@"
