"""The Profiles area's actions on files: create a profile from a template, copy one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sleepplan.core.errors import InputError
from sleepplan.core.visible import visible
from sleepplan.store.profiles import create_profile as create_profile_file
from sleepplan.store.profiles import read_profile_text

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
