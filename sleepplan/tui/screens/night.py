"""One past night: the whole check-in, and correcting, deleting or filling in a night.

Opened from History's nights (enter) and the calendar. A correction and a missed night use
the morning form itself (``CheckinScreen`` with a night); a delete is kept in the journal's
versions, so undo (``u`` in History, or the palette) restores it rather than asking to retype it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from sleepplan.core import timing
from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight, chosen_nights
from sleepplan.store import paths
from sleepplan.store.faults import MachineFault
from sleepplan.store.journal import Journal, StoredCheckin, StoredVersion
from sleepplan.tui.screens.base import OfTheApp
from sleepplan.tui.screens.checkin import CheckinScreen
from sleepplan.tui.widgets.checkin_score import score_panel
from sleepplan.tui.widgets.hypnogram import Hypnogram, tracker_summary
from sleepplan.tui.widgets.key_footer import KeyFooter
from sleepplan.tui.widgets.night_details import complete, night_details

if TYPE_CHECKING:
    from sleepplan.tui.app import SleepPlanApp


@runtime_checkable
class ReadsJournal(Protocol):
    """A screen that shows the journal's nights, and reads them again when asked."""

    def load(self) -> object:
        """Read the journal again."""
        ...


def last_night_over(app: SleepPlanApp) -> dt.date:
    """The latest night that is over, so can have a check-in: the night before tonight."""
    return app.workspace.night - dt.timedelta(days=1)


def missed_night_problem(text: str, latest: dt.date, logged: set[str]) -> str | None:
    """What is wrong with a night typed to fill in, or ``None``."""
    try:
        night = timing.parse_date(text)
    except ValueError as error:
        return str(error)
    if night > latest:
        return f"the night of {night} is not over yet: the latest you can fill in is {latest}"
    if night.isoformat() in logged:
        return f"the night of {night} has a check-in already: open it from the list to correct it"
    return None


def fill_in_night(app: SleepPlanApp, night: dt.date) -> None:
    """Open the morning form for a night with no check-in (a past one)."""
    if night > last_night_over(app):
        app.notify(f"The night of {night} is not over yet.", severity="warning")
        return
    app.push_screen(CheckinScreen(night=night))


def open_night(app: SleepPlanApp, night: dt.date) -> None:
    """Show a night's check-in."""
    app.push_screen(NightScreen(night))


def undo_delete_night(app: SleepPlanApp) -> None:
    """Restore the check-in deleted last, from the journal's versions."""
    if not app.deleted_nights:
        app.notify("Nothing to undo: no night was deleted.", severity="warning")
        return
    night, version = app.deleted_nights[-1]
    app.run_worker(
        lambda: _restore(app, night, version), thread=True, exclusive=True, group="night-undo"
    )


def _restore(app: SleepPlanApp, night: str, version: int) -> None:
    try:
        with Journal(paths.journal_path(app.workspace.home)) as journal:
            journal.restore(version)
    except KeyError:
        app.call_from_thread(_forget_deleted, app, version, "That night was restored already.")
        return
    except (InputError, MachineFault) as error:  # a check-in typed since stays as it is
        app.call_from_thread(app.notify, error.render(), title="Not restored", severity="error")
        return
    app.call_from_thread(_forget_deleted, app, version, f"Restored the night of {night}.")


def _forget_deleted(app: SleepPlanApp, version: int, said: str) -> None:
    app.deleted_nights[:] = [item for item in app.deleted_nights if item[1] != version]
    app.notify(said)
    screen = app.screen
    if isinstance(screen, ReadsJournal):
        screen.load()


