"""The files the app exports to and imports from: suggested names, typed paths, their problems.

A refusal of the machine there (permission, full disk, I/O) is a ``MachineFault`` naming the path.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sleepplan.core.visible import visible
from sleepplan.store.faults import MachineFault, from_os_error
from sleepplan.tui.dialogs.export_data import EXPORT_KINDS


def file_slug(name: str) -> str:
    """A profile name as part of a file name: letters, digits, ``.``, ``_`` and ``-`` only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "profile"


def default_export_path(profile_name: str, kind: str, day: dt.date, folder: Path) -> Path:
    """``folder/sleepplan-NAME-2026-12-04.csv`` (``-tonight``/``-daily`` before the date)."""
    export = EXPORT_KINDS[kind]
    return folder / f"sleepplan-{file_slug(profile_name)}{export.tag}-{day}.{export.suffix}"


def typed_path(text: str, folder: Path) -> Path:
    """The file a typed answer names: ``~`` expanded, a relative name taken from ``folder``."""
    path = Path(text.strip()).expanduser()
    return path if path.is_absolute() else folder / path


def export_path_problem(text: str, folder: Path) -> str | None:
    """What is wrong with a typed export file name, or ``None``."""
    if not text.strip():
        return "Type the name of the file to write."
    path = typed_path(text, folder)
    if path.is_dir():
        return f"{visible(str(path))} is a folder: add a file name."
    if not path.parent.is_dir():
        return f"The folder {visible(str(path.parent))} does not exist."
    return None


def import_path_problem(text: str, folder: Path) -> str | None:
    """What is wrong with a typed import file name, or ``None``."""
    if not text.strip():
        return "Type the name of the file to import."
    path = typed_path(text, folder)
    if not path.exists():
        return f"There is no file {visible(str(path))}."
    if not path.is_file():
        return f"{visible(str(path))} is not a file."
    return None


def machine_fault(error: OSError, path: Path) -> MachineFault:
    """The fault an ``OSError`` is; one that is none of the machine's named faults is still one.

    An export or import touches only the file named and the journal: an ``OSError`` there (a
    missing folder, a name too long) is the machine refusing, never a bug nor damage.
    """
    fault = from_os_error(error, path)
    if fault is not None:
        return fault
    where = str(error.filename if error.filename is not None else path)
    return MachineFault(where, error.strerror or str(error), "Choose another file and try again")
