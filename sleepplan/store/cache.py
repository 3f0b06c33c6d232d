"""Records validated before, kept in the home's cache folder so the next start can skip the work.

Validating the shipped catalog and a profile means importing pydantic and building its
validators, which costs more than everything else ``sleepplan plan`` does. So once a file has
been validated, its records are written here as JSON, under a name that carries a digest of
everything the result depends on (the file's bytes, the shipped data, the sleepplan version).
The next run with the same inputs rebuilds the records from that JSON without pydantic. Any
change to an input is a different name, so a stale entry is never read; an entry whose content
does not match the checksum on its first line is ignored, and so is one another user owns or
could write (the shipped rules come from here, and they decide the warnings); and a cache that
can't be read or written only costs time. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from sleepplan import __version__
from sleepplan.core.validation import rebuild
from sleepplan.store import paths
from sleepplan.store.files import atomic_write


def digest(*parts: bytes | str) -> str:
    """A short name-safe digest of the inputs (and the sleepplan version)."""
    sha = hashlib.sha256(__version__.encode())
    for part in parts:
        sha.update(b"\0")
        sha.update(part.encode("utf-8") if isinstance(part, str) else part)
    return sha.hexdigest()[:24]


def entry_path(folder: Path, stem: str, key: str) -> Path:
    """Where the records of one version of the inputs are kept."""
    return folder / f"{stem}-{key}.json"


def load_data(folder: Path | None, stem: str, key: str) -> Any | None:
    """The cached data (as ``validation.dump`` made it), or ``None`` if there is no sound entry."""
    if folder is None:
        return None
    try:
        with entry_path(folder, stem, key).open("rb") as handle:
            if not paths.trusted(os.fstat(handle.fileno())):
                return None  # another user could have written it: the data decides warnings
            checksum, _, payload = handle.read().partition(b"\n")
        if checksum.decode("ascii") != hashlib.sha256(payload).hexdigest():
            return None  # torn or damaged
        return json.loads(payload)
    except (OSError, ValueError):
        return None  # missing or unreadable: validate again


def load(folder: Path | None, stem: str, key: str, kind: Any) -> Any | None:
    """The cached records of type ``kind``, or ``None`` if there is no sound entry."""
    data = load_data(folder, stem, key)
    if data is None:
        return None
    try:
        return rebuild(kind, data)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None  # not records of this kind: validate again


def store(folder: Path | None, stem: str, key: str, data: Any) -> None:
    """Keep validated records' data (from ``validation.dump``); drop older entries of ``stem``."""
    if folder is None or not folder.parent.is_dir():
        return  # never create a home just to hold a cache
    payload = json.dumps(data, ensure_ascii=False).encode("utf-8")
    checksum = hashlib.sha256(payload).hexdigest().encode("ascii")
    target = entry_path(folder, stem, key)
    try:
        atomic_write(target, checksum + b"\n" + payload)
        for stale in folder.glob(f"{stem}-*.json"):
            if stale != target:
                stale.unlink(missing_ok=True)
    except OSError:
        pass
