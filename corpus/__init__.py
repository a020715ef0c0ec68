"""Files → documents → chunks. Imports nothing else of Papersearch's.

``corpus.syntax`` holds the Markdown and CJK patterns that readers and parsers share.
"""

from corpus.bibliography import BODY, REFERENCES, STUB, passage_roles
from corpus.chunking import ChunkSettings, Tokenizer, chunk_document
from corpus.discover import SUPPORTED_SUFFIXES, Discovery, discover_files, discover_library
from corpus.documents import Chunk, Document, Section
from corpus.errors import UnreadableFileError
from corpus.markdown_clean import clean_heading, clean_markdown, extract_links, strip_markup
from corpus.ocr import OCR_MISSING, ocr_available
from corpus.pdf_clean import clean_line
from corpus.pdf_head import HeadLine, PdfHead, read_pdf_head
from corpus.pdf_reader import pdf_open_problem
from corpus.readers import read_document
from corpus.render_size import MAX_PIXELS, RenderSize, page_render_size, render_size
from corpus.script import script_of
from corpus.sources import ExtraSources, read_source
from corpus.lexical_tokens import LexicalTokenizer
from corpus.text_decoding import decode_text_file, read_note_bytes, read_text_file, utf16_text
from corpus.annotation_passages import COLOURS, colour_hex
from corpus.zotero import default_data_dir

__all__ = [
    "COLOURS", "colour_hex", "default_data_dir",
    "utf16_text",
    "BODY",
    "LexicalTokenizer",
    "REFERENCES",
    "STUB",
    "Chunk",
    "ChunkSettings",
    "Document",
    "HeadLine",
    "OCR_MISSING",
    "PdfHead",
    "Section",
    "SUPPORTED_SUFFIXES",
    "Tokenizer",
    "UnreadableFileError",
    "chunk_document",
    "clean_heading",
    "clean_line",
    "clean_markdown",
    "decode_text_file",
    "Discovery",
    "discover_library",
    "discover_files",
    "extract_links",
    "ocr_available",
    "passage_roles",
    "pdf_open_problem",
    "read_document",
    "MAX_PIXELS",
    "RenderSize",
    "page_render_size",
    "render_size",
    "read_note_bytes",
    "read_text_file",
    "read_pdf_head",
    "script_of",
    "ExtraSources",
    "read_source",
    "strip_markup",
]
