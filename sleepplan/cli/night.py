"""What a night's plan is made of, for the commands that build one (plan, day, check-in, export).

The day before it (the profile's ``[[day]]`` items and the quick entries logged), the
experiments with a night on it (their sealed plans), and the past nights its cycling budgets
count. Each reads the journal or a sealed plan only when the night needs it (design §12).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sleepplan.cli.context import Context, safety_context, slows_caffeine
from sleepplan.core import timing
from sleepplan.core.catalog import Compound
from sleepplan.core.day import DayEntry, day_problem, morning_of, place_item
from sleepplan.core.errors import InputError
from sleepplan.core.planner import NightSettings, Plan, plan_for
from sleepplan.core.safety import cycling_lookback
from sleepplan.store import paths
from sleepplan.store.profiles import LoadedProfile

if TYPE_CHECKING:
    from sleepplan.core.experiments import ExperimentPlan
    from sleepplan.store.journal import LoggedDay


def day_entries(ctx: Context, loaded: LoadedProfile, settings: NightSettings) -> list[DayEntry]:
    """The night's day (design §16): the profile's ``[[day]]`` items and the entries logged.

    Loading the profile checked its items against its own times; a ``--bedtime`` or ``--tz``
    that puts one after bedtime is the same error, naming the item. A logged entry after that
    bedtime is left out, said on stderr.
    """
    bedtime, _ = timing.night_bounds(settings.night, settings.bedtime, settings.wake, settings.zone)
    entries = profile_day(loaded, bedtime, settings.wake, settings.zone)
    entries += _logged_entries(ctx, loaded.profile.name, settings, bedtime)
    return entries


def profile_day(
    loaded: LoadedProfile, bedtime: dt.datetime, wake: dt.time, zone: str
) -> list[DayEntry]:
    """The profile's ``[[day]]`` items placed on the day before ``bedtime``."""
    entries = []
    for index, item in enumerate(loaded.profile.day):
        compound = loaded.catalog.get(item.compound)
        entry, problem = place_item(item, compound, bedtime, wake, zone)
        if problem is not None:
            field, message = problem
            raise InputError.single(str(loaded.path), f"day[{index}].{field}", message)
        assert entry is not None  # place_item gives an entry or a problem
        entries.append(entry)
    return entries


def _logged_entries(
    ctx: Context, profile_name: str, settings: NightSettings, bedtime: dt.datetime
) -> list[DayEntry]:
    """The quick entries logged for the night that fall on its day."""
    morning = morning_of(bedtime, settings.wake, settings.zone)
    on_day = logged_on_day(ctx, profile_name, settings.night, morning, bedtime)
    return [logged.entry for logged in on_day]


def logged_on_day(
    ctx: Context,
    profile_name: str,
    night: dt.date,
    morning: dt.datetime,
    bedtime: dt.datetime,
) -> list[LoggedDay]:
    """The entries logged for a night; one after its bedtime (moved since) is left out, said."""
    found = []
    for logged in _logged_day(ctx, profile_name, night):
        problem = day_problem(logged.entry.at, morning, bedtime)
        if problem is not None:
            print(f"note: logged entry #{logged.id} left out: {problem}", file=sys.stderr)
            continue
        found.append(logged)
    return found


def _logged_day(ctx: Context, profile_name: str, night: dt.date) -> list[LoggedDay]:
    """The quick daytime entries logged for a night.

    Without a journal there are none, and SQLite is not even imported (design §12).
    """
    path = paths.journal_path(ctx.home)
    if not path.exists():
        return []
    from sleepplan.store.day_log import read_day_log

    return read_day_log(path, profile_name, night)


def plan_for_night(
    ctx: Context,
    loaded: LoadedProfile,
    night: dt.date,
    zone: str,
    experiments: Sequence[ExperimentPlan] = (),
    with_logged: bool = True,
) -> Plan | None:
    """``plan_for`` with the night's logged entries and the medications' effect on caffeine.

    ``with_logged=False`` leaves the journal's entries out, for a caller that reads the journal
    only later and needs nothing of the day from the plan.
    """
    profile = loaded.profile
    medications = safety_context(ctx, profile.medications).medications
    logged: list[DayEntry] = []
    if with_logged:
        settings = NightSettings(night, profile.bedtime, profile.wake, profile.dinner, zone)
        bedtime, _ = timing.night_bounds(night, profile.bedtime, profile.wake, zone)
        logged = _logged_entries(ctx, profile.name, settings, bedtime)
    return plan_for(
        profile,
        loaded.catalog,
        night,
        zone,
        logged=logged,
        experiments=experiments,
        cyp1a2_inhibitor=slows_caffeine(medications),
    )


def experiments_on(
    ctx: Context, registrations: Sequence[ExperimentPlan], night: dt.date
) -> list[ExperimentPlan]:
    """Full plans of the experiments with a night on ``night`` (sealed files read only then).

    An experiment whose sealed plan cannot be read is left out, said on stderr: the plan
    is still printed, as the routine without it.
    """
    found = []
    for registration in registrations:
        if not registration.may_include(night):
            continue
        try:
            full = followed(ctx, registration, strict=True)
        except InputError as error:
            print(f"note: {error.render()}", file=sys.stderr)
            continue
        if full.tonight(night) is not None:
            found.append(full)
    return found


def followed(ctx: Context, registration: ExperimentPlan, strict: bool = False) -> ExperimentPlan:
    """An experiment's full plan from its sealed file; a registration if it cannot be read.

    With ``strict``, a missing or damaged sealed plan is the error it is (exit 2).
    """
    from sleepplan.store import sealed

    try:
        return sealed.unseal(ctx.home, registration)
    except InputError:
        if strict:
            raise
        return registration


def nights_taken(
    ctx: Context, profile_name: str, compounds: Iterable[Compound], night: dt.date
) -> dict[str, list[dt.date]]:
    """The past nights the cycling budgets of ``compounds`` on ``night`` count."""
    lookback = cycling_lookback(compounds, night)
    if lookback is None:
        return {}  # no compound with a budget: the journal is not even loaded
    from sleepplan.store.journal import read_nights_taken

    return read_nights_taken(paths.journal_path(ctx.home), profile_name, lookback)
