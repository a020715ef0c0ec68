"""Known text for measuring OCR (tests/corpus/test_ocr.py, bench/quality/bench_ocr.py): paragraphs written for
this purpose, typeset into PDFs with fpdf2, so the character error rate has a ground truth.

``write_text_pdf`` makes a PDF with a text layer; ``write_scanned_pdf`` renders it and keeps only
the pictures of its pages, as a scanner would.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
from fpdf import FPDF
from rapidfuzz.distance import Levenshtein

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FONT_SC = 2  # the Simplified Chinese face in Noto's collection
LATIN_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")

ENGLISH = (
    "Reading notes are only useful when they can be found again. A researcher who keeps a folder of "
    "papers for several years ends up with hundreds of files, some downloaded from publishers, some "
    "printed and scanned at a library, and a few photographed with a phone during a conference. Search "
    "tools usually ignore the scanned ones, because their pages hold pictures of letters instead of "
    "letters. Optical character recognition turns those pictures back into text, one line at a time, "
    "so that a question typed today can still reach an article copied from a journal twenty years ago. "
    "The recognised words are not perfect: a smudge may turn an e into a c, and narrow columns may be "
    "merged. Measuring the error rate on pages whose text we know tells us how much to trust it."
)

CHINESE = (
    "读书笔记只有在需要时能被找到才真正有用。一位研究者多年来积累的论文文件夹里，有从出版社网站下载的"
    "电子版，也有在图书馆复印后扫描的纸质资料，还有在学术会议上用手机拍下的海报照片。普通的检索工具往往"
    "忽略扫描件，因为这些页面保存的是文字的图像，而不是文字本身。光学字符识别可以把图像重新变成文本，让"
    "今天输入的问题也能找到多年前复印的期刊文章。识别结果并不完美：墨迹可能让一个字变成另一个形近字，窄"
    "栏排版也可能被错误地合并。因此，我们在已知文本的页面上测量错误率，以便知道应当在多大程度上信任识别"
    "出的文字。"
)


def write_text_pdf(path: Path, paragraphs: list[str], chinese: bool = False, size: int = 12) -> Path:
    """One page per paragraph, wrapped by fpdf2, in a font that has every character."""
    pdf = FPDF()
    if chinese:
        pdf.add_font("cjk", fname=str(CJK_FONT), collection_font_number=CJK_FONT_SC)
        family = "cjk"
    else:
        pdf.add_font("serif", fname=str(LATIN_FONT))
        family = "serif"
    for paragraph in paragraphs:
        pdf.add_page()
        pdf.set_font(family, size=size)
        pdf.multi_cell(0, size * 0.6, paragraph)
    pdf.output(str(path))
    return path


def render_pages(path: Path, dpi: int = 300) -> list:
    """Every page as a grayscale PIL image."""
    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(document))]
    finally:
        document.close()


def write_scanned_pdf(path: Path, text_pdf: Path, dpi: int = 200, extra_text: str | None = None) -> Path:
    """The pages of `text_pdf` as images only (no text layer); `extra_text` adds a page with a text
    layer after them, for a text PDF with a scanned page inside."""
    pdf = FPDF()
    for number, image in enumerate(render_pages(text_pdf, dpi)):
        image_path = path.with_name(f"{path.stem}-{number}.png")
        image.save(image_path)
        pdf.add_page()
        pdf.image(str(image_path), x=0, y=0, w=pdf.w, h=pdf.h)
        image_path.unlink()
    if extra_text:
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 7, extra_text)
    pdf.output(str(path))
    return path


def normalise(text: str, chinese: bool) -> str:
    """Compare characters, not layout: NFKC (full-width punctuation), whitespace collapsed to one
    space in English and removed in Chinese (line breaks fall elsewhere after recognition)."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text) if chinese else re.sub(r"\s+", " ", text).strip()


def character_error_rate(reference: str, recognised: str, chinese: bool) -> float:
    """Levenshtein edits (insertions, deletions, substitutions) per reference character."""
    reference, recognised = normalise(reference, chinese), normalise(recognised, chinese)
    return Levenshtein.distance(reference, recognised) / len(reference)
