"""Tonight's questions: a dose's amount, the usual bedtime or wake, the routine from a list.

Each asks in a prompt and applies the answer to the profile; Tonight loads this module the
first time one of its keys asks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sleepplan.core import editing, timing
from sleepplan.core.amounts import parse_amount
from sleepplan.core.visible import visible
from sleepplan.tui.dialogs.prompt import ChoicePrompt, TextPrompt, amount_problem, check_clock

if TYPE_CHECKING:
    from sleepplan.tui.app import SleepPlanApp


def ask_amount(app: SleepPlanApp, index: int) -> None:
    """Ask for a new amount for the current routine's dose at ``index``."""
    workspace = app.workspace
    profile = workspace.profile
    if profile is None:
        return
    dose = profile.routine(workspace.routine_name).doses[index]

    def apply(answer: str | None) -> None:
        if answer:
            amount = parse_amount(answer)
            app.change(lambda p, r: editing.set_amount(p, r, index, amount))

    app.push_screen(
        TextPrompt(
            f"Amount of {visible(dose.compound)} (200 mg, 3 g, 500 mcg; mg if no unit)",
            f"{dose.amount_mg:g} mg",
            amount_problem,
        ),
        apply,
    )


def ask_usual_time(app: SleepPlanApp, which: str) -> None:
    """Ask for a new usual bedtime or wake time (saved in the profile); doses move with it."""
    workspace = app.workspace
    profile = workspace.profile
    if profile is None:
        return
    current = timing.format_clock(getattr(profile, which))

    def apply(answer: str | None) -> None:
        latest = workspace.profile
        if answer and latest is not None:
            clock = timing.parse_clock(answer)
            # the usual time now decides: a time for tonight only would hide it
            workspace.clear_tonight_time(which)
            app.change_profile(editing.set_times(latest, **{which: clock}))

    def problem(answer: str) -> str | None:
        """A time that is not one, or that makes the night under 3 or over 16 hours."""
        found = check_clock(answer)
        if found is None and profile is not None:
            times = {"bedtime": profile.bedtime, "wake": profile.wake}
            times[which] = timing.parse_clock(answer)
            found = timing.night_problem(times["bedtime"], times["wake"])
        return found

    label = "Usual bedtime" if which == "bedtime" else "Usual wake time"
    question = f"{label}, saved in the profile (HH:MM) — j changes just tonight"
    app.push_screen(TextPrompt(question, current, problem), apply)


def ask_routine(
    app: SleepPlanApp, title: str = "Tonight's routine", said: str | None = None
) -> None:
    """Choose tonight's routine from a list; ``said`` (with ``{name}``) is notified after."""
    names = app.workspace.routine_names()
    if not names:
        app.notify("This profile has no routines yet: press a to add a compound.")
        return

    def chosen(name: str | None) -> None:
        if name:
            app.choose_routine(name)
            if said:
                app.notify(said.format(name=visible(name)))

    app.push_screen(ChoicePrompt(title, [(n, n) for n in names]), chosen)