class NightScreen(OfTheApp, Screen[None]):
    """One night's check-in, with its earlier versions counted; correct (c) or delete (d) it."""

    CSS_PATH = "night.tcss"

    BINDINGS = [
        Binding("escape", "close", "Back", id="night.back", tooltip="Back to where you were"),
        Binding(
            "c",
            "correct",
            "Correct",
            id="night.correct",
            tooltip="Correct this night's check-in (the journal keeps the previous version)",
        ),
        Binding(
            "d",
            "delete",
            "Delete",
            id="night.delete",
            tooltip="Delete this night's check-in (undo: u in History, or the palette)",
        ),
        Binding(
            "f",
            "fill_in",
            "Fill in",
            id="night.fill",
            tooltip="Fill in this night's check-in (a night with none)",
        ),
    ]

    class Loaded(Message):
        """The night's check-in (or ``None``), its earlier versions and the tracker's night."""

        def __init__(
            self,
            stored: StoredCheckin | None,
            versions: list[StoredVersion],
            tracker: ObjectiveNight | None = None,
            others: int = 0,
        ) -> None:
            super().__init__()
            self.stored = stored
            self.versions = versions
            self.tracker = tracker
            self.others = others

    class Deleted(Message):
        """The check-in was deleted; ``version`` restores it."""

        def __init__(self, version: int | None) -> None:
            super().__init__()
            self.version = version

    def __init__(self, night: dt.date) -> None:
        super().__init__()
        self.night = night
        self.stored: StoredCheckin | None = None

    def compose(self) -> ComposeResult:
        """The answers on the left, the score and its parts on the right."""
        yield Header()
        with Horizontal(id="night-view"):
            with VerticalScroll(id="night-answers"):
                yield Static(f"Reading the night of {self.night}…", id="night-details")
                yield Static("", id="night-tracker")
                yield Hypnogram(id="night-hypnogram")
            with VerticalScroll(id="night-score-pane"):
                yield Static("", id="night-score")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the night."""
        self.load()

    def on_screen_resume(self) -> None:
        """Read it again when a correction closes."""
        if self.is_mounted:
            self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Correct and delete need a check-in; fill in needs none."""
        if action in ("correct", "delete"):
            return self.stored is not None
        if action == "fill_in":
            return self.stored is None
        return True

    @work(thread=True, exclusive=True, group="night")
    def load(self) -> None:
        """Read the night's check-in and its earlier versions."""
        profile = self.workspace.profile
        if profile is None:
            return
        try:
            with Journal(paths.journal_path(self.workspace.home)) as journal:
                stored = journal.get(profile.name, self.night.isoformat())
                versions = journal.versions(profile.name, self.night.isoformat())
                objective = journal.objective_nights(profile.name)
        except (InputError, MachineFault) as error:
            self.notify(error.render(), title="Journal not read", severity="error", timeout=15)
            return
        recorded = [night for night in objective if night.night == self.night]
        tracker = chosen_nights(recorded, profile.tracker_priority).get(self.night)
        others = len(recorded) - (tracker is not None)
        self.post_message(self.Loaded(stored, versions, tracker, others))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.stored = message.stored
        self.refresh_bindings()
        details = self.query_one("#night-details", Static)
        score = self.query_one("#night-score", Static)
        self.query_one("#night-tracker", Static).update(
            tracker_summary(message.tracker, message.others)
        )
        self.query_one("#night-hypnogram", Hypnogram).night = message.tracker
        if message.stored is None:
            details.update(
                Content.assemble(
                    (f"Night of {self.night:%A %d %B %Y}\n\n", "bold"),
                    "No check-in for this night. f fills it in with the morning form.",
                )
            )
            score.update("")
            return
        names = {compound.id: compound.name for compound in self.workspace.catalog}
        details.update(night_details(self.night, message.stored, message.versions, names))
        score.update(score_panel(complete(message.stored.record), [], saved=True))

    def action_close(self) -> None:
        """Back to History or the calendar."""
        self.dismiss()

    def action_correct(self) -> None:
        """Correct the check-in in the morning form, prefilled with its answers."""
        if self.stored is not None:
            self.app.push_screen(CheckinScreen(night=self.night, record=self.stored.record))

    def action_fill_in(self) -> None:
        """Fill in a night with no check-in."""
        fill_in_night(self.sleep_app, self.night)

    @work(thread=True, exclusive=True, group="night")
    def action_delete(self) -> None:
        """Delete the check-in; the journal keeps it, so undo restores it."""
        profile = self.workspace.profile
        if profile is None:
            return
        try:
            with Journal(paths.journal_path(self.workspace.home)) as journal:
                version = journal.delete(
                    profile.name, self.night.isoformat(), self.workspace.now.isoformat()
                )
        except (InputError, MachineFault) as error:
            self.notify(error.render(), title="Not deleted", severity="error", timeout=15)
            return
        self.post_message(self.Deleted(version))

    @on(Deleted)
    def _deleted(self, message: Deleted) -> None:
        if message.version is not None:
            self.sleep_app.deleted_nights.append((self.night.isoformat(), message.version))
            self.notify(
                f"Deleted the check-in for the night of {self.night}. "
                "Press u in History (or 'Undo delete night' in the palette) to restore it.",
                timeout=20,
            )
        self.dismiss()
