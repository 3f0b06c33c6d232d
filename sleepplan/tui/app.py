"""SleepPlanApp: the areas as Textual modes, the open profile, loading and saving in workers."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import WorkerState

from sleepplan.core import editing
from sleepplan.core.errors import InputError
from sleepplan.core.profile import Profile
from sleepplan.core.safety import cycling_lookback
from sleepplan.core.visible import visible, visible_lines
from sleepplan.start import resume_collector
from sleepplan.store import paths
from sleepplan.store.bundled import bundled_interactions
from sleepplan.store.clock import current_time, system_zone
from sleepplan.store.faults import MachineFault
from sleepplan.store.journal import read_nights_taken
from sleepplan.store.profiles import (
    ProfileChanged,
    create_profile,
    ensure_home,
    load_profile,
    profile_path,
    read_profile_text,
    save_profile,
)
from sleepplan.tui.areas import AREAS, FIRST_AREA, area_class, area_modes, open_area
from sleepplan.tui.commands import SleepPlanCommands
from sleepplan.tui.dialogs.confirm import ConfirmDialog
from sleepplan.tui.dialogs.help import HelpScreen
from sleepplan.tui.dialogs.prompt import ChoicePrompt
from sleepplan.tui.dialogs.warnings import AcknowledgeDialog
from sleepplan.tui.messages import (
    ProfileConflict,
    ProfileFailed,
    ProfileLoaded,
    ProfileSaved,
    SaveFailed,
)
from sleepplan.tui.screens.base import AreaScreen
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
    BINDINGS = [
        Binding(
            "t",
            "switch_mode('tonight')",
            "Tonight",
            id="area.tonight",
            tooltip="Tonight's routine and timeline",
        ),
        Binding(
            "m",
            "switch_mode('checkin')",
            "Morning",
            id="area.checkin",
            tooltip="This morning's check-in",
        ),
        Binding(
            "h",
            "switch_mode('history')",
            "History",
            id="area.history",
            tooltip="Your mornings over time and what helps",
        ),
        Binding(
            "k",
            "switch_mode('catalog')",
            "Catalog",
            id="area.catalog",
            tooltip="Browse compounds and their sources",
        ),
        Binding(
            "p",
            "switch_mode('profiles')",
            "Profiles",
            id="area.profiles",
            tooltip="Open, create and save profiles",
        ),
        Binding("ctrl+s", "save", "Save", id="profile.save", tooltip="Save the profile"),
        Binding(
            "question_mark,f1",
            "help",
            "Help",
            id="app.help",
            key_display="?",
            tooltip="Explain this area",
        ),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit (asks if unsaved)"),
    ]

    revision: reactive[int] = reactive(0, init=False)
    """Bumped on every change to the workspace; areas redraw when it changes."""

    def __init__(
        self,
        home: Path | str | None = None,
        profile: str | None = None,
        now: dt.datetime | None = None,
        zone: str | None = None,
        settle_heap: bool = False,
    ) -> None:
        """Open ``profile`` (name or path) from ``home``.

        Args:
            home: The data folder; default per design §9.
            profile: Profile name or path; default the only or most recently saved one.
            now: The current instant (tests fix it); default the clock.
            zone: Zone for profiles that name none; default the system's.
            settle_heap: Run the collector again at once, blind to everything imported, and
                once the plan is shown collect and freeze the start-up heap
                (``start.resume_collector``). The command line's app does; tests sharing a
                process with others don't.
        """
        super().__init__()
        self.home = paths.resolve_home(str(home) if home else None, os.environ)
        self.profile_arg = profile
        self._settle_heap = settle_heap
        if settle_heap:
            resume_collector()
        self.workspace = Workspace(
            home=self.home, now=now or current_time(os.environ), fallback_zone=zone or system_zone()
        )

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
            self.sub_title = f"{name} · night of {workspace.night:%a %d %b}{unsaved}"
        self.revision += 1

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

    def add_compound(self, compound_id: str, amount_mg: float) -> None:
        """Add a compound to the current routine."""
        self.change(lambda p, r: editing.add_dose(p, r, compound_id, amount_mg))
        routine = self.workspace.routine_name or ""
        name = self.workspace.catalog.get(compound_id).name
        self.notify(
            f"Added {visible(name)} {amount_mg:g} mg to {visible(routine)} — press t to see tonight"
        )

    def choose_routine(self, name: str) -> None:
        """Make a routine current."""
        self.workspace.switch_routine(name)
        self.bump()

    # -- loading and saving (workers) -------------------------------------------------------

    def open_profile(self, name_or_path: str | None, ask: bool = True) -> None:
        """Open a profile, asking first if the open one has unsaved changes."""
        if ask and self.workspace.dirty:

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
            path = profile_path(self.home, name_or_path)
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
        self.post_message(ProfileLoaded(loaded, past))

    @on(ProfileLoaded)
    def _loaded(self, message: ProfileLoaded) -> None:
        self.workspace.open(message.loaded)
        self.workspace.past_nights = message.past_nights
        self._apply_keymap(message.loaded.profile.keymap)
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
        self._acknowledged_then(lambda: self._save(path, workspace.profile or profile))

    def _acknowledged_then(self, proceed: Callable[[], object]) -> None:
        """Run ``proceed`` once every danger is acknowledged (asking if needed), else not."""
        dangers = self.workspace.unacknowledged_dangers()
        if not dangers:
            proceed()
            return

        def answered(acknowledged: bool | None) -> None:
            if acknowledged:
                self.workspace.acknowledge(dangers)
                self.bump()
                proceed()
            else:
                self.notify(
                    "Not saved: the danger warnings were not acknowledged.", severity="warning"
                )

        self.push_screen(AcknowledgeDialog(dangers), answered)

    def save_as(self, name: str) -> None:
        """Save the open profile under a new name, and keep working on the new file."""
        profile = self.workspace.profile
        if profile is None:
            return
        target = paths.profiles_dir(self.home) / f"{name}.toml"
        if target.exists():
            self.notify(
                f"{visible(str(target))} exists already; pick another name.", severity="error"
            )
            return

        def save() -> None:
            assert self.workspace.profile is not None
            self._save(target, editing.rename(self.workspace.profile, name))

        self._acknowledged_then(save)

    def create_profile(self, name: str, template: str) -> None:
        """Create a profile from a template's text and open it."""
        try:
            path = create_profile(self.home, name, template)
        except InputError as error:
            self.notify(error.render(), severity="error")
            return
        self.notify(f"Created {visible(path.name)}")
        self.open_profile(str(path))

    def duplicate_profile(self, source: Path, name: str) -> None:
        """Copy a profile file under a new name."""
        try:
            self.create_profile(name, read_profile_text(source))
        except InputError as error:
            self.notify(error.render(), severity="error")

    @work(thread=True, exclusive=True, group="profile-io")
    def _save(self, path: Path, profile: Profile) -> None:
        expected = self.workspace.fingerprint if path == self.workspace.path else None
        try:
            fingerprint = save_profile(path, profile, expected)
        except ProfileChanged as error:
            self.post_message(ProfileConflict(path, profile, error))
            return
        except InputError as error:  # past the size cap, a lock that is a link: refused
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
        def chosen(choice: str | None) -> None:
            if choice == "reload":
                self.open_profile(str(message.path), ask=False)
            elif choice == "save_as":
                self.switch_mode("profiles")
                from sleepplan.tui.screens.profiles import ProfilesScreen

                screen = self.screen
                if isinstance(screen, ProfilesScreen):
                    screen.action_save_as()

        self.push_screen(
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

    @on(SaveFailed)
    def _save_failed(self, message: SaveFailed) -> None:
        self.notify(
            f"Not saved ({visible(message.reason)}); the file on disk is unchanged.",
            severity="error",
            timeout=12,
        )

    # -- app actions ------------------------------------------------------------------------

    def action_help(self) -> None:
        """Explain the current area."""
        screen = self.screen
        area_help = screen.HELP if isinstance(screen, AreaScreen) else ""
        self.push_screen(HelpScreen(area_help))

    async def action_quit(self) -> None:
        """Quit, asking first when there are unsaved changes."""
        if not self.workspace.dirty:
            self.exit()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.exit()

        self.push_screen(
            ConfirmDialog("You have unsaved changes. Quit without saving?", "Quit", "Stay"),
            answered,
        )

    def _apply_keymap(self, keymap: dict[str, str]) -> None:
        if not keymap:
            return  # nothing to remap: leave the other areas unloaded
        known = {
            binding.id
            for owner in (self, *(area_class(mode) for mode in AREAS))
            for binding in _bindings(owner)
            if binding.id
        }
        unknown = sorted(set(keymap) - known)
        if unknown:
            self.notify(
                f"[keymap] names unknown bindings: {visible(', '.join(unknown))} "
                f"(known: {', '.join(sorted(known))})",
                severity="warning",
                timeout=10,
            )
        self.set_keymap({key: value for key, value in keymap.items() if key in known})


def _bindings(owner: object) -> list[Binding]:
    return [b for b in getattr(owner, "BINDINGS", []) if isinstance(b, Binding)]


def _reason(error: Exception) -> str:
    if isinstance(error, InputError):
        return error.render()
    return visible(str(error))
