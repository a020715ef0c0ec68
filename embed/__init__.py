"""Chunks → vectors. Imports nothing else of Papersearch's."""

from embed.base import Embedder
from embed.errors import ModelLoadError
from embed.registry import DEFAULT_MODEL
from embed.sentence_transformer import BUNDLED_MODEL, SentenceTransformerEmbedder, canonical_model_name

__all__ = [
    "BUNDLED_MODEL",
    "DEFAULT_MODEL",
    "Embedder",
    "ModelLoadError",
    "SentenceTransformerEmbedder",
    "canonical_model_name",
]
