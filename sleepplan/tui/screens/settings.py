"""Profile settings: the open profile's form, applied as an edit (unsaved until ``ctrl+s``).

Applying changes the open profile like any other edit; Escape leaves it as it was. The form
itself is ``widgets.profile_form``; the checks of each field are ``widgets.profile_settings``.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from sleepplan.core.visible import visible
from sleepplan.tui.screens.base import OfTheApp

# the welcome imports the form, its settings and the name check from here, as it always has
from sleepplan.tui.widgets.profile_form import ProfileForm as ProfileForm
from sleepplan.tui.widgets.profile_settings import ProfileSettings as ProfileSettings
from sleepplan.tui.widgets.profile_settings import file_name_problem as file_name_problem


class SettingsScreen(OfTheApp, ModalScreen[bool]):
    """The open profile's settings; dismisses with whether they were applied."""

    CSS_PATH = "settings.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without changing anything")]

    def __init__(self, focus: str = "") -> None:
        """Settings starting in the field with id ``focus`` (default the name)."""
        super().__init__()
        self.start_in = focus or "name-input"

    def compose(self) -> ComposeResult:
        """The form, and how to apply or leave it."""
        workspace = self.sleep_app.workspace
        assert workspace.profile is not None  # the app opens settings only with a profile
        from sleepplan.store.bundled import bundled_interactions

        with Vertical(id="settings"):
            yield Static(
                Content.assemble(
                    ("Profile settings", "bold"), " — ", visible(workspace.profile.name)
                ),
                id="settings-title",
            )
            with VerticalScroll(id="settings-fields"):
                yield ProfileForm(
                    ProfileSettings.of(workspace.profile),
                    bundled_interactions(workspace.cache_dir),
                    workspace.fallback_zone,
                    with_person=True,
                )
            with Horizontal(id="settings-actions"):
                yield Button("Apply", id="apply", variant="primary", compact=True)
                yield Static(
                    "Enter applies · Escape cancels · then ctrl+s saves",
                    classes="hint",
                )

    def on_mount(self) -> None:
        """Start in the field asked for."""
        self.query_one(f"#{self.start_in}").focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.apply()

    @on(Button.Pressed, "#apply")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.apply()

    def apply(self) -> None:
        """Change the open profile to what the form holds, if every field is valid."""
        values = self.query_one(ProfileForm).values()
        if values is None:
            self.notify("Not applied: a field has a problem (shown under it).", severity="error")
            return
        profile = self.sleep_app.workspace.profile
        if profile is not None:
            changed = values.applied_to(profile)
            if changed != profile:
                self.sleep_app.change_profile(changed)
                self.notify("Settings applied — ctrl+s saves the profile")
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(False)
