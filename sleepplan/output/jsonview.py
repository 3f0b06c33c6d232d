"""The stable JSON shapes of design §10 (additive changes only)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sleepplan.core.catalog import Catalog, Compound
from sleepplan.core.cutoffs import Cutoff
from sleepplan.core.day import DayDose
from sleepplan.core.interactions import Medications
from sleepplan.core.planner import Plan, PlannedDose
from sleepplan.core.safety import SCOPE, Intake, SafetyWarning
from sleepplan.core.validation import dump
from sleepplan.output import DISCLAIMER

if TYPE_CHECKING:
    from sleepplan.core.objective import ObjectiveNight
    from sleepplan.output.day_before import DayBefore


def _iso(instant: dt.datetime | None) -> str | None:
    return instant.isoformat() if instant is not None else None


def dose_json(dose: PlannedDose) -> dict[str, Any]:
    """One planned dose; on an experiment night, with the night's instruction.

    A blinded night's dose shows the instruction in place of its amount (``amount_mg`` is
    ``null``); a dose the experiment leaves out tonight has ``amount_mg`` 0.
    """
    experiment = dose.experiment
    amount: float | str | None = dose.amount_mg
    if experiment is not None and experiment.blinded:
        amount = None
    extra = {} if experiment is None else {"instruction": experiment.instruction}
    return {
        "compound": dose.compound.id,
        "name": dose.compound.name,
        "amount_mg": amount,
        **extra,
        "at": _iso(dose.at),
        "minutes_from_bedtime": dose.minutes_from_bedtime,
        "stage": dose.stage.value,
        "targets": [stage.value for stage in dose.compound.stages],
        "mechanism": dose.compound.mechanism.value,
        "secondary_mechanisms": [m.value for m in dose.compound.secondary_mechanisms],
        "peak_at": _iso(dose.peak_at),
        "residual_at_wake": (
            round(dose.residual_at_wake, 4) if dose.residual_at_wake is not None else None
        ),
        "residual_is_lower_bound": dose.residual_is_lower_bound,
        "peak_in_window": dose.peak_in_window,
        "why": dose.why,
    }


def warning_json(warning: SafetyWarning) -> dict[str, Any]:
    """One warning."""
    return {
        "severity": warning.severity.value,
        "code": warning.code,
        "compounds": list(warning.compounds),
        "message": warning.message,
        "sources": list(warning.sources),
    }


def plan_json(plan: Plan, warnings: list[SafetyWarning], profile_name: str) -> dict[str, Any]:
    """Tonight's plan."""
    return {
        "night": plan.settings.night.isoformat(),
        "timezone": plan.settings.zone,
        "profile": profile_name,
        "routine": plan.routine_name,
        "bedtime": _iso(plan.bedtime),
        "wake": _iso(plan.wake),
        "sleep_onset": _iso(plan.night.onset),
        "stage_windows": {
            stage.value: [_iso(window.start), _iso(window.end)]
            for stage, window in plan.night.windows.items()
        },
        "doses": [dose_json(dose) for dose in plan.rows],
        "day": [day_json(dose) for dose in plan.day],
        "cutoffs": [cutoff_json(cutoff) for cutoff in plan.cutoffs],
        "warnings": [warning_json(warning) for warning in warnings],
        "scope": SCOPE,
        "disclaimer": DISCLAIMER,
        **_experiment_json(plan),
    }


def day_json(dose: DayDose) -> dict[str, Any]:
    """A daytime dose (design §16) with what is left of it at bedtime.

    ``level_at_bedtime`` is the share of its own peak (0–1), ``null`` without sourced kinetics;
    for a compound cleared at a constant rate (alcohol) it is the share of the amount, with
    ``left_mg``. ``half_life_h`` is the one used for this person, ``because`` what changed it.
    """
    level = dose.level_at_bedtime
    half_life = dose.half_life
    return {
        "compound": dose.compound.id,
        "name": dose.compound.name,
        "amount_mg": dose.amount_mg,
        "amount_text": dose.amount_text,
        "at": _iso(dose.at),
        "logged": dose.logged,
        "level_at_bedtime": round(level, 4) if level is not None else None,
        "level_is_lower_bound": dose.level_is_lower_bound,
        "level_text": dose.level_text,
        "left_mg": round(dose.left_mg, 1) if dose.left_mg is not None else None,
        "half_life_h": list(half_life.range_h) if half_life is not None else None,
        "because": half_life.because if half_life is not None else None,
    }


