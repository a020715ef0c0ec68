"""A stand-in for xdg-open / open in tests: appends its arguments, one line per call, to the file
named by $PAPERSEARCH_OPENER_LOG, and opens nothing. Set PAPERSEARCH_OPENER to
`<python> -m tests.support.record_opener` (run from the repo root) or to this file's path after
the interpreter."""

from __future__ import annotations

import os
import sys


def main() -> None:
    with open(os.environ["PAPERSEARCH_OPENER_LOG"], "a", encoding="utf-8") as log:
        log.write("\t".join(sys.argv[1:]) + "\n")


if __name__ == "__main__":
    main()
