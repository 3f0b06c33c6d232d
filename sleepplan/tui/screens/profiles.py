"""Profiles: the home's profiles, open one, new from an example, save as, duplicate."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from sleepplan.core.visible import visible
from sleepplan.tui.actions.profiles import create_profile, duplicate_profile, save_as
from sleepplan.tui.dialogs.prompt import ChoicePrompt, TextPrompt
from sleepplan.tui.plain import cell
from sleepplan.tui.screens.base import AreaScreen, cursor_key
from sleepplan.tui.screens.profile_files import (
    ProfileEntry,
    entry_status,
    name_problem,
    scan_profiles,
    shown_path,
)
from sleepplan.tui.widgets.key_footer import KeyFooter

HELP = """\
# Profiles

Each profile is a TOML file in your sleepplan home (`profiles/NAME.toml`): your times,
medications and routines. You can edit them in any text editor.

| key | does |
|---|---|
| `enter` | open the selected profile |
| `n` | new profile from one of the shipped examples |
| `s` | save the open profile under a new name |
| `u` | duplicate the selected profile |
| `e` | edit the selected profile's file in your `$EDITOR`, then open it |
| `b` | open the backup of a profile that fails to load (`NAME.toml.bak`) |
| `x` | export: the journal (CSV, JSON), the profile (TOML), reminders (.ics) |
| `i` | import check-ins from a CSV, JSON or TOML export |
| `w` | import a sleep tracker's export: shows what it found before anything is saved |
| `ctrl+s` | save the open profile |

A profile that fails to load is listed with its error (file, place, what is wrong); it is never
overwritten. `enter` on it offers its backup (the version before the last save, when it loads)
or your editor (`$VISUAL` or `$EDITOR`): the app steps aside while the editor runs, then opens
the file again. An opened backup is saved to the backup file itself; `s` saves it under a new
name.

