"""The stable JSON shapes of design §10 (additive changes only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sleepplan.core.catalog import Catalog, Compound
from sleepplan.core.interactions import Medications
from sleepplan.core.objective import ObjectiveNight, night_json
from sleepplan.core.planner import Plan, PlannedDose
from sleepplan.core.safety import SCOPE, Intake, SafetyWarning
from sleepplan.core.validation import dump
from sleepplan.output import DISCLAIMER


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
        "warnings": [warning_json(warning) for warning in warnings],
        "scope": SCOPE,
        "disclaimer": DISCLAIMER,
        **_experiment_json(plan),
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
    data = night_json(night)
    if full:
        data["record_id"] = night.record_id
        data["epochs"] = [[e.start.isoformat(), e.end.isoformat(), e.stage] for e in night.epochs]
    return data
