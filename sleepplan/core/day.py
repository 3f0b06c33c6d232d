"""The day before the night (design §16): daytime doses placed, what is left of them at bedtime.

A coffee at 15:00 or a morning focus stack is placed on the night's day, from the morning's wake to
bedtime, and run through the same kinetics as the evening's doses. Alcohol is the exception: the
body clears it at a roughly constant rate whatever the amount (zero order), so what is left is the
amount drunk less the hours times that rate, shared by all the day's drinks, oldest first.

Beside it: ``day_amounts`` (the amounts users enter), ``clearance`` (this person's half-lives)
and ``cutoffs`` (the latest time for a wake-promoting compound); their names stay importable here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sleepplan.core import timing
from sleepplan.core.catalog import Anchor, Catalog, Compound
from sleepplan.core.clearance import NOBODY_SPECIAL as NOBODY_SPECIAL
from sleepplan.core.clearance import HalfLife, curve_for
from sleepplan.core.clearance import Person as Person
from sleepplan.core.clearance import personal_half_life as personal_half_life
from sleepplan.core.cutoffs import WAKE_PROMOTING_THRESHOLD as WAKE_PROMOTING_THRESHOLD
from sleepplan.core.cutoffs import Cutoff as Cutoff
from sleepplan.core.cutoffs import cutoff_for as cutoff_for
from sleepplan.core.cutoffs import cutoffs as cutoffs
from sleepplan.core.day_amounts import amount_in_mg, mg_text
from sleepplan.core.day_amounts import parse_amount_text as parse_amount_text  # (re-exported)
from sleepplan.core.interactions import Severity
from sleepplan.core.kinetics import residual_lower_bound
from sleepplan.core.warning import SafetyWarning

if TYPE_CHECKING:
    from sleepplan.core.profile import DayItem

PRESENT_AT_BEDTIME = 0.05
"""Below this share of its peak a daytime dose no longer joins tonight's interaction checks."""
_STEP_H = 5 / 60
"""Resolution of the day's combined curves, for their peaks."""


# -- placing the day's doses --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayEntry:
    """A daytime dose placed at an instant: from the profile's ``[[day]]`` or logged today."""

    compound: str
    amount_mg: float
    at: dt.datetime
    amount_text: str
    """How the amount was given, with its conversion ("2 cup = 190 mg")."""
    logged: bool = False
    """A quick entry for today, not the profile's every-day item."""


def morning_of(bedtime: dt.datetime, wake: dt.time, zone_name: str) -> dt.datetime:
    """The wake before a bedtime: where the night's day starts."""
    instant = timing.resolve_local(bedtime.date(), wake, zone_name)
    if timing.utc(instant) > timing.utc(bedtime):
        instant = timing.resolve_local(bedtime.date() - dt.timedelta(days=1), wake, zone_name)
    return instant


def on_the_day(clock: dt.time, morning: dt.datetime, zone_name: str) -> dt.datetime:
    """A clock time on the night's day: the first such instant from the morning's wake."""
    instant = timing.resolve_local(morning.date(), clock, zone_name)
    if timing.utc(instant) < timing.utc(morning):
        instant = timing.resolve_local(morning.date() + dt.timedelta(days=1), clock, zone_name)
    return instant


def day_problem(at: dt.datetime, morning: dt.datetime, bedtime: dt.datetime) -> str | None:
    """Why a daytime dose cannot be at this instant, or ``None``."""
    if timing.utc(at) >= timing.utc(bedtime):
        return (
            f"{timing.format_clock(at.time())} is after bedtime: the day runs from waking "
            f"({timing.format_clock(morning.time())}) to bedtime "
            f"({timing.format_clock(bedtime.time())})"
        )
    return None


def place_item(
    item: DayItem,
    compound: Compound,
    bedtime: dt.datetime,
    wake: dt.time,
    zone_name: str,
) -> tuple[DayEntry | None, tuple[str, str] | None]:
    """A profile's ``[[day]]`` item on the night's day, or (field, problem) when it cannot be."""
    morning = morning_of(bedtime, wake, zone_name)
    if item.amount_mg is not None:
        amount_mg, text = item.amount_mg, mg_text(item.amount_mg)
    else:
        assert item.amount is not None and item.unit is not None  # the record checks the pair
        try:
            amount_mg, text = amount_in_mg(compound, item.amount, item.unit)
        except ValueError as error:
            return None, ("unit", str(error))
    if item.at is not None:
        at = on_the_day(item.at, morning, zone_name)
    else:
        minutes = item.after_wake
        if minutes is None and compound.timing.anchor is Anchor.WAKE:
            minutes = compound.timing.minutes
        if minutes is None:
            return None, ("at", 'give the time taken: at = "HH:MM" or after_wake = minutes')
        at = timing.shift(morning, minutes=minutes)
    problem = day_problem(at, morning, bedtime)
    if problem:
        return None, ("at" if item.at is not None else "after_wake", problem)
    return DayEntry(compound.id, amount_mg, at, text), None


