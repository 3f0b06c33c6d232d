"""The profile: a user's bedtime, medications and routines (format version 1, design §9)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import field
from typing import Annotated, Any, Literal

from sleepplan.core import timing
from sleepplan.core.catalog import Catalog, Compound
from sleepplan.core.errors import InputError
from sleepplan.core.experiments import ExperimentPlan
from sleepplan.core.tomldoc import parse_toml, toml_ready
from sleepplan.core.validation import Bounds, Check, Parsed, dump, file_record, validate

SCHEMA_VERSION = 1

ClockTime = Annotated[dt.time, Parsed(timing.parse_clock, timing.format_clock)]
"""A clock time written as ``"HH:MM"`` (a TOML local time is accepted too)."""

Name = Annotated[str, Bounds(min_length=1, max_length=80)]


def _known_zone(value: str | None) -> str | None:
    if value is not None:
        timing.zone(value)
    return value


def _unique_names(routines: tuple[Routine, ...]) -> tuple[Routine, ...]:
    names = [routine.name for routine in routines]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(f"two routines are named {name!r}")
    return routines


def _known_sources(priority: tuple[str, ...]) -> tuple[str, ...]:
    from sleepplan.core.objective import SOURCES  # only when a profile is validated

    for entry in priority:
        source = entry.partition(":")[0]
        if source not in SOURCES:
            raise ValueError(
                f"{entry!r} names no tracker source (sources: {', '.join(SOURCES)}; "
                'a device of one as "source:device")'
            )
    return priority


@file_record
class Trackers:
    """How the user's sleep trackers are read (design §15)."""

    priority: Annotated[tuple[Name, ...], Check(_known_sources)] = ()
    """Sources (or ``"source:device"``), most trusted first: where several recorded a night,
    the first is the one to go by (never a sum); the rest follow ``objective.SOURCES``."""


@file_record
class SleepWindowSettings:
    """The ``[sleep_window]`` table: the opt-in CBT-I sleep window (design §16)."""

    enabled: Annotated[bool, Bounds(strict=True)] = False  # "yes" is not an opt-in
    """Whether the window is followed; off unless the user opts in (true or false only)."""
    start: Annotated[dt.date, Check(timing.check_night)] | None = None
    """The first night of the window (required when enabled: week 1 starts on it)."""

    @property
    def followed(self) -> bool:
        """Whether the window is followed (opted in, with its first night)."""
        return self.enabled and self.start is not None


@file_record
class Dose:
    """One compound in a routine."""

    compound: Name
    """Catalog id (or a custom compound's id)."""
    amount_mg: Annotated[float, Bounds(gt=0, le=100_000)]
    """Amount in milligrams."""
    minutes: Annotated[int, Bounds(ge=-24 * 60, le=24 * 60)] | None = None
    """Overrides the catalog's timing: signed minutes from the same anchor (negative = before)."""


@file_record
class DayItem:
    """A daytime dose (design §16): what, how much, and when on the night's day.

    The amount is ``amount_mg``, or ``amount`` with a ``unit`` the compound knows ("cup",
    "uk_unit"); the time is ``at`` (a clock time before bedtime) or ``after_wake`` minutes.
    """

    compound: Name
    """Catalog id (or a custom compound's id)."""
    amount_mg: Annotated[float, Bounds(gt=0, le=1_000_000)] | None = None
    """Amount in milligrams."""
    amount: Annotated[float, Bounds(gt=0, le=1000)] | None = None
    """Amount in ``unit``s (2 cups, 1.5 uk_units)."""
    unit: Annotated[str, Bounds(min_length=1, max_length=40)] | None = None
    """The unit of ``amount``: mg, g, or one of the compound's everyday units."""
    at: ClockTime | None = None
    """Clock time taken, on the night's day (before bedtime)."""
    after_wake: Annotated[int, Bounds(ge=0, le=20 * 60)] | None = None
    """Minutes after the morning's wake time, instead of ``at``."""

    def __post_init__(self) -> None:
        if (self.amount_mg is None) == (self.amount is None):
            raise ValueError("give either amount_mg or amount (with unit)")
        if (self.amount is None) != (self.unit is None):
            raise ValueError("amount and unit go together")
        if self.at is not None and self.after_wake is not None:
            raise ValueError("give at or after_wake, not both")


@file_record
class Routine:
    """A named list of doses."""

    name: Name
    """How the user refers to it."""
    doses: tuple[Dose, ...] = ()
    """What to take."""


@file_record
class Acknowledgement:
    """A danger warning the user has read and chosen to go ahead with."""

    code: Name
    """The warning's code."""
    compounds: tuple[str, ...] = ()
    """The compounds it was about."""
    routine: str | None = None
    """The routine it was about."""
    at: dt.datetime | None = None
    """When it was acknowledged."""


