"""What the app remembers between runs (design §14), kept in the home's state file.

The profile opened last and the routine chosen in each, the routines deleted (undo outlasts
a quit), and a first-run setup the user skipped. None of it is the user's data: a state file
that cannot be read or written only means the next start falls back to its defaults.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from sleepplan.store import paths
from sleepplan.store.profiles import LoadedProfile
from sleepplan.store.state import AppState, profile_key, read_state
from sleepplan.tui.workspace import Workspace


class Remembered:
    """The app's memory: read once as the first profile loads, written when it changes."""

    def __init__(self, home: Path, write: Callable[[AppState], object]) -> None:
        """Remember for ``home``; ``write`` saves a new state (the app's worker)."""
        self.home = home
        self.state = AppState()
        self._read = False
        self._write = write

    def read_once(self) -> None:
        """Read the state file the first time (later the app's own memory is the newer one)."""
        if not self._read:
            self.state = read_state(self.home)
            self._read = True

    def last_opened(self) -> str | None:
        """The profile last opened in the app, if it is still in the home."""
        name = self.state.last_profile
        if name and (paths.profiles_dir(self.home) / f"{name}.toml").is_file():
            return name
        return None  # the only profile, or the one saved last

    def recall(self, workspace: Workspace, loaded: LoadedProfile) -> None:
        """Give a profile just opened its deleted routines and the routine chosen last."""
        key, _ = profile_key(self.home, loaded.path)
        # its routines deleted before, even in an earlier run
        workspace.trash = self.state.deleted_for(key, loaded.profile, workspace.now)
        remembered = self.state.routine_for(key)
        if remembered in workspace.routine_names():
            workspace.routine_name = remembered

    def remember(self, workspace: Workspace) -> None:
        """Remember the open profile and its routine for the next start."""
        if workspace.path is None or workspace.profile is None:
            return
        key, in_home = profile_key(self.home, workspace.path)
        state = self.state.remembering(key, workspace.routine_name, in_home)
        state = state.keeping_deleted(key, workspace.trash, workspace.now)  # undo outlasts a quit
        self._keep(state)

    def skip_welcome(self) -> None:
        """Remember a skipped setup, so the next start opens Tonight straight away."""
        self._keep(dataclasses.replace(self.state, welcome_skipped=True))

    def _keep(self, state: AppState) -> None:
        if state != self.state:
            self.state = state
            self._write(state)
