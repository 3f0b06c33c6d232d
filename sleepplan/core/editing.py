"""Edits a user makes to a profile, as pure functions returning a new profile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sleepplan.core.catalog import Catalog
from sleepplan.core.profile import Acknowledgement, Dose, Profile, Routine
from sleepplan.core.safety import SafetyWarning
from sleepplan.core.validation import validate
from sleepplan.core.visible import visible

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


def acknowledge(
    profile: Profile, dangers: Iterable[tuple[str, SafetyWarning]], at: dt.datetime
) -> Profile:
    """Record that the user read these dangers (routine, warning) and chose to go ahead.

    Args:
        profile: The profile to record them in.
        dangers: Each danger with the routine it was shown for.
        at: The moment it was given, with its offset (written as ISO 8601, e.g.
            ``2026-11-23T18:30:00+01:00``); a time without one is refused, as it would
            not say when it was.
    """
    if at.utcoffset() is None:
        raise ValueError("an acknowledgement's time needs its UTC offset")
    moment = at.replace(microsecond=0)
    added = tuple(
        Acknowledgement(
            code=warning.code,
            compounds=tuple(sorted(warning.compounds)),
            routine=routine,
            at=moment,
        )
        for routine, warning in dangers
    )
    return replace(profile, acknowledgements=(*profile.acknowledgements, *added))


# -- routines ------------------------------------------------------------------------------

ROUTINE_NAME_MAX = 80
"""The longest routine name a profile file accepts."""


@dataclass(frozen=True)
class TrashedRoutine:
    """A deleted routine, with what is needed to put it back as it was."""

    routine: Routine
    index: int
    """Where it stood among the profile's routines."""
    was_default: bool
    acknowledgements: tuple[Acknowledgement, ...] = ()
    """The danger acknowledgements given for it (removed with it, restored with it)."""


def check_routine_name(profile: Profile, name: str, renaming: str | None = None) -> str:
    """A new routine name, stripped; ``ValueError`` with the reason if it cannot be used.

    Args:
        profile: The profile the routine belongs to.
        name: The name as typed.
        renaming: The routine being renamed (its own name is not a duplicate).
    """
    name = name.strip()
    if not name:
        raise ValueError("A routine needs a name.")
    if "/" in name:
        raise ValueError("A routine name cannot contain '/'.")
    if visible(name) != name:
        raise ValueError(
            f"A routine name cannot contain control or hidden characters ({visible(name)})."
        )
    if len(name) > ROUTINE_NAME_MAX:
        raise ValueError(f"A routine name is at most {ROUTINE_NAME_MAX} characters.")
    for routine in profile.routines:
        # "Deep" beside "deep" would be told apart by case alone: refused as a duplicate
        if routine.name != renaming and routine.name.casefold() == name.casefold():
            raise ValueError(f"There is already a routine named {routine.name!r}.")
    return name


def new_routine(profile: Profile, name: str, doses: tuple[Dose, ...] = ()) -> Profile:
    """Add a routine (empty, or with a starter's or another routine's doses) at the end."""
    name = check_routine_name(profile, name)
    return replace(profile, routines=(*profile.routines, Routine(name=name, doses=doses)))


def duplicate_routine(profile: Profile, source: str, name: str) -> Profile:
    """A copy of routine ``source`` named ``name``, placed right after it."""
    original = profile.routine(source)
    name = check_routine_name(profile, name)
    routines = list(profile.routines)
    routines.insert(routines.index(original) + 1, replace(original, name=name))
    return replace(profile, routines=tuple(routines))


def rename_routine(profile: Profile, old: str, new: str) -> Profile:
    """Rename a routine; the default and the acknowledgements given for it follow the name."""
    routine = profile.routine(old)
    new = check_routine_name(profile, new, renaming=routine.name)
    routines = tuple(replace(r, name=new) if r is routine else r for r in profile.routines)
    acknowledgements = tuple(
        replace(ack, routine=new) if ack.routine == routine.name else ack
        for ack in profile.acknowledgements
    )
    default = new if profile.default_routine == routine.name else profile.default_routine
    return replace(
        profile, routines=routines, default_routine=default, acknowledgements=acknowledgements
    )


def delete_routine(profile: Profile, name: str) -> tuple[Profile, TrashedRoutine]:
    """Remove a routine; returns the profile and what ``restore_routine`` needs to undo it.

    A deleted default is replaced by the first routine left (or none when none is left).
    """
    routine = profile.routine(name)
    index = profile.routines.index(routine)
    routines = tuple(r for r in profile.routines if r is not routine)
    was_default = profile.default_routine == routine.name
    default = profile.default_routine
    if was_default:
        default = routines[0].name if routines else None
    kept = tuple(ack for ack in profile.acknowledgements if ack.routine != routine.name)
    removed = tuple(ack for ack in profile.acknowledgements if ack.routine == routine.name)
    updated = replace(profile, routines=routines, default_routine=default, acknowledgements=kept)
    return updated, TrashedRoutine(routine, index, was_default, removed)


def restore_routine(profile: Profile, trashed: TrashedRoutine) -> Profile:
    """Put a deleted routine back where it was (renamed "… (restored)" if its name is taken)."""
    name = trashed.routine.name
    taken = {r.name.casefold() for r in profile.routines}
    suffix = 1
    while name.casefold() in taken:
        name = f"{trashed.routine.name} (restored{'' if suffix == 1 else f' {suffix}'})"
        suffix += 1
    routines = list(profile.routines)
    routines.insert(min(trashed.index, len(routines)), replace(trashed.routine, name=name))
    acknowledgements = tuple(replace(ack, routine=name) for ack in trashed.acknowledgements)
    return replace(
        profile,
        routines=tuple(routines),
        default_routine=name if trashed.was_default else profile.default_routine,
        acknowledgements=(*profile.acknowledgements, *acknowledgements),
    )


def set_default_routine(profile: Profile, name: str) -> Profile:
    """Make a routine the one plans use when none is named."""
    return replace(profile, default_routine=profile.routine(name).name)
