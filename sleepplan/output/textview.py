"""Readable plain text of a plan, the day, a check and the catalog, as the commands print them.

Beside it: ``timeline_lines`` (the night drawn as text) and ``checkin_view`` (a check-in and the
history); their names stay importable here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sleepplan.core import timing
from sleepplan.core.catalog import Compound
from sleepplan.core.cutoffs import Cutoff
from sleepplan.core.day import DayDose
from sleepplan.core.interactions import Medications, Severity, medications_summary
from sleepplan.core.planner import Plan, PlannedDose
from sleepplan.core.safety import (
    NOTHING_RECORDED,
    SCOPE,
    Intake,
    SafetyWarning,
    records_interaction,
)
from sleepplan.core.timeline import build_timeline
from sleepplan.core.visible import visible
from sleepplan.output import DISCLAIMER
from sleepplan.output.checkin_view import checkin_text as checkin_text
from sleepplan.output.checkin_view import history_text as history_text
from sleepplan.output.timeline_lines import BAND_LEGEND as BAND_LEGEND
from sleepplan.output.timeline_lines import axis_line as axis_line
from sleepplan.output.timeline_lines import band_line as band_line
from sleepplan.output.timeline_lines import curve_rows as curve_rows
from sleepplan.output.timeline_lines import timeline_text

if TYPE_CHECKING:
    from sleepplan.output.day_before import DayBefore

SEVERITY_MARKS = {"danger": "✖ DANGER ", "caution": "▲ CAUTION", "info": "ℹ info   "}


def _mg(amount: float) -> str:
    if amount >= 1000 and amount % 100 == 0:
        return f"{amount / 1000:g} g"
    return f"{amount:g} mg"


def _minutes(value: int) -> str:
    return f"{value:+d} min" if value else "  0 min"


def _dose_line(dose: PlannedDose) -> list[str]:
    peak = "no curve  " if dose.peak_at is None else f"peak {dose.peak_at:%H:%M}"
    mark = {True: "✓", False: "✗", None: " "}[dose.peak_in_window]
    residual = f"{dose.residual_text} at wake" if dose.residual_text else ""
    head = (
        f"  {dose.at:%H:%M}  {visible(dose.compound.name)[:26]:<26} {_amount(dose):>8}  "
        f"{_minutes(dose.minutes_from_bedtime):>9}  {peak} {mark}  {residual}"
    )
    return [head.rstrip(), f"         {dose.why}"]


def _amount(dose: PlannedDose) -> str:
    """The amount, or on an experiment night the night's instruction in its place."""
    return dose.amount_text if dose.experiment is not None else _mg(dose.amount_mg)


def plan_text(
    plan: Plan,
    warnings: list[SafetyWarning],
    profile_name: str,
    width: int = 100,
    medications: Medications | None = None,
) -> str:
    """Tonight's plan: danger and caution first, the header, doses by stage, the timeline.

    The warnings that matter come before any name from the profile, so that whatever a name
    holds, they are on the screen already. Info warnings and the disclaimer close the plan.
    Given ``medications``, the header says what the plan was checked against.
    """
    night = plan.night
    lines = alarms_text(warnings)
    lines += [
        f"Night of {plan.settings.night:%a %d %b %Y} · profile {visible(profile_name)} · "
        f"routine {visible(plan.routine_name)} · {visible(plan.settings.zone)}",
        f"Bedtime {plan.bedtime:%H:%M} · predicted sleep {night.onset:%H:%M} · "
        f"wake {plan.wake:%H:%M} ({_span(plan)} in bed)",
    ]
    if medications is not None:
        lines.append(visible(medications_summary(medications)))
    lines += [f"Experiment {visible(id_)}: {said}" for id_, said in plan.experiments]
    lines.append("")
    lines += _paragraph(from_today_text(plan.day, plan.cutoffs, plan.bedtime))
    if not plan.rows:
        lines += ["This routine has no doses yet.", ""]
    for stage, doses in plan.by_stage():
        window = night.windows[stage]
        lines.append(f"{stage.label.upper()}  (window {window.start:%H:%M}–{window.end:%H:%M})")
        for dose in doses:
            lines += _dose_line(dose)
        lines.append("")
    if plan.doses:
        lines += timeline_text(build_timeline(plan, max(24, width - 24)))
        lines.append("")
    lines += _paragraph(info_text(warnings))
    lines += [SCOPE, DISCLAIMER]
    return "\n".join(lines)


