"""Just tonight: a bedtime, wake or routine for tonight only, the profile left as it is.

Tonight's ``b`` and ``w`` change the profile's usual times (saved with it); this is the other
choice, asked for explicitly, as ``plan --bedtime/--wake/--routine`` is on the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sleepplan.core import timing
from sleepplan.tui.dialogs.prompt import ChoicePrompt, TextPrompt, check_clock

if TYPE_CHECKING:
    from sleepplan.tui.app import SleepPlanApp


def ask_just_tonight(app: SleepPlanApp, start: str | None = None) -> None:
    """Ask what to change for tonight only (or go straight to ``start``: bedtime, wake…)."""
    workspace = app.workspace
    profile = workspace.profile
    if profile is None:
        return
    usual_bed = timing.format_clock(profile.bedtime)
    usual_wake = timing.format_clock(profile.wake)
    choices = [
        ("bedtime", f"Bedtime just tonight (usually {usual_bed})"),
        ("wake", f"Wake just tonight (usually {usual_wake})"),
        ("routine", "Routine just tonight (the default stays as it is)"),
    ]
    if workspace.has_tonight_times:
        choices.append(("usual", f"Back to the usual times ({usual_bed}–{usual_wake})"))

    def chosen(choice: str | None) -> None:
        if choice in ("bedtime", "wake"):
            _ask_time(app, choice)
        elif choice == "routine":
            _ask_routine(app)
        elif choice == "usual":
            workspace.clear_tonight_times()
            app.bump()
            app.notify(f"Tonight uses the usual times again ({usual_bed}–{usual_wake})")

    if start is not None:
        chosen(start)
        return
    app.push_screen(ChoicePrompt("Just tonight — the profile is not changed", choices), chosen)


def _ask_time(app: SleepPlanApp, which: str) -> None:
    workspace = app.workspace
    tonight = workspace.tonight_profile()
    if tonight is None or workspace.profile is None:
        return
    usual = timing.format_clock(getattr(workspace.profile, which))
    current = timing.format_clock(getattr(tonight, which))
    label = "Bedtime" if which == "bedtime" else "Wake time"

    def apply(answer: str | None) -> None:
        if not answer:
            return
        clock = timing.parse_clock(answer)
        workspace.set_tonight_times(**{which: clock})
        app.bump()
        app.notify(
            f"{label} just tonight: {timing.format_clock(clock)} (the profile keeps {usual})"
        )

    question = f"{label} just tonight (HH:MM) — the profile keeps {usual}"
    app.push_screen(TextPrompt(question, current, check_clock), apply)


def _ask_routine(app: SleepPlanApp) -> None:
    from sleepplan.tui.dialogs.tonight_prompts import ask_routine

    said = "Tonight's routine: {name} (the default is unchanged)"
    ask_routine(app, "Routine just tonight", said)
