"""The app's working state: the open profile, its unsaved edits, and tonight's plan.

Plain Python (no Textual), so the screens stay thin and this is testable on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sleepplan.core import editing, timing
from sleepplan.core.catalog import Catalog
from sleepplan.core.day import DayEntry
from sleepplan.core.errors import InputError
from sleepplan.core.experiments import ExperimentPlan
from sleepplan.core.interactions import resolve_medications
from sleepplan.core.planner import Plan, plan_for, word_for_both_arms
from sleepplan.core.profile import Dose, Profile
from sleepplan.core.safety import SafetyContext, SafetyWarning, Severity, plan_warnings
from sleepplan.store import paths
from sleepplan.store.bundled import bundled_catalog, bundled_interactions
from sleepplan.store.faults import MachineFault
from sleepplan.store.journal import LoggedDay
from sleepplan.store.profiles import Fingerprint, LoadedProfile
from sleepplan.store.state import DeletedRoutine
from sleepplan.tui.daytime_doses import DayLogKey as DayLogKey  # importers name it here
from sleepplan.tui.daytime_doses import DayRow as DayRow
from sleepplan.tui.daytime_doses import DaytimeDoses


@dataclass
class Workspace(DaytimeDoses):
    """The open profile and what the user has changed since it was loaded or saved."""

    home: Path
    now: dt.datetime
    fallback_zone: str
    path: Path | None = None
    profile: Profile | None = None
    saved: Profile | None = None
    catalog: Catalog = field(init=False)
    """The catalog doses refer to: the shipped one, plus the open profile's own compounds."""
    routine_name: str | None = None
    error: InputError | None = None
    fingerprint: Fingerprint | None = None
    """What the profile file held when loaded or last saved."""
    past_nights: dict[str, list[dt.date]] = field(default_factory=dict)
    """Nights each compound was taken (from the journal), for cycling budgets."""
    trash: list[DeletedRoutine] = field(default_factory=list)
    """Routines deleted from this profile, the latest last (undo restores them).

    The app keeps them in the home's state file, so they outlast a restart (``AppState``).
    """
    tonight_bedtime: dt.time | None = None
    """Bedtime for tonight only (the profile's usual bedtime is unchanged); ``None``: usual."""
    tonight_wake: dt.time | None = None
    """Wake time for tonight only; ``None``: the profile's usual."""
    sealed: dict[str, ExperimentPlan | InputError | MachineFault] = field(default_factory=dict)
    """Experiments' full plans read from their sealed files (or why not), by hash."""
    day_logs: dict[DayLogKey, list[LoggedDay]] = field(default_factory=dict)
    """Quick daytime entries read from the journal, by profile and night (read once each)."""
    day_log_error: InputError | MachineFault | None = None
    """Why the quick entries could not be read (a machine fault or a damaged journal)."""

    def __post_init__(self) -> None:
        self.catalog = self.bundled_catalog()

    @property
    def dirty(self) -> bool:
        """Whether there are unsaved changes."""
        return self.profile is not None and self.profile != self.saved

    @property
    def zone(self) -> str:
        """The profile's zone, else the system's."""
        return self.zone_of(self.profile)

    def zone_of(self, profile: Profile | None) -> str:
        """A profile's zone, else the system's."""
        return profile.timezone if profile and profile.timezone else self.fallback_zone

    @property
    def night(self) -> dt.date:
        """The night "tonight" means now (by tonight's wake time)."""
        return self.night_of(self.tonight_profile())

    def tonight_profile(self) -> Profile | None:
        """The profile as tonight is planned: with tonight's own bedtime and wake, if any.

        Only plans see it: the working profile, and so the file, keep the usual times.
        """
        profile = self.profile
        if profile is None or not self.has_tonight_times:
            return profile
        return replace(
            profile,
            bedtime=self.tonight_bedtime or profile.bedtime,
            wake=self.tonight_wake or profile.wake,
        )

    @property
    def has_tonight_times(self) -> bool:
        """Whether tonight has a bedtime or wake of its own."""
        return self.tonight_bedtime is not None or self.tonight_wake is not None

    def set_tonight_times(
        self, bedtime: dt.time | None = None, wake: dt.time | None = None
    ) -> None:
        """Give tonight its own bedtime and/or wake; the profile is not changed."""
        if bedtime is not None:
            self.tonight_bedtime = bedtime
        if wake is not None:
            self.tonight_wake = wake

    def clear_tonight_times(self) -> None:
        """Plan tonight with the profile's usual times again."""
        self.tonight_bedtime = self.tonight_wake = None

    def clear_tonight_time(self, which: str) -> None:
        """Plan tonight with the usual ``bedtime`` or ``wake`` again (the other stays)."""
        if which == "bedtime":
            self.tonight_bedtime = None
        elif which == "wake":
            self.tonight_wake = None

    def night_of(self, profile: Profile | None) -> dt.date:
        """The night "tonight" means now for a profile (in its zone, by its wake time)."""
        wake = profile.wake if profile else dt.time(7, 0)
        return timing.tonight(timing.in_zone(self.now, self.zone_of(profile)), wake)

    def open(self, loaded: LoadedProfile) -> None:
        """Make a freshly loaded profile the working one."""
        self.path = loaded.path
        self.profile = loaded.profile
        self.saved = loaded.profile
        self.catalog = loaded.catalog
        self.fingerprint = loaded.fingerprint
        self.error = None
        self.routine_name = loaded.profile.routine().name if loaded.profile.routines else None
        self.trash = []  # a deleted routine belongs to the profile it was deleted from
        self.clear_tonight_times()

    def fail(self, path: Path, error: InputError) -> None:
        """Record a profile that could not be loaded (the working profile stays as it was)."""
        self.error = error
        if self.profile is None:
            self.path = path

    def mark_saved(self, path: Path, profile: Profile, fingerprint: Fingerprint) -> None:
        """The profile on disk now matches ``profile``."""
        self.path = path
        self.saved = profile
        self.fingerprint = fingerprint
        if self.profile is not None and self.profile.name != profile.name:
            self.profile = profile

    def edit(self, change: Callable[[Profile, str], Profile]) -> None:
        """Apply an edit to the current routine (creating one if the profile has none)."""
        if self.profile is None:
            raise InputError.single("profile", "", "no profile is open")
        profile, routine_name = editing.ensure_routine(self.profile, self.routine_name)
        self.profile = change(profile, routine_name)
        self.routine_name = routine_name

    def set_profile(self, profile: Profile) -> None:
        """Replace the working profile (for edits that are not about one routine)."""
        self.profile = profile

    def routine_names(self) -> list[str]:
        """The profile's routines."""
        return [routine.name for routine in self.profile.routines] if self.profile else []

    def switch_routine(self, name: str) -> None:
        """Make another routine current."""
        if name not in self.routine_names():
            raise KeyError(name)
        self.routine_name = name

    def _require_profile(self) -> Profile:
        if self.profile is None:
            raise InputError.single("profile", "", "no profile is open")
        return self.profile

    def new_routine(self, name: str, doses: tuple[Dose, ...] = ()) -> str:
        """Add a routine and make it current; returns its name (``ValueError`` if refused)."""
        profile = editing.new_routine(self._require_profile(), name, doses)
        self.profile = profile
        self.routine_name = profile.routines[-1].name
        return self.routine_name

    def duplicate_routine(self, source: str, name: str) -> str:
        """Copy a routine under a new name and make the copy current; returns its name."""
        profile = editing.duplicate_routine(self._require_profile(), source, name)
        index = [r.name for r in profile.routines].index(source) + 1
        self.profile = profile
        self.routine_name = profile.routines[index].name
        return self.routine_name

    def rename_routine(self, old: str, new: str) -> str:
        """Rename a routine (the current one keeps being current); returns the new name."""
        profile = self._require_profile()
        index = [r.name for r in profile.routines].index(old)
        self.profile = editing.rename_routine(profile, old, new)
        renamed = self.profile.routines[index].name
        if self.routine_name == old:
            self.routine_name = renamed
        return renamed

    def delete_routine(self, name: str) -> None:
        """Delete a routine to the trash (``undo_delete`` puts it back where it was)."""
        before = self._require_profile()
        places = [i for i, ack in enumerate(before.acknowledgements) if ack.routine == name]
        profile, trashed = editing.delete_routine(before, name)
        self.profile = profile
        self.trash.append(DeletedRoutine.of(trashed, places, self.now))
        if self.routine_name == name:
            self.routine_name = profile.routine().name if profile.routines else None

    def undo_delete(self, entry: DeletedRoutine | None = None) -> str | None:
        """Restore a deleted routine (the latest by default) and make it current.

        Returns its name, or ``None`` when there is nothing to restore. ``InputError``: the
        kept record cannot be restored (it leaves the trash all the same).
        """
        if not self.trash or self.profile is None:
            return None
        chosen = self.trash[-1] if entry is None else entry
        self.trash.remove(chosen)
        before = set(self.routine_names())
        self.profile = chosen.restore_into(self.profile, self.catalog)
        self.routine_name = next(n for n in self.routine_names() if n not in before)
        return self.routine_name

    def set_default_routine(self, name: str) -> None:
        """Make a routine the profile's default."""
        self.profile = editing.set_default_routine(self._require_profile(), name)

    def next_routine(self) -> str | None:
        """Cycle to the next routine; returns its name."""
        names = self.routine_names()
        if not names:
            return None
        current = names.index(self.routine_name) if self.routine_name in names else -1
        self.routine_name = names[(current + 1) % len(names)]
        return self.routine_name

    def plan(self, routine_name: str | None = None) -> Plan | None:
        """Tonight's plan for a routine (default the current one); ``None`` without one."""
        if self.profile is None:
            return None
        name = routine_name or self.routine_name
        profile = self.tonight_profile() or self.profile
        night = self.night
        experiments = self.experiments_on(night)
        logged = [row.entry for row in self._logged_rows() if row.problem is None]
        cyp1a2 = self.cyp1a2_inhibitor()
        return plan_for(profile, self.catalog, night, self.zone, name, experiments, logged, cyp1a2)

    def experiments_on(self, night: dt.date) -> list[ExperimentPlan]:
        """Full plans of the profile's experiments with a night on ``night``.

        A sealed file is read only when the night falls within an experiment's longest
        possible run (so Tonight reads nothing more on other nights), and once per app run.
        """
        found = []
        for registration in self.profile.experiments if self.profile else ():
            if not registration.may_include(night):
                continue
            full = self.full_plan(registration)
            if isinstance(full, ExperimentPlan) and full.tonight(night) is not None:
                found.append(full)
        return found

    def full_plan(self, registration: ExperimentPlan) -> ExperimentPlan | InputError | MachineFault:
        """An experiment's full plan from its sealed file, or the error that says why not."""
        if registration.has_schedule:  # a profile written before schedules were sealed
            return registration
        known = self.sealed.get(registration.sha256)
        if isinstance(known, ExperimentPlan):  # the registration may have been edited since
            return replace(registration, seed=known.seed, schedule=known.schedule)
        if known is None:
            from sleepplan.store.sealed import unseal

            try:
                known = unseal(self.home, registration)
            except (InputError, MachineFault) as error:
                known = error
            self.sealed[registration.sha256] = known
        return known

    def plan_for_night(self, night: dt.date, logged: Sequence[DayEntry] = ()) -> Plan | None:
        """The default routine's plan on another night (for a check-in's "as planned").

        An experiment's night follows its instruction: a baseline night plans none of the
        compound, a blinded night its envelope. ``logged`` are that night's quick entries.
        """
        if self.profile is None:
            return None
        experiments = self.experiments_on(night)
        return plan_for(
            self.profile,
            self.catalog,
            night,
            self.zone,
            experiments=experiments,
            logged=logged,
            cyp1a2_inhibitor=self.cyp1a2_inhibitor(),
        )

    def cyp1a2_inhibitor(self) -> bool:
        """Whether a medication of the profile's strongly inhibits CYP1A2 (slows caffeine)."""
        return "strong_cyp1a2_inhibitor" in self.safety().medications.classes

    @property
    def cache_dir(self) -> Path:
        """The home's cache of validated files."""
        return paths.cache_dir(self.home)

    def bundled_catalog(self) -> Catalog:
        """The shipped catalog, through the home's cache."""
        return bundled_catalog(self.cache_dir)

    def safety(self) -> SafetyContext:
        """The interaction data with the profile's medications."""
        data = bundled_interactions(self.cache_dir)
        medications = self.profile.medications if self.profile else ()
        return SafetyContext(
            data, resolve_medications(medications, data), past_nights=self.past_nights
        )

    def warnings(self, plan: Plan | None) -> list[SafetyWarning]:
        """Warnings for a plan, danger first (worded for both arms on a blinded night)."""
        if plan is None:
            return []
        return word_for_both_arms(plan, plan_warnings(plan, self.safety()))

    def is_acknowledged(self, routine_name: str, warning: SafetyWarning) -> bool:
        """Whether the user has acknowledged this danger for this routine."""
        if self.profile is None:
            return False
        return any(
            ack.routine == routine_name and (ack.code, tuple(sorted(ack.compounds))) == warning.key
            for ack in self.profile.acknowledgements
        )

    def unacknowledged_dangers(self) -> list[tuple[str, SafetyWarning]]:
        """Danger warnings in any routine that the user has not acknowledged yet."""
        found = []
        for name in self.routine_names():
            for warning in self.warnings(self.plan(name)):
                if warning.severity is Severity.DANGER and not self.is_acknowledged(name, warning):
                    found.append((name, warning))
        return found

    def acknowledge(self, dangers: list[tuple[str, SafetyWarning]]) -> None:
        """Record that the user read these dangers and chose to go ahead, and when.

        The moment is the profile's wall clock with its offset: it says when, and where.
        """
        if self.profile is None:
            return
        moment = timing.in_zone(self.now, self.zone)
        self.profile = editing.acknowledge(self.profile, dangers, moment)
