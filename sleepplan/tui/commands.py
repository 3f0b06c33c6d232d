"""The command palette provider: every action, searchable by name.

Routine, compound and profile names are the user's: each hit is built as ``Content`` (the
palette reads a plain ``str`` as markup) with its control characters made visible, and no
user text goes in a hit's help, which the palette always reads as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from sleepplan.store.profiles import list_profiles
from sleepplan.tui.plain import plain

if TYPE_CHECKING:
    from textual.fuzzy import Matcher

    from sleepplan.tui.app import SleepPlanApp
    from sleepplan.tui.dialogs.sleep_window import SleepWindowDialog
    from sleepplan.tui.screens.experiment_wizard import ExperimentWizard

Command = tuple[str, str, Callable[[], object]]


class SleepPlanCommands(Provider):
    """Areas, saving, help, routines, compounds and profiles."""

    def _commands(self) -> list[Command]:
        app = cast("SleepPlanApp", self.app)  # named for mypy only: the app imports this module
        workspace = app.workspace
        commands: list[Command] = [
            (
                "Go to Tonight",
                "Tonight's routine and timeline",
                partial(app.switch_mode, "tonight"),
            ),
            (
                "Go to History",
                "Mornings over time and what helps",
                partial(app.switch_mode, "history"),
            ),
            (
                "Go to Morning check-in",
                "This morning's check-in",
                partial(app.switch_mode, "checkin"),
            ),
            ("Go to Catalog", "Browse compounds and sources", partial(app.switch_mode, "catalog")),
            (
                "Go to Profiles",
                "Open, create and save profiles",
                partial(app.switch_mode, "profiles"),
            ),
            ("Save profile", "Write the open profile to disk", app.action_save),
            ("Help", "Keys and explanations for this area", app.action_help),
            (
                "Profile settings",
                "Name, zone, bedtime, wake, dinner, sleep need, medications (key ,)",
                app.action_settings,
            ),
            (
                "Medications",
                "The medicines you take, checked against every routine",
                partial(app.action_settings, "med-input"),
            ),
            (
                "Sleep window",
                "Opt-in CBT-I sleep window: who should not use it, on or off, week by week",
                lambda: app.push_screen(_sleep_window()),
            ),
            (
                "New experiment",
                "Register a randomised, optionally blinded self-experiment",
                lambda: app.push_screen(_experiment_wizard()),
            ),
            (
                "First-run setup",
                "A new profile of your own from your times, medications and goal",
                app.action_first_run,
            ),
        ]
        screen = self.screen  # the screen the palette was opened from
        for binding in getattr(screen, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.tooltip and binding.id:
                commands.append(
                    (
                        binding.tooltip,
                        f"key {binding.key_display or binding.key}",
                        partial(screen.run_action, binding.action),
                    )
                )
        for name in workspace.routine_names():
            commands.append(
                (
                    f"Switch routine: {name}",
                    "Make this tonight's routine",
                    partial(app.choose_routine, name),
                )
            )
        commands += _routine_commands(app)
        commands += _finding_commands(app)
        commands += _data_commands(app)
        commands += _report_commands(app)
        named = {name for name, _, _ in commands}  # History's keys name the same actions
        commands += [command for command in _night_commands(app) if command[0] not in named]
        commands += [command for command in _day_commands(app) if command[0] not in named]
        for compound in sorted(workspace.catalog, key=lambda c: c.name.casefold()):
            amount = compound.dose_mg.typical if compound.dose_mg else None
            if amount is not None:
                commands.append(
                    (
                        f"Add compound: {compound.name}",
                        f"{amount:g} mg to the current routine",
                        partial(_add_compound, app, compound.id, amount),
                    )
                )
        for path in list_profiles(workspace.home):
            commands.append(
                (
                    f"Open profile: {path.stem}",
                    "A profile in your sleepplan home",
                    partial(app.open_profile, str(path)),
                )
            )
        return commands

    async def discover(self) -> Hits:
        """The main actions, shown before typing."""
        for name, help_text, callback in self._commands()[:5]:
            yield DiscoveryHit(plain(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        """Every command whose name matches the query."""
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, _highlighted(matcher, name), callback, text=name, help=help_text)


def _report_commands(app: SleepPlanApp) -> list[Command]:
    """Each experiment's report (shown once the experiment is complete)."""
    from sleepplan.tui.screens.experiment_wizard import show_report

    experiments = app.workspace.profile.experiments if app.workspace.profile else ()
    return [
        (
            f"Experiment report: {plan.id}",  # ids are [a-z0-9-]: checked on load
            "The analysis and, if blinded, the envelope key (once it is complete)",
            partial(show_report, app, plan.id),
        )
        for plan in experiments
    ]


def _add_compound(app: SleepPlanApp, compound_id: str, amount_mg: float) -> None:
    from sleepplan.tui.actions.catalog import add_compound  # the catalog's: loads when used

    add_compound(app, compound_id, amount_mg)


def _sleep_window() -> SleepWindowDialog:
    from sleepplan.tui.dialogs.sleep_window import SleepWindowDialog  # only when asked

    return SleepWindowDialog()


def _experiment_wizard() -> ExperimentWizard:
    from sleepplan.tui.screens.experiment_wizard import ExperimentWizard  # only when asked

    return ExperimentWizard()


