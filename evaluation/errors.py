from index import PapersearchError


class EvaluationInputError(PapersearchError):
    """A benchmark folder or gold file that cannot be used as given."""
