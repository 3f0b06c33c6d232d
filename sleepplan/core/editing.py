"""Edits a user makes to a profile, as pure functions returning a new profile."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sleepplan.core.catalog import Catalog
from sleepplan.core.profile import Dose, Profile, Routine
from sleepplan.core.validation import validate

MOVE_STEP_MIN = 15


def _dose(**fields: object) -> Dose:
    """A dose, range-checked like one read from a file (the same limits apply to edits)."""
    return validate(Dose, fields, "the dose")


def _replace_routine(profile: Profile, routine: Routine) -> Profile:
    routines = tuple(routine if r.name == routine.name else r for r in profile.routines)
    return replace(profile, routines=routines)


def _with_doses(profile: Profile, routine_name: str, doses: list[Dose]) -> Profile:
    routine = replace(profile.routine(routine_name), doses=tuple(doses))
    return _replace_routine(profile, routine)


def ensure_routine(profile: Profile, routine_name: str | None) -> tuple[Profile, str]:
    """The routine to edit; a profile with none gets an empty one named "tonight"."""
    if profile.routines:
        return profile, profile.routine(routine_name).name
    routine = Routine(name="tonight")
    updated = replace(profile, routines=(routine,), default_routine="tonight")
    return updated, routine.name


def add_dose(profile: Profile, routine_name: str, compound_id: str, amount_mg: float) -> Profile:
    """Add a compound to a routine."""
    doses = list(profile.routine(routine_name).doses)
    doses.append(_dose(compound=compound_id, amount_mg=amount_mg))
    return _with_doses(profile, routine_name, doses)


def remove_dose(profile: Profile, routine_name: str, index: int) -> Profile:
    """Remove the dose at ``index`` of a routine."""
    doses = list(profile.routine(routine_name).doses)
    del doses[index]
    return _with_doses(profile, routine_name, doses)


def set_amount(profile: Profile, routine_name: str, index: int, amount_mg: float) -> Profile:
    """Change a dose's amount."""
    doses = list(profile.routine(routine_name).doses)
    dose = doses[index]
    doses[index] = _dose(compound=dose.compound, amount_mg=amount_mg, minutes=dose.minutes)
    return _with_doses(profile, routine_name, doses)


def move_dose(
    profile: Profile, routine_name: str, index: int, catalog: Catalog, delta_min: int
) -> Profile:
    """Move a dose earlier (negative) or later from where it is now; it becomes an override."""
    doses = list(profile.routine(routine_name).doses)
    dose = doses[index]
    current = (
        dose.minutes if dose.minutes is not None else catalog.get(dose.compound).timing.offset_min
    )
    doses[index] = _dose(
        compound=dose.compound, amount_mg=dose.amount_mg, minutes=current + delta_min
    )
    return _with_doses(profile, routine_name, doses)


def set_times(
    profile: Profile, bedtime: dt.time | None = None, wake: dt.time | None = None
) -> Profile:
    """Change the profile's bedtime and/or wake time."""
    return replace(
        profile,
        bedtime=profile.bedtime if bedtime is None else bedtime,
        wake=profile.wake if wake is None else wake,
    )


def rename(profile: Profile, name: str) -> Profile:
    """The same profile under another name."""
    return replace(profile, name=name)