def cutoff_json(cutoff: Cutoff) -> dict[str, Any]:
    """The latest time today to take a wake-promoting compound and be under the line by bed."""
    return {
        "compound": cutoff.compound.id,
        "name": cutoff.compound.name,
        "latest": _iso(cutoff.latest),
        "threshold": cutoff.threshold,
        "none_today": cutoff.none_today,
        "unit": cutoff.unit,
        "half_life_h": list(cutoff.half_life.range_h),
        "because": cutoff.half_life.because,
        "text": cutoff.text,
    }


def day_list_json(day: DayBefore) -> dict[str, Any]:
    """``sleepplan day --json``: the day before a night (``id``: a logged entry's, else null)."""
    return {
        "night": day.night.isoformat(),
        "timezone": day.zone,
        "profile": day.profile_name,
        "morning": _iso(day.morning),
        "bedtime": _iso(day.bedtime),
        "day": [
            {"id": entry_id, **day_json(dose)}
            for dose, entry_id in zip(day.doses, day.ids, strict=True)
        ],
        "cutoffs": [cutoff_json(cutoff) for cutoff in day.cutoffs],
        "warnings": [warning_json(warning) for warning in day.warnings],
        "disclaimer": DISCLAIMER,
    }


def _experiment_json(plan: Plan) -> dict[str, Any]:
    """``experiment`` (the first) and ``experiments`` (all), only on an experiment night."""
    if not plan.experiments:
        return {}
    found = [{"id": id_, "instruction": said} for id_, said in plan.experiments]
    return {"experiment": found[0], "experiments": found}


def compound_json(compound: Compound) -> dict[str, Any]:
    """A catalog entry with every field of design §3 and its derived stages."""
    data: dict[str, Any] = dump(compound)
    data["stages"] = [stage.value for stage in compound.stages]
    return data


def catalog_json(compounds: list[Compound]) -> dict[str, Any]:
    """The catalog (or a filtered part of it)."""
    return {"compounds": [compound_json(compound) for compound in compounds]}


def all_compounds(catalog: Catalog) -> list[Compound]:
    """Compounds sorted by name."""
    return sorted(catalog, key=lambda compound: compound.name.casefold())


def check_json(
    items: list[Intake], medications: Medications, warnings: list[SafetyWarning], notes: list[str]
) -> dict[str, Any]:
    """The result of ``sleepplan check``."""
    return {
        "items": [{"compound": item.compound.id, "amount_mg": item.amount_mg} for item in items],
        "medications": {
            "classes": sorted(medications.classes),
            "named": {name: list(classes) for name, classes in medications.named.items()},
            "unknown": list(medications.unknown),
            "resolved": dict(medications.resolved),
        },
        "warnings": [warning_json(warning) for warning in warnings],
        "notes": notes,
        "scope": SCOPE,
        "disclaimer": DISCLAIMER,
    }


def checkin_json(record: dict[str, Any]) -> dict[str, Any]:
    """The result of ``sleepplan checkin`` (design §10)."""
    return {
        "night": record["night"],
        "metrics": record["metrics"],
        "scores": record["scores"],
        "flags": record["flags"],
        "record": record,
    }


def objective_json(night: ObjectiveNight, full: bool = False) -> dict[str, Any]:
    """A tracker's night, with the keys of ``tracker import --json``.

    ``full`` (for exports) adds what a backup needs to bring the night back: its
    ``record_id`` and its ``epochs`` as ``[start, end, stage]``.
    """
    from sleepplan.core.objective import night_json  # `plan --json` never needs it

    data = night_json(night)
    if full:
        data["record_id"] = night.record_id
        data["epochs"] = [[e.start.isoformat(), e.end.isoformat(), e.stage] for e in night.epochs]
    return data
