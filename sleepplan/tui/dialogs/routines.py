"""The routine manager: new, rename, duplicate, delete (undoable), set default, use tonight.

Every change is to the working profile, like any other edit: the file changes only when the
profile is saved. A deleted routine goes to the workspace's trash, which ``u`` here and
``ctrl+z`` anywhere empty again, the latest first. The app keeps the trash in the home's state
file (not in the profile), so a routine deleted and saved can still be restored, where it stood,
after a restart; the palette offers each one by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from sleepplan.core import editing, timing
from sleepplan.core.errors import InputError
from sleepplan.core.goals import GOALS, goal, starter_routine
from sleepplan.core.profile import Dose
from sleepplan.core.visible import visible
from sleepplan.tui.dialogs.prompt import ChoicePrompt, TextPrompt
from sleepplan.tui.plain import plain
from sleepplan.tui.screens.base import OfTheApp

if TYPE_CHECKING:
    from sleepplan.store.state import DeletedRoutine
    from sleepplan.tui.app import SleepPlanApp

KEYS_HINT = (
    "enter use tonight · n new · r rename · c copy · d delete · u undo delete · "
    "s set default · escape close"
)


class RoutineManager(OfTheApp, ModalScreen[None]):
    """The open profile's routines, and everything that can be done with them.

    Args:
        start: An action to run at once on the current routine (``new``, ``rename``,
            ``duplicate``, ``delete``, ``set_default``), as the palette's entries do.
    """

    DEFAULT_CSS = """
    #routine-list {
        height: auto;
        max-height: 12;
    }
    """

    BINDINGS = [
        Binding("n", "new", "New", tooltip="New routine: empty, from a goal, or a copy"),
        Binding("r", "rename", "Rename", tooltip="Rename the selected routine"),
        Binding("c", "duplicate", "Copy", tooltip="Duplicate the selected routine"),
        Binding("delete,d", "delete", "Delete", tooltip="Delete the selected routine (undoable)"),
        Binding("u,ctrl+z", "undo", "Undo", tooltip="Restore the routine deleted last"),
        Binding("s", "set_default", "Default", tooltip="Make the selected routine the default"),
        Binding("escape", "close", "Close", tooltip="Close the routine manager"),
    ]

    def __init__(self, start: str | None = None) -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        """A title, the routines and the keys."""
        with Vertical(classes="dialog", id="routines"):
            yield Label("Routines", classes="dialog-question")
            yield OptionList(id="routine-list")
            yield Label("", id="deleted-hint", classes="hint", markup=False)
            yield Label(KEYS_HINT, classes="hint", markup=False)

    def on_mount(self) -> None:
        """Show the routines, the current one highlighted; run the action asked for."""
        self.fill(self.workspace.routine_name)
        if self.start:
            self.call_after_refresh(self.run_action, self.start)

    # -- showing ----------------------------------------------------------------------------

    def fill(self, highlight: str | None) -> None:
        """List the routines; the cursor goes to ``highlight`` (else stays where it was)."""
        hint = self.query_one("#deleted-hint", Label)
        hint.update(text := deleted_hint(self.sleep_app))
        hint.display = bool(text.plain)  # no line at all while nothing is deleted
        options = self.query_one("#routine-list", OptionList)
        row = options.highlighted or 0
        options.clear_options()
        profile = self.workspace.profile
        names = self.workspace.routine_names()
        if profile is None or not names:
            empty = Content.styled("No routines yet: press n to make one", "italic")
            options.add_option(Option(empty, "none", disabled=True))
            return
        default = profile.routine().name
        for index, routine in enumerate(profile.routines):
            marks = [f"{len(routine.doses)} dose{'' if len(routine.doses) == 1 else 's'}"]
            if routine.name == default:
                marks.append("default")
            if routine.name == self.workspace.routine_name:
                marks.append("tonight")
            row_text = Content.assemble(plain(routine.name, "bold"), f"  · {' · '.join(marks)}")
            options.add_option(Option(row_text, str(index)))
        if highlight in names:
            row = names.index(highlight)
        options.highlighted = min(row, len(names) - 1)

    def selected(self) -> str | None:
        """The highlighted routine's name."""
        option = self.query_one("#routine-list", OptionList).highlighted_option
        names = self.workspace.routine_names()
        if option is None or option.id is None or not option.id.isdigit():
            return None
        index = int(option.id)
        return names[index] if index < len(names) else None

    def changed(self, highlight: str | None, message: str) -> None:
        """The workspace changed: redraw every area and this list, and say what happened."""
        self.sleep_app.bump()
        self.fill(highlight)
        self.notify(message)

    # -- acting -----------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#routine-list")
    def _use_tonight(self) -> None:
        name = self.selected()
        if name is not None:
            self.sleep_app.choose_routine(name)
            self.dismiss(None)

    def action_close(self) -> None:
        """Close the manager."""
        self.dismiss(None)

    def action_new(self) -> None:
        """Ask what to start from, then the name."""
        if self.workspace.profile is None:
            return
        choices = [("empty", "Empty")]
        choices += [(f"goal:{g.id}", f"From a goal: {g.label}") for g in GOALS]
        current = self.workspace.routine_name
        if current is not None:
            choices.append(("copy", f"A copy of {visible(current)}"))

        def chosen(choice: str | None) -> None:
            if choice is None:
                return
            doses: tuple[Dose, ...] = ()
            suggested = ""
            if choice == "copy" and current is not None:
                self.action_duplicate(current)
                return
            if choice.startswith("goal:"):
                try:
                    starter = starter_routine(goal(choice[5:]), _examples())
                except InputError as error:
                    self.notify(error.render(), severity="error")
                    return
                doses, suggested = starter.doses, starter.name
            if suggested and _problem(self, suggested):
                suggested = ""
            self._ask_name(
                "Name of the new routine",
                suggested,
                None,
                lambda name: self.workspace.new_routine(name, doses),
                "Created routine {name}",
            )

        self.app.push_screen(ChoicePrompt("New routine", choices), chosen)

    def action_rename(self) -> None:
        """Rename the selected routine."""
        old = self.selected()
        if old is None:
            return
        self._ask_name(
            f"New name for {visible(old)}",
            old,
            old,
            lambda name: self.workspace.rename_routine(old, name),
            "Renamed to {name}",
        )

    def action_duplicate(self, source: str | None = None) -> None:
        """Copy the selected routine (or ``source``) under a new name."""
        source = source or self.selected()
        if source is None:
            return
        suggested = _free_name(self, f"{source} copy")
        self._ask_name(
            f"Name of the copy of {visible(source)}",
            suggested,
            None,
            lambda name: self.workspace.duplicate_routine(source, name),
            "Copied to {name}",
        )

    def action_delete(self) -> None:
        """Delete the selected routine to the trash (undo with u, or ctrl+z anywhere)."""
        name = self.selected()
        if name is None:
            return
        self.workspace.delete_routine(name)
        self.changed(
            self.workspace.routine_name,
            f"Deleted routine {visible(name)}: u (or ctrl+z) restores it, even after a restart.",
        )

    def action_undo(self) -> None:
        """Restore the routine deleted last, where it stood."""
        self.fill(restore_deleted(self.sleep_app))

    def action_set_default(self) -> None:
        """Make the selected routine the profile's default."""
        name = self.selected()
        if name is None:
            return
        self.workspace.set_default_routine(name)
        self.changed(name, f"{visible(name)} is the default routine (saved with the profile)")

    def _ask_name(
        self,
        question: str,
        suggested: str,
        renaming: str | None,
        apply: Callable[[str], str],
        done: str,
    ) -> None:
        """Ask for a routine name, refusing a bad one in the prompt; then ``apply`` it."""

        def answered(name: str | None) -> None:
            if not name:
                return
            try:
                result = apply(name)
            except (ValueError, KeyError) as error:  # checked in the prompt; said again here
                self.notify(f"Not changed: {visible(str(error))}", severity="error")
                return
            self.changed(result, done.format(name=visible(result)))

        self.app.push_screen(
            TextPrompt(question, suggested, lambda text: _problem(self, text, renaming)),
            answered,
        )


