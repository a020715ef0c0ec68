"""Why a Zotero library could not be read: one error type with a reason a user can act on."""

from __future__ import annotations


class ZoteroError(Exception):
    """The Zotero source as a whole cannot be read (no database, damaged, unknown schema...).

    A build reports it and goes on with the rest of the library; the command line prints it as
    ``Error: ...`` when Zotero is the only source."""
