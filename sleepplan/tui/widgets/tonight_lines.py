"""Tonight's lines of text around the dose list.

The times and routine, the night's summary, the experiments, the warnings counted, the
medications checked against, and what the checks cover.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.content import Content

from sleepplan.core import timing
from sleepplan.core.experiments import ExperimentPlan
from sleepplan.core.interactions import Medications, medications_summary
from sleepplan.core.planner import Plan
from sleepplan.core.safety import NOTHING_RECORDED, SafetyWarning, Severity, records_interaction
from sleepplan.core.visible import visible
from sleepplan.tui.dialogs.warnings import SEVERITY_MARK, SEVERITY_STYLE
from sleepplan.tui.plain import plain

if TYPE_CHECKING:
    from sleepplan.tui.workspace import Workspace

NOT_CHECKED = "not checked (unknown):"
"""Where ``medications_summary`` starts naming the medications nothing was checked against."""

DISCLAIMER_LINE = "Not medical advice; checks only what its sources record. Ask a pharmacist."
"""Tonight's one disclaimer line (the long ones are in the CLI's output and the README)."""


def night_controls(workspace: Workspace) -> Content:
    """Bedtime, wake and routine, each with its key; click one to change it."""
    profile = workspace.profile
    assert profile is not None
    names = workspace.routine_names()
    routine = workspace.routine_name or "(none)"
    where = f", {names.index(routine) + 1} of {len(names)}" if routine in names else ""
    tonight = workspace.tonight_profile() or profile
    # a time for tonight only says so, in words, in place of its key (j changes it)
    only = "[$warning][@click=screen.just_tonight](tonight)[/][/]"
    bed_key = only if workspace.tonight_bedtime is not None else "[$text-muted](b)[/]"
    wake_key = only if workspace.tonight_wake is not None else "[$text-muted](w)[/]"
    # the names go in as variables: a routine called "Nights [travel]" is shown as typed
    # (and its control characters visible: Content does not remove them)
    return Content.from_markup(
        "[$text-muted]Bedtime[/] [b][@click=screen.edit_time('bedtime')]$bedtime[/][/] "
        f"{bed_key}   "
        "[$text-muted]Wake[/] [b][@click=screen.edit_time('wake')]$wake[/][/] "
        f"{wake_key}   "
        "[$text-muted]Routine[/] [b][@click=screen.pick_routine]$routine[/][/] "
        "[$text-muted](r$where)[/]",
        bedtime=timing.format_clock(tonight.bedtime),
        wake=timing.format_clock(tonight.wake),
        routine=visible(routine),
        where=where,
    )


def night_summary(plan: Plan | None) -> Text:
    """Bed, asleep, wake, the hours in bed and the zone (or how to start a routine)."""
    if plan is None:
        return Text("This profile has no routine yet: press a to add a compound.")
    night = plan.night
    minutes = timing.minutes_between(plan.bedtime, plan.wake)
    return Text.assemble(
        ("bed ", "dim"),
        f"{plan.bedtime:%H:%M}",
        (" · asleep ~", "dim"),
        f"{night.onset:%H:%M}",
        (" · wake ", "dim"),
        f"{plan.wake:%H:%M}",
        (" · ", "dim"),
        f"{minutes // 60} h {minutes % 60:02d} in bed",
        (" · ", "dim"),
        plan.settings.zone,
    )


def experiments_tonight(workspace: Workspace) -> Text:
    """Tonight's instruction from every experiment running tonight.

    Blinded, it never says the arm. An experiment whose sealed plan cannot be read says so.
    """
    from sleepplan.output.report import instruction  # only on nights of an experiment

    text = Text()
    night = workspace.night
    for experiment in workspace.experiments_on(night):
        name = workspace.catalog.get(experiment.compound).name
        text.append("Experiment: ", style="bold")
        text.append(visible(instruction(experiment, night, name)) + "\n")
    for registration in workspace.profile.experiments if workspace.profile else ():
        if registration.may_include(night):
            problem = workspace.full_plan(registration)
            if not isinstance(problem, ExperimentPlan):
                text.append("Experiment: ", style="bold")
                text.append(visible(problem.render()) + "\n", style="italic")
    return text


def warnings_line(warnings: list[SafetyWarning]) -> Content:
    """The warnings in one line: ``✖ 1 danger · ▲ 2 cautions — ! shows them`` (clickable)."""
    words = {Severity.DANGER: "danger", Severity.CAUTION: "caution", Severity.INFO: "note"}
    parts: list[Content | str] = []
    for severity in Severity:
        count = sum(warning.severity is severity for warning in warnings)
        if count:
            symbol = SEVERITY_MARK[severity.value].split()[0]
            plural = "" if count == 1 else "s"
            if parts:
                parts.append(" · ")
            label = f"{symbol} {count} {words[severity]}{plural}"
            parts.append(Content.styled(label, SEVERITY_STYLE[severity.value]))
    if not parts:
        return Content("")
    parts.append(
        Content.from_markup("[$text-muted] — [@click=screen.show_warnings]! shows them[/][/]")
    )
    return Content.assemble(*parts)


def checked_against(medications: Medications) -> Content:
    """Which of the user's medications the warnings were checked against, in one line.

    A name sleepplan does not know is kept and shown as "not checked" (never dropped), in
    the theme's warning colour as well.
    """
    line = plain(medications_summary(medications))
    start = line.plain.find(NOT_CHECKED)
    return line.stylize(SEVERITY_STYLE["caution"], start) if start >= 0 else line


def scope(warnings: list[SafetyWarning], has_doses: bool) -> Text:
    """What the checks cover, then the disclaimer.

    As the CLI says it: that nothing is recorded only when no interaction is, and only of doses.
    """
    text = Text()
    if has_doses and not records_interaction(warnings):
        text.append(NOTHING_RECORDED + "\n")
    text.append(DISCLAIMER_LINE, style="dim italic")
    return text
