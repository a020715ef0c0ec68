"""A library whose paper lists name many papers (10,000 for the Library view's browser test): list
entries in the researchers' own style, in English and Chinese, with venues, years and read boxes,
so the catalog the page pages through is made by the real build from real-looking notes."""

from __future__ import annotations

import hashlib
from pathlib import Path

_VENUES = ["CVPR", "ICCV", "ECCV", "NeurIPS", "ICLR", "ICML", "TPAMI", "AAAI", "计算机学报", "arXiv"]
_WORDS = ["Deformable", "Recurrent", "Sparse", "Temporal", "Latent", "Masked", "Efficient", "Robust", "Implicit",
          "Hierarchical"]
_TOPICS = ["Video Restoration", "Image Denoising", "Optical Flow", "Diffusion Sampling", "Feature Alignment",
           "Super-Resolution", "Frame Interpolation", "Colorization"]
_CHINESE = ["视频修复", "图像去噪", "光流估计", "扩散采样", "特征对齐", "超分辨率"]


def write_big_library(root: Path, papers: int, per_list: int = 1000) -> list[str]:
    """Write `papers` list entries into lists of `per_list` entries under `root/lists`; returns the
    titles in the order written. Every title ends in a code of its own, random-looking, so fuzzy
    title linking (papers/titles.py) keeps them apart: one entry is one paper."""
    titles = []
    (root / "lists").mkdir(parents=True, exist_ok=True)
    for first in range(0, papers, per_list):
        lines = [f"# Reading list {first // per_list + 1}", ""]
        for number in range(first, min(first + per_list, papers)):
            code = hashlib.sha256(str(number).encode()).hexdigest()[:12]  # unlike any other's: no fuzzy merge
            if number % 5 == 4:
                title = f"基于{_WORDS[number % 10]}网络的{_CHINESE[number % 6]}方法 {code}"
            else:
                title = f"{_WORDS[number % 10]} {_WORDS[(number // 10) % 10]} {_TOPICS[number % 8]} {code}"
            box = "[x]" if number % 3 == 0 else "[ ]"
            year = 2000 + number % 25
            lines.append(f'- {box} "{title}" {_VENUES[number % 10]}, {year} Mar')
            titles.append(title)
        (root / "lists" / f"list_{first // per_list + 1:02d}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return titles
