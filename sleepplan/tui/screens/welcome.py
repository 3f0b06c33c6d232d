"""First run: the user's own profile from their times, medications and goal, in one screen.

Shown when the home holds no profile of the user's own (``first_run.untouched_home``). It writes
``profiles/NAME.toml`` (0600, never over another file) with a starter routine for the goal
chosen (``core.goals``) and opens Tonight on it. Escape skips it: the example profile stays
open, as it always was.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from sleepplan.core.errors import InputError
from sleepplan.core.goals import GOALS, starter_routine
from sleepplan.core.profile import Profile
from sleepplan.core.visible import visible
from sleepplan.store import paths
from sleepplan.store.faults import from_os_error
from sleepplan.store.profiles import save_profile
from sleepplan.tui.screens.base import OfTheApp
from sleepplan.tui.screens.settings import ProfileForm, ProfileSettings, file_name_problem

if TYPE_CHECKING:
    pass

DEFAULT_NAME = "me"
"""The name offered for the user's profile (any name they like is fine)."""


class WelcomeScreen(OfTheApp, ModalScreen[Path | None]):
    """First-run setup; dismisses with the new profile's file, or ``None`` when skipped."""

    CSS_PATH = "welcome.tcss"
    BINDINGS = [
        Binding("escape", "skip", "Skip", tooltip="Skip the setup: use the example profile"),
    ]

    def compose(self) -> ComposeResult:
        """A line of welcome, the form, the goals, and how to finish or skip."""
        from sleepplan.store.bundled import bundled_interactions

        workspace = self.sleep_app.workspace
        zone = workspace.fallback_zone
        start = ProfileSettings(
            name=DEFAULT_NAME,
            timezone=zone,
            bedtime=dt.time(23, 0),
            wake=dt.time(7, 0),
            dinner=dt.time(19, 0),
            sleep_need_min=480,
            medications=(),
        )
        with Vertical(id="welcome"):
            yield Static(
                Content.assemble(
                    ("Welcome to sleepplan", "bold"),
                    " — set up your own profile (this computer's zone is ",
                    (zone, "bold"),
                    ")",
                ),
                id="welcome-title",
            )
            with VerticalScroll(id="welcome-fields"):
                yield ProfileForm(
                    start,
                    bundled_interactions(workspace.cache_dir),
                    zone,
                    with_dinner=False,
                    name_check=self._name_problem,
                    new=True,
                )
                with Horizontal(classes="form-row", id="goal-row"):
                    yield Label("Your goal", classes="form-label")
                    with Vertical(classes="form-field"):
                        yield OptionList(
                            *[Option(goal.label, id=goal.id) for goal in GOALS], id="goal"
                        )
                        yield Static(
                            "Enter on a goal creates your profile with a starter routine for it",
                            classes="hint",
                        )
                yield Static("", id="welcome-problem")
            with Horizontal(id="welcome-actions"):
                yield Button("Create my profile", id="create", variant="primary", compact=True)
                yield Static(
                    "Enter: next field · Escape: skip (example profile)",
                    classes="hint",
                )

    def on_mount(self) -> None:
        """Start in the name field, the first goal highlighted."""
        self.query_one("#goal", OptionList).highlighted = 0
        self.query_one("#welcome-problem", Static).display = False
        self.query_one("#name-input", Input).focus()

    def _name_problem(self, name: str) -> str | None:
        """A name is refused as settings refuse it, and when a profile has it already."""
        problem = file_name_problem(name)
        if problem is None and self._target(name.strip()).exists():
            return "a profile with this name exists already"
        return problem

    def _target(self, name: str) -> Path:
        return paths.profiles_dir(self.sleep_app.home) / f"{name}.toml"

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter goes to the next field (past the list of medications), then to the goals."""
        event.stop()
        self.focus_next("Input, #goal")

    @on(OptionList.OptionSelected, "#goal")
    def _goal_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.create()

    @on(Button.Pressed, "#create")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.create()

    def create(self) -> None:
        """Write the profile the form describes (if every field is valid) and open it."""
        values = self.query_one(ProfileForm).values()
        if values is None:
            self._problem("Not created yet: a field has a problem (shown under it).")
            return
        chosen = GOALS[self.query_one("#goal", OptionList).highlighted or 0]
        from sleepplan.store.bundled import example_profiles

        try:
            routine = starter_routine(chosen, example_profiles())
        except InputError as error:
            self._problem(error.render())
            return
        starter = Profile(name=values.name, routines=(routine,), default_routine=routine.name)
        profile = values.applied_to(starter)
        self._write_acknowledged(self._target(values.name), profile)

    def _write_acknowledged(self, path: Path, profile: Profile) -> None:
        """Write the profile once any danger in it is acknowledged, as every save asks."""
        from sleepplan.tui.dialogs.warnings import AcknowledgeDialog
        from sleepplan.tui.workspace import Workspace

        current = self.sleep_app.workspace
        draft = Workspace(home=current.home, now=current.now, fallback_zone=current.fallback_zone)
        draft.set_profile(profile)
        dangers = draft.unacknowledged_dangers()
        if not dangers:
            self._write(path, profile)
            return

        def answered(acknowledged: bool | None) -> None:
            if acknowledged and draft.profile is not None:
                draft.acknowledge(dangers)
                self._write(path, draft.profile)
            else:
                self._problem(
                    "Not created: the danger warnings were not acknowledged. Choose another "
                    "goal, or create it and read them."
                )

        self.app.push_screen(AcknowledgeDialog(dangers), answered)

    @work(thread=True, exclusive=True, group="welcome-write")
    def _write(self, path: Path, profile: Profile) -> None:
        """Write the new profile (never over a file that is there) off the UI thread."""
        try:
            paths.make_private_dir(path.parent)
            save_profile(path, profile, None)
        except InputError as error:  # the name was taken meanwhile, a lock that is a link
            self.app.call_from_thread(self._problem, f"Not created: {error.render()}")
            return
        except OSError as error:
            fault = from_os_error(error, path)
            reason = fault.render() if fault else visible(f"{path}: {error}")
            self.app.call_from_thread(self._problem, f"Not created: {reason}")
            return
        self.app.call_from_thread(self._created, path)

    def _created(self, path: Path) -> None:
        self.sleep_app.notify(f"Created your profile {path.name}")
        self.sleep_app.open_profile(str(path))
        self.dismiss(path)

    def _problem(self, message: str) -> None:
        line = self.query_one("#welcome-problem", Static)
        line.update(Content(message))
        line.display = True

    def action_skip(self) -> None:
        """Leave the setup; the example profile stays open."""
        self.dismiss(None)
