"""Where sleepplan keeps its files, created private to the user (it is health data)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "sleepplan"
HOME_ENV = "SLEEPPLAN_HOME"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def resolve_home(cli_home: str | None, environ: Mapping[str, str]) -> Path:
    """The home folder: ``--home``, else ``$SLEEPPLAN_HOME``, else the platform's data dir."""
    if cli_home:
        return Path(cli_home).expanduser()
    if environ.get(HOME_ENV):
        return Path(environ[HOME_ENV]).expanduser()
    import platformdirs  # only needed without a home named: its import costs a few ms

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def profiles_dir(home: Path) -> Path:
    """Folder of the home's profiles."""
    return home / "profiles"


def journal_path(home: Path) -> Path:
    """The journal database."""
    return home / "journal.sqlite3"


def cache_dir(home: Path) -> Path:
    """Derived data kept to start faster (safe to delete)."""
    return home / "cache"


def logs_dir(home: Path) -> Path:
    """Where internal-error details are written."""
    return home / "logs"


def make_private_dir(path: Path) -> None:
    """Create a folder (and parents) readable only by the user; leaves existing ones alone."""
    old = os.umask(0o077)
    try:
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    finally:
        os.umask(old)


def write_new_private_file(path: Path, data: bytes) -> None:
    """Create a file that must not exist yet, mode 0600 from the start."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