def from_today_text(
    doses: Sequence[DayDose],
    cutoffs: Sequence[Cutoff],
    bedtime: dt.datetime,
    ids: Sequence[int | None] = (),
) -> list[str]:
    """The day before the night (design §16): each dose with its level at bedtime, the cutoffs.

    ``ids``, for ``sleepplan day``, are the logged entries' ids (to remove one), dose by dose.
    Empty when there is neither a dose nor a cutoff.
    """
    if not doses and not cutoffs:
        return []
    lines = [f"FROM TODAY (left at bedtime, {bedtime:%H:%M}, as a share of each dose's peak)"]
    for index, dose in enumerate(doses):
        lines.append(_day_line(dose, ids[index] if index < len(ids) else None))
    if not doses:
        lines.append("  Nothing taken during the day.")
    if cutoffs:
        share = f"{cutoffs[0].threshold:.0%}"
        lines.append(f"  Cutoffs (to be under {share} of the peak at bedtime):")
        lines += [
            f"  {visible(cutoff.text)}{_because(cutoff.half_life.because)}" for cutoff in cutoffs
        ]
    return lines


def _day_line(dose: DayDose, entry_id: int | None) -> str:
    """A daytime dose on one line: time, name, amount as given, level at bedtime, whose."""
    whose = "every day" if not dose.logged else "logged" if entry_id is None else f"#{entry_id}"
    because = _because(dose.half_life.because if dose.half_life is not None else None)
    return (
        f"  {dose.at:%H:%M}  {visible(dose.compound.name)[:22]:<22} "
        f"{visible(dose.amount_text)[:24]:<24} {dose.level_text:>9}  {whose}{because}"
    )


def _because(condition: str | None) -> str:
    """Why this person's half-life is not the usual one, or nothing."""
    return f" (half-life changed by {visible(condition)})" if condition else ""


def day_text(day: DayBefore) -> str:
    """``sleepplan day``: the day before a night, its doses' levels at bedtime, the cutoffs."""
    lines = alarms_text(day.warnings)
    lines += [
        f"The day before the night of {day.night:%a %d %b %Y} · profile "
        f"{visible(day.profile_name)} · waking {day.morning:%H:%M} → bedtime {day.bedtime:%H:%M}",
        "",
    ]
    if day.doses or day.cutoffs:
        lines += _paragraph(from_today_text(day.doses, day.cutoffs, day.bedtime, day.ids))
    else:
        lines += ["Nothing taken during the day yet.", ""]
    lines.append("Log a dose: sleepplan day add COMPOUND AMOUNT [--at HH:MM]")
    if any(entry_id is not None for entry_id in day.ids):
        lines.append("Remove a logged one: sleepplan day remove ID")
    lines += ["", DISCLAIMER]
    return "\n".join(lines)


def _paragraph(lines: list[str]) -> list[str]:
    """``lines`` followed by a blank line, or nothing when there are none."""
    return [*lines, ""] if lines else []


def _span(plan: Plan) -> str:
    minutes = timing.minutes_between(plan.bedtime, plan.wake)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min"


def alarms_text(warnings: list[SafetyWarning]) -> list[str]:
    """Danger and caution warnings, danger first, with their sources: what a view prints first.

    Empty when there are none; otherwise ends with a blank line to set them apart.
    """
    alarms = [warning for warning in warnings if warning.severity is not Severity.INFO]
    if not alarms:
        return []
    return [f"WARNINGS ({len(alarms)})", *_warning_lines(alarms), ""]


