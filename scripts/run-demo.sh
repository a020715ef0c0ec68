#!/usr/bin/env bash
# Set up (once) and open Papersearch in the browser on the built-in demo library.
# Any other folder: PAPERSEARCH_LIBRARY=~/papers scripts/run-demo.sh   (extra arguments go to streamlit)
# The page listens on 127.0.0.1 only. PAPERSEARCH_ADDRESS=0.0.0.0 opens it to every network this
# machine is on: anyone who can reach the port can then read your notes and PDFs' text.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/streamlit run page.py --server.address "${PAPERSEARCH_ADDRESS:-127.0.0.1}" --server.enableStaticServing true \
    --browser.gatherUsageStats false --client.toolbarMode viewer "$@" -- --library "${PAPERSEARCH_LIBRARY:-demo}"
