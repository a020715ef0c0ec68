"""Embedding errors a user can act on."""


class ModelLoadError(Exception):
    """The embedding model could not be loaded (unknown name, not downloaded, broken folder)."""
