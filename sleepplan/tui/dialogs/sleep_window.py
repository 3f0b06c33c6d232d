"""The sleep window (CBT-I): who should not use it, turning it on or off, its weeks so far.

Who should not restrict their time in bed comes first, each with its source, above the button
that turns the window on. Turning it on or off saves the profile as last saved plus the
``[sleep_window]`` table (only those lines of the file change); the working profile's other
unsaved edits stay unsaved.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from sleepplan.core.errors import InputError
from sleepplan.core.profile import Profile, SleepWindowSettings
from sleepplan.core.sleep_window import (
    CONTRAINDICATIONS,
    SLEEPINESS_CHECK,
    SLEEPINESS_CITE,
    WeekStep,
    first_night,
    is_on,
    profile_window,
    summary_line,
)
from sleepplan.store.profiles import Fingerprint
from sleepplan.tui.plain import plain, plain_lines
from sleepplan.tui.screens.base import OfTheApp

NOT_ADVICE = (
    "Not medical advice. Sleep restriction is usually done with a clinician; stop and ask one "
    "if you feel unsafe or unwell by day."
)


def contraindications() -> Content:
    """Each condition in bold, why, and its source in short."""
    parts: list[Content | str | tuple[str, str]] = []
    for item in CONTRAINDICATIONS:
        if parts:
            parts.append("\n")
        parts += ["• ", (item.who, "bold"), f" — {item.why} ", (f"({item.cite})", "dim")]
    parts += ["\n\n", SLEEPINESS_CHECK, " ", (f"({SLEEPINESS_CITE})", "dim")]
    return Content.assemble(*parts)


def week_lines(steps: tuple[WeekStep, ...]) -> Content:
    """Every week of the window so far, the current one last."""
    lines = [
        f"Week {s.week} from {s.first_night:%a %d %b}: {s.bedtime:%H:%M}–{s.wake:%H:%M} "
        f"({s.in_bed_min // 60} h {s.in_bed_min % 60:02d}) — {s.reason}"
        for s in steps
    ]
    return plain_lines("\n".join(lines))


class SleepWindowDialog(OfTheApp, ModalScreen[None]):
    """Turn the opt-in sleep window on or off; see its weeks."""

    DEFAULT_CSS = """
    SleepWindowDialog .dialog-buttons { dock: bottom; margin: 1 0 0 0; }
    SleepWindowDialog #window-weeks { margin: 1 0; display: none; }
    SleepWindowDialog #window-who, SleepWindowDialog #window-state { margin: 0 0 1 0; }
    """
    BINDINGS = [Binding("escape,q", "close", "Close", tooltip="Close the sleep window")]

    def __init__(self) -> None:
        super().__init__()
        self.start = dt.date.min
        """The night a window switched on now starts (set when shown)."""

    def compose(self) -> ComposeResult:
        """State, weeks so far, who should not use it, then the choice (docked below)."""
        workspace = self.workspace
        profile = workspace.profile
        on_now = profile is not None and is_on(profile.sleep_window)
        if profile is not None:
            self.start = first_night(workspace.now, profile.bedtime, profile.wake, workspace.zone)
        with VerticalScroll(classes="dialog sleep-window") as dialog:
            dialog.border_title = "Sleep window (CBT-I sleep restriction) · opt-in"
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    "Turn it off" if on_now else "None of these apply to me: turn it on",
                    id="window-toggle",
                    variant="warning",
                    disabled=profile is None,
                )
                yield Button("Close (q)", id="window-close", variant="primary")
            state = Static(self._state(), id="window-state")
            if on_now:  # its weeks first; off, who should not use it comes before all else
                yield state
                yield Static("", id="window-weeks")
            yield Label(
                ("" if on_now else "Before you start: ")
                + "do not restrict your time in bed without a clinician if you have any of these.",
                classes="dialog-question",
            )
            yield Static(contraindications(), id="window-who")
            if not on_now:
                yield state
            yield Label(NOT_ADVICE, classes="hint")
            yield Label("", id="window-problem", classes="error")

    def _state(self) -> Content:
        """Whether it is on, since when, and how the window is set."""
        profile = self.workspace.profile
        if profile is None:
            return plain("No profile is open: the sleep window needs one.")
        window = profile.sleep_window
        if window is not None and is_on(window) and window.start is not None:
            return plain(f"On since the night of {window.start:%a %d %b %Y}.")
        return plain(
            f"Off. Turned on, it starts the night of {self.start:%a %d %b} with your usual "
            "times; then each week, last week's sleep efficiency (your check-ins) moves the "
            "bedtime: 90 % or more, 15 min earlier; under 85 %, 15 min later (never under 5 h "
            "in bed). The wake time stays. Turned on again later, it starts a new week 1."
        )

    def on_mount(self) -> None:
        """Start on Close, so Enter alone never turns it on; read the weeks so far."""
        self.query_one("#window-close", Button).focus()
        profile = self.workspace.profile
        if profile is not None and is_on(profile.sleep_window):
            self.load_weeks(self.workspace.home, profile, self.workspace.night)

    @work(thread=True, exclusive=True, group="window-weeks")
    def load_weeks(self, home: Path, profile: Profile, night: dt.date) -> None:
        """Read the diary and work out every week so far (off the UI thread)."""
        from sleepplan.store import paths
        from sleepplan.store.faults import MachineFault
        from sleepplan.store.journal import Journal

        try:
            with Journal(paths.journal_path(home)) as journal:
                records = journal.records(profile.name)
        except (InputError, MachineFault) as error:
            self.app.call_from_thread(self._problem, f"Journal not read: {error.render()}")
            return
        steps = profile_window(profile.sleep_window, records, profile.bedtime, profile.wake, night)
        self.app.call_from_thread(self._show_weeks, steps)

    def _show_weeks(self, steps: tuple[WeekStep, ...]) -> None:
        if not steps:
            return
        shown = Content.assemble(plain(summary_line(steps[-1]), "bold"), "\n", week_lines(steps))
        weeks = self.query_one("#window-weeks", Static)
        weeks.update(shown)
        weeks.display = True

    def _problem(self, text: str) -> None:
        self.query_one("#window-problem", Label).update(plain(text))

    @on(Button.Pressed, "#window-close")
    def _close_pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)

    @on(Button.Pressed, "#window-toggle")
    def _toggle(self) -> None:
        """Save the profile with the window on (from the next night) or off."""
        workspace = self.workspace
        path, saved, working = workspace.path, workspace.saved, workspace.profile
        if path is None or saved is None or working is None:
            self._problem("Not changed: no saved profile is open.")
            return
        current = working.sleep_window
        if is_on(current):
            settings = SleepWindowSettings(enabled=False, start=current.start if current else None)
        else:
            settings = SleepWindowSettings(enabled=True, start=self.start)
        self.query_one("#window-toggle", Button).disabled = True
        updated = dataclasses.replace(saved, sleep_window=settings)
        self.save(path, updated, workspace.fingerprint)

    @work(thread=True, exclusive=True, group="window-save")
    def save(self, path: Path, updated: Profile, expected: Fingerprint | None) -> None:
        """Write the profile (off the UI thread); a refusal is shown in the dialog."""
        from sleepplan.store.faults import MachineFault, from_os_error
        from sleepplan.store.profiles import save_profile

        try:
            catalog = self.workspace.bundled_catalog()
            fingerprint = save_profile(path, updated, expected, catalog=catalog)
        except (InputError, MachineFault) as error:
            self.app.call_from_thread(self._refused, f"Not saved: {error.render()}")
            return
        except OSError as error:
            fault = from_os_error(error, path)
            reason = fault.render() if fault else f"{error.filename}: {error.strerror}"
            self.app.call_from_thread(self._refused, f"Not saved: {reason}")
            return
        self.app.call_from_thread(self._saved, path, updated, fingerprint)

    def _refused(self, text: str) -> None:
        self._problem(text)
        self.query_one("#window-toggle", Button).disabled = False

    def _saved(self, path: Path, updated: Profile, fingerprint: Fingerprint) -> None:
        """The file holds the new window: so do the saved and the working profile."""
        workspace = self.workspace
        settings = updated.sleep_window
        workspace.mark_saved(path, updated, fingerprint)
        if workspace.profile is not None:
            workspace.set_profile(dataclasses.replace(workspace.profile, sleep_window=settings))
        self.sleep_app.bump()
        if settings is not None and settings.enabled and settings.start is not None:
            said = f"Sleep window on from the night of {settings.start:%a %d %b}; Tonight shows it."
        else:
            said = "Sleep window off. Your check-ins are kept."
        self.app.notify(said)
        self.dismiss(None)
