"""Files → documents → chunks. Imports nothing else of Papersearch's."""

from corpus.chunking import ChunkSettings, Tokenizer, chunk_document
from corpus.discover import SUPPORTED_SUFFIXES, discover_files
from corpus.documents import Chunk, Document, Section
from corpus.errors import UnreadableFileError
from corpus.readers import read_document

__all__ = [
    "Chunk",
    "ChunkSettings",
    "Document",
    "Section",
    "SUPPORTED_SUFFIXES",
    "Tokenizer",
    "UnreadableFileError",
    "chunk_document",
    "discover_files",
    "read_document",
]
