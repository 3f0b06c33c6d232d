"""What the app remembers between runs that is not the user's data (design §14).

The profile last opened, the routine last chosen in each profile, and the routines deleted in
the app (so that undo survives a restart), in one small JSON file in the home (``state.json``,
0600), never in a profile. It is a convenience: a state file that is missing, unreadable, too
large or not what this module writes is ignored (the app falls back to its usual choice), and a
state file that cannot be written is not worth the user's attention.
"""

from __future__ import annotations

import datetime as dt
import json
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sleepplan.core.catalog import Catalog
from sleepplan.core.editing import TrashedRoutine, restore_routine
from sleepplan.core.errors import InputError
from sleepplan.core.profile import Acknowledgement, Profile, Routine
from sleepplan.core.validation import dump, rebuild, validate
from sleepplan.store import paths
from sleepplan.store.files import atomic_write
from sleepplan.store.profiles import check_name

STATE_FILE = "state.json"
STATE_VERSION = 1
MAX_STATE_BYTES = 64 * 1024
"""Far more than the file ever holds; a larger one is not ours, and is not read."""
MAX_REMEMBERED_ROUTINES = 100
"""Profiles whose last routine is kept; the ones chosen longest ago are forgotten first."""
MAX_DELETED_PER_PROFILE = 10
"""Deleted routines kept per profile for undo; the ones deleted longest ago go first."""
DELETED_KEPT_FOR = dt.timedelta(days=30)
"""How long a deleted routine can be restored."""


@dataclass(frozen=True)
class DeletedRoutine:
    """A routine deleted in the app, kept so that undo can put it back, even after a restart.

    The routine and its acknowledgements are kept as ``dump`` wrote them and validated again
    only when restored: reading the state file at start needs no pydantic (design §12).
    """

    name: str
    deleted_at: dt.datetime
    index: int
    """Where it stood among the profile's routines."""
    was_default: bool
    routine: Mapping[str, Any]
    acknowledgements: tuple[Mapping[str, Any], ...] = ()
    """The danger acknowledgements removed with it, in their order."""
    acknowledgement_places: tuple[int, ...] = ()
    """Where each of those stood among the profile's acknowledgements."""

    @classmethod
    def of(
        cls, trashed: TrashedRoutine, places: Iterable[int], deleted_at: dt.datetime
    ) -> DeletedRoutine:
        """The record of a routine just deleted (``places``: its acknowledgements' indexes)."""
        return cls(
            name=trashed.routine.name,
            deleted_at=deleted_at,
            index=trashed.index,
            was_default=trashed.was_default,
            routine=dump(trashed.routine),
            acknowledgements=tuple(dump(ack) for ack in trashed.acknowledgements),
            acknowledgement_places=tuple(places),
        )

    def same_as(self, routine: Routine) -> bool:
        """Whether ``routine`` is this one, unchanged (its deletion was never saved)."""
        try:
            return bool(rebuild(Routine, self.routine) == routine)
        except (AttributeError, KeyError, TypeError, ValueError):
            return False

    def restore_into(self, profile: Profile, catalog: Catalog) -> Profile:
        """``profile`` with the routine back where it was, and its acknowledgements too.

        Raises:
            InputError: The kept record is not a routine this profile can hold (the state
                file was edited by hand, or a compound it uses is gone from the profile).
        """
        place = f"deleted routine {self.name!r}"
        routine = validate(Routine, self.routine, STATE_FILE, prefix=place)
        acknowledgements = tuple(
            validate(Acknowledgement, ack, STATE_FILE, prefix=place)
            for ack in self.acknowledgements
        )
        unknown = [dose.compound for dose in routine.doses if dose.compound not in catalog]
        if unknown:
            raise InputError.single(
                STATE_FILE,
                place,
                f"uses compounds this profile does not know: {', '.join(unknown)}",
            )
        trashed = TrashedRoutine(routine, self.index, self.was_default, acknowledgements)
        restored = restore_routine(profile, trashed)
        return replace(restored, acknowledgements=self._in_old_places(restored.acknowledgements))

    def _in_old_places(
        self, acknowledgements: tuple[Acknowledgement, ...]
    ) -> tuple[Acknowledgement, ...]:
        """Move the restored acknowledgements (``restore_routine`` appends them) back in place."""
        count = len(self.acknowledgements)
        if not count or len(self.acknowledgement_places) != count:
            return acknowledgements
        kept = list(acknowledgements[:-count])
        restored = zip(self.acknowledgement_places, acknowledgements[-count:], strict=True)
        for place, ack in sorted(restored, key=lambda pair: pair[0]):
            kept.insert(min(place, len(kept)), ack)
        return tuple(kept)

    def to_json(self) -> dict[str, Any]:
        """The record as the state file holds it."""
        return {  # the name is the routine's own
            "deleted_at": self.deleted_at.isoformat(),
            "index": self.index,
            "was_default": self.was_default,
            "routine": dict(self.routine),
            "acknowledgements": [dict(ack) for ack in self.acknowledgements],
            "acknowledgement_places": list(self.acknowledgement_places),
        }

    @classmethod
    def from_json(cls, entry: object) -> DeletedRoutine | None:
        """A record read back from the state file; ``None`` if it is not one this module wrote."""
        if not isinstance(entry, dict):
            return None
        routine, acks = entry.get("routine"), entry.get("acknowledgements", [])
        places, index = entry.get("acknowledgement_places", []), entry.get("index")
        try:
            deleted_at = dt.datetime.fromisoformat(entry["deleted_at"])
        except (KeyError, TypeError, ValueError):
            return None
        if (
            deleted_at.tzinfo is None
            or not isinstance(routine, dict)
            or not isinstance(routine.get("name"), str)
            or not isinstance(routine.get("doses", []), list)
            or not isinstance(index, int)
            or isinstance(index, bool)
            or index < 0
            or not isinstance(acks, list)
            or not all(isinstance(ack, dict) for ack in acks)
            or not isinstance(places, list)
            or not all(type(place) is int and place >= 0 for place in places)
        ):
            return None
        return cls(
            name=routine["name"],
            deleted_at=deleted_at,
            index=index,
            was_default=entry.get("was_default") is True,
            routine=routine,
            acknowledgements=tuple(acks),
            acknowledgement_places=tuple(places),
        )


