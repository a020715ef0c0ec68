"""Tests of corpus/: discovery, the readers, OCR, cleaning, chunking, reference lists."""
