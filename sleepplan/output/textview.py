"""Readable plain-text tables and the text timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sleepplan.core import timing
from sleepplan.core.catalog import Compound
from sleepplan.core.day import Cutoff, DayDose
from sleepplan.core.interactions import Medications, Severity, medications_summary
from sleepplan.core.planner import Plan, PlannedDose
from sleepplan.core.safety import (
    NOTHING_RECORDED,
    SCOPE,
    Intake,
    SafetyWarning,
    records_interaction,
)
from sleepplan.core.timeline import Timeline, build_timeline
from sleepplan.core.visible import visible
from sleepplan.core.vocabulary import Stage
from sleepplan.output import DISCLAIMER

LEVEL_GLYPHS = " ▁▂▃▄▅▆▇█"
BAND_GLYPHS: dict[Stage | None, str] = {
    None: "·",
    Stage.SLEEP_ONSET: "o",
    Stage.SLOW_WAVE: "D",
    Stage.MAINTENANCE: "m",
    Stage.REM: "R",
}
BAND_LEGEND = "· awake  o falling asleep  D deep (slow-wave)  m mid-night  R REM-rich"
SEVERITY_MARKS = {"danger": "✖ DANGER ", "caution": "▲ CAUTION", "info": "ℹ info   "}


def _mg(amount: float) -> str:
    if amount >= 1000 and amount % 100 == 0:
        return f"{amount / 1000:g} g"
    return f"{amount:g} mg"


def _minutes(value: int) -> str:
    return f"{value:+d} min" if value else "  0 min"


def _pct(value: float | None) -> str:
    return "  –" if value is None else f"{value:4.0%}".strip().rjust(4)


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


def day_text(
    *,
    night: dt.date,
    profile_name: str,
    morning: dt.datetime,
    bedtime: dt.datetime,
    doses: Sequence[DayDose],
    ids: Sequence[int | None],
    cutoffs: Sequence[Cutoff],
    warnings: list[SafetyWarning],
) -> str:
    """``sleepplan day``: the day before a night, its doses' levels at bedtime, the cutoffs."""
    lines = alarms_text(warnings)
    lines += [
        f"The day before the night of {night:%a %d %b %Y} · profile {visible(profile_name)} · "
        f"waking {morning:%H:%M} → bedtime {bedtime:%H:%M}",
        "",
    ]
    if doses or cutoffs:
        lines += _paragraph(from_today_text(doses, cutoffs, bedtime, ids))
    else:
        lines += ["Nothing taken during the day yet.", ""]
    lines.append("Log a dose: sleepplan day add COMPOUND AMOUNT [--at HH:MM]")
    if any(entry_id is not None for entry_id in ids):
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


def axis_line(timeline: Timeline) -> str:
    """Hour ticks (``|23``) at their columns, where they fit."""
    axis = [" "] * timeline.columns
    hour = timing.shift(timeline.start.replace(minute=0, second=0, microsecond=0), hours=1)
    while timing.utc(hour) < timing.utc(timeline.end):
        column = timeline.column_of(hour)
        text = f"|{hour:%H}"
        if all(cell == " " for cell in axis[column : column + len(text) + 1]):
            for offset, char in enumerate(text):
                if column + offset < timeline.columns:
                    axis[column + offset] = char
        hour = timing.shift(hour, hours=1)
    return "".join(axis)


def band_line(timeline: Timeline) -> str:
    """One letter per column for the stage the night is in (meaning never by colour alone)."""
    return "".join(BAND_GLYPHS[stage] for stage in timeline.band)


def curve_line(levels: tuple[float, ...]) -> str:
    """Block glyphs for relative concentrations."""
    return curve_rows(levels, 1)[0]


def curve_rows(levels: tuple[float, ...], height: int) -> list[str]:
    """A curve ``height`` rows tall, top row first, in eighths of a cell."""
    rows = []
    for row in range(height):
        floor = (height - 1 - row) * 8
        rows.append(
            "".join(
                LEVEL_GLYPHS[max(0, min(8, round(level * height * 8) - floor))] for level in levels
            )
        )
    return rows


def timeline_text(timeline: Timeline) -> list[str]:
    """The night on a time axis: hour ticks, the stage band, one curve per dose."""
    label_width = 18
    pad = " " * label_width
    lines = [
        f"TIMELINE {timeline.start:%H:%M} → wake {timeline.end:%H:%M}",
        pad + axis_line(timeline).rstrip(),
        f"{'stages':<{label_width}}{band_line(timeline)}",
    ]
    for row in timeline.rows:
        label = visible(row.dose.compound.name)[: label_width - 2]
        if row.levels is None:
            lines.append(f"{label:<{label_width}}(no sourced kinetics)")
            continue
        lines.append(
            f"{label:<{label_width}}{curve_line(row.levels)} {_pct(row.dose.residual_at_wake)}"
        )
    lines.append(f"{pad}{BAND_LEGEND}")
    lines.append(f"{pad}▁…█ each dose's level against its own peak · % = left at wake")
    return lines


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
            f"{_range(compound.tmax_h):<9} {_range(compound.half_life_h):<9} "
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