@dataclass(frozen=True)
class AppState:
    """The app's memory between runs."""

    last_profile: str | None = None
    """The name of the profile (in the home) last opened in the app."""
    routines: dict[str, str] = field(default_factory=dict)
    """The routine last chosen, by profile key (``profile_key``)."""
    welcome_skipped: bool = False
    """The first-run setup was skipped: it is not offered again at start (the palette has it)."""
    deleted: dict[str, tuple[DeletedRoutine, ...]] = field(default_factory=dict)
    """Routines deleted in the app, by profile key, the latest last (undo restores them)."""

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

    def deleted_for(self, key: str, profile: Profile, now: dt.datetime) -> list[DeletedRoutine]:
        """The routines deleted from a profile that can still be restored, the latest last.

        One deleted more than ``DELETED_KEPT_FOR`` ago is gone, and so is one the profile still
        holds unchanged: its deletion was never saved.
        """
        return [
            entry
            for entry in self.deleted.get(key, ())
            if now - entry.deleted_at <= DELETED_KEPT_FOR
            and not any(entry.same_as(routine) for routine in profile.routines)
        ]

    def keeping_deleted(
        self, key: str, entries: Iterable[DeletedRoutine], now: dt.datetime
    ) -> AppState:
        """This state with a profile's deleted routines as given (the latest last).

        Only the last ``MAX_DELETED_PER_PROFILE`` are kept, and every profile's entries older
        than ``DELETED_KEPT_FOR`` are dropped, so the file stays small.
        """
        deleted = dict(self.deleted)
        deleted[key] = tuple(entries)[-MAX_DELETED_PER_PROFILE:]
        kept = {
            profile: fresh
            for profile, found in deleted.items()
            if (fresh := tuple(e for e in found if now - e.deleted_at <= DELETED_KEPT_FOR))
        }
        return replace(self, deleted=kept)


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
    return AppState(
        last_profile=last,
        routines=routines,
        welcome_skipped=skipped,
        deleted=_deleted_from(document.get("deleted")),
    )


def _deleted_from(found: object) -> dict[str, tuple[DeletedRoutine, ...]]:
    """The usable deleted-routine records of a parsed state file, by profile key."""
    if not isinstance(found, dict):
        return {}
    deleted = {}
    for key, entries in found.items():
        if isinstance(entries, list):
            usable = [entry for e in entries if (entry := DeletedRoutine.from_json(e))]
            if usable:
                deleted[key] = tuple(usable[-MAX_DELETED_PER_PROFILE:])
    return deleted


def write_state(home: Path, state: AppState) -> None:
    """Write the state file atomically, 0600; an ``OSError`` is the caller's to ignore.

    Deleted routines are the only part that can grow: the ones deleted longest ago are left
    out until the file fits ``MAX_STATE_BYTES`` (a larger file would not be read back at all).
    """
    deleted = {key: list(entries) for key, entries in state.deleted.items()}
    while True:
        document = {
            "version": STATE_VERSION,
            "last_profile": state.last_profile,
            "routines": state.routines,
            "welcome_skipped": state.welcome_skipped,
            "deleted": {
                key: [entry.to_json() for entry in entries]
                for key, entries in deleted.items()
                if entries
            },
        }
        data = (json.dumps(document, indent=1) + "\n").encode("utf-8")
        if len(data) <= MAX_STATE_BYTES or not any(deleted.values()):
            break
        oldest = min((entries[0].deleted_at, key) for key, entries in deleted.items() if entries)
        deleted[oldest[1]].pop(0)
    atomic_write(state_path(home), data)
