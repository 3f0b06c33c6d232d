"""Tonight's plan: a routine placed on a real night, every dose at an absolute time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sleepplan.core import timing
from sleepplan.core.architecture import PredictedNight, predict_night
from sleepplan.core.catalog import Anchor, Catalog, Compound
from sleepplan.core.clearance import NOBODY_SPECIAL, Person
from sleepplan.core.cutoffs import Cutoff, cutoffs
from sleepplan.core.day import DayDose, DayEntry, day_doses, morning_of, profile_entries
from sleepplan.core.experiments import ExperimentPlan, night_instruction
from sleepplan.core.kinetics import Curve, residual_lower_bound
from sleepplan.core.profile import Dose, Profile, Routine
from sleepplan.core.vocabulary import Stage

if TYPE_CHECKING:
    from sleepplan.core.safety import SafetyWarning


@dataclass(frozen=True, slots=True)
class ExperimentDose:
    """What an experiment says about a dose tonight, in place of the routine's amount."""

    experiment_id: str
    instruction: str
    """In words: "envelope 7", "none tonight — baseline", "0.5 mg — arm B"."""
    label: str
    """The same in a table cell of 9 characters: "env. 7", "none", "0.5 mg B"."""
    blinded: bool
    """A blinded A/B night: planned at the larger arm's amount, which says nothing of the arm."""


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
    """Fraction of the peak left at wake; ``None`` without a half-life."""
    peak_in_window: bool | None
    """Whether the peak falls inside a window of a stage it targets (``None``: no curve)."""
    experiment: ExperimentDose | None = None
    """Set on an experiment night: the night's instruction replaces the amount."""
    residual_is_lower_bound: bool = False
    """The residual comes from the half-life alone (no tmax): at least this much is left."""

    @property
    def residual_text(self) -> str:
        """The residual at wake for a table: "31%", "≥31%" for a lower bound, "" for none."""
        if self.residual_at_wake is None:
            return ""
        bound = "≥" if self.residual_is_lower_bound else ""
        return f"{bound}{self.residual_at_wake:.0%}"

    @property
    def amount_text(self) -> str:
        """The amount as a table shows it: the experiment's instruction when there is one."""
        return self.experiment.label if self.experiment else f"{self.amount_mg:g} mg"

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
        if self.experiment is not None:
            parts.insert(0, f"experiment tonight: {self.experiment.instruction}")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Plan:
    """A routine on a night: doses in stage order, then time, and the predicted night."""

    settings: NightSettings
    routine_name: str
    night: PredictedNight
    doses: tuple[PlannedDose, ...] = field(default=())
    """The doses taken tonight (what safety checks and the timeline draws)."""
    set_aside: tuple[PlannedDose, ...] = field(default=())
    """Routine doses an experiment leaves out tonight (baseline, washout, a "none" arm)."""
    experiments: tuple[tuple[str, str], ...] = field(default=())
    """(id, instruction) of every experiment with a night tonight."""
    day: tuple[DayDose, ...] = field(default=())
    """The day's doses before the night (design §16), with their levels at bedtime."""
    cutoffs: tuple[Cutoff, ...] = field(default=())
    """For each wake-promoting compound taken: the latest time today to take it."""
    person: Person = field(default=NOBODY_SPECIAL)
    """What changes how fast this user clears a compound."""

    @property
    def rows(self) -> list[PlannedDose]:
        """Every dose to list, taken or set aside, in stage and time order."""
        return sorted((*self.doses, *self.set_aside), key=_order)

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
            members = [dose for dose in self.rows if dose.stage is stage]
            if members:
                groups.append((stage, members))
        return groups


def _order(item: PlannedDose) -> tuple[int, dt.datetime, str]:
    return item.stage.order, timing.utc(item.at), item.compound.name


