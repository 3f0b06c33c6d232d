"""Reading the quick entry's fields: the dose typed, in its unit, at a time on tonight's day.

Each field's conversion (or the reason it is refused) is previewed under it as it is typed;
a logged dose is listed with its level at bedtime.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sleepplan.core import timing
from sleepplan.core.catalog import Compound
from sleepplan.core.day import day_problem, morning_of, on_the_day, parse_amount_text
from sleepplan.core.errors import InputError
from sleepplan.core.profile import DayItem

if TYPE_CHECKING:
    from sleepplan.tui.workspace import DayRow, Workspace

NO_COMPOUND = "type a compound's name (→ takes the suggestion)"


@dataclass(frozen=True, slots=True)
class DayForm:
    """What the fields hold, read: a dose ready to log, or each field's problem."""

    compound: Compound | None = None
    amount_mg: float = 0.0
    amount_text: str = ""
    amount: dict[str, Any] | None = None
    """The amount as a ``[[day]]`` item holds it: ``amount`` and ``unit``, or ``amount_mg``."""
    at: dt.datetime | None = None
    clock: dt.time | None = None
    problems: tuple[tuple[str, str], ...] = ()
    """(field, message) for every field that is refused."""


def split_unit(compound: Compound, text: str) -> tuple[float, str] | None:
    """The number and the compound's own unit typed ("2 cups" → (2, "cup")); else ``None``.

    ``None`` means mg, g or mcg (kept as ``amount_mg``) or not an amount at all (refused by
    ``parse_amount_text`` first).
    """
    number, _, unit = text.strip().partition(" ")
    if not unit:  # "2cups"
        split = next((i for i, ch in enumerate(text) if ch.isalpha()), len(text))
        number, unit = text[:split], text[split:]
    name = unit.strip().casefold().replace(" ", "_")
    if name not in compound.units and name.endswith("s"):
        name = name[:-1]
    if name not in compound.units:
        return None
    try:
        return float(number), name
    except ValueError:
        return None


def record_problem(data: dict[str, Any]) -> str | None:
    """What the profile loader says about a ``[[day]]`` item, or ``None`` (bounds: no 5 kg)."""
    from sleepplan.core.validation import validate  # pydantic: only once an entry is checked

    try:
        validate(DayItem, data, "day entry")
    except InputError as error:
        return "; ".join(f"{place}: {message}" for place, message in error.problems)
    return None


def row_text(row: DayRow) -> str:
    """One of tonight's daytime doses in the list."""
    entry = row.entry
    name = row.dose.compound.name if row.dose is not None else entry.compound
    text = f"{timing.format_clock(entry.at.time())} {name} {entry.amount_text}"
    if row.problem is not None:
        text += f" · not counted: {row.problem}"
    elif row.dose is not None:
        level = row.dose.level_text
        text += f" → {level} at bedtime" if level != "unknown" else " → level unknown"
    return text + (" · every day" if row.every_day else "")


def read_day_form(
    workspace: Workspace, compound_text: str, amount_text: str, time_text: str, every_day: bool
) -> DayForm:
    """The fields as a dose, or what is wrong with each."""
    problems: list[tuple[str, str]] = []
    typed = compound_text.strip()
    compound = workspace.catalog.find(typed) if typed else None
    if compound is None:
        problems.append(
            ("compound", workspace.catalog.unknown_message(typed) if typed else NO_COMPOUND)
        )
    mg, words = 0.0, ""
    amount: dict[str, Any] | None = None
    if compound is not None:
        try:
            mg, words = parse_amount_text(compound, amount_text)
        except ValueError as error:
            problems.append(("amount", str(error)))
        else:
            own_unit = split_unit(compound, amount_text)
            amount = (
                {"amount_mg": mg}
                if own_unit is None
                else {"amount": own_unit[0], "unit": own_unit[1]}
            )
            # the profile's bounds for every entry, quick or every day: no 5000 cups
            problem = record_problem({"compound": compound.id, **amount})
            if problem:
                problems.append(("amount", problem))
    clock: dt.time | None = None
    at: dt.datetime | None = None
    try:
        clock = timing.parse_clock(time_text.strip())
    except ValueError as error:
        problems.append(("time", str(error)))
    else:
        at, problem = place_on_day(workspace, clock, every_day)
        if problem:
            problems.append(("time", problem))
    return DayForm(compound, mg, words, amount, at, clock, tuple(problems))


def place_on_day(
    workspace: Workspace, clock: dt.time, every_day: bool
) -> tuple[dt.datetime, str | None]:
    """The instant a clock time means on tonight's day, and why it cannot be, if not.

    An every-day item is checked against the usual bedtime, a quick entry against
    tonight's (which ``j`` may have changed).
    """
    profile = workspace.profile if every_day else workspace.tonight_profile()
    assert profile is not None  # the dialog opens only with a profile
    zone = workspace.zone
    bedtime, _ = timing.night_bounds(workspace.night, profile.bedtime, profile.wake, zone)
    morning = morning_of(bedtime, profile.wake, zone)
    at = on_the_day(clock, morning, zone)
    return at, day_problem(at, morning, bedtime)


def field_notes(form: DayForm) -> dict[str, str]:
    """The line under each field: its conversion, or why it is refused."""
    refused = dict(form.problems)
    compound = form.compound
    units = ""
    if compound is not None:
        # the units' names only: the amount's line gives the one typed in mg
        names = ", ".join(name.replace("_", " ") for name in compound.units)
        units = f"units: {names}, mg, g" if names else "units: mg, g"
    return {
        "compound": refused.get("compound", units),
        "amount": refused.get("amount", form.amount_text),
        "time": refused.get("time", ""),
    }