def profile_entries(
    items: Iterable[DayItem],
    catalog: Catalog,
    bedtime: dt.datetime,
    wake: dt.time,
    zone_name: str,
) -> list[DayEntry]:
    """The profile's ``[[day]]`` items on a night.

    Items that cannot be placed are left out: loading the profile reports them.
    """
    entries = []
    for item in items:
        if item.compound not in catalog:
            continue
        entry, _ = place_item(item, catalog.get(item.compound), bedtime, wake, zone_name)
        if entry is not None:
            entries.append(entry)
    return entries


# -- levels at bedtime ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayDose:
    """A daytime dose with what is left of it at bedtime."""

    compound: Compound
    amount_mg: float
    at: dt.datetime
    amount_text: str
    logged: bool
    level_at_bedtime: float | None
    """Share of its own peak left at bedtime (0–1); for alcohol, share of the amount; ``None``
    without sourced kinetics."""
    level_is_lower_bound: bool = False
    """From a half-life alone: at least this much is left."""
    half_life: HalfLife | None = None
    """The half-life used, when it differs from the usual one for this person or not."""
    left_mg: float | None = None
    """For zero-order compounds (alcohol): milligrams still to clear at bedtime."""

    @property
    def level_text(self) -> str:
        """The level at bedtime for a line of text: "45%", "≥31%", "8 g left", "unknown"."""
        if self.left_mg is not None:
            return "cleared" if self.left_mg <= 0 else f"{mg_text(round(self.left_mg, -2))} left"
        if self.level_at_bedtime is None:
            return "unknown"
        bound = "≥" if self.level_is_lower_bound else ""
        return f"{bound}{self.level_at_bedtime:.0%}"

    @property
    def present_at_bedtime(self) -> bool:
        """Still there at bedtime (or not known to be gone): it joins tonight's checks."""
        if self.left_mg is not None:
            return self.left_mg > 0
        return self.level_at_bedtime is None or self.level_at_bedtime >= PRESENT_AT_BEDTIME


def day_doses(
    entries: Sequence[DayEntry], catalog: Catalog, bedtime: dt.datetime, person: Person
) -> tuple[DayDose, ...]:
    """Each daytime dose with its level at bedtime, in time order."""
    ordered = sorted(entries, key=lambda entry: timing.utc(entry.at))
    doses = []
    left = _zero_order_left(ordered, catalog, bedtime)
    for index, entry in enumerate(ordered):
        compound = catalog.get(entry.compound)
        half_life = personal_half_life(compound, person)
        hours = timing.seconds_between(entry.at, bedtime) / 3600
        level: float | None = None
        bound = False
        if index in left:
            level = left[index] / entry.amount_mg
        else:
            curve = curve_for(compound, half_life)
            if curve is not None:
                level = curve.relative(hours)
            elif half_life is not None:
                level, bound = residual_lower_bound(hours, half_life.range_h), True
        doses.append(
            DayDose(
                compound,
                entry.amount_mg,
                entry.at,
                entry.amount_text,
                entry.logged,
                level,
                bound,
                half_life,
                left.get(index),
            )
        )
    return tuple(doses)


def _zero_order_left(
    ordered: Sequence[DayEntry], catalog: Catalog, bedtime: dt.datetime
) -> dict[int, float]:
    """Milligrams of each zero-order dose left at bedtime (by index into ``ordered``).

    The body clears a constant amount an hour from all of it together (the middle of the
    sourced range); the oldest drink is counted as cleared first.
    """
    left: dict[int, float] = {}
    by_compound: dict[str, list[int]] = {}
    for index, entry in enumerate(ordered):
        if catalog.get(entry.compound).elimination_mg_per_h is not None:
            by_compound.setdefault(entry.compound, []).append(index)
    for compound_id, indexes in by_compound.items():
        rate_range = catalog.get(compound_id).elimination_mg_per_h
        assert rate_range is not None
        rate = sum(rate_range) / 2
        remaining = [0.0] * len(indexes)
        clock = ordered[indexes[0]].at
        for position, index in enumerate(indexes + [-1]):
            until = bedtime if index == -1 else ordered[index].at
            budget = rate * max(0.0, timing.seconds_between(clock, until) / 3600)
            for earlier in range(position):  # oldest first
                used = min(budget, remaining[earlier])
                remaining[earlier] -= used
                budget -= used
            if index != -1:
                remaining[position] = ordered[index].amount_mg
                clock = until
        for position, index in enumerate(indexes):
            left[index] = remaining[position]
    return left