@file_record
class Profile:
    """A user's profile."""

    schema_version: Literal[1] = 1
    """Format version of this file."""
    name: Name
    """Profile name."""
    timezone: Annotated[str | None, Check(_known_zone)] = None
    """IANA zone; ``None`` means the system's zone."""
    bedtime: ClockTime = dt.time(23, 0)
    """Usual lights-out."""
    wake: ClockTime = dt.time(7, 0)
    """Usual wake time."""
    dinner: ClockTime = dt.time(19, 0)
    """Usual dinner time, for doses taken with dinner."""
    sleep_need_min: Annotated[int, Bounds(ge=180, le=900)] = 480
    """Minutes of sleep this user needs."""
    smoker: Annotated[bool, Bounds(strict=True)] = False
    """Smokes tobacco (clears caffeine faster)."""
    oral_contraceptives: Annotated[bool, Bounds(strict=True)] = False
    """Takes oral contraceptives (clears caffeine more slowly)."""
    pregnant: Annotated[bool, Bounds(strict=True)] = False
    """Is pregnant (clears caffeine more slowly)."""
    medications: tuple[Name, ...] = ()
    """Medication classes or drug names, for interaction checks."""
    routines: Annotated[tuple[Routine, ...], Check(_unique_names)] = ()
    """The user's routines."""
    day: tuple[DayItem, ...] = ()
    """Daytime doses, every day: coffee, a morning stack (design §16)."""
    default_routine: str | None = None
    """The routine a plan uses when none is named (validated after ``routines``)."""
    custom_compounds: tuple[Compound, ...] = ()
    """The user's own compounds, with catalog fields."""
    experiments: tuple[ExperimentPlan, ...] = ()
    """Pre-registered self-experiments."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Key bindings remapped by binding id."""
    acknowledgements: tuple[Acknowledgement, ...] = ()
    """Danger warnings the user has acknowledged."""
    trackers: Trackers | None = None
    """The ``[trackers]`` table: which sleep tracker to go by (design §15)."""
    sleep_window: SleepWindowSettings | None = None
    """The ``[sleep_window]`` table; none means off."""

    @property
    def tracker_priority(self) -> tuple[str, ...]:
        """The ``[trackers]`` priority, empty when the profile sets none."""
        return self.trackers.priority if self.trackers is not None else ()

    def routine(self, name: str | None = None) -> Routine:
        """The named routine, else the default, else the first; ``KeyError`` if none."""
        wanted = name or self.default_routine
        if wanted is None:
            if not self.routines:
                raise KeyError("the profile has no routines")
            return self.routines[0]
        for routine in self.routines:
            if routine.name == wanted:
                return routine
        raise KeyError(wanted)


def parse_profile(text: str, source: str, catalog: Catalog) -> tuple[Profile, Catalog]:
    """Parse and validate a profile document; returns it with the catalog its doses refer to."""
    data = parse_toml(text, source)
    return profile_from_data(data, source, catalog)


def profile_from_data(
    data: Mapping[str, Any], source: str, catalog: Catalog
) -> tuple[Profile, Catalog]:
    """Validate parsed profile data against the model and the catalog."""
    data = migrate_profile_data(data, source)
    profile = validate(Profile, data, source)
    names = [routine.name for routine in profile.routines]
    window = profile.sleep_window
    if window is not None and window.enabled and window.start is None:
        raise InputError.single(
            source,
            "sleep_window.start",
            "required when enabled = true: the first night of the window, as a date "
            "(e.g. start = 2026-12-07)",
        )
    if profile.default_routine is not None and profile.default_routine not in names:
        raise InputError.single(
            source, "default_routine", f"{profile.default_routine!r} names no routine"
        )
    try:
        full = catalog.extended(profile.custom_compounds)
    except ValueError as error:
        raise InputError.single(source, "custom_compounds", str(error)) from None
    problems = []
    for r, routine in enumerate(profile.routines):
        for d, dose in enumerate(routine.doses):
            if dose.compound not in full:
                place = f"routines[{r}].doses[{d}].compound"
                problems.append((place, full.unknown_message(dose.compound)))
    problems += _day_problems(profile, full)
    for index, experiment in enumerate(profile.experiments):
        if experiment.compound not in full:
            problems.append(
                (f"experiments[{index}].compound", full.unknown_message(experiment.compound))
            )
    if problems:
        raise InputError(source, problems)
    return profile, full


def _day_problems(profile: Profile, catalog: Catalog) -> list[tuple[str, str]]:
    """What is wrong with the ``[[day]]`` items, each with its place.

    Checked on a plain night in UTC: a time after bedtime is after it on every night.
    """
    from sleepplan.core.day import place_item  # only profiles with daytime doses need it

    problems = []
    zone = "UTC"
    night = dt.date(2026, 1, 15)
    bedtime, _ = timing.night_bounds(night, profile.bedtime, profile.wake, zone)
    for index, item in enumerate(profile.day):
        if item.compound not in catalog:
            problems.append((f"day[{index}].compound", catalog.unknown_message(item.compound)))
            continue
        _, problem = place_item(item, catalog.get(item.compound), bedtime, profile.wake, zone)
        if problem is not None:
            problems.append((f"day[{index}].{problem[0]}", problem[1]))
    return problems


ProfileMigration = Callable[[dict[str, Any]], dict[str, Any]]
PROFILE_MIGRATIONS: dict[int, ProfileMigration] = {}
"""``PROFILE_MIGRATIONS[v]`` turns format version ``v`` data into version ``v + 1``.

Version 1 is the first format, so there is nothing to migrate yet; a future version 2 adds its
step here and bumps ``SCHEMA_VERSION``, and files on disk keep loading.
"""


def migrate_profile_data(
    data: Mapping[str, Any], source: str, current: int | None = None
) -> dict[str, Any]:
    """Bring parsed profile data up to the current format, or refuse a newer one."""
    current = SCHEMA_VERSION if current is None else current
    migrated = dict(data)
    version = migrated.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return migrated  # the model reports the wrong value with its path
    if version > current:
        raise InputError.single(
            source,
            "schema_version",
            f"this file is format version {version}; this sleepplan reads up to version "
            f"{current} (update sleepplan)",
        )
    while version < current:
        migrated = PROFILE_MIGRATIONS[version](migrated)
        version += 1
        migrated["schema_version"] = version
    return migrated


def profile_to_data(profile: Profile) -> dict[str, Any]:
    """The profile as plain TOML-ready data (no ``None`` values, times as ``"HH:MM"``)."""
    data: dict[str, Any] = toml_ready(dump(profile))
    for experiment in data.get("experiments", ()):
        if not experiment.get("schedule"):  # a registration: its schedule is sealed elsewhere
            experiment.pop("schedule", None)
    return data