def _range(value: tuple[float, float] | None) -> str:
    if value is None:
        return "–"
    low, high = value
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"


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


def _score(value: float | None) -> str:
    return "  –" if value is None else f"{value:3.0f}"


def _hm(minutes: int | None) -> str:
    if minutes is None:
        return "–"
    return f"{minutes // 60} h {minutes % 60:02d}"


def score_breakdown(record: dict[str, Any]) -> list[str]:
    """The morning score and every part of it: the number is never shown alone."""
    scores, parts = record["scores"], record["scores"].get("parts", {})
    part_text = " · ".join(f"{name} {value:.0f}" for name, value in parts.items())
    kss = record.get("kss")
    quality = record.get("quality")
    kss_text = kss if kss is not None else "–"
    quality_text = quality if quality is not None else "–"
    rows = [
        ("Diary (CSD-style)", scores["diary"], "0.35", part_text),
        ("Compared with usual (LSEQ-style)", scores["leeds"], "0.30", ""),
        (f"Alertness (KSS {kss_text})", scores["alertness"], "0.20", ""),
        (f"Quality ({quality_text}/5)", scores["quality"], "0.15", ""),
    ]
    lines = [f"Morning score {_score(scores['morning']).strip()} / 100"]
    for label, value, weight, detail in rows:
        lines.append(f"  {label:<34}{_score(value)}  × {weight}   {detail}".rstrip())
    lines += [
        f"Onset {_score(scores['onset']).strip()} · maintenance "
        f"{_score(scores['maintenance']).strip()} · next morning "
        f"{_score(scores['next_morning']).strip()}",
        "(Blocks you did not answer are left out and the weights renormalised.)",
    ]
    return lines


def checkin_text(record: dict[str, Any], recent: list[float], profile_name: str) -> str:
    """The result of recording a check-in: metrics, the score breakdown, the last seven."""
    metrics = record["metrics"]
    lines = [
        f"Check-in recorded for the night of {visible(str(record['night']))} "
        f"(profile {visible(profile_name)})."
    ]
    lines.append(
        f"In bed {_hm(metrics['tib_min'])} · asleep {_hm(metrics['tst_min'])} · "
        f"efficiency {metrics['se_pct'] if metrics['se_pct'] is not None else '–'}% · "
        f"{metrics['sol_min'] if metrics['sol_min'] is not None else '–'} min to fall asleep · "
        f"{metrics['waso_min'] if metrics['waso_min'] is not None else '–'} min awake"
    )
    lines += [""] + score_breakdown(record)
    morning = record["scores"]["morning"]
    if recent and morning is not None:
        average = sum(recent) / len(recent)
        lines.append(
            f"Compared with your last {len(recent)} mornings (average {average:.0f}): "
            f"{morning - average:+.0f}"
        )
    if "next_morning_impairment" in record["flags"]:
        lines.append(
            "Flag: next-morning impairment (KSS ≥ 7 or feeling ≤ 30): take care "
            "driving or operating machinery today."
        )
    lines += [
        "",
        "Items are CSD-style and LSEQ-style: reworded, not the validated instruments.",
        DISCLAIMER,
    ]
    return "\n".join(lines)


def history_text(records: list[dict[str, Any]], profile_name: str) -> str:
    """The journal as a table, newest first."""
    if not records:
        return (
            f"No check-ins yet for profile {visible(profile_name)}. Record one with "
            "`sleepplan checkin --from FILE` or in the app (m)."
        )
    header = f"{'night':<11} {'morning':>7} {'asleep':>9} {'SE %':>5} {'KSS':>3}  taken"
    lines = [header, "-" * 60]
    for record in records:
        metrics = record["metrics"]
        taken = ", ".join(visible(str(dose["compound"])) for dose in record.get("taken") or [])
        se = metrics["se_pct"]
        lines.append(
            f"{visible(str(record['night'])):<11} {_score(record['scores']['morning']):>7} "
            f"{_hm(metrics['tst_min']):>9} {se if se is not None else '–':>5} "
            f"{record.get('kss') if record.get('kss') is not None else '–':>3}  {taken or '–'}"
        )
    return "\n".join(lines)
