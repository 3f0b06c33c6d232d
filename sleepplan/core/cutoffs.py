"""Cutoffs (design §16): the latest time today to take a wake-promoting compound.

The latest dose whose curve, with this person's half-life, has fallen below the line by
bedtime: "Caffeine: last cup by 14:10 for a 23:00 bedtime".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from sleepplan.core import timing
from sleepplan.core.catalog import Compound
from sleepplan.core.clearance import HalfLife, Person, curve_for, personal_half_life
from sleepplan.core.kinetics import Curve

WAKE_PROMOTING_THRESHOLD = 0.25
"""Design §16: a wake-promoting compound at or above this share of its peak at bedtime warns."""


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
