"""The quick daytime entry (design §16): "a coffee at 15:00", logged for tonight or every day.

A quick entry is kept in the journal for tonight only (``Journal.log_day``); with "every day"
the dose becomes a ``[[day]]`` item of the profile instead, saved with it like any other edit.
Every field is checked as it is typed, and a refused entry says why in the dialog. The list
below holds tonight's daytime doses with their level at bedtime; delete removes one.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from sleepplan.core import timing
from sleepplan.core.day import DayEntry
from sleepplan.core.errors import InputError
from sleepplan.core.profile import DayItem
from sleepplan.store.faults import MachineFault
from sleepplan.tui.dialogs.day_entry_reading import DayForm, field_notes, read_day_form, row_text
from sleepplan.tui.plain import plain, plain_lines
from sleepplan.tui.screens.base import OfTheApp

if TYPE_CHECKING:
    from sleepplan.store.journal import LoggedDay
    from sleepplan.tui.app import SleepPlanApp
    from sleepplan.tui.workspace import DayLogKey, DayRow

PRESELECTED = "caffeine"
"""The compound the dialog starts with, when the catalog has it: the day's usual dose."""
FIELDS = ("compound", "amount", "time")
EVERY_DAY_HINT = "Every day (a [[day]] item of the profile; ctrl+s saves)"
KEYS_HINT = "Enter logs · Escape closes"


