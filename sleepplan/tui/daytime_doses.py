"""Tonight's daytime doses in the workspace: the quick entries and the every-day items.

Quick entries (a coffee at 15:00) are kept in the journal, by profile and night, and read
once each; a profile's ``[[day]]`` items come every day. Both count towards tonight with
what is left of them at bedtime (design §16). ``Workspace`` has these as its own methods.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sleepplan.core import timing
from sleepplan.core.catalog import Catalog
from sleepplan.core.day import DayDose, DayEntry, day_doses, day_problem, morning_of, place_item
from sleepplan.core.errors import InputError
from sleepplan.core.planner import person_of
from sleepplan.core.profile import Profile
from sleepplan.store import paths
from sleepplan.store.day_log import read_day_log
from sleepplan.store.faults import MachineFault
from sleepplan.store.journal import Journal, LoggedDay

DayLogKey = tuple[str, dt.date]
"""Whose and which night's quick daytime entries: (profile name, night)."""


@dataclass(frozen=True, slots=True)
class DayRow:
    """One of tonight's daytime doses, as the quick entry lists it."""

    key: str
    """``log:ID`` for a quick entry in the journal, ``item:INDEX`` for a ``[[day]]`` item."""
    entry: DayEntry
    dose: DayDose | None
    """With its level at bedtime; ``None`` when it does not count tonight (``problem``)."""
    problem: str | None = None
    """Why it does not count tonight (after tonight's bedtime)."""

    @property
    def every_day(self) -> bool:
        """A ``[[day]]`` item of the profile, not a quick entry."""
        return self.key.startswith("item:")


class DaytimeDoses:
    """The workspace's daytime doses (a mix-in of ``Workspace``, which holds the state)."""

    # the workspace's fields these read and keep (``Workspace`` declares them)
    home: Path
    now: dt.datetime
    profile: Profile | None
    saved: Profile | None
    catalog: Catalog
    day_logs: dict[DayLogKey, list[LoggedDay]]
    day_log_error: InputError | MachineFault | None

    if TYPE_CHECKING:  # the workspace's own, which these are worked out from

        @property
        def night(self) -> dt.date:
            """The night "tonight" means now."""

        @property
        def zone(self) -> str:
            """The profile's zone, else the system's."""

        def tonight_profile(self) -> Profile | None:
            """The profile with tonight's own times."""

        def cyp1a2_inhibitor(self) -> bool:
            """Whether a medication slows caffeine."""

    @property
    def journal_path(self) -> Path:
        """The home's journal, where quick daytime entries are kept."""
        return paths.journal_path(self.home)

    def day_log_key(self) -> DayLogKey | None:
        """Tonight's key for quick entries; ``None`` without a profile.

        The journal knows a profile by the name it was saved under: a new name in the settings
        takes the entries along only when it is saved (``rename_profile``).
        """
        profile = self.saved or self.profile
        return (profile.name, self.night) if profile is not None else None

    def day_log(self) -> list[LoggedDay]:
        """Tonight's quick daytime entries, read from the journal the first time they are asked.

        The app reads them as the profile loads (``read_day_log``), so Tonight does not wait on
        the disk; a new night or name reads once more.
        """
        key = self.day_log_key()
        if key is None:
            return []
        if key not in self.day_logs:
            self.read_day_log(key)
        return self.day_logs.get(key, [])

    def read_day_log(self, key: DayLogKey) -> None:
        """Read a night's quick entries into ``day_logs`` (safe in a worker: one assignment).

        A journal that cannot be read leaves no entries and says why in ``day_log_error``, a
        machine fault as such: it is kept, not retried on every redraw.
        """
        try:
            found = read_day_log(self.journal_path, *key)
        except (InputError, MachineFault) as error:
            self.day_log_error, found = error, []
        else:
            self.day_log_error = None
        self.day_logs[key] = found

    def log_day(self, entry: DayEntry) -> tuple[DayLogKey, list[LoggedDay], int]:
        """Keep a quick entry for tonight in the journal: tonight's entries after, and its id.

        It writes, so the app runs it in a worker and gives the result to ``keep_day_log``.
        Raises ``MachineFault`` (permission, full disk, a lock) or ``InputError`` (damage).
        """
        key = self.day_log_key()
        if key is None:
            raise InputError.single("profile", "", "no profile is open")
        logged_at = timing.in_zone(self.now, self.zone).isoformat(timespec="seconds")
        with Journal(self.journal_path) as journal:
            entry_id = journal.log_day(key[0], key[1], entry, logged_at)
            return key, journal.day_log(*key), entry_id

    def unlog_day(self, entry_id: int) -> tuple[DayLogKey, list[LoggedDay], LoggedDay | None]:
        """Remove a quick entry from the journal: tonight's entries after, and what was removed.

        Like ``log_day``, it writes: run it in a worker.
        """
        key = self.day_log_key()
        if key is None:
            raise InputError.single("profile", "", "no profile is open")
        with Journal(self.journal_path) as journal:
            removed = journal.unlog_day(key[0], entry_id)
            return key, journal.day_log(*key), removed

    def keep_day_log(self, key: DayLogKey, entries: list[LoggedDay]) -> None:
        """Tonight's quick entries as the journal now holds them."""
        self.day_logs[key] = entries
        self.day_log_error = None

    def tonight_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Tonight's bedtime and the wake that starts its day (tonight's own times, if any)."""
        profile = self.tonight_profile()
        if profile is None:
            raise InputError.single("profile", "", "no profile is open")
        bedtime, _ = timing.night_bounds(self.night, profile.bedtime, profile.wake, self.zone)
        return bedtime, morning_of(bedtime, profile.wake, self.zone)

    def _logged_rows(self) -> list[DayRow]:
        """Tonight's quick entries; one after tonight's bedtime (``j``) says it does not count."""
        if self.profile is None:
            return []
        bedtime, morning = self.tonight_bounds()
        rows = []
        for item in self.day_log():
            if item.entry.compound not in self.catalog:  # a custom compound since removed
                problem: str | None = f"{item.entry.compound!r} is no longer in the catalog"
            else:
                problem = day_problem(item.entry.at, morning, bedtime)
            rows.append(DayRow(f"log:{item.id}", item.entry, None, problem))
        return rows

    def day_rows(self) -> list[DayRow]:
        """Tonight's daytime doses, every-day items and quick entries, with levels at bedtime."""
        profile = self.tonight_profile()
        if profile is None:
            return []
        bedtime, _ = self.tonight_bounds()
        rows = self._logged_rows()
        for index, item in enumerate(profile.day):
            if item.compound not in self.catalog:
                continue  # loading the profile reported it
            compound = self.catalog.get(item.compound)
            entry, problem = place_item(item, compound, bedtime, profile.wake, self.zone)
            if entry is not None:
                rows.append(DayRow(f"item:{index}", entry, None))
        rows.sort(key=lambda row: timing.utc(row.entry.at))
        counted = [row for row in rows if row.problem is None]
        person = person_of(profile, self.cyp1a2_inhibitor())
        # the same order day_doses sorts into (a stable sort by time): doses pair with rows
        doses = day_doses([row.entry for row in counted], self.catalog, bedtime, person)
        placed = {id(row): dose for row, dose in zip(counted, doses, strict=True)}
        return [replace(row, dose=placed.get(id(row))) for row in rows]
