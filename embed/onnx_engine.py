"""A sentence-transformers model folder run through ONNX Runtime, optionally int8, as an Embedder.

Why not ``SentenceTransformer(folder, backend="onnx")`` and
``sentence_transformers.backend.export_dynamic_quantized_onnx_model``: both go through
`optimum.onnxruntime`, and the only optimum-onnx release (0.1.0) requires transformers < 4.58
while Papersearch runs transformers 5 (sentence-transformers 6); with it installed anyway its
import fails (``cannot import name 'is_offline_mode' from 'transformers.utils'``). So the same
steps are done here directly, offline, against the local folder:

1. export: transformers' model from the folder (eager attention) → ``torch.onnx.export`` (the
   TorchScript exporter, opset 17) with dynamic batch and sequence axes, output
   ``last_hidden_state``;
2. optionally ONNX Runtime's transformer optimizer (``onnxruntime.transformers.optimizer``,
   model_type "bert": fused attention, LayerNorm, GELU);
3. optionally dynamic int8 quantisation (``onnxruntime.quantization.quantize_dynamic``: int8
   weights with one scale per output channel, uint8 activations quantised per batch, as in
   sentence-transformers' "avx512_vnni" config but per channel: per-tensor scales moved MiniLM's
   vectors to mean cosine 0.94 of fp32, per-channel ones to 0.995, at the same speed), MatMul
   only: the 250k-row word-embedding table stays float32.

The resulting file is cached inside the model's cache folder under ``onnx/`` (the e5 folder
itself; for a model installed elsewhere, e.g. the bundled MiniLM, a folder in the model cache
named after a hash of its weights), written atomically with a checksum manifest beside it and
re-made when missing or corrupt (`embed.model_cache.ensure_file`).

Inference mirrors sentence-transformers: the folder's fast tokenizer and prompts, its
max_seq_length, mean pooling over the attention mask (prompt included), then L2 normalisation.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from embed.base import Embedder, normalise_rows
from embed.errors import ModelLoadError
from embed.model_cache import cached_sha256, ensure_file, models_dir
from embed.sentencepiece import clean_text
from embed.fast_tokenizer import FastTokenizer
from embed.sentence_transformer import prompt_names
from embed.threads import configured_threads
from embed.word_table import WordTable

SPINNING = "session.intra_op.allow_spinning"
EXPORT_VERSION = 3  # raise on any change to the export steps: cached files are named after it
OPSET = 17


def require_onnxruntime():
    try:
        import onnxruntime
    except ImportError:
        raise ModelLoadError(
            "The int8 (ONNX) engines need the 'onnxruntime' package: pip install onnxruntime"
        ) from None
    return onnxruntime


def variant_name(optimize: bool, quantize: bool) -> str:
    return "model" + ("_O2" if optimize else "") + ("_qint8" if quantize else "") + f"_v{EXPORT_VERSION}.onnx"


def cache_folder_for(model_folder: Path, label: str | None = None) -> Path:
    """Where a model's ONNX files go: inside the folder when it is one of our cached models,
    else a cache folder named `label` (or the folder's name) + a hash of the model's weights."""
    model_folder = Path(model_folder).resolve()
    root = models_dir().resolve()
    if model_folder.parent == root:
        return model_folder
    weights = model_folder / "model.safetensors"
    try:
        digest = cached_sha256(weights)[:16]
    except OSError as error:
        raise ModelLoadError(f"cannot read {weights}: {error}") from None
    folder = root / f"{label or model_folder.name}-{digest}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def onnx_file(
    model_folder: Path, optimize: bool = True, quantize: bool = True, deep_check: bool = True, label: str | None = None
) -> Path:
    """The cached ONNX file of `model_folder` in the asked variant, made on first use."""
    ort = require_onnxruntime()
    model_folder = Path(model_folder)
    cache = cache_folder_for(model_folder, label)
    for stale in (cache / "onnx").glob("model*_v*.onnx*"):  # exports of older EXPORT_VERSIONs
        if not stale.name.split(".onnx")[0].endswith(f"_v{EXPORT_VERSION}"):
            with contextlib.suppress(OSError):
                stale.unlink()
    relative = f"onnx/{variant_name(optimize, quantize)}"

    def build(target: Path) -> dict:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as work:
            current = Path(work) / "model.onnx"
            _export(model_folder, current)
            if optimize:
                optimised = Path(work) / "model_O2.onnx"
                _optimise(current, optimised, model_folder)
                current = optimised
            if quantize:
                quantised = Path(work) / "model_qint8.onnx"
                _quantise(current, quantised)
                current = quantised
            os.replace(current, target)
        return {
            "source": str(model_folder),
            "optimized": optimize,
            "quantized": quantize,
            "export_version": EXPORT_VERSION,
            "onnxruntime": ort.__version__,
        }

    return ensure_file(cache, relative, build, deep=deep_check)


def word_embeddings_file(model_folder: Path, deep_check: bool = True, label: str | None = None) -> Path:
    """The model's word-embedding table as a float32 .npy, made on first use beside its ONNX files.

    Why outside the graph: the table is most of the model (e5: 250k x 384 floats, 384 MB of its
    470), and ONNX Runtime copies every initializer when a session opens (~1.5 s for e5), while a
    memory-mapped .npy opens at once and a query reads only its own tokens' rows."""
    model_folder = Path(model_folder)
    cache = cache_folder_for(model_folder, label)

    def build(target: Path) -> dict:
        from safetensors import safe_open

        weights = model_folder / "model.safetensors"
        with safe_open(str(weights), framework="numpy") as tensors:
            names = [name for name in tensors.keys() if name.endswith("word_embeddings.weight")]
            if len(names) != 1:
                raise ModelLoadError(f"{weights}: expected one word_embeddings.weight tensor, found {names}")
            table = np.ascontiguousarray(tensors.get_tensor(names[0]), dtype=np.float32)
        with open(target, "wb") as out:
            np.save(out, table)
        return {"source": str(weights), "tensor": names[0], "export_version": EXPORT_VERSION}

    return ensure_file(cache, f"onnx/word_embeddings_v{EXPORT_VERSION}.npy", build, deep=deep_check)


def _export(model_folder: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_folder), attn_implementation="eager", local_files_only=True)
    model.eval()
    ids = torch.tensor([[0, 100, 200, 300, 2], [0, 100, 200, 2, 1]], dtype=torch.long)
    embeds = model.get_input_embeddings()(ids).detach()  # the lookup itself runs outside the graph
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]], dtype=torch.long)
    types = torch.zeros_like(ids)
    inputs = ("inputs_embeds", "attention_mask", "token_type_ids")
    axes = {name: {0: "batch", 1: "sequence"} for name in inputs}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}

    class Wrapped(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, inputs_embeds, attention_mask, token_type_ids):
            return self.inner(
                inputs_embeds=inputs_embeds, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    with torch.inference_mode():
        torch.onnx.export(
            Wrapped(model),
            (embeds, mask, types),
            str(target),
            input_names=list(inputs),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
            do_constant_folding=True,
        )


def _optimise(source: Path, target: Path, model_folder: Path) -> None:
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((model_folder / "config.json").read_text(encoding="utf-8"))
    optimised = optimize_model(
        str(source),
        model_type="bert",
        num_heads=int(config["num_attention_heads"]),
        hidden_size=int(config["hidden_size"]),
        opt_level=1,  # graph fusions only; level 2+ bakes CPU-specific layouts into the file
        use_gpu=False,
    )
    optimised.save_model_to_file(str(target))


def _quantise(source: Path, target: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(source),
        str(target),
        weight_type=QuantType.QInt8,
        per_channel=True,  # per-tensor scales moved MiniLM's vectors to cosine 0.94 (per channel: 0.995)
        reduce_range=False,
        op_types_to_quantize=["MatMul", "Attention"],
        # shape inference cannot type some outputs of the exported graph; they are all float
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


class OnnxEmbedder(Embedder):
    """A sentence-transformers folder (Transformer + mean Pooling [+ Normalize]) on ONNX Runtime.

    name: the name an index records; it must differ from the torch model's name unless the
    vectors agree to cosine >= 0.9999 (int8 ones do not).
    """

    def __init__(
        self,
        model_folder: str | Path,
        name: str,
        optimize: bool = True,
        quantize: bool = True,
        threads: int | None = None,
        batch_size: int = 32,
        label: str | None = None,
    ):
        ort = require_onnxruntime()
        folder = Path(model_folder)
        self.name = name
        self.batch_size = max(1, batch_size)
        self.threads = threads or configured_threads()
        try:
            self._tokenizer = FastTokenizer(folder)
            pooling = _read_json(folder / "1_Pooling" / "config.json")
            st_config = _read_json(folder / "sentence_bert_config.json")
            prompts = _read_json(folder / "config_sentence_transformers.json", {}).get("prompts") or {}
        except (OSError, ValueError) as error:
            raise ModelLoadError(f"cannot read the model folder {folder}: {error}") from None
        if not pooling.get("pooling_mode_mean_tokens") or not pooling.get("include_prompt", True):
            raise ModelLoadError(f"{folder}: the ONNX engine supports mean pooling (prompt included) only")
        self.dimension = int(pooling["word_embedding_dimension"])
        self.max_seq_length = int(
            st_config.get("max_seq_length")
            or _read_json(folder / "tokenizer_config.json", {}).get("model_max_length")
            or 512
        )
        self._prompts = prompts
        self._query_prompt, self._passage_prompt = prompt_names(prompts)
        self._max_tokens: int | None = None
        self.path = onnx_file(folder, optimize=optimize, quantize=quantize, label=label)
        table_path = word_embeddings_file(folder, label=label)
        self._word_embeddings = WordTable(table_path)
        self._sessions: dict[int, object] = {}
        self._ort = ort
        try:
            self._session(self.threads)
        except Exception as error:  # noqa: BLE001 — onnxruntime raises its own exception types
            raise ModelLoadError(f"ONNX Runtime could not load {self.path}: {error}") from None

    @property
    def max_tokens(self) -> int:
        """Content tokens one input may hold: room is left for the longer prompt. Computed on
        first use, so that constructing the engine does not wait for the tokenizer."""
        if self._max_tokens is None:
            names = (self._query_prompt, self._passage_prompt)
            used = [clean_text(self._prompts[n].rstrip()) for n in names if n and self._prompts[n].strip()]
            longest_prompt = max(self._tokenizer.count(used), default=0)
            self._max_tokens = self.max_seq_length - self._tokenizer.special_tokens - longest_prompt
        return self._max_tokens

    def _session(self, threads: int):
        session = self._sessions.get(threads)
        if session is None:
            options = self._ort.SessionOptions()
            options.intra_op_num_threads = int(threads)
            options.inter_op_num_threads = 1
            options.graph_optimization_level = self._ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            # idle pool threads wait instead of spinning: on a machine with other work (the shared 2-core
            # VM at load 8-24) spinning threads took 20-25% more CPU per passage and embedded 17-26% fewer
            # passages per second; the vectors are the same (bench/README.md, bench_embed_stage)
            options.add_session_config_entry(SPINNING, "0")
            # a memory pattern is planned per input shape, and a build's batches rarely repeat one: without
            # it a build's peak is ~75 MiB lower at the same speed (bench/README.md, bench_engine_memory)
            options.enable_mem_pattern = False
            session = self._ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
            self._sessions[threads] = session
            self._inputs = {i.name for i in session.get_inputs()}
        return session

    def _embed(self, texts: list[str], prompt_name: str | None, threads: int) -> np.ndarray:
        prompt = self._prompts.get(prompt_name, "") if prompt_name else ""
        full = [prompt + clean_text(t) for t in texts]
        encodings = self._tokenizer.encode(full)  # once: the batches reuse them
        order = sorted(range(len(full)), key=lambda i: len(encodings[i].ids), reverse=True)
        session = self._session(threads)
        out = np.zeros((len(full), self.dimension), dtype=np.float32)
        lengths = [min(len(encodings[i].ids), self.max_seq_length) for i in order]
        for start, end in token_budget_batches(lengths, self.batch_size, BATCH_TOKENS):
            rows = order[start:end]
            input_ids, attention_mask = self._tokenizer.batch([encodings[i] for i in rows], self.max_seq_length)
            feed = {"inputs_embeds": self._word_embeddings[input_ids], "attention_mask": attention_mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(input_ids)
            (hidden,) = session.run(["last_hidden_state"], feed)
            mask = feed["attention_mask"][..., None].astype(np.float32)
            out[rows] = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        return normalise_rows(out)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._embed(texts, self._passage_prompt, self.threads)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text], self._query_prompt, 1)[0]  # one thread: see SentenceTransformerEmbedder

    def count_tokens(self, texts: list[str]) -> list[int]:
        return self._tokenizer.count([clean_text(t) for t in texts])

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        return self._tokenizer.spans(clean_text(text))


BATCH_TOKENS = 4096  # padded tokens a forward pass holds: 8 passages of 512 tokens, 32 of 128


def token_budget_batches(lengths: list[int], most: int, budget: int) -> list[tuple[int, int]]:
    """(start, end) of consecutive runs of `lengths` (longest first) of at most `most` inputs whose
    padded size (their count times the first one's length) stays within `budget`. ONNX Runtime keeps
    the memory of its largest forward pass: 32 passages of 512 tokens took about 1 GB more than
    the model (attention grows with the batch times the length squared), 8 of them 270 MB, and
    embedded as many passages a second (bench/README.md, "The embed stage's memory")."""
    batches, start = [], 0
    while start < len(lengths):
        size = max(1, min(most, budget // max(lengths[start], 1)))
        batches.append((start, min(start + size, len(lengths))))
        start += size
    return batches


def _read_json(path: Path, default=None):
    if default is not None and not path.exists():
        return default
    return json.loads(path.read_text(encoding="utf-8"))
