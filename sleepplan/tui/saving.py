"""Saving the open profile, around the app's saving worker.

Check-ins follow a profile renamed in place, and a file that changed on disk meanwhile asks
what to do. (Dangers are acknowledged first: ``dialogs.warnings.when_acknowledged``.)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sleepplan.core.profile import Profile
from sleepplan.store import paths
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import Fingerprint, save_profile
from sleepplan.tui.dialogs.prompt import ChoicePrompt
from sleepplan.tui.messages import ProfileConflict
from sleepplan.tui.workspace import Workspace

if TYPE_CHECKING:
    from sleepplan.tui.app import SleepPlanApp


def save_keeping_history(
    workspace: Workspace, path: Path, profile: Profile, expected: Fingerprint | None
) -> Fingerprint:
    """Save the profile; renamed in place, it takes its check-ins along.

    The journal is keyed by the profile's name, so a new name alone would leave every
    night behind, under a name no profile has. They move first, in one transaction, and
    move back if the file cannot be saved. "Save as" makes a copy: its nights stay.
    """
    catalog = workspace.bundled_catalog()
    saved, journal_file = workspace.saved, paths.journal_path(workspace.home)
    old = saved.name if saved is not None and path == workspace.path else profile.name
    if old == profile.name or not journal_file.exists():
        return save_profile(path, profile, expected, catalog=catalog)
    with Journal(journal_file) as journal:
        journal.rename_profile(old, profile.name)
        try:
            return save_profile(path, profile, expected, catalog=catalog)
        except BaseException:
            journal.rename_profile(profile.name, old)  # the file keeps the old name: so do they
            raise


def ask_after_conflict(app: SleepPlanApp, message: ProfileConflict) -> None:
    """The file changed on disk since it was loaded: reload it, save as another, or wait."""

    def chosen(choice: str | None) -> None:
        if choice == "reload":
            app.open_profile(str(message.path), ask=False)
        elif choice == "save_as":
            app.switch_mode("profiles")
            from sleepplan.tui.screens.profiles import ProfilesScreen

            screen = app.screen
            if isinstance(screen, ProfilesScreen):
                screen.action_save_as()

    app.push_screen(
        ChoicePrompt(
            message.error.render(),
            [
                ("reload", "Reload the file from disk (my unsaved changes are discarded)"),
                ("save_as", "Save my version under a new name"),
                ("cancel", "Cancel (keep my changes unsaved for now)"),
            ],
        ),
        chosen,
    )
