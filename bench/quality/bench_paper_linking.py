"""Benchmark: the paper catalog over the shared notes + PDFs.

Prints the number of paper records, links made by each method, ambiguous cases, the accuracy of
PDF title extraction on hand-labelled titles, precision/recall of the fuzzy-title rule at several
thresholds on hand-checked title pairs, linking precision/recall on hand-checked mention↔file
pairs, and parse cost (ms per note for the entry parser and for the whole catalog build; ms per
PDF for ``pdf_paper_info``, pypdf reading excluded and timed separately).

    nice .venv/bin/python -m bench.quality.bench_paper_linking [--data DIR] [--json-out FILE]

The library root is DIR (default ../shared/data) holding ``notes/`` and ``pdfs/``; paths are
``notes/...`` and ``pdfs/...``. Writes JSON (default bench/results/paper_linking.json). Exits 0
with "SKIP" when the data is absent. Reading the 37 PDFs with pypdf takes ~1.5 min of one core.

Every label below was checked by hand against the files (titles read off page 1; entries read in
the notes). The title pairs come in two sets: ``REAL_TITLE_PAIRS`` are every pair of distinct
titles in the shared data with rapidfuzz ratio ≥ 70 (plus the one subtitle pair below it);
``WRITTEN_TITLE_PAIRS`` are variants and confusable real titles written for this benchmark, to
have more than five non-identical same-paper pairs. Both were used to choose the threshold, so
the numbers are a fit, not a held-out test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import time
from pathlib import Path

from bench.common import RESULTS, SHARED_DATA, shown, write_json

DEFAULT_JSON = RESULTS / "paper_linking.json"

# (title A, title B, same paper?) — from the shared data, all pairs with ratio ≥ 70.
REAL_TITLE_PAIRS = [
    ("Recovering Realistic Texture in Image Super-resolution by Deep Spatial Feature Transform",
     "Recovering Realistic Texture in Image Super-resolution byDeep Spatial Feature Transform", True),
    ("Crossnet: An end-to-end reference-based super reso lution network using cross-scale warping",
     "CrossNet: An end-to-end reference-based super resolution network using cross-scale warping", True),
    ("Pik-Fix: Restoring and Colorizing Old Photo", "Pik Fix Restoring and Colorizing Old Photos", True),
    ("Generative adversarial nets", "Generative Adversarial Networks", True),  # PDF file name vs page 1
    ("Deep exemplar-based colorization", "Deep Exemplar-based Video Colorization", False),
    ("Blind video temporal consistency", "Learning Blind Video Temporal Consistency", False),
    ("Bringing Old Films Back to Life", "Bringing Old Photos Back to Life", False),
    ("SEAN: Image Synthesis with Semantic Region-Adaptive Normalization",
     "Semantic Image Synthesis with Spatially-Adaptive Normalization", False),
    ("Denoising Diffusion Implicit Models", "Denoising Diffusion Probabilistic Models", False),
    ("Diffusion Models Beat GANs on Image Classification", "Diffusion Models Beat GANs on Image Synthesis", False),
    ("Align your Latents: High-Resolution Video Synthesis with Latent Diffusion Models",
     "High-Resolution Image Synthesis with Latent Diffusion Models", False),
    ("ViViT: A Video Vision Transformer", "VRT: A Video Restoration Transformer", False),
    ("Group Normalization", "Layer Normalization", False),
    ("Controllable Person Image Synthesis with Spatially-Adaptive Warped Normalization",
     "Semantic Image Synthesis with Spatially-Adaptive Normalization", False),
    ("Diffusion Model-Based Image Editing: A Survey", "Diffusion Models in Vision: A Survey", False),
    ("Video Swin Transformer", "ViViT: A Video Vision Transformer", False),
    ("STDAN: Deformable Attention Network for Space-Time Video Super-Resolution",
     "TDAN: Temporally deformable alignment network for video super-resolution", False),
    ("TDAN: Temporally deformable alignment network for video super-resolution",
     "Understanding Deformable Alignment in Video Super-Resolution", False),
    ("Recurrent Video Restoration Transformer with Guided Deformable Attention",
     "Vision Transformer with Deformable Attention", False),
    ("Video Super-Resolution Transformer", "VRT: A Video Restoration Transformer", False),
    ("Blind video temporal consistency", "Blind Video Temporal Consistency via Deep Video Prior", False),
    ("Video Super-Resolution Transformer", "Video Swin Transformer", False),
    ("Free-Form Image Inpainting with Gated Convolution",
     "Free-form Video Inpainting with 3D Gated Convolution and Temporal PatchGAN", False),
    ("Video Swin Transformer", "VRT: A Video Restoration Transformer", False),
    ("Rethinking Alignment in Video Super-Resolution Transformers", "Video Super-Resolution Transformer", False),
    ("An Implicit Alignment for Video Super-Resolution",
     "TDAN: Temporally deformable alignment network for video super-resolution", False),
    ("An Implicit Alignment for Video Super-Resolution",
     "Understanding Deformable Alignment in Video Super-Resolution", False),
    ("Controllable Person Image Synthesis with Spatially-Adaptive Warped Normalization",
     "SEAN: Image Synthesis with Semantic Region-Adaptive Normalization", False),
    ("Score-Based Generative Modeling through Stochastic Differential Equations",
     "SDEdit: Guided Image Synthesis and Editing with Stochastic Differential Equations", False),
    ("Rethinking Alignment in Video Super-Resolution Transformers",
     "Understanding Deformable Alignment in Video Super-Resolution", False),
    ("Image quality assessment: From error visibility to structural similarity",
     "Image Quality Assessment: Unifying Structure and Texture Similarity", False),
    ("Robust reference-based super-resolution via c2-matching",
     "Robust reference-based super-resolution with similarity-aware de formable convolution", False),
    ("Bitstream corrupted Video Recovery",
     "Bitstream-Corrupted Video Recovery: A Novel Benchmark Dataset and Method", True),
]

# Written for this benchmark: typing variants of real titles (same paper) and real, confusable
# titles of different papers.
WRITTEN_TITLE_PAIRS = [
    ("Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks",
     "Unpaired Image-to-Image Translation Using Cycle-Consistent Adversarial Network", True),
    ("Denoising Diffusion Probabilistic Models", "Denoising Diffusion Probablistic Models", True),
    ("Swin Transformer: Hierarchical Vision Transformer using Shifted Windows",
     "Swin Transformer: Hierarchical Vision Transformer using Shifted Window", True),
    ("BasicVSR++: Improving Video Super-Resolution with Enhanced Propagation and Alignment",
     "BasicVSR++: Improving Video Super-Resolution with Enhanced Propogation and Alignment", True),
    ("Video Swin Transformer", "Video Swin Transformers", True),
    ("Learning Blind Video Temporal Consistency", "Learning Blind Video Temporal Consistancy", True),
    ("Deformable ConvNets v2: More Deformable, Better Results",
     "Deformable ConvNet v2: More Deformable, Better Results", True),
    ("Taming Transformers for High-Resolution Image Synthesis",
     "Taming Transformer for High Resolution Image Synthesis", True),
    ("Elucidating the Design Space of Diffusion-Based Generative Models",
     "Elucidating the Design Space of Diffusion Based Generative Model", True),
    ("The Unreasonable Effectiveness of Deep Features as a Perceptual Metric",
     "The Unreasonable Effectiveness of Deep Features as a Perceptual Metrics", True),
    ("Spatio-Temporal Filter Adaptive Network for Video Deblurring",
     "Spatiotemporal Filter Adaptive Network for Video Deblurring", True),
    ("Perceptual Losses for Real-Time Style Transfer and Super-Resolution",
     "Perceptual Loss for Real-Time Style Transfer and Super-Resolution", True),
    ("Free-Form Image Inpainting with Gated Convolution", "Free-Form Image Inpainting With Gated Convolutions", True),
    ("Generative Modeling by Estimating Gradients of the Data Distribution",
     "Generative Modelling by Estimating Gradients of the Data Distribution", True),
    ("Score-Based Generative Modeling through Stochastic Differential Equations",
     "Score-Based Generative Modelling Through Stochastic Differential Equation", True),
    ("Focal Self-attention for Local-Global Interactions in Vision Transformers",
     "Focal Self-Attention for Local-Global Interaction in Vision Transformers", True),
    ("SuperGlue: Learning Feature Matching with Graph Neural Networks",
     "SuperGlue: Learning Feature Matching With Graph Neural Network", True),
    ("Dual-Camera Super-Resolution with Aligned Attention Modules",
     "Dual Camera Super Resolution with Aligned Attention Module", True),
    ("An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
     "An Image is Worth 16x16 Words", True),
    ("Generative Pretraining from Pixels", "Generative Pre-training from Pixels", True),
    ("Swin Transformer: Hierarchical Vision Transformer using Shifted Windows", "Swin Transformer", True),
    ("Denoising Diffusion Probabilistic Models", "Improved Denoising Diffusion Probabilistic Models", False),
    ("Swin Transformer: Hierarchical Vision Transformer using Shifted Windows",
     "Swin Transformer V2: Scaling Up Capacity and Resolution", False),
    ("Swin Transformer", "Video Swin Transformer", False),
    ("Deep Image Prior", "Deep Video Prior for Video Consistency and Propagation", False),
    ("BasicVSR: The Search for Essential Components in Video Super-Resolution and Beyond",
     "BasicVSR++: Improving Video Super-Resolution with Enhanced Propagation and Alignment", False),
    ("Layer Normalization", "Instance Normalization: The Missing Ingredient for Fast Stylization", False),
    ("Generative Adversarial Nets", "Conditional Generative Adversarial Nets", False),
    ("Image-to-Image Translation with Conditional Adversarial Networks",
     "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks", False),
    ("Real-ESRGAN: Training Real-World Blind Super-Resolution with Pure Synthetic Data",
     "ESRGAN: Enhanced Super-Resolution Generative Adversarial Networks", False),
    ("Deep Residual Learning for Image Recognition", "Identity Mappings in Deep Residual Networks", False),
    ("Attention Is All You Need", "Is Space-Time Attention All You Need for Video Understanding?", False),
    ("Deformable Convolutional Networks", "Deformable ConvNets v2: More Deformable, Better Results", False),
    ("Improved Techniques for Training GANs", "Improved Techniques for Training Score-Based Generative Models", False),
    ("Video Frame Interpolation via Adaptive Convolution",
     "Video Frame Interpolation via Adaptive Separable Convolution", False),
    ("Masked Autoencoders Are Scalable Vision Learners", "Masked Autoencoders As Spatiotemporal Learners", False),
    ("Generative Image Inpainting with Contextual Attention", "Free-Form Image Inpainting with Gated Convolution", False),
    ("Taming Transformers for High-Resolution Image Synthesis",
     "High-Resolution Image Synthesis with Latent Diffusion Models", False),
    ("Video Diffusion Models", "Imagen Video: High Definition Video Generation with Diffusion Models", False),
    ("U-Net: Convolutional Networks for Biomedical Image Segmentation",
     "Fully Convolutional Networks for Semantic Segmentation", False),
    ("Deep Image Prior", "Deep Image Analogy", False),
    ("Video Super-Resolution Transformer", "Video Super-Resolution Transformers", True),
]

# (mention or file, mention or file, same paper?) — checked by reading the notes and PDFs.
HAND_LINKS = [
    ("notes/2017_06_NIPS_Attention-Is-All-You-Need_Note.md", "pdfs/Attention Is All You Need.pdf", True),
    ("notes/2017_03_ICCV_Unpaired-Image-to-Image-Translation-using-Cycle-Consistent-Adversarial-Networks_Note.md",
     "pdfs/Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks.pdf", True),
    ("notes/2019_07_NIPS_Generative-Modeling-by-Estimating-Gradients-of-the-Data-Distribution_Note.md:47",
     "pdfs/Generative Adversarial Networks.pdf", True),  # "Generative adversarial nets" citation
    ("notes/2020_06_NIPS_Denoising-Diffusion-Probabilistic-Models_Note.md:19",
     "notes/2015_03_ICML_Deep-Unsupervised-Learning-using-Nonequilibrium-Thermodynamics_Note.md", True),
    ("notes/2019_11_CVPR_SuperGlue--Learning-Feature-Matching-with-Graph-Neural-Networks_Note.md:27",
     "notes/2017_12_CVPR-workshop_SuperPoint--Self-Supervised-Interest-Point-Detection-and-Description_Note.md", True),
    ("notes/2022_03_CVPR_Bringing-Old-Films-Back-to-Life_Note.md:64",
     "notes/2018_08_ECCV_Learning-Blind-Video-Temporal-Consistency_Note.md", True),
    ("notes/2022_04_CVPR_E2FGVI_Towards-An-End-to-End-Framework-for-Flow-Guided-Video-Inpainting_Note.md:36",
     "notes/2021_07_NeurIPS_Focal-Self-attention-for-Local-Global-Interactions-in-Vision-Transformers_Note.md", True),
    ("notes/2022_06_NeurIPS_RVRT_Recurrent-Video-Restoration-Transformer-with-Guided-Deformable-Attention_Note.md:26",
     "notes/2019_04_ICCV_Spatio-Temporal-Filter-Adaptive-Network-for-Video-Deblurring_Note.md", True),
    ("notes/2022_01_CVPR_Vision-Transformer-with-Deformable-Attention_Note.md:31",
     "notes/2021_03_ICCV_Swin-Transformer--Hierarchical-Vision-Transformer-using-Shifted-Windows_Note.md", True),
    ("notes/2020_12_CVPR_BasicVSR--The-Search-for-Essential-Components-in-Video-Super-Resolution-and-Beyond_Note.md:36",
     "notes/2019_05_CVPR-NTIRE_EDVR--Video-Restoration-with-Enhanced-Deformable-Convolutional-Networks_Note.md", True),
    ("notes/lists/000_4315f8a62ac25295.md:32",
     "notes/2020_04_CVPRoral_Cross-domain-Correspondence-Learning-for-Exemplar-based-Image-Translation_Note.md", True),
    ("notes/lists/003_8a1da7aefe1ec2fb.md:7", "notes/2022_03_CVPR_Bringing-Old-Films-Back-to-Life_Note.md", True),
    ("notes/lists/003_8a1da7aefe1ec2fb.md:15", "notes/2020_CVPR_Bringing-Old-Photos-Back-to-Life_Note.md", True),
    ("notes/lists/002_d5da7178f62cc3c6.md:38", "notes/2020_CVPR_Bringing-Old-Photos-Back-to-Life_Note.md", True),
    ("notes/lists/002_d5da7178f62cc3c6.md:79", "notes/2022_03_CVPR_Bringing-Old-Films-Back-to-Life_Note.md", True),
    ("notes/lists/002_d5da7178f62cc3c6.md:208", "notes/2020_06_NIPS_Denoising-Diffusion-Probabilistic-Models_Note.md", True),
    ("notes/lists/002_d5da7178f62cc3c6.md:46", "notes/lists/002_d5da7178f62cc3c6.md:253", True),  # Pik-Fix photo/photos
    ("notes/2023_09_Arxiv_Bitstream-corrupted-Video-Recovery_Note.md",
     "notes/2023_09_Arxiv_Bitstream-corrupted-Video-Recovery_Note.md:3", True),
    ("notes/2021_CVPR_VQGAN_Taming-Transformers-for-High-Resolution-Image-Synthesis_Note.md",
     "notes/2021_CVPR_VQGAN_Taming-Transformers-for-High-Resolution-Image-Synthesis_Note.md:3", True),
    # different papers that look alike
    ("notes/2023_06_TheVisualComputer_AddCR--a-data-driven-cartoon-remastering_Note.md:37",
     "notes/2019_07_CVPR_Deep-Exemplar-based-Video-Colorization_Note.md", False),
    ("notes/2023_05_CVPR_Blind-Video-Deflickering-by-Neural-Filtering-with-a-Flawed-Atlas_Note.md:66",
     "notes/2018_08_ECCV_Learning-Blind-Video-Temporal-Consistency_Note.md", False),
    ("notes/2022_03_CVPR_Bringing-Old-Films-Back-to-Life_Note.md",
     "notes/2020_CVPR_Bringing-Old-Photos-Back-to-Life_Note.md", False),
    ("notes/2020_06_NIPS_Denoising-Diffusion-Probabilistic-Models_Note.md",
     "notes/2020_10_ICLR_Denoising-Diffusion-Implicit-Models_Note.md", False),
    ("notes/lists/000_4315f8a62ac25295.md:95", "notes/lists/000_4315f8a62ac25295.md:103", False),  # shared arXiv link
    ("notes/lists/001_16c2330d045514ef.md:110", "notes/lists/000_4315f8a62ac25295.md:26", False),  # SEAN / SPADE
    ("pdfs/Group Normalization.pdf", "notes/lists/003_8a1da7aefe1ec2fb.md:24", False),  # Layer Normalization
    ("pdfs/Autoregressive Diffusion Models.pdf", "notes/lists/002_d5da7178f62cc3c6.md:216", False),  # Palette
    ("notes/2021_03_ICCV_Swin-Transformer--Hierarchical-Vision-Transformer-using-Shifted-Windows_Note.md",
     "notes/2021_06_CVPR_Video-Swin-Transformer_Note.md", False),
    ("notes/2020_12_CVPR_BasicVSR--The-Search-for-Essential-Components-in-Video-Super-Resolution-and-Beyond_Note.md",
     "notes/2021_04_CVPR_BasicVSR++--Improving-Video-Super-Resolution-with-Enhanced-Propagation-and-Alignment_Note.md",
     False),
]

# Page-1 titles read by hand (file stem → title).
PDF_TITLES = {
    "A Perspective on Explanations of Molecular Prediction Models": "A Perspective on Explanations of Molecular Prediction Models",
    "Anything in Any Scene_ Photorealistic Video Object Insertion": "Anything in Any Scene: Photorealistic Video Object Insertion",
    "Attention Is All You Need": "Attention Is All You Need",
    "Auto-Encoding Variational Bayes": "Auto-Encoding Variational Bayes",
    "Autoregressive Diffusion Models": "Autoregressive Diffusion Models",
    "BERT Pre-training of Deep Bidirectional Transformers for Language Understanding": "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
    "BLIP Bootstrapping Language-Image Pre-training for Unified Vision-Language Understanding and Generation": "BLIP: Bootstrapping Language-Image Pre-training for Unified Vision-Language Understanding and Generation",
    "Compose and Conquer_ Diffusion-Based 3D Depth Aware Composable Image Synthesis": "Compose and Conquer: Diffusion-Based 3D Depth Aware Composable Image Synthesis",
    "Deep Residual Learning for Image Recognition": "Deep Residual Learning for Image Recognition",
    "DiLightNet_ Fine-grained Lighting Control for Diffusion-based Image Generation": "DiLightNet: Fine-grained Lighting Control for Diffusion-based Image Generation",
    "Diffusion Model-Based Image Editing A Survey": "Diffusion Model-Based Image Editing: A Survey",
    "Disentangling Spatial and Temporal Learning for Efficient Image-to_Video Transfer Learning": "Disentangling Spatial and Temporal Learning for Efficient Image-to-Video Transfer Learning",
    "Distilling the Knowledge in a Neural Network": "Distilling the Knowledge in a Neural Network",
    "DragAnything_ Motion Control for Anything using Entity Representation": "DragAnything: Motion Control for Anything using Entity Representation",
    "ELLA_ Equip Diffusion Models with LLM for Enhanced Semantic Alignment": "ELLA: Equip Diffusion Models with LLM for Enhanced Semantic Alignment",
    "EmerDiff_ Emerging Pixel-level Semantic Knowledge in Diffusion Models": "EmerDiff: Emerging Pixel-level Semantic Knowledge in Diffusion Models",
    "Emerging Properties in Self-Supervised Vision Transformers": "Emerging Properties in Self-Supervised Vision Transformers",
    "Generative Adversarial Networks": "Generative Adversarial Nets",
    "Generative Image Dynamics": "Generative Image Dynamics",
    "Generative Pretraining from Pixels": "Generative Pretraining from Pixels",
    "Group Normalization": "Group Normalization",
    "ImageNet Classification with Deep Convolutional Neural Networks": "ImageNet Classification with Deep Convolutional Neural Networks",
    "Improving Lens Flare Removal with General-Purpose Pipeline and Multiple Light Sources Recovery": "Improving Lens Flare Removal with General-Purpose Pipeline and Multiple Light Sources Recovery",
    "Linformer Self-Attention with Linear Complexity": "Linformer: Self-Attention with Linear Complexity",
    "Memory Consolidation Enables Long-Context Video Understanding": "Memory Consolidation Enables Long-Context Video Understanding",
    "Mixup Beyond Empirical Risk Minimization": "mixup: Beyond Empirical Risk Minimization",
    "MoE-Mamba_ Efficient Selective State Space Models with Mixture of Experts": "MoE-Mamba: Efficient Selective State Space Models with Mixture of Experts",
    "Multilingual E5 Text Embeddings_ A Technical Report": "Multilingual E5 Text Embeddings: A Technical Report",
    "PaSa_ An LLM Agent for Comprehensive Academic Paper Search": "PaSa: An LLM Agent for Comprehensive Academic Paper Search",
    "Replacing softmax with ReLU in Vision Transformers": "Replacing softmax with ReLU in Vision Transformers",
    "Rethinking FID_ Towards a Better Evaluation Metric for Image Generation": "Rethinking FID: Towards a Better Evaluation Metric for Image Generation",
    "Transformers are RNNs_ Fast Autoregressive Transformers with Linear Attention": "Transformers are RNNs: Fast Autoregressive Transformers with Linear Attention",
    "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks": "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks",
    "VideoGen_ A Reference-Guided Latent Diffusion Approach for High Definition Text-to-Video Generation": "VideoGen: A Reference-Guided Latent Diffusion Approach for High Definition Text-to-Video Generation",
    "毕业论文_基于RISC-V架构的实时操作系统RVOS设计与应用": "基于RISC-V架构的实时操作系统RVOS设计与应用",
    "毕业论文_基于卷积神经网络的肾小球图像分割方法研究": "基于卷积神经网络的肾小球图像分割方法研究",
}
# Year of the first public version (arXiv v1, else the venue), checked by hand.
PDF_YEARS = {
    "A Perspective on Explanations of Molecular Prediction Models": 2023, "Anything in Any Scene_ Photorealistic Video Object Insertion": 2024,
    "Attention Is All You Need": 2017, "Auto-Encoding Variational Bayes": 2013, "Autoregressive Diffusion Models": 2021,
    "BERT Pre-training of Deep Bidirectional Transformers for Language Understanding": 2018,
    "BLIP Bootstrapping Language-Image Pre-training for Unified Vision-Language Understanding and Generation": 2022,
    "Compose and Conquer_ Diffusion-Based 3D Depth Aware Composable Image Synthesis": 2024,
    "Deep Residual Learning for Image Recognition": 2015, "DiLightNet_ Fine-grained Lighting Control for Diffusion-based Image Generation": 2024,
    "Diffusion Model-Based Image Editing A Survey": 2024,
    "Disentangling Spatial and Temporal Learning for Efficient Image-to_Video Transfer Learning": 2023,
    "Distilling the Knowledge in a Neural Network": 2015, "DragAnything_ Motion Control for Anything using Entity Representation": 2024,
    "ELLA_ Equip Diffusion Models with LLM for Enhanced Semantic Alignment": 2024,
    "EmerDiff_ Emerging Pixel-level Semantic Knowledge in Diffusion Models": 2024,
    "Emerging Properties in Self-Supervised Vision Transformers": 2021, "Generative Adversarial Networks": 2014,
    "Generative Image Dynamics": 2023, "Generative Pretraining from Pixels": 2020, "Group Normalization": 2018,
    "ImageNet Classification with Deep Convolutional Neural Networks": 2012,
    "Improving Lens Flare Removal with General-Purpose Pipeline and Multiple Light Sources Recovery": 2023,
    "Linformer Self-Attention with Linear Complexity": 2020, "Memory Consolidation Enables Long-Context Video Understanding": 2024,
    "Mixup Beyond Empirical Risk Minimization": 2017, "MoE-Mamba_ Efficient Selective State Space Models with Mixture of Experts": 2024,
    "Multilingual E5 Text Embeddings_ A Technical Report": 2024, "PaSa_ An LLM Agent for Comprehensive Academic Paper Search": 2025,
    "Replacing softmax with ReLU in Vision Transformers": 2023, "Rethinking FID_ Towards a Better Evaluation Metric for Image Generation": 2024,
    "Transformers are RNNs_ Fast Autoregressive Transformers with Linear Attention": 2020,
    "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks": 2017,
    "VideoGen_ A Reference-Guided Latent Diffusion Approach for High Definition Text-to-Video Generation": 2023,
    "毕业论文_基于RISC-V架构的实时操作系统RVOS设计与应用": 2023, "毕业论文_基于卷积神经网络的肾小球图像分割方法研究": 2025,
}

THRESHOLDS = [80, 85, 88, 90, 92, 93, 95, 97]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    parser.add_argument("--json-out", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args()
    notes_dir, pdfs_dir = args.data / "notes", args.data / "pdfs"
    if not notes_dir.is_dir() or not pdfs_dir.is_dir():
        print(f"SKIP: {notes_dir} or {pdfs_dir} not found")
        return 0

    from corpus import UnreadableFileError, read_document, read_pdf_head
    from corpus.text_decoding import decode_text_file
    from papers import (
        FUZZY_THRESHOLD,
        build_catalog,
        health,
        normalise_title,
        parse_paper_entries,
        pdf_paper_info,
        title_match_score,
    )
    import dataclasses

    root = args.data
    note_paths = sorted(p for p in notes_dir.rglob("*") if p.suffix.lower() in (".md", ".markdown", ".txt"))
    pdf_paths = sorted(pdfs_dir.rglob("*.pdf"))
    notes = {p.relative_to(root).as_posix(): decode_text_file(p.read_bytes(), p.name) for p in note_paths}

    # --- PDFs: pypdf reading (excluded from the per-PDF cost), then pdf_paper_info alone.
    # read_pdf brings the head (metadata + laid-out page 1) along; read_pdf_head is timed only
    # to show what reopening each file would cost (a build does not).
    documents, heads, unreadable = {}, {}, set()
    read_seconds = head_seconds = 0.0
    for path in pdf_paths:
        relative = path.relative_to(root).as_posix()
        start = time.perf_counter()
        try:
            documents[relative] = read_document(path, relative)
            heads[relative] = documents[relative].pdf_head
        except UnreadableFileError as error:
            documents[relative] = None
            heads[relative] = error.pdf_head
            unreadable.add(relative)
        read_seconds += time.perf_counter() - start
        start = time.perf_counter()
        reopened = read_pdf_head(path)
        head_seconds += time.perf_counter() - start
        if heads[relative] is None:  # encrypted or corrupt: only a fresh open may get a head
            heads[relative] = reopened
    pdf_infos, info_times, doc_only = {}, [], {}
    for relative, document in documents.items():
        start = time.perf_counter()
        pdf_infos[relative] = pdf_paper_info(document, None, head=heads[relative])
        info_times.append(time.perf_counter() - start)
        # document-only mode: what the joined page text alone gives (no head)
        doc_only[relative] = (
            pdf_paper_info(dataclasses.replace(document, pdf_head=None)) if document is not None else None
        )
    if any(h is None for h in heads.values()):
        pass

    # --- PDF title / year accuracy on the hand-labelled titles
    title_rows = []
    for relative, info in pdf_infos.items():
        stem = Path(relative).stem
        if stem not in PDF_TITLES:
            continue
        truth = normalise_title(PDF_TITLES[stem])
        document = documents[relative]
        renamed = None
        if document is not None:
            hidden = dataclasses.replace(document, path="pdfs/paper.pdf", title="paper")
            renamed = pdf_paper_info(hidden, None, head=dataclasses.replace(heads[relative], metadata={}))
            renamed_doc_only = pdf_paper_info(dataclasses.replace(hidden, pdf_head=None))
        else:
            renamed_doc_only = None
        title_rows.append({
            "pdf": relative,
            "title": info.title,
            "title_source": info.title_source,
            "correct": info.title is not None and normalise_title(info.title) == truth,
            "page1_only_correct": renamed is not None and renamed.title is not None
            and normalise_title(renamed.title) == truth,
            "document_only_correct": doc_only[relative] is not None and doc_only[relative].title is not None
            and normalise_title(doc_only[relative].title) == truth,
            "document_only_renamed_correct": renamed_doc_only is not None and renamed_doc_only.title is not None
            and normalise_title(renamed_doc_only.title) == truth,
            "year": info.year,
            "year_source": info.year_source,
            "year_correct": info.year == PDF_YEARS.get(stem),
        })

    # --- notes: entry parser alone, then the whole catalog
    parse_times = []
    for path, text in notes.items():
        start = time.perf_counter()
        parse_paper_entries(text, path)
        parse_times.append(time.perf_counter() - start)
    start = time.perf_counter()
    catalog = build_catalog(notes, pdf_infos)
    build_seconds = time.perf_counter() - start
    report = health(catalog, list(notes) + [p.relative_to(root).as_posix() for p in pdf_paths], unreadable)

    # --- fuzzy-title rule on hand-checked pairs
    def pair_metrics(pairs, scorer):
        rows = []
        for threshold in THRESHOLDS:
            tp = fp = fn = 0
            for a, b, same in pairs:
                predicted = scorer(a, b) >= threshold
                tp += predicted and same
                fp += predicted and not same
                fn += (not predicted) and same
            rows.append({
                "threshold": threshold,
                "precision": round(tp / (tp + fp), 3) if tp + fp else None,
                "recall": round(tp / (tp + fn), 3) if tp + fn else None,
                "tp": tp, "fp": fp, "fn": fn,
            })
        return rows

    from rapidfuzz import fuzz

    def plain_ratio(a, b):
        return fuzz.ratio(normalise_title(a), normalise_title(b))

    all_pairs = REAL_TITLE_PAIRS + WRITTEN_TITLE_PAIRS
    fuzzy = {
        "real_pairs": len(REAL_TITLE_PAIRS),
        "written_pairs": len(WRITTEN_TITLE_PAIRS),
        "positives": sum(1 for *_, same in all_pairs if same),
        "rule_real": pair_metrics(REAL_TITLE_PAIRS, title_match_score),
        "rule_all": pair_metrics(all_pairs, title_match_score),
        "plain_ratio_all": pair_metrics(all_pairs, plain_ratio),
        "errors_at_threshold": [
            {"a": a, "b": b, "same": same, "score": round(title_match_score(a, b), 1)}
            for a, b, same in all_pairs
            if (title_match_score(a, b) >= FUZZY_THRESHOLD) != same
        ],
    }

    # --- linking on hand-checked mention/file pairs
    def record_of(key):
        if key in notes or key in pdf_infos:
            return catalog.paper_for_file(key)
        path, _, line = key.rpartition(":")
        record = catalog.paper_for_line(path, int(line))
        return record

    link_rows = []
    for a, b, same in HAND_LINKS:
        ra, rb = record_of(a), record_of(b)
        linked = ra is not None and rb is not None and ra.paper_id == rb.paper_id
        link_rows.append({"a": a, "b": b, "same": same, "linked": linked,
                          "a_title": ra.title if ra else None, "b_title": rb.title if rb else None})
    tp = sum(r["linked"] and r["same"] for r in link_rows)
    fp = sum(r["linked"] and not r["same"] for r in link_rows)
    fn = sum((not r["linked"]) and r["same"] for r in link_rows)

    note_pdf_links = sorted(
        (note, pdf) for record in catalog.papers for note in record.notes for pdf in record.pdfs
    )
    mentioned_pdfs = sorted(
        pdf for record in catalog.papers for pdf in record.pdfs if record.entries or record.notes
    )

    results = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "data": shown(root),
        "notes": len(notes),
        "pdfs": len(pdf_paths),
        "unreadable_pdfs": sorted(unreadable),
        "paper_records": len(catalog.papers),
        "records_with_files": sum(1 for r in catalog.papers if r.files),
        "records_with_entries": sum(1 for r in catalog.papers if r.entries),
        "link_counts": catalog.link_counts,
        "ambiguous": [dataclasses.asdict(a) for a in catalog.ambiguous],
        "note_pdf_links": note_pdf_links,
        "pdfs_mentioned_by_notes": mentioned_pdfs,
        "health": report.summary(),
        "duplicate_suspects": report.duplicate_suspects,
        "fuzzy_threshold": FUZZY_THRESHOLD,
        "fuzzy_title_pairs": fuzzy,
        "hand_links": {
            "pairs": len(link_rows),
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "tp": tp, "fp": fp, "fn": fn,
            "rows": link_rows,
        },
        "pdf_titles": {
            "labelled": len(title_rows),
            "correct": sum(r["correct"] for r in title_rows),
            "page1_heuristic_correct": sum(r["page1_only_correct"] for r in title_rows),
            "document_only_correct": sum(r["document_only_correct"] for r in title_rows),
            "document_only_renamed_correct": sum(r["document_only_renamed_correct"] for r in title_rows),
            "year_correct": sum(r["year_correct"] for r in title_rows),
            "year_sources": dict(sorted(
                {s: sum(1 for r in title_rows if r["year_source"] == s) for s in {r["year_source"] for r in title_rows}}.items(),
                key=lambda kv: str(kv[0]),
            )),
            "rows": title_rows,
        },
        "cost": {
            "ms_per_note_parse_entries": round(1000 * statistics.mean(parse_times), 2),
            "ms_per_note_whole_catalog": round(1000 * build_seconds / max(1, len(notes)), 2),
            "catalog_build_s": round(build_seconds, 3),
            "ms_per_pdf_info": round(1000 * statistics.mean(info_times), 2),
            "ms_per_pdf_info_max": round(1000 * max(info_times), 2),
            "ms_per_pdf_read_pdf": round(1000 * read_seconds / max(1, len(pdf_paths)), 1),
            "ms_per_pdf_read_head": round(1000 * head_seconds / max(1, len(pdf_paths)), 1),
        },
    }

    print(f"notes {len(notes)}, PDFs {len(pdf_paths)} ({len(unreadable)} unreadable)")
    print(f"paper records: {len(catalog.papers)} ({results['records_with_files']} with a note/PDF file)")
    print("links by method: " + ", ".join(f"{k} {v}" for k, v in catalog.link_counts.items()))
    print(f"ambiguous: {len(catalog.ambiguous)}")
    for item in catalog.ambiguous:
        print(f"   {item.subject}: {item.reason} — {[c[1] for c in item.candidates]}")
    print("note↔PDF links: " + "; ".join(f"{n.split('/')[-1]} ↔ {p.split('/')[-1]}" for n, p in note_pdf_links))
    pt = results["pdf_titles"]
    print(
        f"PDF titles: {pt['correct']}/{pt['labelled']} correct (page-1 heuristic alone, file name and "
        f"metadata hidden: {pt['page1_heuristic_correct']}; Document only: {pt['document_only_correct']}; "
        f"Document only, renamed: {pt['document_only_renamed_correct']}); years {pt['year_correct']}/{pt['labelled']}"
    )
    print(f"fuzzy title rule (threshold {FUZZY_THRESHOLD:g}), {len(all_pairs)} hand-checked pairs:")
    for row_rule, row_plain in zip(fuzzy["rule_all"], fuzzy["plain_ratio_all"]):
        print(f"   ≥{row_rule['threshold']}: rule P {row_rule['precision']} R {row_rule['recall']}"
              f"  | plain ratio P {row_plain['precision']} R {row_plain['recall']}")
    hl = results["hand_links"]
    print(f"hand-checked links: precision {hl['precision']} recall {hl['recall']} "
          f"(tp {tp}, fp {fp}, fn {fn} of {len(link_rows)} pairs)")
    for row in link_rows:
        if row["linked"] != row["same"]:
            print(f"   WRONG: {row['a']} / {row['b']} same={row['same']} linked={row['linked']}")
    print("health: " + ", ".join(f"{k} {v}" for k, v in report.summary().items()))
    c = results["cost"]
    print(
        f"cost: {c['ms_per_note_parse_entries']} ms/note (entries), {c['ms_per_note_whole_catalog']} ms/note "
        f"(whole catalog, {c['catalog_build_s']} s); pdf_paper_info {c['ms_per_pdf_info']} ms/PDF "
        f"(max {c['ms_per_pdf_info_max']}); pypdf read_pdf {c['ms_per_pdf_read_pdf']} ms/PDF, "
        f"read_pdf_head {c['ms_per_pdf_read_head']} ms/PDF"
    )
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    write_json(args.json_out, results, indent=2)
    print(f"wrote {args.json_out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
