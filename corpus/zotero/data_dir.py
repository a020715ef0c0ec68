"""Where a Zotero data folder is: ``~/Zotero`` unless the profile's prefs.js names another
(``extensions.zotero.dataDir``), and where linked files live (``baseAttachmentPath``).

Zotero keeps these settings in its profile, not in the data folder, so both are read from
prefs.js; a missing or unreadable prefs.js just means Zotero's defaults.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from corpus.zotero.errors import ZoteroError

DATABASE = "zotero.sqlite"
# Zotero's profile folders on Linux, macOS and Windows, relative to the home folder.
PROFILE_PARENTS = (".zotero/zotero", "Library/Application Support/Zotero/Profiles", "AppData/Roaming/Zotero/Zotero/Profiles")
_PREF = re.compile(r'user_pref\(\s*"(?P<name>[^"]+)"\s*,\s*(?P<value>.+?)\s*\);')


def read_prefs(prefs_js: Path) -> dict[str, object]:
    """The user_pref(...) lines of a prefs.js, values decoded as the JSON they are written in."""
    try:
        text = prefs_js.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    prefs: dict[str, object] = {}
    for found in _PREF.finditer(text):
        try:
            prefs[found.group("name")] = json.loads(found.group("value"))
        except ValueError:
            continue
    return prefs


def profile_prefs(home: Path) -> dict[str, object]:
    """The Zotero prefs of the first profile under `home` that has a prefs.js (most people have one)."""
    for parent in PROFILE_PARENTS:
        for prefs_js in sorted((home / parent).glob("*/prefs.js")):
            prefs = read_prefs(prefs_js)
            if prefs:
                return prefs
    return {}


def default_data_dir(home: Path | None = None) -> Path:
    """The data folder Zotero itself would use: the profile's custom one, else ~/Zotero."""
    home = home or Path.home()
    prefs = profile_prefs(home)
    custom = prefs.get("extensions.zotero.dataDir")
    if isinstance(custom, str) and custom and prefs.get("extensions.zotero.useDataDir", True):
        return Path(custom).expanduser()
    return home / "Zotero"


def base_attachment_dir(home: Path | None = None) -> Path | None:
    """The base folder of linked files stored as ``attachments:<relative path>``, when set."""
    value = profile_prefs(home or Path.home()).get("extensions.zotero.baseAttachmentPath")
    return Path(value).expanduser() if isinstance(value, str) and value else None


def require_data_dir(data_dir: Path) -> Path:
    """`data_dir` if it holds a Zotero database, else a ZoteroError saying what is missing."""
    data_dir = Path(data_dir).expanduser()
    if not data_dir.is_dir():
        raise ZoteroError(f"Zotero data folder {data_dir} does not exist (pass --zotero DIR with the folder "
                          "that holds zotero.sqlite; Zotero shows it under Settings > Advanced > Files and Folders).")
    if not (data_dir / DATABASE).is_file():
        raise ZoteroError(f"{data_dir} has no {DATABASE}; it is not a Zotero data folder.")
    return data_dir
