"""Write small PDFs for tests with fpdf2: real files that pypdf parses like any other."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter


def write_pdf(
    path: Path,
    pages: list[str],
    title: str | None = None,
    header: str | None = None,
    footer: str | None = None,
) -> Path:
    """One string per page; '\\n' starts a new line. `footer` may contain {page}."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    if title:
        pdf.set_title(title)
    for number, text in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        if header:
            pdf.set_xy(10, 8)
            pdf.cell(0, 6, header)
        pdf.set_xy(10, 25)
        for line in text.split("\n"):
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
        if footer:
            pdf.set_xy(10, 280)
            pdf.cell(0, 6, footer.format(page=number))
    pdf.output(str(path))
    return path


def write_blank_pdf(path: Path, pages: int = 1) -> Path:
    """Pages with no text layer at all, like a scan without OCR."""
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.rect(20, 20, 100, 60)
    pdf.output(str(path))
    return path


def encrypt_pdf(source: Path, target: Path, user_password: str, algorithm: str | None = None) -> Path:
    """`algorithm`: pypdf's name ("RC4-128", "AES-128", "AES-256"); None is pypdf's default (RC4).
    An empty user password is the usual publisher PDF: it opens without asking, but is encrypted."""
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm=algorithm)
    with open(target, "wb") as handle:
        writer.write(handle)
    return target
