"""Tonight's sleep-window line: this week's window from the diary, once the user opted in.

Hidden while the window is off. The diary is read in a worker, and again only when the
profile's window, times or the night change, or when Tonight is shown again (a check-in
saved meanwhile may have finished last week).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.widgets import Static

from sleepplan.core.errors import InputError
from sleepplan.tui.plain import plain

if TYPE_CHECKING:
    from sleepplan.core.profile import Profile
    from sleepplan.tui.workspace import Workspace

Key = tuple[str, object, dt.time, dt.time, dt.date]
"""What the line depends on: profile name, window settings, bedtime, wake, tonight's night."""


class SleepWindowLine(Static):
    """One line under the plan: "Sleep window this week: 23:45–06:30 (…) · SE 87 % …"."""

    DEFAULT_CSS = """
    SleepWindowLine { height: auto; display: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._key: Key | None = None

    def follow(self, workspace: Workspace, reread: bool = False) -> None:
        """Show the open profile's window for tonight; hide the line while it is off."""
        profile = workspace.profile
        window = profile.sleep_window if profile else None
        if profile is None or window is None or not window.followed:
            self._key = None
            self.display = False
            return
        key: Key = (
            profile.name,
            profile.sleep_window,
            profile.bedtime,
            profile.wake,
            workspace.night,
        )
        if key != self._key or reread:
            self._key = key
            self.load(workspace.home, profile, key)

    @work(thread=True, exclusive=True, group="window-line")
    def load(self, home: Path, profile: Profile, key: Key) -> None:
        """Read the diary and work out this week's window (off the UI thread)."""
        from sleepplan.core.sleep_window import profile_window, summary_line  # only when on
        from sleepplan.store import paths
        from sleepplan.store.faults import MachineFault
        from sleepplan.store.journal import Journal

        try:
            with Journal(paths.journal_path(home)) as journal:
                records = journal.records(profile.name)
        except (InputError, MachineFault) as error:
            self.app.call_from_thread(
                self._show, key, f"Sleep window: the journal could not be read. {error.render()}"
            )
            return
        night = key[-1]
        steps = profile_window(profile.sleep_window, records, profile.bedtime, profile.wake, night)
        if steps:
            line = summary_line(steps[-1])
        else:  # switched on for a night still to come
            window = profile.sleep_window
            start = window.start if window else None
            line = f"Sleep window: starts the night of {start:%a %d %b}" if start else ""
        self.app.call_from_thread(self._show, key, line)

    def _show(self, key: Key, line: str) -> None:
        if key != self._key:  # the profile changed while the diary was read
            return
        self.update(plain(line))
        self.display = bool(line)
