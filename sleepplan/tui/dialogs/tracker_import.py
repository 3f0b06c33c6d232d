"""Import a sleep tracker's export from the app: a file prompt, the reading, then a dry run.

The file is read in a worker thread (a progress bar shows once it takes more than a second);
then the dialog says what it found, per source, and what it skipped and why. Nothing is
written until the user chooses Import; then the nights go to the journal in one transaction
(``Journal.save_objective``) and a toast gives the counts. A mistake in the file is shown as
``sleepplan tracker import`` shows it; a refusal of the machine as such, naming the path.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, ProgressBar, Static
from textual.worker import get_current_worker

from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight, Skipped
from sleepplan.core.visible import visible
from sleepplan.store import paths
from sleepplan.store.faults import MachineFault
from sleepplan.tui.dialogs.data_files import ask_import_file, machine_fault
from sleepplan.tui.plain import plain
from sleepplan.tui.screens.base import OfTheApp
from sleepplan.tui.widgets.hypnogram import source_name

if TYPE_CHECKING:
    from sleepplan.store.journal import ObjectiveImport
    from sleepplan.tui.app import SleepPlanApp

TRACKER_HINT = (
    "Apple Health export.zip or export.xml, Fitbit, Oura, Garmin, Withings, Sleep as Android "
    "or WHOOP; ~ is your home folder"
)
SHOW_PROGRESS_AFTER = 1.0
"""Seconds of reading before the progress bar shows: a small file needs none."""
SKIPPED_SHOWN = 6
"""Skipped records listed by name; the rest are counted."""


class _Cancelled(Exception):
    """The user closed the dialog while the file was being read."""


def ask_tracker_import(app: SleepPlanApp) -> None:
    """Ask which tracker export to import into the open profile, then read it."""
    ask_import_file(
        app,
        f"Import a sleep tracker's export from which file? ({TRACKER_HINT})",
        lambda path: app.push_screen(TrackerImportDialog(path)),
    )


def found_summary(nights: Sequence[ObjectiveNight], skipped: Sequence[Skipped]) -> list[str]:
    """What a read found, one line each: nights (and naps) per source and device, then skips.

    Device names and skipped records come from the file: callers show them literally.
    """
    groups: dict[tuple[str, str], list[ObjectiveNight]] = defaultdict(list)
    for night in nights:
        groups[(night.source, night.device or "")].append(night)
    lines = []
    for (source, device), group in sorted(groups.items()):
        main = [night for night in group if not night.nap]
        naps = len(group) - len(main)
        first, last = min(n.night for n in group), max(n.night for n in group)
        counts = [f"{len(main)} night{'' if len(main) == 1 else 's'}"] if main else []
        counts += [f"{naps} nap{'' if naps == 1 else 's'}"] if naps else []
        counted = " and ".join(counts)
        shown_device = f" ({device})" if device else ""
        lines.append(f"{source_name(source)}{shown_device}: {counted}, {first} to {last}")
    if not nights:
        lines.append("No nights found: there is nothing to import.")
    if skipped:
        lines.append(f"Skipped {len(skipped)} record{'' if len(skipped) == 1 else 's'}:")
        lines += [f"  {item.record}: {item.reason}" for item in skipped[:SKIPPED_SHOWN]]
        if len(skipped) > SKIPPED_SHOWN:
            lines.append(f"  … and {len(skipped) - SKIPPED_SHOWN} more")
    return lines


def saved_message(path: Path, result: ObjectiveImport, skipped: int) -> str:
    """The toast after saving: how many nights were new, corrected or there already."""
    parts = [f"{result.added} new"]
    if result.replaced:
        parts.append(f"{result.replaced} corrected")
    if result.unchanged:
        parts.append(f"{result.unchanged} already imported")
    left_out = f"; {skipped} skipped" if skipped else ""
    return f"Imported tracker nights from {visible(path.name)}: {', '.join(parts)}{left_out}"


class TrackerImportDialog(OfTheApp, ModalScreen[None]):
    """Reads a tracker export, shows what it found, and saves it only when asked."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without importing")]
    DEFAULT_CSS = """
    TrackerImportDialog #tracker-found { height: auto; max-height: 12; }
    TrackerImportDialog #tracker-progress { margin: 0 0 1 0; }
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.nights: list[ObjectiveNight] = []
        self.skipped: list[Skipped] = []
        self.read_done = False
        self._shown_progress = -1

    def compose(self) -> ComposeResult:
        """The file's name, the progress bar (hidden at first), what was found, the choice."""
        with Vertical(classes="dialog"):
            yield Label(plain(f"Reading {self.path.name}…"), classes="dialog-question")
            yield ProgressBar(id="tracker-progress", show_eta=False)
            with VerticalScroll(id="tracker-found"):
                yield Static("", id="tracker-summary")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Import", id="import", variant="primary", disabled=True)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Read the file; show the progress bar if that takes more than a second."""
        self.query_one("#tracker-progress", ProgressBar).display = False
        self.set_timer(SHOW_PROGRESS_AFTER, self._reading_slowly)
        self.read()

    def _reading_slowly(self) -> None:
        if self.read_done:
            return
        self.query_one("#tracker-progress", ProgressBar).display = True

    def progressed(self, done: int, total: int) -> None:
        """Move the bar (on the UI thread)."""
        self.query_one("#tracker-progress", ProgressBar).update(total=total, progress=done)

    @work(thread=True, exclusive=True, group="tracker-import")
    def read(self) -> None:
        """In a worker: every night and skipped record of the file; nothing is written."""
        from sleepplan.store.trackers import read_export

        worker = get_current_worker()
        zone, profile = self.workspace.zone, self.workspace.profile
        # Apple Health's recorders, most trusted first: "source:device" entries of the profile
        priority = profile.tracker_priority if profile is not None else ()
        devices = [entry.partition(":")[2] for entry in priority if ":" in entry]

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Cancelled
            shown = done * 200 // total if total else 0  # the bar moves by half a percent
            if shown != self._shown_progress:
                self._shown_progress = shown
                self.app.call_from_thread(self.progressed, done, total)

        nights: list[ObjectiveNight] = []
        skipped: list[Skipped] = []
        try:
            for item in read_export(self.path, zone, None, progress, devices):
                if worker.is_cancelled:
                    return
                if isinstance(item, ObjectiveNight):
                    nights.append(item)
                else:
                    skipped.append(item)
        except _Cancelled:
            return
        except InputError as error:
            self.app.call_from_thread(self._failed, "Not imported", error.render())
            return
        except (MachineFault, OSError) as error:
            fault = error if isinstance(error, MachineFault) else machine_fault(error, self.path)
            self.app.call_from_thread(
                self._failed, "Not imported: the machine refused", fault.render()
            )
            return
        self.app.call_from_thread(self._found, nights, skipped)

    def _found(self, nights: list[ObjectiveNight], skipped: list[Skipped]) -> None:
        self.nights, self.skipped, self.read_done = nights, skipped, True
        self.query_one("#tracker-progress", ProgressBar).display = False
        question = f"Found in {self.path.name}:"
        self.query_one(".dialog-question", Label).update(plain(question))
        lines = [plain(line) for line in found_summary(nights, skipped)]
        if nights:
            lines.append(Content.styled("\nNothing is saved until you choose Import.", "italic"))
        self.query_one("#tracker-summary", Static).update(Content("\n").join(lines))
        button = self.query_one("#import", Button)
        button.disabled = not nights
        (button if nights else self.query_one("#cancel", Button)).focus()

    def _failed(self, title: str, message: str) -> None:
        self.app.notify(message, title=title, severity="error", timeout=15)
        self.dismiss()

    @on(Button.Pressed, "#import")
    def _import_pressed(self) -> None:
        self.query_one("#import", Button).disabled = True
        self.save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        """Close: stop reading, write nothing."""
        self.workers.cancel_group(self, "tracker-import")  # stops at its next progress report
        self.app.notify("Nothing imported.")
        self.dismiss()

    @work(thread=True, exclusive=True, group="tracker-save")
    def save(self) -> None:
        """In a worker: store the nights read, in one transaction."""
        from sleepplan.store.journal import Journal

        app, workspace = self.sleep_app, self.workspace
        if workspace.profile is None:
            return
        try:
            with Journal(paths.journal_path(workspace.home)) as journal:
                result = journal.save_objective(
                    workspace.profile.name, self.nights, workspace.now.isoformat()
                )
        except InputError as error:
            app.call_from_thread(self._failed, "Not imported", error.render())
            return
        except (MachineFault, OSError) as error:
            fault = error if isinstance(error, MachineFault) else machine_fault(error, self.path)
            app.call_from_thread(self._failed, "Not imported: the machine refused", fault.render())
            return
        app.call_from_thread(self._saved, saved_message(self.path, result, len(self.skipped)))

    def _saved(self, message: str) -> None:
        self.app.notify(message, timeout=10)
        self.sleep_app.bump()  # History and the night view read the journal again
        self.dismiss()
