"""The day before the night (design §16): daytime doses, what is left of them at bedtime, cutoffs.

A coffee at 15:00 or a morning focus stack is placed on the night's day, from the morning's wake to
bedtime, and run through the same kinetics as the evening's doses. Alcohol is the exception: the
body clears it at a roughly constant rate whatever the amount (zero order), so what is left is the
amount drunk less the hours times that rate, shared by all the day's drinks, oldest first.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sleepplan.core import timing
from sleepplan.core.catalog import Anchor, Catalog, Compound
from sleepplan.core.interactions import Severity
from sleepplan.core.kinetics import Curve, residual_lower_bound
from sleepplan.core.warning import SafetyWarning

if TYPE_CHECKING:
    from sleepplan.core.profile import DayItem

WAKE_PROMOTING_THRESHOLD = 0.25
"""Design §16: a wake-promoting compound at or above this share of its peak at bedtime warns."""
PRESENT_AT_BEDTIME = 0.05
"""Below this share of its peak a daytime dose no longer joins tonight's interaction checks."""
_STEP_H = 5 / 60
"""Resolution of the day's combined curves, for their peaks."""
_PLURAL = {"cups": "cup", "espressos": "espresso", "teas": "tea", "drinks": "drink"}


@dataclass(frozen=True, slots=True)
class Person:
    """What changes how fast this person clears a compound (design §16)."""

    smoker: bool = False
    oral_contraceptives: bool = False
    pregnant: bool = False
    cyp1a2_inhibitor: bool = False
    """A medication that strongly inhibits CYP1A2 (fluvoxamine)."""

    @property
    def conditions(self) -> tuple[str, ...]:
        """The conditions that apply, by their catalog names."""
        flags = {
            "smoker": self.smoker,
            "oral_contraceptives": self.oral_contraceptives,
            "pregnant": self.pregnant,
            "cyp1a2_inhibitor": self.cyp1a2_inhibitor,
        }
        return tuple(name for name, on in flags.items() if on)


NOBODY_SPECIAL = Person()
"""The usual person: no condition that changes a half-life."""

CONDITION_WORDS = {
    "smoker": "smoking",
    "oral_contraceptives": "oral contraceptives",
    "pregnant": "pregnancy",
    "cyp1a2_inhibitor": "a CYP1A2-inhibiting medication",
}


@dataclass(frozen=True, slots=True)
class HalfLife:
    """The half-life used for this person, and why it differs from the usual one."""

    range_h: tuple[float, float]
    because: str | None = None
    """The condition that changed it, in words ("oral contraceptives"); ``None``: the usual."""

    @property
    def middle_h(self) -> float:
        """The middle of the range, the value the kinetics use."""
        return sum(self.range_h) / 2


def personal_half_life(compound: Compound, person: Person) -> HalfLife | None:
    """The compound's half-life for this person; ``None`` without a sourced half-life.

    Where several conditions apply, the longest half-life among them is used when any lengthens
    it (it errs towards warning); a condition that only shortens it (smoking) applies alone.
    """
    if compound.half_life_h is None:
        return None
    usual = HalfLife(compound.half_life_h)
    applying = [
        HalfLife(item.half_life_h, CONDITION_WORDS[item.condition])
        for item in compound.half_life_when
        if item.condition in person.conditions
    ]
    if not applying:
        return usual
    longer = [item for item in applying if item.middle_h > usual.middle_h]
    if longer:
        return max(longer, key=lambda item: item.middle_h)
    return min(applying, key=lambda item: item.middle_h)


# -- amounts -----------------------------------------------------------------------------------


def unit_names(compound: Compound) -> list[str]:
    """The units an amount of this compound can be given in."""
    return ["mg", "g", *compound.units]


MAX_DAY_MG = 1_000_000
"""A day's single entry above 1 kg is a typing mistake (eight drinks of alcohol are 112 g)."""
_METRIC = {"mg": 1.0, "g": 1000.0, "mcg": 0.001, "µg": 0.001, "ug": 0.001}
_AMOUNT_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*([^\d\s.][^\d]*)?$")


def amount_in_mg(compound: Compound, amount: float, unit: str) -> tuple[float, str]:
    """Milligrams for an amount in a unit, and the conversion in words ("2 cups = 192 mg").

    ``ValueError`` for a unit the compound does not know, or an amount no one takes.
    """
    name = unit.strip().casefold().replace(" ", "_").replace("μ", "µ")
    name = _PLURAL.get(name, name)
    if name not in compound.units and name.endswith("s") and name[:-1] in compound.units:
        name = name[:-1]
    if name in compound.units:
        mg = amount * compound.units[name]
        plural = "s" if amount > 1 else ""
        words = f"{amount:g} {name.replace('_', ' ')}{plural} = {_mg(mg)}"
    elif name in _METRIC:
        mg = amount * _METRIC[name]
        words = _mg(mg)
    else:
        known = ", ".join(unit_names(compound))
        raise ValueError(f"{compound.name} has no unit {unit.strip()!r} (units: {known})")
    if not (math.isfinite(mg) and 0 < mg <= MAX_DAY_MG):
        raise ValueError(f"{amount:g} {unit.strip()} is not a plausible amount (at most 1 kg)")
    return mg, words


