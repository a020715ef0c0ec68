#!/usr/bin/env bash
# Set up (once) and open Papersearch in the browser on the built-in demo library.
# Any other folder: PAPERSEARCH_LIBRARY=~/papers scripts/run-demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/streamlit run app.py --browser.gatherUsageStats false --client.toolbarMode viewer -- --library "${PAPERSEARCH_LIBRARY:-library}"
