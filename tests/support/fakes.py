"""A deterministic, fast stand-in for a real model: hashed bag of words (CJK per character).

Similar wording gives similar vectors, so search results are meaningful in unit tests, and every
embedded text is recorded so tests can prove what was (not) re-embedded.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from embed import registry
from embed.base import Embedder, normalise_rows

_TOKEN = re.compile(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]")


class FakeEmbedder(Embedder):
    def __init__(self, name: str = "fake-hash-64", dimension: int = 64, max_tokens: int = 126):
        self.name = name
        self.dimension = dimension
        self.max_tokens = max_tokens
        self.embedded: list[str] = []
        self.queries: list[str] = []

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return self._vectors(texts)

    def embed_query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return self._vectors([text])[0]

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(_TOKEN.findall(text)) for text in texts]

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        return [match.span() for match in _TOKEN.finditer(text)]

    def _vectors(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in _TOKEN.findall(text.lower()):
                if token.isalnum() or ord(token[0]) > 0x2E7F:
                    slot = int.from_bytes(hashlib.md5(token.encode()).digest()[:4], "little")
                    vectors[row, slot % self.dimension] += 1.0
        return normalise_rows(vectors)


FAKE_PREFIX = "fake-"


def fake_model(name: str) -> FakeEmbedder:
    return FakeEmbedder(name=registry.canonical_name(name))


def register_fake_models() -> None:
    """Every `fake-*` model name loads a FakeEmbedder, through the registry's own register()."""
    registry.register(FAKE_PREFIX, fake_model, prefix=True)


def use_fake_models(monkeypatch, load=fake_model) -> None:
    """For one test: `load` answers every fake-* name and the default model's names too (so a
    build or search that names no model runs on the fake). The registry's tables are restored after."""
    monkeypatch.setattr(registry, "_BY_ALIAS", dict(registry._BY_ALIAS))
    monkeypatch.setattr(registry, "_PREFIXES", dict(registry._PREFIXES))
    registry.register(FAKE_PREFIX, load, prefix=True)
    default = registry.entry_for(registry.DEFAULT_MODEL)
    aliases = tuple(alias for alias, entry in registry._BY_ALIAS.items() if entry is default)
    registry.register(registry.DEFAULT_MODEL, lambda name: load(registry.DEFAULT_MODEL), aliases=aliases)