def restore_deleted(app: SleepPlanApp, entry: DeletedRoutine | None = None) -> str | None:
    """Restore a deleted routine (the latest by default) and say so; its name, or ``None``."""
    try:
        restored = app.workspace.undo_delete(entry)
    except InputError as error:  # the state file was edited: the record is dropped
        app.notify(f"The deleted routine cannot be restored. {error.render()}", severity="error")
        app.bump()
        return None
    if restored is None:
        app.notify("Nothing to undo: no routine was deleted.", severity="warning")
        return None
    app.notify(f"Restored routine {visible(restored)}")
    app.bump()
    return restored


def deleted_when(app: SleepPlanApp, entry: DeletedRoutine) -> str:
    """When a routine was deleted, in the profile's zone ("23 Nov 18:30")."""
    return f"{timing.in_zone(entry.deleted_at, app.workspace.zone):%d %b %H:%M}"


def deleted_hint(app: SleepPlanApp) -> Content:
    """The line saying which deleted routine ``u`` restores, or nothing."""
    trash = app.workspace.trash
    if not trash:
        return Content("")
    latest = trash[-1]
    more = f" ({len(trash) - 1} more in the palette)" if len(trash) > 1 else ""
    return Content.assemble(
        "u restores ", plain(latest.name, "bold"), f", deleted {deleted_when(app, latest)}{more}"
    )


def _problem(manager: RoutineManager, name: str, renaming: str | None = None) -> str | None:
    """Why a routine name cannot be used, or ``None``."""
    profile = manager.workspace.profile
    if profile is None:
        return "No profile is open."
    try:
        editing.check_routine_name(profile, name, renaming)
    except ValueError as error:
        return str(error)
    return None


def _free_name(manager: RoutineManager, wanted: str) -> str:
    """``wanted``, or ``wanted 2``, ``wanted 3``… whichever is free."""
    name, number = wanted, 1
    while _problem(manager, name) and number < 100:
        number += 1
        name = f"{wanted} {number}"
    return name


def _examples() -> dict[str, str]:
    from sleepplan.store.bundled import example_profiles

    return example_profiles()
