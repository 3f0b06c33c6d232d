"""SleepPlanApp: the areas as Textual modes, the open profile, loading and saving in workers."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from textual import events, on, work
from textual.app import App
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import WorkerState

from sleepplan.collector import resume_collector
from sleepplan.core.errors import InputError
from sleepplan.core.profile import Profile
from sleepplan.core.safety import cycling_lookback
from sleepplan.core.visible import visible, visible_lines
from sleepplan.store import paths
from sleepplan.store.bundled import bundled_interactions
from sleepplan.store.clock import current_time, system_zone
from sleepplan.store.faults import MachineFault
from sleepplan.store.journal import read_nights_taken
from sleepplan.store.profiles import (
    ProfileChanged,
    ensure_home,
    load_profile,
    profile_path,
)
from sleepplan.store.state import AppState, read_state, write_state
from sleepplan.tui.app_keys import APP_BINDINGS, apply_keymap
from sleepplan.tui.areas import FIRST_AREA, area_modes, open_area
from sleepplan.tui.commands import SleepPlanCommands
from sleepplan.tui.dialogs.warnings import dangers_label, when_acknowledged
from sleepplan.tui.first_run import untouched_home as untouched_home  # tests import it here
from sleepplan.tui.messages import (
    ProfileConflict,
    ProfileFailed,
    ProfileLoaded,
    ProfileSaved,
    SaveFailed,
)
from sleepplan.tui.remembered import Remembered
from sleepplan.tui.screens.base import AreaScreen
from sleepplan.tui.typed_ahead import KeysOnTheWay
from sleepplan.tui.workspace import Workspace

Edit = Callable[[Profile, str], Profile]


FIRST_PLAN_WAIT_S = 0.25
"""How long Tonight waits for the profile before it is built and shows "loading"."""

HEAP_SETTLE_DELAY_S = 1.0
"""How long after the plan is shown the start-up heap is settled: when the user is reading."""


class SleepPlanApp(App[None]):
    """The sleepplan terminal app."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "sleepplan"
    MODES = {mode: build for mode, build in area_modes().items() if mode != FIRST_AREA}
    """Every area but Tonight, which is the default screen until the app mounts."""
    DEFAULT_MODE = FIRST_AREA
    COMMANDS = App.COMMANDS | {SleepPlanCommands}
    BINDINGS = APP_BINDINGS

    revision: reactive[int] = reactive(0, init=False)
    """Bumped on every change to the workspace; areas redraw when it changes."""

    def __init__(
        self,
        home: Path | str | None = None,
        profile: str | None = None,
        now: dt.datetime | None = None,
        zone: str | None = None,
        settle_heap: bool = False,
        welcome: bool = False,
    ) -> None:
        """Open ``profile`` (name or path) from ``home``.

        Args:
            home: The data folder; default per design §9.
            profile: Profile name or path; default the one last opened in the app (the
                home's state file), else the only or most recently saved one.
            now: The current instant (tests fix it); default the clock.
            zone: Zone for profiles that name none; default the system's.
            settle_heap: Run the collector again at once, blind to everything imported, and
                once the plan is shown collect and freeze the start-up heap
                (``collector.resume_collector``). The command line's app does; tests sharing a
                process with others don't.
            welcome: Offer the first-run setup when no profile is named and the home holds
                no profile of the user's own (``untouched_home``). The command line's app
                does; tests of the other areas don't, so they start on Tonight.
        """
        super().__init__()
        self.home = paths.resolve_home(str(home) if home else None, os.environ)
        self.profile_arg = profile
        self._settle_heap = settle_heap
        self._welcome = welcome and profile is None
        if settle_heap:
            resume_collector()
        self.workspace = Workspace(
            home=self.home, now=now or current_time(os.environ), fallback_zone=zone or system_zone()
        )
        self.remembered = Remembered(self.home, self._write_state)
        """What the app remembers between runs (read as the first profile loads)."""
        self.unsaved_forms: dict[str, str] = {}
        """Work outside the profile not saved yet, by area: what it is, for the quit question."""
        self.deleted_nights: list[tuple[str, int]] = []
        """Check-ins deleted since the app started, (night, journal version): undo restores."""
        self._keys = KeysOnTheWay()
        """Keys typed ahead of a text field's focus, on their way to it."""

    async def on_load(self) -> None:
        """Start loading the profile, and give it a moment before Textual builds Tonight.

        The profile is read in a worker as ever, but Tonight is built only once it is in, or
        after ``FIRST_PLAN_WAIT_S``, whichever comes first: usually a few tens of milliseconds,
        so the first frame of Tonight shows the plan. Otherwise Textual builds Tonight at once,
        draws it empty, and, racing the loading thread for Python's lock, draws it again with
        the plan (design §12). A slow start (a first run validating every file) shows "loading"
        after the wait instead of nothing. Nothing is on screen yet, so nothing waits on it.
        """
        loading = self._load(self.profile_arg)
        deadline = time.monotonic() + FIRST_PLAN_WAIT_S
        while loading.state is WorkerState.RUNNING and time.monotonic() < deadline:
            await asyncio.sleep(0.002)  # a thread worker starts only once the event loop turns

    def get_default_screen(self) -> Screen[None]:
        """Tonight, the first screen.

        It starts as Textual's default screen rather than as a ``MODES`` entry: Textual
        restyles a ``MODES`` screen from scratch as it first shows it, which at start-up
        parsed the whole stylesheet twice more and laid Tonight out again (design §12).
        Textual reads no stylesheet of a default screen's own, so Tonight's rules stay in
        ``app.tcss``.
        """
        return open_area(FIRST_AREA)

    def on_mount(self) -> None:
        """Tonight, already shown, becomes a mode like the other areas (``t`` returns to it)."""
        self.add_mode(FIRST_AREA, partial(open_area, FIRST_AREA))
        # the state file is read only for a home with no profile of the user's own yet
        if (
            self._welcome
            and untouched_home(self.home)
            and not read_state(self.home).welcome_skipped
        ):
            self.action_first_run()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a toast whose text is never read as markup, its controls made visible.

        Every toast may quote user text (a name, a file name, an error naming them), and
        Textual reads a toast as markup unless told not to: ``[/]`` in a name raised, and
        ``[@click=app.quit]`` made a link. So ``markup`` is ignored, for every area's toasts.
        """
        super().notify(
            visible_lines(message),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # -- state ------------------------------------------------------------------------------

    def bump(self) -> None:
        """Tell every area the workspace changed, and update the header."""
        workspace = self.workspace
        if workspace.profile is not None:
            unsaved = " · ● unsaved" if workspace.dirty else ""
            name = visible(workspace.profile.name)  # the header shows it as it is, not raw
            # the count of tonight's dangers, in words: scripts and tests read the header
            dangers = dangers_label(workspace.warnings(workspace.plan()))
            dangers = f" · {dangers}" if dangers else ""
            self.sub_title = f"{name} · night of {workspace.night:%a %d %b}{dangers}{unsaved}"
        self.remembered.remember(workspace)
        self.revision += 1

    @work(thread=True, exclusive=True, group="state")
    def _write_state(self, state: AppState) -> None:
        with contextlib.suppress(OSError):  # not the user's data: the next start falls back
            write_state(self.home, state)

    def change(self, edit: Edit) -> None:
        """Apply an edit to the current routine; a refused edit is a notification."""
        try:
            self.workspace.edit(edit)
        except (ValueError, KeyError, IndexError, InputError) as error:
            self.notify(f"Not changed: {_reason(error)}", severity="error")
            return
        self.bump()

    def change_profile(self, profile: Profile) -> None:
        """Replace the working profile (bedtime, wake)."""
        self.workspace.set_profile(profile)
        self.bump()

    def action_undo_delete(self) -> None:
        """Restore the routine deleted last (kept in the state file: undo outlasts a restart)."""
        from sleepplan.tui.dialogs.routines import restore_deleted

        restore_deleted(self)

    def choose_routine(self, name: str) -> None:
        """Make a routine current."""
        self.workspace.switch_routine(name)
        self.bump()

    # -- loading and saving (workers) -------------------------------------------------------

    def open_profile(self, name_or_path: str | None, ask: bool = True) -> None:
        """Open a profile, asking first if the open one has unsaved changes."""
        if ask and self.workspace.dirty:
            from sleepplan.tui.dialogs.confirm import ConfirmDialog  # only when asked

            def answered(discard: bool | None) -> None:
                if discard:
                    self.open_profile(name_or_path, ask=False)

            self.push_screen(
                ConfirmDialog(
                    "The open profile has unsaved changes. Discard them?", "Discard", "Keep"
                ),
                answered,
            )
            return
        self._load(name_or_path)

    @work(thread=True, exclusive=True, group="profile-io")
    def _load(self, name_or_path: str | None) -> None:
        try:
            ensure_home(self.home)
            self.remembered.read_once()
            path = profile_path(self.home, name_or_path or self.remembered.last_opened())
        except InputError as error:
            self.post_message(ProfileFailed(Path(error.source), error))
            return
        try:
            loaded = load_profile(path, self.workspace.cache_dir)
        except InputError as error:
            self.post_message(ProfileFailed(path, error))
            return
        bundled_interactions(self.workspace.cache_dir)  # read here, not as Tonight draws
        # every compound with a budget, as any may be added tonight; a day's slack because
        # editing wake in the small hours can move "tonight" back a day
        night = self.workspace.night_of(loaded.profile)
        lookback = cycling_lookback(loaded.catalog.with_cycling(), night, slack_days=1)
        past: dict[str, list[dt.date]] = {}
        try:
            past = read_nights_taken(paths.journal_path(self.home), loaded.profile.name, lookback)
        except (InputError, MachineFault) as error:  # damaged or unreadable: say so, go on
            self.call_from_thread(self.notify, error.render(), severity="error", timeout=15)
        # tonight's quick daytime entries, read here too, so Tonight never waits on the disk
        self.workspace.read_day_log((loaded.profile.name, night))
        self.post_message(ProfileLoaded(loaded, past))

    @on(ProfileLoaded)
    def _loaded(self, message: ProfileLoaded) -> None:
        self.workspace.open(message.loaded)
        self.remembered.recall(self.workspace, message.loaded)
        self.workspace.past_nights = message.past_nights
        apply_keymap(self, message.loaded.profile.keymap)
        self.bump()
        self._settle_once()

    @on(ProfileFailed)
    def _failed(self, message: ProfileFailed) -> None:
        self.workspace.fail(message.path, message.error)
        self.notify(
            message.error.render(), title="Profile not loaded", severity="error", timeout=12
        )
        self.bump()
        self._settle_once()

    def _settle_once(self) -> None:
        """Soon after the first plan (or the reason there is none) is shown, settle the heap."""
        if self._settle_heap:
            self._settle_heap = False
            self.set_timer(HEAP_SETTLE_DELAY_S, partial(resume_collector, collect_first=True))

    def action_save(self) -> None:
        """Save the open profile, after any new danger warnings are acknowledged."""
        workspace = self.workspace
        if workspace.profile is None or workspace.path is None:
            self.notify("No profile is open to save.", severity="warning")
            return
        path = workspace.path
        profile = workspace.profile
        when_acknowledged(self, lambda: self.save_profile(path, workspace.profile or profile))

    @work(thread=True, exclusive=True, group="profile-io")
    def save_profile(self, path: Path, profile: Profile) -> None:
        """Write ``profile`` to ``path`` in a worker, refusing if the file changed on disk."""
        expected = self.workspace.fingerprint if path == self.workspace.path else None
        try:
            from sleepplan.tui.saving import save_keeping_history

            fingerprint = save_keeping_history(self.workspace, path, profile, expected)
        except ProfileChanged as error:
            self.post_message(ProfileConflict(path, profile, error))
            return
        except (InputError, MachineFault) as error:  # past the size cap, a linked lock: refused
            self.post_message(SaveFailed(path, error.render()))
            return
        except OSError as error:
            self.post_message(SaveFailed(path, str(error)))
            return
        self.post_message(ProfileSaved(path, profile, fingerprint))

    @on(ProfileSaved)
    def _saved(self, message: ProfileSaved) -> None:
        self.workspace.mark_saved(message.path, message.profile, message.fingerprint)
        self.notify(f"Saved {visible(str(message.path))}")
        self.bump()

    @on(ProfileConflict)
    def _conflict(self, message: ProfileConflict) -> None:
        from sleepplan.tui.saving import ask_after_conflict

        ask_after_conflict(self, message)

    @on(SaveFailed)
    def _save_failed(self, message: SaveFailed) -> None:
        self.notify(
            f"Not saved ({visible(message.reason)}); the file on disk is unchanged.",
            severity="error",
            timeout=12,
        )

    # -- app actions ------------------------------------------------------------------------

    def action_first_run(self) -> None:
        """The first-run setup: the user's own profile from their times, medications, goal."""
        from sleepplan.tui.screens.welcome import WelcomeScreen  # loads only when shown

        def done(created: Path | None) -> None:
            if created is None:  # skipped: the next start opens Tonight straight away
                self.remembered.skip_welcome()

        self.push_screen(WelcomeScreen(), done)

    def action_settings(self, focus: str = "") -> None:
        """The open profile's settings (``focus``: the field to start in, by id)."""
        if self.workspace.profile is None:
            self.notify("No profile is open: settings need one.", severity="warning")
            return
        from sleepplan.tui.screens.settings import SettingsScreen  # loads only when shown

        self.push_screen(SettingsScreen(focus))

    def action_help(self) -> None:
        """Explain the current area."""
        screen = self.screen
        area_help = screen.HELP if isinstance(screen, AreaScreen) else ""
        from sleepplan.tui.dialogs.help import HelpScreen  # loads only when shown

        self.push_screen(HelpScreen(area_help))

    async def action_quit(self) -> None:
        """Quit, asking first when the profile or a form (the check-in) has unsaved changes."""
        forms = list(self.unsaved_forms.values())
        if not self.workspace.dirty and not forms:
            self.exit()
            return
        from sleepplan.tui.dialogs.confirm import ConfirmDialog  # only when asked

        def answered(discard: bool | None) -> None:
            if discard:
                self.exit()

        question = "You have unsaved changes. Quit without saving?"
        if forms:
            unsaved = ["the profile's changes"] if self.workspace.dirty else []
            question = f"Not saved yet: {' and '.join(unsaved + forms)}. Quit without saving?"
        self.push_screen(ConfirmDialog(question, "Quit", "Stay"), answered)

    def on_key(self, event: events.Key) -> None:
        """A letter typed just before focus moved to a text field goes into that field.

        Keys typed quickly arrive together: see ``typed_ahead`` for where each is sent.
        """
        self._keys.route(self, event)


def _reason(error: Exception) -> str:
    if isinstance(error, InputError):
        return error.render()
    return visible(str(error))