def _routine_commands(app: SleepPlanApp) -> list[Command]:
    """The routine manager's actions, undo, and the choices for tonight only."""
    from sleepplan.tui.dialogs.just_tonight import ask_just_tonight
    from sleepplan.tui.dialogs.routines import RoutineManager, deleted_when, restore_deleted

    def manager(start: str | None = None) -> Callable[[], object]:
        return lambda: app.push_screen(RoutineManager(start))

    commands: list[Command] = [
        ("Routines: manage", "New, rename, copy, delete, set default", manager()),
        ("Routine: new", "Empty, from a goal, or a copy of the current one", manager("new")),
        ("Routine: rename the current one", "Give tonight's routine a new name", manager("rename")),
        ("Routine: duplicate the current one", "Copy it under a new name", manager("duplicate")),
        ("Routine: delete the current one", "Undo restores it, also later", manager("delete")),
        (
            "Routine: make the current one the default",
            "Saved with the profile",
            manager("set_default"),
        ),
    ]
    if app.workspace.trash:
        commands.append(("Undo: restore the deleted routine", "key ctrl+z", app.action_undo_delete))
    for entry in reversed(app.workspace.trash):  # each one, the latest first
        commands.append(
            (
                f"Restore deleted routine: {entry.name}",
                f"Deleted {deleted_when(app, entry)}; back where it stood",
                partial(restore_deleted, app, entry),
            )
        )
    for start, label in (("bedtime", "bedtime"), ("wake", "wake time"), ("routine", "routine")):
        commands.append(
            (
                f"Just tonight: {label}",
                "For tonight only: the profile is not changed",
                partial(ask_just_tonight, app, start),
            )
        )
    if app.workspace.has_tonight_times:
        commands.append(
            (
                "Just tonight: back to the usual times",
                "Plan tonight with the profile's bedtime and wake",
                partial(ask_just_tonight, app, "usual"),
            )
        )
    return commands


def _highlighted(matcher: Matcher, name: str) -> Content:
    """The name with the query's letters highlighted, as ``Matcher.highlight`` but literal.

    ``Matcher.highlight`` reads the name as markup. ``visible`` keeps every character where it
    was unless it is a control, so only names with one lose their highlight.
    """
    shown = plain(name)
    if shown.plain != name:
        return shown
    _, offsets = matcher.fuzzy_search.match(matcher.query, name)
    for offset in offsets:
        if not name[offset].isspace():
            shown = shown.stylize(matcher.match_style, offset, offset + 1)
    return shown


def _data_commands(app: SleepPlanApp) -> list[Command]:
    """Export the open profile's data (each kind), and import check-ins from a file."""
    from sleepplan.tui.dialogs.data_files import EXPORT_KINDS, ask_export, ask_import

    commands: list[Command] = [
        (f"Export: {kind.label}", "Write a file (you choose where)", partial(ask_export, app, key))
        for key, kind in EXPORT_KINDS.items()
    ]
    commands.append(
        ("Import check-ins from a file", "A CSV, JSON or TOML export", partial(ask_import, app))
    )
    from sleepplan.tui.dialogs.tracker_import import ask_tracker_import

    commands.append(
        (
            "Import tracker nights from a file",
            "Apple Health, Fitbit, Oura, Garmin, Withings, Sleep as Android or WHOOP",
            partial(ask_tracker_import, app),
        )
    )
    return commands


def _finding_commands(app: SleepPlanApp) -> list[Command]:
    """Searching the catalog, and mending a profile that failed to load."""

    async def search_catalog() -> None:
        await app.switch_mode("catalog")
        await app.screen.run_action("search")

    commands: list[Command] = [
        (
            "Search the catalog",
            "By name, alias, stage or effect (type in the table)",
            search_catalog,
        )
    ]
    if app.workspace.error is not None:
        commands.append(
            (
                "Fix the profile that failed to load",
                "Open its backup, or edit it in $EDITOR (in Profiles)",
                partial(app.switch_mode, "profiles"),
            )
        )
    return commands


def _day_commands(app: SleepPlanApp) -> list[Command]:
    """The quick daytime entry, from every area (Tonight's key ``l`` names the same one)."""
    from sleepplan.tui.dialogs.day_entry import ask_day_entry

    return [
        (
            "Log a daytime dose (a coffee at 15:00)",
            "For tonight or every day; see or remove today's (key l on Tonight)",
            partial(ask_day_entry, app),
        )
    ]


def _night_commands(app: SleepPlanApp) -> list[Command]:
    """The calendar of past nights, and undoing a night's delete."""

    def calendar() -> None:
        from sleepplan.tui.screens.calendar import CalendarScreen  # loads when first opened

        app.push_screen(CalendarScreen())

    def undo() -> None:
        from sleepplan.tui.screens.night import undo_delete_night

        undo_delete_night(app)

    commands: list[Command] = [
        (
            "Calendar: a month at a glance",
            "Each night's score; weekly and monthly summaries",
            calendar,
        )
    ]
    if app.deleted_nights:
        commands.append(
            ("Undo delete night: restore the check-in deleted last", "key u in History", undo)
        )
    return commands
