"""Chunks → vectors. Imports nothing else of Papersearch's."""

from embed.base import Embedder
from embed.errors import ModelLoadError
from embed.sentence_transformer import DEFAULT_MODEL, SentenceTransformerEmbedder, canonical_model_name

__all__ = [
    "DEFAULT_MODEL",
    "Embedder",
    "ModelLoadError",
    "SentenceTransformerEmbedder",
    "canonical_model_name",
]
