"""What the app remembers between runs that is not the user's data (design §14).

The profile last opened and the routine last chosen in each profile, in one small JSON file in
the home (``state.json``, 0600), never in a profile. It is a convenience: a state file that is
missing, unreadable, too large or not what this module writes is ignored (the app falls back to
its usual choice), and a state file that cannot be written is not worth the user's attention.
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path

from sleepplan.core.errors import InputError
from sleepplan.store import paths
from sleepplan.store.files import atomic_write
from sleepplan.store.profiles import check_name

STATE_FILE = "state.json"
STATE_VERSION = 1
MAX_STATE_BYTES = 64 * 1024
"""Far more than the file ever holds; a larger one is not ours, and is not read."""
MAX_REMEMBERED_ROUTINES = 100
"""Profiles whose last routine is kept; the ones chosen longest ago are forgotten first."""


@dataclass(frozen=True)
class AppState:
    """The app's memory between runs."""

    last_profile: str | None = None
    """The name of the profile (in the home) last opened in the app."""
    routines: dict[str, str] = field(default_factory=dict)
    """The routine last chosen, by profile key (``profile_key``)."""
    welcome_skipped: bool = False
    """The first-run setup was skipped: it is not offered again at start (the palette has it)."""

    def routine_for(self, key: str) -> str | None:
        """The routine last chosen in a profile, if any."""
        return self.routines.get(key)

    def remembering(self, key: str, routine: str | None, in_home: bool) -> AppState:
        """This state with a profile (and its routine) as the last one chosen."""
        routines = dict(self.routines)
        if routine is not None:
            routines.pop(key, None)  # to the end: the most recent is kept longest
            routines[key] = routine
            while len(routines) > MAX_REMEMBERED_ROUTINES:
                del routines[next(iter(routines))]
        last = key if in_home else self.last_profile
        return replace(self, last_profile=last, routines=routines)


def state_path(home: Path) -> Path:
    """Where the home's state file is."""
    return home / STATE_FILE


def profile_key(home: Path, path: Path) -> tuple[str, bool]:
    """The key a profile file is remembered by, and whether it is one of the home's.

    A profile in the home is known by its name (it moves with the home); any other by its path.
    """
    if path.parent == paths.profiles_dir(home) and path.suffix == ".toml":
        return path.stem, True
    return str(path.absolute()), False


def read_state(home: Path) -> AppState:
    """The remembered state; an empty one when the file is missing, unreadable or not ours."""
    path = state_path(home)
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return AppState()  # a link or a pipe is not the file this module writes
        with path.open("rb") as handle:
            data = handle.read(MAX_STATE_BYTES + 1)
    except OSError:
        return AppState()
    if len(data) > MAX_STATE_BYTES:
        return AppState()
    try:
        document = json.loads(data)
    except ValueError:  # not JSON, not UTF-8
        return AppState()
    return _state_from(document)


def _state_from(document: object) -> AppState:
    """Whatever of a parsed state file is usable; anything else is left out."""
    if not isinstance(document, dict):
        return AppState()
    last = document.get("last_profile")
    if isinstance(last, str):
        try:
            check_name(last, STATE_FILE)
        except InputError:  # not a name a profile in the home can have
            last = None
    else:
        last = None
    found = document.get("routines")
    routines = (
        {key: value for key, value in found.items() if isinstance(value, str)}
        if isinstance(found, dict)
        else {}
    )
    skipped = document.get("welcome_skipped") is True
    return AppState(last_profile=last, routines=routines, welcome_skipped=skipped)


def write_state(home: Path, state: AppState) -> None:
    """Write the state file atomically, 0600; an ``OSError`` is the caller's to ignore."""
    document = {
        "version": STATE_VERSION,
        "last_profile": state.last_profile,
        "routines": state.routines,
        "welcome_skipped": state.welcome_skipped,
    }
    text = json.dumps(document, indent=1) + "\n"
    atomic_write(state_path(home), text.encode("utf-8"))
