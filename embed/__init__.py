"""Passages → vectors: the Embedder interface, the model registry and each model's language direction."""

from embed.base import Embedder
from embed.errors import ModelLoadError
from embed.language_direction import language_direction, without_direction
from embed.registry import DEFAULT_MODEL
from embed.sentence_transformer import BUNDLED_MODEL, SentenceTransformerEmbedder, canonical_model_name

__all__ = [
    "BUNDLED_MODEL",
    "DEFAULT_MODEL",
    "Embedder",
    "ModelLoadError",
    "SentenceTransformerEmbedder",
    "canonical_model_name",
    "language_direction",
    "without_direction",
]