def parse_amount_text(compound: Compound, text: str) -> tuple[float, str]:
    """An amount as a user types it ("2 cups", "95 mg", "1.5 uk_unit"), in mg with its words."""
    match = _AMOUNT_TEXT.match(text)
    if not match:
        raise ValueError(f"{text!r} is not an amount (examples: 95 mg, 2 cups)")
    value = float(match.group(1))
    if value <= 0:
        raise ValueError(f"{text!r} is not an amount (more than 0)")
    return amount_in_mg(compound, value, (match.group(2) or "mg").strip())


def _mg(amount: float) -> str:
    return f"{amount / 1000:g} g" if amount >= 1000 else f"{amount:g} mg"


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
        amount_mg, text = item.amount_mg, _mg(item.amount_mg)
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
            return "cleared" if self.left_mg <= 0 else f"{_mg(round(self.left_mg, -2))} left"
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


def curve_for(compound: Compound, half_life: HalfLife | None) -> Curve | None:
    """The compound's curve with this person's half-life, when its tmax is known too."""
    if compound.tmax_h is None or half_life is None:
        return None
    return Curve.from_ranges(compound.tmax_h, half_life.range_h)


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


# -- cutoffs -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cutoff:
    """The latest time today to take a wake-promoting compound and be under the line by bedtime."""

    compound: Compound
    latest: dt.datetime
    """To the minute, rounded down."""
    threshold: float
    half_life: HalfLife
    unit: str
    """The word for one serving ("cup" for caffeine; "dose" when it has no everyday unit)."""
    bedtime: dt.datetime
    morning: dt.datetime
    """The wake that starts the day: a cutoff before it leaves no time today."""

    @property
    def none_today(self) -> bool:
        """Even a dose at waking is above the line at bedtime."""
        return timing.utc(self.latest) < timing.utc(self.morning)

    @property
    def text(self) -> str:
        """In words: "Caffeine: last cup by 14:10 for a 23:00 bedtime"."""
        bed = timing.format_clock(self.bedtime.time())
        if self.none_today:
            waking = timing.format_clock(self.morning.time())
            return (
                f"{self.compound.name}: even a {self.unit} at waking ({waking}) "
                f"is over {self.threshold:.0%} at {bed}"
            )
        latest = timing.format_clock(self.latest.time())
        return f"{self.compound.name}: last {self.unit} by {latest} for a {bed} bedtime"


def hours_to_fall(curve: Curve, threshold: float) -> float:
    """Hours from a dose until its curve, past the peak, falls to ``threshold`` of the peak."""
    low, high = curve.tmax_h, curve.tmax_h + 1.0
    while curve.relative(high) > threshold:
        low, high = high, high * 2
        if high > 10_000:
            raise ValueError("the curve does not fall to the threshold")
    for _ in range(60):
        middle = (low + high) / 2
        if curve.relative(middle) > threshold:
            low = middle
        else:
            high = middle
    return high


def cutoff_for(
    compound: Compound,
    bedtime: dt.datetime,
    morning: dt.datetime,
    person: Person,
    threshold: float = WAKE_PROMOTING_THRESHOLD,
) -> Cutoff | None:
    """The compound's cutoff for this bedtime; ``None`` without a sourced half-life."""
    half_life = personal_half_life(compound, person)
    if half_life is None:
        return None
    curve = curve_for(compound, half_life)
    if curve is not None:
        hours = hours_to_fall(curve, threshold)
    else:  # instant absorption: the earliest it could fall that far, so the latest safe time
        hours = half_life.middle_h * math.log2(1 / threshold)
    # Real time before bedtime: across a clock change the wall clock moves by more or less.
    latest = timing.shift(bedtime, hours=-hours).replace(second=0, microsecond=0)
    unit = next(iter(compound.units), "dose")
    return Cutoff(compound, latest, threshold, half_life, unit.replace("_", " "), bedtime, morning)


def cutoffs(
    compounds: Iterable[Compound], bedtime: dt.datetime, morning: dt.datetime, person: Person
) -> tuple[Cutoff, ...]:
    """Cutoffs for the wake-promoting compounds among these, one each, by name."""
    found = {}
    for compound in compounds:
        if compound.wake_promoting and compound.id not in found:
            cutoff = cutoff_for(compound, bedtime, morning, person)
            if cutoff is not None:
                found[compound.id] = cutoff
    return tuple(sorted(found.values(), key=lambda cutoff: cutoff.compound.name))


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
                    f"{compound.name} today: {_mg(total)} in all. From about {_mg(limit)} the "
                    f"sources report a more disrupted night; {_effect(compound)}",
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
