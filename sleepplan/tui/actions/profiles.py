"""The Profiles area's actions on files: create one from a template, copy one, save as."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sleepplan.core import editing
from sleepplan.core.errors import InputError
from sleepplan.core.visible import visible
from sleepplan.store import paths
from sleepplan.store.profiles import create_profile as create_profile_file
from sleepplan.store.profiles import read_profile_text
from sleepplan.tui.dialogs.warnings import when_acknowledged

if TYPE_CHECKING:
    from sleepplan.tui.app import SleepPlanApp


def create_profile(app: SleepPlanApp, name: str, template: str) -> None:
    """Create a profile from a template's text and open it."""
    try:
        path = create_profile_file(app.home, name, template)
    except InputError as error:
        app.notify(error.render(), severity="error")
        return
    app.notify(f"Created {visible(path.name)}")
    app.open_profile(str(path))


def duplicate_profile(app: SleepPlanApp, source: Path, name: str) -> None:
    """Copy a profile file under a new name."""
    try:
        create_profile(app, name, read_profile_text(source))
    except InputError as error:
        app.notify(error.render(), severity="error")


def save_as(app: SleepPlanApp, name: str) -> None:
    """Save the open profile under a new name, and keep working on the new file."""
    profile = app.workspace.profile
    if profile is None:
        return
    target = paths.profiles_dir(app.home) / f"{name}.toml"
    if target.exists():
        app.notify(f"{visible(str(target))} exists already; pick another name.", severity="error")
        return

    def save() -> None:
        assert app.workspace.profile is not None
        app.save_profile(target, editing.rename(app.workspace.profile, name))

    when_acknowledged(app, save)
