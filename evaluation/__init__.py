"""Measure retrieval quality: BEIR benchmarks and a user's own gold queries (uses `index`)."""

from evaluation.beir import BeirData, beir_library, beir_qrels_by_path, load_beir, materialise_library
from evaluation.errors import EvaluationInputError
from evaluation.gold import GoldQuery, load_gold
from evaluation.metrics import METRICS, evaluate_searcher

__all__ = [
    "BeirData", "EvaluationInputError", "beir_library", "beir_qrels_by_path", "GoldQuery", "METRICS", "evaluate_searcher", "load_beir",
    "load_gold", "materialise_library",
]
