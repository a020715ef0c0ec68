"""Tests of the bench tools themselves (bench/big_library): what they write, not what they time."""