def combined_level(doses: Sequence[DayDose], bedtime: dt.datetime, person: Person) -> float | None:
    """One compound's day doses together at bedtime, as a share of their combined peak.

    The doses' curves add up (first-order kinetics); the peak is found on a 5-minute grid from
    the first dose to bedtime. ``None`` without a curve.
    """
    compound = doses[0].compound
    curve = curve_for(compound, personal_half_life(compound, person))
    if curve is None:
        return None
    start = min(timing.utc(dose.at) for dose in doses)
    span_h = timing.seconds_between(start, bedtime) / 3600

    def total(hours_from_start: float) -> float:
        instant = start + dt.timedelta(hours=hours_from_start)
        return sum(
            dose.amount_mg * curve.relative(timing.seconds_between(dose.at, instant) / 3600)
            for dose in doses
        )

    steps = max(1, math.ceil(span_h / _STEP_H))
    peak = max(total(span_h * step / steps) for step in range(steps + 1))
    return total(span_h) / peak if peak > 0 else 0.0


# -- warnings ------------------------------------------------------------------------------------


def day_warnings(
    doses: Sequence[DayDose], bedtime: dt.datetime, person: Person
) -> list[SafetyWarning]:
    """Wake-promoting compounds still high at bedtime; a day's amount that disrupts the night."""
    found: list[SafetyWarning] = []
    by_compound: dict[str, list[DayDose]] = {}
    for dose in doses:
        by_compound.setdefault(dose.compound.id, []).append(dose)
    for compound_id, group in sorted(by_compound.items()):
        compound = group[0].compound
        if compound.wake_promoting:
            # Judged both ways, and the higher counts: the day's doses together against their
            # combined peak, and each dose against its own (a late cup after a big morning one).
            known = [d.level_at_bedtime for d in group if d.level_at_bedtime is not None]
            combined = combined_level(group, bedtime, person)
            bound = combined is None and any(d.level_is_lower_bound for d in group)
            levels = known + ([combined] if combined is not None else [])
            level = max(levels) if levels else None
            if level is not None and level >= WAKE_PROMOTING_THRESHOLD:
                found.append(_wake_warning(group, level, bound, bedtime))
        total = sum(dose.amount_mg for dose in group)
        limit = compound.disrupts_sleep_from_mg
        if limit is not None and total >= limit:
            found.append(
                SafetyWarning(
                    Severity.CAUTION,
                    "disruptive_amount_today",
                    (compound_id,),
                    f"{compound.name} today: {mg_text(total)} in all. "
                    f"From about {mg_text(limit)} the sources report a more disrupted night; "
                    f"{_effect(compound)}",
                    compound.citations_for("disrupts_sleep_from_mg"),
                )
            )
    return found


def day_confounders(doses: Sequence[DayDose], bedtime: dt.datetime, person: Person) -> set[str]:
    """The morning check-in's confounders the day already answers.

    ``alcohol`` when any was drunk; ``late_caffeine`` when caffeine was still at 25% or more of
    its peak at bedtime — the line ``wake_promoting_at_bedtime`` draws, so the check-in and the
    evening's caution never disagree.
    """
    found = set()
    if any(dose.compound.medication_class == "alcohol" for dose in doses):
        found.add("alcohol")
    caffeine = [dose for dose in doses if dose.compound.id == "caffeine"]
    if any(w.code == "wake_promoting_at_bedtime" for w in day_warnings(caffeine, bedtime, person)):
        found.add("late_caffeine")
    return found


def _wake_warning(
    group: Sequence[DayDose], level: float, bound: bool, bedtime: dt.datetime
) -> SafetyWarning:
    compound = group[0].compound
    taken = ", ".join(
        f"{dose.amount_text} at {timing.format_clock(dose.at.time())}" for dose in group
    )
    share = f"at least {level:.0%}" if bound else f"about {level:.0%}"
    return SafetyWarning(
        Severity.CAUTION,
        "wake_promoting_at_bedtime",
        (compound.id,),
        f"{compound.name} ({taken}): {share} of its peak is still there at bedtime "
        f"({timing.format_clock(bedtime.time())}). It keeps people awake; from "
        f"{WAKE_PROMOTING_THRESHOLD:.0%} of the peak sleepplan warns.",
        _citations(compound, group),
    )


def _citations(compound: Compound, group: Sequence[DayDose]) -> tuple[str, ...]:
    """The sources of the half-life used (the person's, when it differs) and of the effect."""
    personal = any(dose.half_life is not None and dose.half_life.because for dose in group)
    used = compound.citations_for("half_life_when" if personal else "half_life_h")
    return tuple(dict.fromkeys(used + compound.citations_for("wake_promoting")))


def _effect(compound: Compound) -> str:
    """The compound's first caution, as what the sources say happens."""
    return compound.cautions[0] if compound.cautions else "see its cautions in the catalog."
