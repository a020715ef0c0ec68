"""Tests of search/: ranking, fusion, evidence, more like this, across languages."""
