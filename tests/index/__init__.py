"""Tests of index/: building, the stores (files and Milvus), BM25, scale."""
