"""When two spellings name the same paper: the one definition of a title's matching key and
of title similarity, used by the entry parser, the PDF title reader, linking and health."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from corpus.syntax import SPACES

# Measured on hand-checked title pairs (bench/quality/bench_paper_linking.py): every same-paper pair
# that is not identical after normalisation scores ≥ 93 once whole-word insertions are ruled
# out; the closest different papers that survive that rule score 85.7 ("Bringing Old Films /
# Photos Back to Life"). 90 sits between, with room on both sides.
FUZZY_THRESHOLD = 90.0
AMBIGUITY_MARGIN = 3.0


@lru_cache(maxsize=1 << 16)  # linking scores each title against several others
def normalise_title(title: str) -> str:
    """The matching key of a title: casefolded, no diacritics or punctuation, single spaces."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold()
    text = "".join(ch if (ch.isalnum() or ch.isspace()) else " " for ch in text)
    return SPACES.sub(" ", text).strip()


def title_key(title: str) -> str:
    """Exact-match key: normalised and without spaces ("by deep" = "bydeep", "reso lution")."""
    return normalise_title(title).replace(" ", "")


def title_similarity(a: str, b: str) -> float:
    """rapidfuzz ratio of the normalised titles, 0-100; no word rules."""
    return float(fuzz.ratio(normalise_title(a), normalise_title(b)))


def title_match_score(a: str, b: str) -> float:
    """Similarity 0-100 of two titles for linking; 0 when they differ by a whole word.

    rapidfuzz ratio on normalised titles; a title equal to the other's part before its colon
    ("Bitstream-corrupted Video Recovery" / "...: A Novel Benchmark Dataset and Method")
    scores the threshold.
    """
    na, nb = normalise_title(a), normalise_title(b)
    if not na or not nb:
        return 0.0
    if na.replace(" ", "") == nb.replace(" ", ""):
        return 100.0
    if _main_title_match(a, nb) or _main_title_match(b, na):
        return FUZZY_THRESHOLD
    if differ_by_whole_word(na, nb):
        return 0.0
    return float(fuzz.ratio(na, nb))


def titles_fit(a: str, b: str) -> bool:
    """Loose: could these name one paper? File names and short mentions drop words, so one
    title inside the other, a ratio ≥ 60 or a token-set ratio ≥ 90 is enough."""
    na, nb = normalise_title(a), normalise_title(b)
    if not na or not nb:
        return False
    if na.replace(" ", "") == nb.replace(" ", ""):
        return True
    shorter, longer = sorted((na, nb), key=len)
    if longer.startswith(shorter) or shorter in longer:
        return True
    return fuzz.ratio(na, nb) >= 60 or fuzz.token_set_ratio(na, nb) >= 90


def main_title(title: str) -> str | None:
    """The normalised part before a colon, when it has three or more words."""
    if ":" not in title:
        return None
    main = normalise_title(title.split(":", 1)[0])
    return main if len(main.split()) >= 3 else None


def _main_title_match(with_colon: str, other_normalised: str) -> bool:
    main = main_title(with_colon)
    return main is not None and main == other_normalised


def differ_by_whole_word(na: str, nb: str) -> bool:
    """Normalised titles whose word lists align only with a bare inserted or deleted word
    ("Deep Exemplar-based Colorization" / "Deep Exemplar-based Video Colorization")."""
    ta, tb = na.split(), nb.split()
    if len(ta) == len(tb):
        return False
    if "".join(ta) == "".join(tb):
        return False  # only spaces differ
    for op in Levenshtein.opcodes(ta, tb):
        if op.tag in ("insert", "delete"):
            inserted = ta[op.src_start : op.src_end] if op.tag == "delete" else tb[op.dest_start : op.dest_end]
            # "reso lution" / "resolution": a split word is not an added word
            left = (ta if op.tag == "insert" else tb)
            edge = op.src_start if op.tag == "insert" else op.dest_start
            neighbours = [w for w in (left[edge - 1] if edge > 0 else None, left[edge] if edge < len(left) else None) if w]
            if not any(_is_split_of(w, inserted) for w in neighbours):
                return True
    return False


def _is_split_of(word: str, pieces: list[str]) -> bool:
    joined = "".join(pieces)
    return word.startswith(joined) or word.endswith(joined)