def build_plan(
    routine: Routine,
    catalog: Catalog,
    settings: NightSettings,
    experiments: Sequence[ExperimentPlan] = (),
    day: Sequence[DayEntry] = (),
    person: Person = NOBODY_SPECIAL,
) -> Plan:
    """Place every dose of a routine on the night, with its curve, peak and residual at wake.

    ``day`` are the day's doses before it (the profile's ``[[day]]`` items and today's logged
    ones): each gets its level at bedtime, and every wake-promoting compound taken, day or
    evening, a cutoff for this person.

    ``experiments`` are full plans (``store.sealed.unseal``): on one of their nights the
    routine's dose of the compound under test follows the night's instruction (a compound the
    routine lacks is added at its catalog time). A blinded A/B night is planned at the larger
    arm's amount, so warnings and curves are the same whichever arm the envelope holds;
    baseline, washout and "none" nights set the dose aside: not taken, no curve, no warning.
    """
    bedtime, wake = timing.night_bounds(
        settings.night, settings.bedtime, settings.wake, settings.zone
    )
    night = predict_night(bedtime, wake)
    dinner = timing.at_clock_on_night(settings.night, settings.dinner, settings.zone, bedtime)
    planned = [
        _place(index, dose, catalog.get(dose.compound), night, dinner)
        for index, dose in enumerate(routine.doses)
    ]
    set_aside: list[PlannedDose] = []
    running: list[tuple[str, str]] = []
    for experiment in experiments:
        said = night_instruction(experiment, settings.night)
        item = experiment.tonight(settings.night)
        if said is None or item is None or experiment.compound not in catalog:
            continue
        running.append((experiment.id, said[0]))
        blinded = experiment.blinded and item.arm in ("A", "B")
        amount = (
            max(experiment.dose_a_mg, experiment.dose_b_mg)
            if blinded
            else experiment.dose_of(item.arm)
        )
        note = ExperimentDose(experiment.id, said[0], said[1], blinded)
        index = next(
            (i for i, dose in enumerate(planned) if dose.compound.id == experiment.compound), None
        )
        if index is None:  # the routine lacks it: the experiment's dose at its catalog time
            extra = Dose(compound=experiment.compound, amount_mg=experiment.dose_b_mg)
            index = len(planned)
            planned.append(_place(-1, extra, catalog.get(experiment.compound), night, dinner))
        dose = replace(planned.pop(index), experiment=note, amount_mg=amount)
        if amount > 0:
            planned.insert(index, dose)
        elif dose.routine_index >= 0:  # a routine dose not taken tonight stays listed
            set_aside.append(
                replace(
                    dose,
                    curve=None,
                    peak_at=None,
                    residual_at_wake=None,
                    peak_in_window=None,
                    residual_is_lower_bound=False,
                )
            )
    planned.sort(key=_order)
    daytime = day_doses(day, catalog, bedtime, person)
    taken = [dose.compound for dose in daytime] + [dose.compound for dose in planned]
    return Plan(
        settings,
        routine.name,
        night,
        tuple(planned),
        tuple(set_aside),
        tuple(running),
        daytime,
        cutoffs(taken, bedtime, morning_of(bedtime, settings.wake, settings.zone), person),
        person,
    )


def plan_for(
    profile: Profile,
    catalog: Catalog,
    night: dt.date,
    zone: str,
    routine_name: str | None = None,
    experiments: Sequence[ExperimentPlan] = (),
    logged: Sequence[DayEntry] = (),
    cyp1a2_inhibitor: bool = False,
) -> Plan | None:
    """A profile's routine (default: its default) on a night; ``None`` if it has no routine.

    The night's day holds the profile's ``[[day]]`` items and ``logged`` (today's quick
    entries); ``cyp1a2_inhibitor`` says a medication slows caffeine's clearance.
    """
    if not profile.routines:
        return None
    settings = NightSettings(night, profile.bedtime, profile.wake, profile.dinner, zone)
    bedtime, _ = timing.night_bounds(night, profile.bedtime, profile.wake, zone)
    day = [*profile_entries(profile.day, catalog, bedtime, profile.wake, zone), *logged]
    return build_plan(
        profile.routine(routine_name),
        catalog,
        settings,
        experiments,
        day,
        person_of(profile, cyp1a2_inhibitor),
    )


def person_of(profile: Profile, cyp1a2_inhibitor: bool = False) -> Person:
    """The profile's flags (and a CYP1A2 inhibitor among the medications) as a ``Person``."""
    return Person(
        smoker=profile.smoker,
        oral_contraceptives=profile.oral_contraceptives,
        pregnant=profile.pregnant,
        cyp1a2_inhibitor=cyp1a2_inhibitor,
    )


def word_for_both_arms(plan: Plan, warnings: list[SafetyWarning]) -> list[SafetyWarning]:
    """Blinded nights: warnings about the compound under test, worded for either envelope.

    The plan used the larger arm's amount every A/B night, so the same warnings show whichever
    arm tonight is; this says so, instead of stating as fact what the envelope may not hold.
    """
    blinded = {
        dose.compound.id: dose
        for dose in plan.doses
        if dose.experiment is not None and dose.experiment.blinded
    }
    if not blinded:
        return warnings
    worded = []
    for warning in warnings:
        about = [blinded[c] for c in warning.compounds if c in blinded]
        if about:
            dose = about[0]
            assert dose.experiment is not None
            prefix = (
                f"If tonight's {dose.experiment.instruction} holds {dose.compound.name} "
                f"(up to {dose.amount_mg:g} mg): "
            )
            warning = replace(warning, message=prefix + warning.message)
        worded.append(warning)
    return worded


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
    hours_to_wake = timing.seconds_between(at, night.wake) / 3600
    lower_bound = False
    if curve is not None:
        peak_at = timing.shift(at, seconds=round(curve.tmax_h * 3600))
        residual = curve.relative(hours_to_wake)
        in_window = any(night.windows[stage].contains(peak_at) for stage in compound.stages)
    elif compound.half_life_h is not None:
        # absorption unknown: what instant absorption leaves is the least that can be left
        residual = residual_lower_bound(hours_to_wake, compound.half_life_h)
        lower_bound = True
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
        residual_is_lower_bound=lower_bound,
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
