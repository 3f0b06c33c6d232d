"""SleepPlanApp: the areas as Textual modes, the open profile, loading and saving in workers."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import os
import time
import weakref
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Protocol, runtime_checkable

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import WorkerState

from sleepplan.core import editing
from sleepplan.core.errors import InputError
from sleepplan.core.profile import Dose, Profile
from sleepplan.core.safety import cycling_lookback
from sleepplan.core.visible import visible, visible_lines
from sleepplan.start import resume_collector
from sleepplan.store import paths
from sleepplan.store.bundled import FIRST_RUN_EXAMPLE, bundled_interactions, example_profiles
from sleepplan.store.clock import current_time, system_zone
from sleepplan.store.faults import MachineFault
from sleepplan.store.journal import Journal, read_nights_taken
from sleepplan.store.profiles import (
    Fingerprint,
    ProfileChanged,
    create_profile,
    ensure_home,
    list_profiles,
    load_profile,
    profile_path,
    read_profile_text,
    save_profile,
)
from sleepplan.store.state import AppState, profile_key, read_state, write_state
from sleepplan.tui.areas import AREAS, FIRST_AREA, area_class, area_modes, open_area
from sleepplan.tui.commands import SleepPlanCommands
from sleepplan.tui.dialogs.confirm import ConfirmDialog
from sleepplan.tui.dialogs.help import HelpScreen
from sleepplan.tui.dialogs.prompt import ChoicePrompt, TextPrompt
from sleepplan.tui.dialogs.warnings import AcknowledgeDialog, dangers_label
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


@runtime_checkable
class TypesAhead(Protocol):
    """An area where a letter bound to nothing does something (the catalog's table searches)."""

    def type_ahead(self, event: events.Key) -> bool:
        """Take a printable key that no binding takes; whether it was taken."""
        ...


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
        Binding(
            "ctrl+z",
            "undo_delete",
            "Undo",
            show=False,
            id="routine.undo",
            tooltip="Undo: restore the routine deleted last",
        ),
        Binding(
            "comma",
            "settings",
            "Settings",
            show=False,
            id="app.settings",
            key_display=",",
            tooltip="Profile settings: name, zone, times, sleep need, medications",
        ),
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
                (``start.resume_collector``). The command line's app does; tests sharing a
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
        self.state = AppState()
        """What the app remembers between runs (read as the first profile loads)."""
        self._state_read = False
        self.unsaved_forms: dict[str, str] = {}
        """Work outside the profile not saved yet, by area: what it is, for the quit question."""
        self.deleted_nights: list[tuple[str, int]] = []
        """Check-ins deleted since the app started, (night, journal version): undo restores."""
        self._keys_on_the_way = 0
        """Keys handed to a text field (see ``on_key``) that it has not typed yet."""
        self._waited: weakref.WeakSet[events.Key] = weakref.WeakSet()
        """Keys that waited for those once: never again (a field closed meanwhile)."""

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
        self.remember_choice()
        self.revision += 1

    def remember_choice(self) -> None:
        """Remember the open profile and its routine for the next start (design §14)."""
        workspace = self.workspace
        if workspace.path is None or workspace.profile is None:
            return
        key, in_home = profile_key(self.home, workspace.path)
        state = self.state.remembering(key, workspace.routine_name, in_home)
        state = state.keeping_deleted(key, workspace.trash, workspace.now)  # undo outlasts a quit
        if state != self.state:
            self.state = state
            self._write_state(state)

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

    def add_compound(self, compound_id: str, amount_mg: float) -> None:
        """Add a compound to the current routine; one already in it asks what to do."""
        workspace = self.workspace
        profile = workspace.profile
        doses: tuple[Dose, ...] = ()
        if profile is not None and profile.routines:
            doses = profile.routine(workspace.routine_name).doses
        index = next((i for i, dose in enumerate(doses) if dose.compound == compound_id), None)
        if index is None:
            self._add_dose(compound_id, amount_mg)
            return
        name = visible(workspace.catalog.get(compound_id).name)
        routine = visible(workspace.routine_name or "")

        def chosen(choice: str | None) -> None:
            if choice == "second":
                self._add_dose(compound_id, amount_mg)
            elif choice == "amount":
                self.change(lambda p, r: editing.set_amount(p, r, index, amount_mg))
                self.notify(f"{name} in {routine} is now {amount_mg:g} mg")

        self.push_screen(
            ChoicePrompt(
                f"{name} is in {routine} already ({doses[index].amount_mg:g} mg).",
                [
                    ("amount", f"Change its amount to {amount_mg:g} mg"),
                    ("second", f"Add a second dose of {amount_mg:g} mg"),
                    ("cancel", "Cancel (change nothing)"),
                ],
            ),
            chosen,
        )

    def _add_dose(self, compound_id: str, amount_mg: float) -> None:
        self.change(lambda p, r: editing.add_dose(p, r, compound_id, amount_mg))
        routine = self.workspace.routine_name or ""
        name = self.workspace.catalog.get(compound_id).name
        self.notify(
            f"Added {visible(name)} {amount_mg:g} mg to {visible(routine)} — press t to see tonight"
        )

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
            if not self._state_read:  # once: later the app's own memory is the newer one
                self.state = read_state(self.home)
                self._state_read = True
            path = profile_path(self.home, name_or_path or self._last_opened())
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

    def _last_opened(self) -> str | None:
        """The profile last opened in the app, if it is still in the home."""
        name = self.state.last_profile
        if name and (paths.profiles_dir(self.home) / f"{name}.toml").is_file():
            return name
        return None  # the only profile, or the one saved last

    @on(ProfileLoaded)
    def _loaded(self, message: ProfileLoaded) -> None:
        self.workspace.open(message.loaded)
        key, _ = profile_key(self.home, message.loaded.path)
        workspace = self.workspace  # its routines deleted before, even in an earlier run
        workspace.trash = self.state.deleted_for(key, message.loaded.profile, workspace.now)
        remembered = self.state.routine_for(key)
        if remembered in self.workspace.routine_names():
            self.workspace.routine_name = remembered
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
            fingerprint = self._save_keeping_history(path, profile, expected)
        except ProfileChanged as error:
            self.post_message(ProfileConflict(path, profile, error))
            return
        except InputError as error:  # past the size cap, a lock that is a link: refused
            self.post_message(SaveFailed(path, error.render()))
            return
        except MachineFault as error:
            self.post_message(SaveFailed(path, error.render()))
            return
        except OSError as error:
            self.post_message(SaveFailed(path, str(error)))
            return
        self.post_message(ProfileSaved(path, profile, fingerprint))

    def _save_keeping_history(
        self, path: Path, profile: Profile, expected: Fingerprint | None
    ) -> Fingerprint:
        """Save the profile; renamed in place, it takes its check-ins along.

        The journal is keyed by the profile's name, so a new name alone would leave every
        night behind, under a name no profile has. They move first, in one transaction, and
        move back if the file cannot be saved. "Save as" makes a copy: its nights stay.
        """
        catalog = self.workspace.bundled_catalog()
        saved, journal_file = self.workspace.saved, paths.journal_path(self.home)
        old = saved.name if saved is not None and path == self.workspace.path else profile.name
        if old == profile.name or not journal_file.exists():
            return save_profile(path, profile, expected, catalog=catalog)
        with Journal(journal_file) as journal:
            journal.rename_profile(old, profile.name)
            try:
                return save_profile(path, profile, expected, catalog=catalog)
            except BaseException:
                journal.rename_profile(profile.name, old)  # the file keeps the old name: so do they
                raise

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

    def action_first_run(self) -> None:
        """The first-run setup: the user's own profile from their times, medications, goal."""
        from sleepplan.tui.screens.welcome import WelcomeScreen  # loads only when shown

        self.push_screen(WelcomeScreen(), self._welcome_done)

    def _welcome_done(self, created: Path | None) -> None:
        """Remember a skipped setup, so the next start opens Tonight straight away."""
        if created is None and not self.state.welcome_skipped:
            self.state = dataclasses.replace(self.state, welcome_skipped=True)
            self._write_state(self.state)

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
        self.push_screen(HelpScreen(area_help))

    async def action_quit(self) -> None:
        """Quit, asking first when the profile or a form (the check-in) has unsaved changes."""
        forms = list(self.unsaved_forms.values())
        if not self.workspace.dirty and not forms:
            self.exit()
            return

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

        Keys typed quickly arrive together, and each is handed to the widget that has focus
        as it arrives. When one of them moves the focus to a text field (``/`` in the
        catalog) or opens a prompt, the next ones still went to the old widget, came back
        here unhandled and acted as that place's keys: ``q`` quit instead of being typed, and
        the letters of an amount were lost. A text field takes every printable key it is
        given, so a printable key that reaches the app while one has focus is such a key:
        it is handed to the field (or to a prompt whose field is being focused) instead.
        A prompt whose field is not focused yet gets every key (enter too). A key no
        binding takes may start a search where typing searches (the catalog): it is decided
        here too, so that the keys after it follow in the order they were typed.
        """
        focused, screen = self.focused, self.screen
        if focused is None and isinstance(screen, TextPrompt):
            event.prevent_default()  # the prompt is opening: its field takes every key
            screen.post_message(events.Key(event.key, event.character))
        elif not event.is_printable:
            if self._keys_on_the_way and isinstance(focused, Input) and event not in self._waited:
                # enter after letters handed to the field: it acts once they are typed
                event.prevent_default()
                later = events.Key(event.key, event.character)
                self._waited.add(later)
                focused.call_later(self.post_message, later)
        elif isinstance(focused, Input):
            event.prevent_default()  # not a binding of the place it was typed in
            self._keys_on_the_way += 1
            focused.post_message(events.Key(event.key, event.character))
            focused.call_later(self._key_typed)
        elif (
            isinstance(screen, TypesAhead)
            and event.key not in screen.active_bindings
            and screen.type_ahead(event)
        ):
            event.prevent_default()

    def _key_typed(self) -> None:
        """A key handed to a text field was typed."""
        self._keys_on_the_way -= 1

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
                "(the help, ?, lists the binding ids)",  # the full list would cover the screen
                severity="warning",
                timeout=10,
            )
        self.set_keymap({key: value for key, value in keymap.items() if key in known})


def untouched_home(home: Path) -> bool:
    """Whether the home holds no profile of the user's own, nor any night.

    That is no journal and no profile yet, or only the example a new home gets
    (``ensure_home``), exactly as shipped: a user who edited it, made another, or recorded a
    morning with it (``sleepplan checkin``, an import) has one of their own.
    """
    if paths.journal_path(home).exists():
        return False
    found = list_profiles(home)
    if not found:
        return True
    if [path.name for path in found] != [f"{FIRST_RUN_EXAMPLE}.toml"]:
        return False
    shipped = example_profiles()[FIRST_RUN_EXAMPLE].encode("utf-8")
    try:
        if found[0].stat().st_size != len(shipped):  # never read a large file to compare
            return False
        return found[0].read_bytes() == shipped
    except OSError:
        return False


def _bindings(owner: object) -> list[Binding]:
    return [b for b in getattr(owner, "BINDINGS", []) if isinstance(b, Binding)]


def _reason(error: Exception) -> str:
    if isinstance(error, InputError):
        return error.render()
    return visible(str(error))
