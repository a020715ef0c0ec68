"""A warm searcher of one code tree, timing each query it is sent (the child of bench_query_latency_ab).

Run with the tree as its working directory; only the standard library is imported before the tree
goes first on sys.path, so the tree's own packages are the ones timed. Protocol: one JSON line in
({"query": ..., "mode": ...}), one JSON line out ({"ms": ..., "top": first hit's path}).
"""

from __future__ import annotations

import json
import os
import sys
import time


def open_searcher(library: str, index: str):
    """The tree's warm searcher, as its server would hold it (the Library API moved during #20's era)."""
    try:
        from library import Library  # after the library/ layer was split out of index/

        return Library(library, index).searcher()
    except ImportError:
        from embed.registry import load_embedder
        from index import Library
        from search import Searcher

        lib = Library(library, index)
        return Searcher.open(lib, load_embedder(lib.manifest().model))


def serve(library: str, index: str) -> None:
    searcher = open_searcher(library, index)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        start = time.perf_counter()
        response = searcher.search(request["query"], k=10, mode=request.get("mode", "hybrid"))
        elapsed = (time.perf_counter() - start) * 1000
        top = response.hits[0].path if response.hits else ""
        print(json.dumps({"ms": elapsed, "top": top}), flush=True)


if __name__ == "__main__":
    sys.path[0] = os.getcwd()
    serve(sys.argv[1], sys.argv[2])