class DayEntryDialog(OfTheApp, ModalScreen[None]):
    """Log a daytime dose for tonight (or every day), and see or remove tonight's."""

    DEFAULT_CSS = """
    #day-entry .day-row {
        height: auto;
    }
    #day-entry .day-label {
        width: 10;
        color: $text-muted;
    }
    #day-entry .day-field {
        width: 1fr;
        height: auto;
    }
    #day-entry .day-field > Static {
        height: auto;
        color: $text-muted;
    }
    #day-entry .day-field > Static.error {
        color: $error;
    }
    #day-entry #day-actions {
        height: auto;
        margin: 1 0 0 0;
    }
    #day-entry #day-actions > Label {
        width: 1fr;
        margin: 0 0 0 2;
    }
    #day-entries {
        height: auto;
        max-height: 4;
        border: none;
        padding: 0;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Close the quick entry"),
        Binding(
            "delete", "remove", "Remove", tooltip="Remove the highlighted entry from tonight's"
        ),
    ]

    def compose(self) -> ComposeResult:
        """The fields, each with a line under it, the switch, and tonight's entries."""
        workspace = self.workspace
        catalog = workspace.catalog
        start = catalog.get(PRESELECTED) if PRESELECTED in catalog else None
        names = sorted((compound.name for compound in catalog), key=str.casefold)
        now = timing.in_zone(workspace.now, workspace.zone)
        amount = f"1 {next(iter(start.units))}" if start is not None and start.units else ""
        with Vertical(classes="dialog", id="day-entry"):
            yield Label(self._title(), classes="dialog-question")
            yield from self._row(
                "Compound",
                "compound",
                Input(
                    start.name if start else "",
                    placeholder="a name from the catalog (caffeine)",
                    suggester=SuggestFromList(names, case_sensitive=False),
                    id="day-compound",
                    compact=True,
                ),
            )
            amount_input = Input(amount, placeholder="1 cup, 95 mg", id="day-amount", compact=True)
            yield from self._row("Amount", "amount", amount_input)
            clock = Input(
                timing.format_clock(now.time()), placeholder="HH:MM", id="day-time", compact=True
            )
            yield from self._row("Time", "time", clock)
            yield Checkbox(Content(EVERY_DAY_HINT), id="day-every", compact=True)
            with Horizontal(id="day-actions"):
                yield Button("Log", id="day-log", variant="primary", compact=True)
                yield Label(KEYS_HINT, classes="hint", markup=False)
            yield Label(
                "Tonight's daytime doses (delete removes the highlighted one)",
                id="day-entries-title",
                markup=False,
            )
            yield OptionList(id="day-entries")

    @staticmethod
    def _row(label: str, key: str, field: Input) -> ComposeResult:
        with Horizontal(classes="day-row"):
            yield Static(label, classes="day-label")
            with Vertical(classes="day-field"):
                yield field
                yield Static("", id=f"day-{key}-note")

    def _title(self) -> Content:
        workspace = self.workspace
        try:
            bedtime, _ = workspace.tonight_bounds()
        except InputError:
            return Content("Log a daytime dose")
        return Content.assemble(
            ("Log a daytime dose", "bold"),
            f" — night of {workspace.night:%a %d %b}, bedtime {bedtime:%H:%M}",
        )

    def on_mount(self) -> None:
        """Start in the amount (the compound is usually caffeine); show the entries."""
        self._check()
        self.show_entries()
        first = "day-amount" if self.query_one("#day-compound", Input).value else "day-compound"
        self.query_one(f"#{first}", Input).focus()

    # -- reading and checking the fields ---------------------------------------------------

    def _text(self, key: str) -> str:
        return self.query_one(f"#day-{key}", Input).value

    @property
    def every_day(self) -> bool:
        """Whether the dose goes into the profile's every-day items."""
        return self.query_one("#day-every", Checkbox).value

    def read(self) -> DayForm:
        """The fields as a dose, or what is wrong with each."""
        return read_day_form(
            self.workspace,
            self._text("compound"),
            self._text("amount"),
            self._text("time"),
            self.every_day,
        )

    def _check(self) -> DayForm:
        """Show each field's conversion or problem; the form as read."""
        form = self.read()
        refused = dict(form.problems)
        for key, note in field_notes(form).items():
            line = self.query_one(f"#day-{key}-note", Static)
            line.update(plain_lines(note))
            line.set_class(key in refused, "error")
            line.display = bool(note)
        return form

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self._check()

    # -- logging -----------------------------------------------------------------------------

    @on(Input.Submitted)
    @on(Button.Pressed, "#day-log")
    def _submitted(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        self.log_dose()

    def log_dose(self) -> None:
        """Log the dose (or add it to every day), or show why not and go to that field."""
        form = self._check()
        if form.problems:
            self.query_one(f"#day-{form.problems[0][0]}", Input).focus()
            return
        assert form.compound is not None and form.at is not None and form.clock is not None
        if self.every_day:
            self._add_every_day(form)
            return
        entry = DayEntry(form.compound.id, form.amount_mg, form.at, form.amount_text, logged=True)
        app, workspace = self.sleep_app, self.workspace

        def write() -> None:
            try:
                key, entries, entry_id = workspace.log_day(entry)
            except (InputError, MachineFault) as error:
                app.call_from_thread(self._failed, app, "Not logged", error.render())
                return
            app.call_from_thread(self._kept, app, key, entries, f"log:{entry_id}", "Logged")

        self.run_worker(write, thread=True, exclusive=True, group="day-log")
        self.query_one("#day-amount", Input).focus()  # ready for the next one

    def _add_every_day(self, form: DayForm) -> None:
        workspace = self.workspace
        profile = workspace.profile
        assert profile is not None and form.compound is not None and form.clock is not None
        assert form.amount is not None
        data: dict[str, Any] = {"compound": form.compound.id, "at": form.clock, **form.amount}
        from sleepplan.core.validation import validate

        try:
            item = validate(DayItem, data, "day entry")
        except InputError as error:
            self._failed(self.sleep_app, "Not added", error.render())
            return
        self.sleep_app.change_profile(replace(profile, day=(*profile.day, item)))
        self.show_entries(f"item:{len(profile.day)}")
        self.query_one("#day-amount", Input).focus()
        self.notify(
            f"Every day: {form.compound.name} {form.amount_text} at "
            f"{timing.format_clock(form.clock)} — ctrl+s saves the profile"
        )

    def _kept(
        self,
        app: SleepPlanApp,
        key: DayLogKey,
        entries: list[LoggedDay],
        selected: str,
        done: str,
    ) -> None:
        """The journal holds tonight's entries as ``entries`` now: show them everywhere.

        The app is passed in: the dialog may have been closed while the journal was written.
        """
        app.workspace.keep_day_log(key, entries)
        app.bump()
        said = done
        if self.is_attached:
            rows = self.show_entries(selected or None)
            row = next((row for row in rows if row.key == selected), None)
            said = f"{done}: {row_text(row)}" if row is not None else done
        app.notify(said)

    def _failed(self, app: SleepPlanApp, title: str, message: str) -> None:
        """A refused write: the reason under the fields, and as a toast."""
        if self.is_attached:
            line = self.query_one("#day-time-note", Static)
            line.update(plain_lines(message))
            line.add_class("error")
            line.display = True
        app.notify(message, title=title, severity="error", timeout=12)

    # -- tonight's entries -----------------------------------------------------------------

    def show_entries(self, selected: str | None = None) -> list[DayRow]:
        """List tonight's daytime doses; the cursor on ``selected`` (a row's key) if given."""
        entries = self.query_one("#day-entries", OptionList)
        highlighted = entries.highlighted_option
        keep = selected or (highlighted.id if highlighted is not None else None)
        rows = self.workspace.day_rows()
        entries.clear_options()
        if not rows:
            entries.add_option(Option(Content.styled("None yet tonight", "italic"), disabled=True))
            return rows
        entries.add_options([Option(plain(row_text(row)), id=row.key) for row in rows])
        keys = [row.key for row in rows]
        entries.highlighted = keys.index(keep) if keep in keys else 0
        return rows

    def action_remove(self) -> None:
        """Remove the highlighted entry: from the journal, or from the profile's every day."""
        entries = self.query_one("#day-entries", OptionList)
        if self.focused is not entries:
            raise SkipAction()
        option = entries.highlighted_option
        if option is None or not option.id:
            return
        kind, _, number = option.id.partition(":")
        if kind == "item":
            self._remove_every_day(int(number))
            return
        app, workspace = self.sleep_app, self.workspace
        removed_text = str(option.prompt) if isinstance(option.prompt, Content) else ""

        def write() -> None:
            try:
                key, rest, removed = workspace.unlog_day(int(number))
            except (InputError, MachineFault) as error:
                app.call_from_thread(self._failed, app, "Not removed", error.render())
                return
            said = "Removed already" if removed is None else f"Removed {removed_text}"
            app.call_from_thread(self._kept, app, key, rest, "", said)

        self.run_worker(write, thread=True, exclusive=True, group="day-log")

    def _remove_every_day(self, index: int) -> None:
        profile = self.workspace.profile
        if profile is None or index >= len(profile.day):
            return
        item = profile.day[index]
        self.sleep_app.change_profile(
            replace(profile, day=profile.day[:index] + profile.day[index + 1 :])
        )
        self.show_entries()
        self.notify(f"Removed {item.compound} from every day — ctrl+s saves the profile")

    def action_close(self) -> None:
        """Close the quick entry."""
        self.dismiss(None)


def ask_day_entry(app: SleepPlanApp) -> None:
    """Open the quick entry (from Tonight's key or the palette)."""
    if app.workspace.profile is None:
        app.notify("No profile is open: a daytime dose needs one.", severity="warning")
        return
    app.push_screen(DayEntryDialog())