def info_text(warnings: list[SafetyWarning]) -> list[str]:
    """Info warnings with their sources; says so when no interaction is recorded."""
    infos = [warning for warning in warnings if warning.severity is Severity.INFO]
    lines = [f"INFO ({len(infos)})", *_warning_lines(infos)] if infos else []
    if not records_interaction(warnings):
        lines.append(NOTHING_RECORDED)
    return lines


def _warning_lines(warnings: list[SafetyWarning]) -> list[str]:
    lines = []
    for warning in warnings:
        mark = SEVERITY_MARKS[warning.severity.value]
        lines.append(f"  {mark}  [{visible(warning.code)}] {visible(warning.message)}")
        for source in warning.sources:
            lines.append(f"             source: {visible(source)}")
    return lines


def catalog_text(compounds: list[Compound]) -> str:
    """The catalog as a table."""
    header = (
        f"{'id':<22} {'mechanism':<14} {'stages':<18} {'dose (mg)':<17} "
        f"{'tmax h':<9} {'t½ h':<9} {'timing':<18} {'evidence':<12} flags"
    )
    lines = [header, "-" * len(header)]
    for compound in compounds:
        mechanism = compound.mechanism.value + ("+" if compound.secondary_mechanisms else "")
        dose = (
            f"{compound.dose_mg.min:g}–{compound.dose_mg.max:g} ({compound.dose_mg.typical:g})"
            if compound.dose_mg
            else "not sourced"
        )
        flags = " ".join(
            flag
            for flag, on in (
                ("wake-promoting", compound.wake_promoting),
                ("habit-forming", compound.habit_forming),
                ("chronic", compound.onset == "chronic"),
            )
            if on
        )
        stages = ",".join(stage.value for stage in compound.stages)
        lines.append(
            f"{compound.id:<22} {mechanism:<14} {stages:<18} {dose:<17} "
            f"{number_range(compound.tmax_h):<9} {number_range(compound.half_life_h):<9} "
            f"{describe_timing(compound):<18} {compound.evidence.value:<12} {flags}".rstrip()
        )
    lines += ["", f"{len(compounds)} compounds. Details and sources: sleepplan catalog --json"]
    if any(compound.secondary_mechanisms for compound in compounds):
        lines.append(
            "A + after the mechanism: the sources name other ways it may act too "
            "(secondary_mechanisms in --json)."
        )
    lines.append(DISCLAIMER)
    return "\n".join(lines)


def number_range(value: tuple[float, float] | None, unit: str = "", missing: str = "–") -> str:
    """``1–2``, or ``1`` when both ends agree, with an optional unit; ``missing`` for none."""
    if value is None:
        return missing
    low, high = value
    numbers = f"{low:g}" if low == high else f"{low:g}–{high:g}"
    return f"{numbers} {unit}" if unit else numbers


def describe_timing(compound: Compound) -> str:
    """The catalog timing in a few characters: ``bed −60 min``, ``with dinner``."""
    timing = compound.timing
    if timing.anchor.value == "dinner":
        return "with dinner" if timing.minutes == 0 else f"dinner +{timing.minutes} min"
    if timing.anchor.value == "after_bedtime":
        return f"bed +{timing.minutes} min"
    return f"bed −{timing.minutes} min"


def check_text(
    items: list[Intake], medications: Medications, warnings: list[SafetyWarning], notes: list[str]
) -> str:
    """The result of ``sleepplan check``: danger and caution first, what was checked, the rest."""
    checked = ", ".join(
        visible(item.compound.name) + (f" {_mg(item.amount_mg)}" if item.amount_mg else "")
        for item in items
    )
    lines = alarms_text(warnings)
    lines.append(f"Checking: {checked}")
    lines.append(visible(medications_summary(medications)))
    lines.append("")
    lines += _paragraph(info_text(warnings))
    if notes:
        lines.append("What the sources say about pairs here:")
        lines += _paragraph([f"  - {visible(note)}" for note in notes])
    lines += [SCOPE, DISCLAIMER]
    return "\n".join(lines)
