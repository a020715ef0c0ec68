"""Tests of embed/: the embedding engines, their tokenizers, caches and threads."""
