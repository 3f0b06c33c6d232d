"""Edits a user makes to a profile, as pure functions returning a new profile."""

from __future__ import annotations

import datetime as dt

from sleepplan.core.catalog import Catalog
from sleepplan.core.profile import Dose, Profile, Routine

MOVE_STEP_MIN = 15


def _replace_routine(profile: Profile, routine: Routine) -> Profile:
    routines = tuple(routine if r.name == routine.name else r for r in profile.routines)
    return profile.model_copy(update={"routines": routines})


def _with_doses(profile: Profile, routine_name: str, doses: list[Dose]) -> Profile:
    routine = profile.routine(routine_name).model_copy(update={"doses": tuple(doses)})
    return _replace_routine(profile, routine)


def ensure_routine(profile: Profile, routine_name: str | None) -> tuple[Profile, str]:
    """The routine to edit; a profile with none gets an empty one named "tonight"."""
    if profile.routines:
        return profile, profile.routine(routine_name).name
    routine = Routine(name="tonight")
    updated = profile.model_copy(update={"routines": (routine,), "default_routine": "tonight"})
    return updated, routine.name


def add_dose(profile: Profile, routine_name: str, compound_id: str, amount_mg: float) -> Profile:
    """Add a compound to a routine."""
    doses = list(profile.routine(routine_name).doses)
    doses.append(Dose(compound=compound_id, amount_mg=amount_mg))
    return _with_doses(profile, routine_name, doses)


def remove_dose(profile: Profile, routine_name: str, index: int) -> Profile:
    """Remove the dose at ``index`` of a routine."""
    doses = list(profile.routine(routine_name).doses)
    del doses[index]
    return _with_doses(profile, routine_name, doses)


def set_amount(profile: Profile, routine_name: str, index: int, amount_mg: float) -> Profile:
    """Change a dose's amount."""
    doses = list(profile.routine(routine_name).doses)
    doses[index] = doses[index].model_copy(update={"amount_mg": amount_mg})
    Dose.model_validate(doses[index].model_dump())  # range checks apply to edits too
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
    moved = Dose.model_validate({**dose.model_dump(), "minutes": current + delta_min})
    doses[index] = moved
    return _with_doses(profile, routine_name, doses)


def set_times(
    profile: Profile, bedtime: dt.time | None = None, wake: dt.time | None = None
) -> Profile:
    """Change the profile's bedtime and/or wake time."""
    update = {}
    if bedtime is not None:
        update["bedtime"] = bedtime
    if wake is not None:
        update["wake"] = wake
    return profile.model_copy(update=update)


def rename(profile: Profile, name: str) -> Profile:
    """The same profile under another name."""
    return profile.model_copy(update={"name": name})
