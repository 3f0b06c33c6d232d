"""Whether to offer the first-run setup: a home that holds nothing of the user's own yet."""

from __future__ import annotations

from pathlib import Path

from sleepplan.store import paths
from sleepplan.store.bundled import FIRST_RUN_EXAMPLE, example_profiles
from sleepplan.store.profiles import list_profiles


def untouched_home(home: Path) -> bool:
    """Whether the home holds no profile of the user's own, nor any night.

    That is no journal and no profile yet, or only the example a new home gets
    (``ensure_home``), exactly as shipped: a user who edited it, made another, or recorded a
    morning with it (``sleepplan checkin``, an import) has one of their own.
    """
    if paths.journal_path(home).exists():
        return False
    found = list_profiles(home)
    if not found:
        return True
    if [path.name for path in found] != [f"{FIRST_RUN_EXAMPLE}.toml"]:
        return False
    shipped = example_profiles()[FIRST_RUN_EXAMPLE].encode("utf-8")
    try:
        if found[0].stat().st_size != len(shipped):  # never read a large file to compare
            return False
        return found[0].read_bytes() == shipped
    except OSError:
        return False
