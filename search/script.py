"""Which writing system a text is in; lives in corpus/script.py so the index builder can store
each passage's script (search reads the stored column and never re-detects passages)."""

from corpus.script import script_of

__all__ = ["script_of"]