Export asks for a file (a name in the current folder is suggested; `~` is your home folder)
and before replacing one that exists. The calendar files hold tonight's doses, or daily
reminders that repeat every day: each dose, and a morning check-in at your wake time. Import
asks, when some nights have a check-in already, whether to keep or replace them.
"""


class ProfilesScreen(AreaScreen):
    """Manage the home's profiles."""

    CSS_PATH = "profiles.tcss"
    """This area's rules, read when it is first opened (app.tcss has Tonight's)."""

    HELP = HELP
    AUTO_FOCUS = "#profile-table"
    BINDINGS = [
        Binding("n", "new", "New", id="profiles.new", tooltip="New profile from an example"),
        Binding(
            "s",
            "save_as",
            "Save as",
            id="profiles.save_as",
            tooltip="Save the open profile under a new name",
        ),
        Binding(
            "u",
            "duplicate",
            "Duplicate",
            id="profiles.duplicate",
            tooltip="Duplicate the selected profile",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            id="profiles.edit",
            tooltip="Edit the selected profile's file in $EDITOR, then open it",
        ),
        Binding(
            "x",
            "export",
            "Export",
            id="profiles.export",
            tooltip="Export the open profile's data to a file (CSV, JSON, TOML, .ics)",
        ),
        Binding(
            "i",
            "import",
            "Import",
            id="profiles.import",
            tooltip="Import check-ins from a CSV, JSON or TOML export",
        ),
        Binding(
            "w",
            "import_tracker",
            "Tracker",
            id="profiles.tracker",
            tooltip="Import a sleep tracker's export (Apple Health, Fitbit, Oura, …)",
        ),
        Binding(
            "b",
            "open_backup",
            "Backup",
            show=False,
            id="profiles.backup",
            tooltip="Open the backup of a profile that fails to load",
        ),
    ]

    class Scanned(Message):
        """The home's profiles were read."""

        def __init__(self, entries: list[ProfileEntry]) -> None:
            super().__init__()
            self.entries = entries

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[ProfileEntry] = []

    def compose(self) -> ComposeResult:
        """The list of profiles, and the selected one's status."""
        yield Header()
        with Vertical(id="profiles"):
            yield DataTable(id="profile-table", cursor_type="row")
            with VerticalScroll(id="profile-status-pane"):
                yield Static("", id="profile-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Columns, then a scan of the home."""
        table = self.query_one("#profile-table", DataTable)
        table.add_columns("", "Profile", "Routines", "Status", "File")
        super().on_mount()

    def on_screen_resume(self) -> None:
        """Rescan whenever the area is shown: files may have changed in an editor."""
        self.scan()

    def refresh_view(self) -> None:
        """Rescan the home's profiles."""
        self.scan()

    @work(thread=True, exclusive=True, group="scan-profiles")
    def scan(self) -> None:
        """Read every profile in the home, off the UI thread."""
        entries = scan_profiles(self.workspace.home, self.workspace.cache_dir)
        self.post_message(self.Scanned(entries))

    @on(Scanned)
    def _scanned(self, message: Scanned) -> None:
        self.entries = message.entries
        table = self.query_one("#profile-table", DataTable)
        table.clear()
        current = self.workspace.path
        for entry in self.entries:
            is_open = current is not None and entry.path.resolve() == current.resolve()
            marker = "●" if is_open else ""
            if is_open and self.workspace.dirty:
                marker = "● unsaved"
            status = Text("error: see below", style="bold") if entry.error else Text("ok")
            # file names are anyone's: a table reads a str cell as markup, so Text
            table.add_row(
                marker,
                cell(entry.path.stem),
                str(entry.routines),
                status,
                cell(shown_path(entry.path, self.workspace.home)),
                key=str(entry.path),
            )
        self._show_status()

    def selected(self) -> ProfileEntry | None:
        """The profile under the cursor."""
        key = cursor_key(self.query_one("#profile-table", DataTable))
        return next((e for e in self.entries if str(e.path) == key), None)

    def _show_status(self) -> None:
        self.query_one("#profile-status", Static).update(entry_status(self.selected()))

    @on(DataTable.RowHighlighted, "#profile-table")
    def _highlighted(self) -> None:
        self._show_status()

    @on(DataTable.RowSelected, "#profile-table")
    def _open(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        if entry.error:
            self._offer_repair(entry)
            return
        self.sleep_app.open_profile(str(entry.path))

    def _offer_repair(self, entry: ProfileEntry) -> None:
        """A profile that fails to load: open its backup, or edit it; nothing is overwritten."""
        choices = [("edit", f"Edit {entry.path.name} in $EDITOR, then open it")]
        if entry.backup:
            choices.insert(0, ("backup", f"Open its backup, {entry.backup.name} (left as is)"))
        choices.append(("cancel", "Cancel"))

        def chosen(choice: str | None) -> None:
            if choice == "backup":
                self._open_backup(entry)
            elif choice == "edit":
                self.edit_in_editor(entry.path)

        self.app.push_screen(
            ChoicePrompt(
                f"{entry.path.name} could not be loaded; it has not been changed.", choices
            ),
            chosen,
        )

    def action_open_backup(self) -> None:
        """Open the backup of the selected profile, which fails to load."""
        entry = self.selected()
        if entry is None or not entry.error:
            self.notify("The selected profile loads: enter opens it.", severity="warning")
        elif entry.backup is None:
            self.notify(
                "This profile has no backup that loads; e edits it in $EDITOR.", severity="warning"
            )
        else:
            self._open_backup(entry)

    def _open_backup(self, entry: ProfileEntry) -> None:
        assert entry.backup is not None
        self.sleep_app.open_profile(str(entry.backup))
        self.notify(
            f"Opening the backup {visible(entry.backup.name)}; {visible(entry.path.name)} is "
            "left as it is. Saving writes to the backup file; s saves it under a new name."
        )

    def action_edit(self) -> None:
        """Edit the selected profile's file in $EDITOR, then open it."""
        entry = self.selected()
        if entry is None:
            self.notify("No profile is selected.", severity="warning")
            return
        self.edit_in_editor(entry.path)

    def edit_in_editor(self, path: Path) -> None:
        """Run ``$VISUAL`` or ``$EDITOR`` on a profile file with the app set aside, then open it.

        The file is the editor's alone: sleepplan writes nothing to it, and opens it again
        afterwards (asking first if the open profile has unsaved changes).
        """
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor:
            self.notify(
                f"Set $EDITOR (or $VISUAL) to your editor, or edit {visible(str(path))} "
                "yourself and come back.",
                severity="warning",
                timeout=10,
            )
            return
        try:
            with self.app.suspend():
                subprocess.run([*shlex.split(editor), str(path)], check=False)
        except SuspendNotSupported:
            self.notify(
                f"This terminal cannot hand over to an editor: edit {visible(str(path))} in "
                "another window and come back.",
                severity="warning",
                timeout=10,
            )
            return
        except (OSError, ValueError) as error:  # no such editor, or an unreadable $EDITOR
            self.notify(
                f"The editor {visible(editor)} did not start: {visible(str(error))}",
                severity="error",
                timeout=10,
            )
            return
        self.scan()
        self.sleep_app.open_profile(str(path))

    def action_new(self) -> None:
        """Create a profile from a shipped example."""
        from sleepplan.store.bundled import example_profiles

        examples = example_profiles()

        def named(example: str | None) -> None:
            if not example:
                return

            def create(name: str | None) -> None:
                if name:
                    create_profile(self.sleep_app, name, examples[example])

            self.app.push_screen(
                TextPrompt("Name of the new profile:", example, name_problem), create
            )

        self.app.push_screen(
            ChoicePrompt("Start from which example?", [(key, key) for key in examples]), named
        )

    def action_export(self) -> None:
        """Export the open profile's data: choose what, then the file."""
        from sleepplan.tui.dialogs.data_files import ask_export

        ask_export(self.sleep_app)

    def action_import(self) -> None:
        """Import check-ins from a file into the open profile."""
        from sleepplan.tui.dialogs.data_files import ask_import

        ask_import(self.sleep_app)

    def action_import_tracker(self) -> None:
        """Import a sleep tracker's export into the open profile."""
        from sleepplan.tui.dialogs.tracker_import import ask_tracker_import

        ask_tracker_import(self.sleep_app)

    def action_save_as(self) -> None:
        """Save the open profile under a new name."""
        if self.workspace.profile is None:
            self.notify("No profile is open.", severity="warning")
            return

        def save(name: str | None) -> None:
            if name:
                save_as(self.sleep_app, name)

        self.app.push_screen(
            TextPrompt(
                "Save the open profile as:", f"{self.workspace.profile.name}-copy", name_problem
            ),
            save,
        )

    def action_duplicate(self) -> None:
        """Copy the selected profile file under a new name."""
        entry = self.selected()
        if entry is None or entry.error:
            self.notify("Select a profile that loads.", severity="warning")
            return

        def copy(name: str | None) -> None:
            if name:
                duplicate_profile(self.sleep_app, entry.path, name)

        self.app.push_screen(
            TextPrompt(
                f"Duplicate {visible(entry.path.stem)} as:", f"{entry.path.stem}-copy", name_problem
            ),
            copy,
        )
