"""What fills the check-in in for the user, and whether the night asks for a blinded guess.

The plan's doses become the "taken" ticks; a correction starts from the stored check-in's; the
tracker's night fills the diary's times and counts; the day's entries tick the confounders.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from sleepplan.core import timing
from sleepplan.core.checkin import TakenDose
from sleepplan.core.day import DayEntry, day_confounders
from sleepplan.core.objective import SOURCE_NAMES, ObjectiveNight
from sleepplan.tui.plain import plain
from sleepplan.tui.widgets.tick import Tick

if TYPE_CHECKING:
    from sleepplan.core.catalog import Catalog
    from sleepplan.core.planner import Plan
    from sleepplan.tui.workspace import Workspace


def taken_ticks(
    planned: list[TakenDose], ticked: list[bool], plan: Plan | None, catalog: Catalog
) -> list[Tick]:
    """One tick per dose, labelled with the compound's name, amount and time."""
    # an experiment's dose shows its instruction ("envelope 7"), never the arm's amount
    shown = {(d.compound.id, d.at.isoformat()): d.amount_text for d in plan.doses} if plan else {}
    # a checkbox reads a str label as markup: the compound's name goes in as Content
    return [
        Tick(
            plain(
                f"{catalog.get(d.compound).name if d.compound in catalog else d.compound} "
                f"{shown.get((d.compound, d.at or ''), f'{d.amount_mg:g} mg')} "
                f"at {d.at[11:16] if d.at else '?'}"
            ),
            value=value,
            compact=True,
        )
        for d, value in zip(planned, ticked, strict=True)
    ]


def recorded_taken(
    record: dict[str, Any], planned: list[TakenDose]
) -> tuple[list[TakenDose], list[bool]]:
    """A stored check-in's doses, ticked, then the plan's other compounds, unticked."""
    doses: list[TakenDose] = []
    for dose in record.get("taken") or []:
        try:
            doses.append(TakenDose.model_validate(dose))
        except ValidationError:
            continue  # the journal is checked when written: nothing else to show for it
    recorded = {dose.compound for dose in doses}
    others = [dose for dose in planned if dose.compound not in recorded]
    return doses + others, [True] * len(doses) + [False] * len(others)


def tracker_answers(tracked: ObjectiveNight, zone: str) -> dict[str, str]:
    """The diary's times (on the zone's clock) and counts a tracker recorded, by field id."""
    times = {
        "in_bed": tracked.in_bed,
        "tried_sleep": tracked.in_bed,  # a tracker can't tell trying from lying in bed
        "final_wake": tracked.final_wake,
        "out_of_bed": tracked.out_of_bed,
    }
    counts = {
        "sol_min": tracked.latency_min,
        "awakenings": tracked.awakenings,
        "waso_min": tracked.waso_min,
    }
    answers = {}
    for key, instant in times.items():
        if instant is not None:
            answers[key] = f"{timing.in_zone(instant, zone):%H:%M}"
    for key, amount in counts.items():
        if amount is not None:
            answers[key] = str(round(amount))
    return answers


def recorder_name(tracked: ObjectiveNight) -> str:
    """The tracker as the user knows it, with its device when the export names one."""
    recorder = SOURCE_NAMES.get(tracked.source, tracked.source)
    if tracked.device:
        recorder += f" ({tracked.device})"
    return recorder


def day_answers(workspace: Workspace, night: dt.date | None, logged: list[DayEntry]) -> list[str]:
    """The confounders the day's entries answer (alcohol, caffeine late), sorted."""
    plan = workspace.plan_for_night(night, logged) if night else None
    if plan is None:
        return []
    return sorted(day_confounders(plan.day, plan.bedtime, plan.person))


def asks_guess(workspace: Workspace, night: dt.date) -> bool:
    """Whether the night was a blinded experiment's A or B night, so the form asks a guess.

    Not after a baseline, a washout or an open experiment's night.
    """
    return any(
        plan.blinded and item is not None and item.arm in ("A", "B")
        for plan in workspace.experiments_on(night)
        for item in [plan.tonight(night)]
    )
