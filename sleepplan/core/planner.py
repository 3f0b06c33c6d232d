"""Tonight's plan: a routine placed on a real night, every dose at an absolute time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sleepplan.core import timing
from sleepplan.core.architecture import PredictedNight, predict_night
from sleepplan.core.catalog import Anchor, Catalog, Compound
from sleepplan.core.kinetics import Curve
from sleepplan.core.profile import Dose, Profile, Routine
from sleepplan.core.vocabulary import Stage


@dataclass(frozen=True, slots=True)
class NightSettings:
    """What a plan is built from besides the routine: the night, its times and the zone."""

    night: dt.date
    bedtime: dt.time
    wake: dt.time
    dinner: dt.time
    zone: str


@dataclass(frozen=True, slots=True)
class PlannedDose:
    """One dose on the night: when, how much, and how it rises and clears."""

    compound: Compound
    routine_index: int
    """Position of the dose in its routine (the plan itself is sorted by stage and time)."""
    amount_mg: float
    at: dt.datetime
    minutes_from_bedtime: int
    overridden: bool
    """Whether the routine moved it from the catalog's timing."""
    curve: Curve | None
    """``None`` when the catalog has no tmax or half-life for the compound."""
    peak_at: dt.datetime | None
    residual_at_wake: float | None
    peak_in_window: bool | None
    """Whether the peak falls inside a window of a stage it targets (``None``: no curve)."""

    @property
    def stage(self) -> Stage:
        """The stage it is grouped under."""
        return self.compound.primary_stage

    def level_at(self, instant: dt.datetime) -> float | None:
        """Relative concentration at an instant, or ``None`` without kinetics."""
        if self.curve is None:
            return None
        return self.curve.relative(timing.seconds_between(self.at, instant) / 3600)

    @property
    def why(self) -> str:
        """A short reason for the time."""
        when = describe_offset(self.compound, self.minutes_from_bedtime, self.at)
        origin = "your routine's time" if self.overridden else "catalog timing"
        parts = [f"{when} ({origin})"]
        if self.curve is not None and self.peak_in_window is not None:
            where = "inside" if self.peak_in_window else "outside"
            parts.append(
                f"peaks ~{_hours(self.curve.tmax_h)} later, {where} the "
                f"{self.stage.label.lower()} window"
            )
        elif self.curve is None:
            parts.append("no sourced kinetics, so no curve")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Plan:
    """A routine on a night: doses in stage order, then time, and the predicted night."""

    settings: NightSettings
    routine_name: str
    night: PredictedNight
    doses: tuple[PlannedDose, ...] = field(default=())

    @property
    def bedtime(self) -> dt.datetime:
        """Lights-out."""
        return self.night.bedtime

    @property
    def wake(self) -> dt.datetime:
        """Wake time."""
        return self.night.wake

    def by_stage(self) -> list[tuple[Stage, list[PlannedDose]]]:
        """Doses grouped under their stage, stages in night order, empty stages left out."""
        groups: list[tuple[Stage, list[PlannedDose]]] = []
        for stage in Stage:
            members = [dose for dose in self.doses if dose.stage is stage]
            if members:
                groups.append((stage, members))
        return groups


def build_plan(routine: Routine, catalog: Catalog, settings: NightSettings) -> Plan:
    """Place every dose of a routine on the night, with its curve, peak and residual at wake."""
    bedtime, wake = timing.night_bounds(
        settings.night, settings.bedtime, settings.wake, settings.zone
    )
    night = predict_night(bedtime, wake)
    dinner = timing.at_clock_on_night(settings.night, settings.dinner, settings.zone, bedtime)
    planned = [
        _place(index, dose, catalog.get(dose.compound), night, dinner)
        for index, dose in enumerate(routine.doses)
    ]
    planned.sort(key=lambda item: (item.stage.order, timing.utc(item.at), item.compound.name))
    return Plan(settings, routine.name, night, tuple(planned))


def plan_for(
    profile: Profile, catalog: Catalog, night: dt.date, zone: str, routine_name: str | None = None
) -> Plan | None:
    """A profile's routine (default: its default) on a night; ``None`` if it has no routine."""
    if not profile.routines:
        return None
    settings = NightSettings(night, profile.bedtime, profile.wake, profile.dinner, zone)
    return build_plan(profile.routine(routine_name), catalog, settings)


def _place(
    index: int, dose: Dose, compound: Compound, night: PredictedNight, dinner: dt.datetime
) -> PlannedDose:
    offset = dose.minutes if dose.minutes is not None else compound.timing.offset_min
    anchor_at = dinner if compound.timing.anchor is Anchor.DINNER else night.bedtime
    at = timing.shift(anchor_at, minutes=offset)
    curve = (
        Curve.from_ranges(compound.tmax_h, compound.half_life_h)  # type: ignore[arg-type]
        if compound.has_kinetics
        else None
    )
    peak_at = residual = in_window = None
    if curve is not None:
        peak_at = timing.shift(at, seconds=round(curve.tmax_h * 3600))
        residual = curve.relative(timing.seconds_between(at, night.wake) / 3600)
        in_window = any(night.windows[stage].contains(peak_at) for stage in compound.stages)
    return PlannedDose(
        compound=compound,
        routine_index=index,
        amount_mg=dose.amount_mg,
        at=at,
        minutes_from_bedtime=timing.minutes_between(night.bedtime, at),
        overridden=dose.minutes is not None,
        curve=curve,
        peak_at=peak_at,
        residual_at_wake=residual,
        peak_in_window=in_window,
    )


def describe_offset(compound: Compound, minutes_from_bedtime: int, at: dt.datetime) -> str:
    """Say where a dose sits relative to its anchor, in words."""
    if compound.timing.anchor is Anchor.DINNER:
        return "with dinner" if compound.timing.minutes == 0 else "after dinner"
    if minutes_from_bedtime < 0:
        return f"{_duration(-minutes_from_bedtime)} before bedtime"
    if minutes_from_bedtime > 0:
        return f"{_duration(minutes_from_bedtime)} after lights-out"
    return "at bedtime"


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


def _hours(value: float) -> str:
    minutes = round(value * 60)
    return _duration(minutes) if minutes < 120 else f"{value:.1f} h"
