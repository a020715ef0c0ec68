"""Tests of evaluation/: BEIR and gold-file evaluation."""
