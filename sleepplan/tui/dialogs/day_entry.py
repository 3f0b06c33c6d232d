"""The quick daytime entry (design §16): "a coffee at 15:00", logged for tonight or every day.

A quick entry is kept in the journal for tonight only (``Journal.log_day``); with "every day"
the dose becomes a ``[[day]]`` item of the profile instead, saved with it like any other edit.
Every field is checked as it is typed, and a refused entry says why in the dialog. The list
below holds tonight's daytime doses with their level at bedtime; delete removes one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
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
from sleepplan.core.catalog import Compound
from sleepplan.core.day import DayEntry, day_problem, morning_of, on_the_day, parse_amount_text
from sleepplan.core.errors import InputError
from sleepplan.core.profile import DayItem
from sleepplan.store.faults import MachineFault
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
NO_COMPOUND = "type a compound's name (→ takes the suggestion)"


@dataclass(frozen=True, slots=True)
class DayForm:
    """What the fields hold, read: a dose ready to log, or each field's problem."""

    compound: Compound | None = None
    amount_mg: float = 0.0
    amount_text: str = ""
    amount: dict[str, Any] | None = None
    """The amount as a ``[[day]]`` item holds it: ``amount`` and ``unit``, or ``amount_mg``."""
    at: dt.datetime | None = None
    clock: dt.time | None = None
    problems: tuple[tuple[str, str], ...] = ()
    """(field, message) for every field that is refused."""


def split_unit(compound: Compound, text: str) -> tuple[float, str] | None:
    """The number and the compound's own unit typed ("2 cups" → (2, "cup")); else ``None``.

    ``None`` means mg, g or mcg (kept as ``amount_mg``) or not an amount at all (refused by
    ``parse_amount_text`` first).
    """
    number, _, unit = text.strip().partition(" ")
    if not unit:  # "2cups"
        split = next((i for i, ch in enumerate(text) if ch.isalpha()), len(text))
        number, unit = text[:split], text[split:]
    name = unit.strip().casefold().replace(" ", "_")
    if name not in compound.units and name.endswith("s"):
        name = name[:-1]
    if name not in compound.units:
        return None
    try:
        return float(number), name
    except ValueError:
        return None


def record_problem(data: dict[str, Any]) -> str | None:
    """What the profile loader says about a ``[[day]]`` item, or ``None`` (bounds: no 5 kg)."""
    from sleepplan.core.validation import validate  # pydantic: only once an entry is checked

    try:
        validate(DayItem, data, "day entry")
    except InputError as error:
        return "; ".join(f"{place}: {message}" for place, message in error.problems)
    return None


def row_text(row: DayRow) -> str:
    """One of tonight's daytime doses in the list."""
    entry = row.entry
    name = row.dose.compound.name if row.dose is not None else entry.compound
    text = f"{timing.format_clock(entry.at.time())} {name} {entry.amount_text}"
    if row.problem is not None:
        text += f" · not counted: {row.problem}"
    elif row.dose is not None:
        level = row.dose.level_text
        text += f" → {level} at bedtime" if level != "unknown" else " → level unknown"
    return text + (" · every day" if row.every_day else "")


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
        workspace = self.workspace
        problems: list[tuple[str, str]] = []
        typed = self._text("compound").strip()
        compound = workspace.catalog.find(typed) if typed else None
        if compound is None:
            problems.append(
                ("compound", workspace.catalog.unknown_message(typed) if typed else NO_COMPOUND)
            )
        mg, words = 0.0, ""
        amount: dict[str, Any] | None = None
        if compound is not None:
            try:
                mg, words = parse_amount_text(compound, self._text("amount"))
            except ValueError as error:
                problems.append(("amount", str(error)))
            else:
                own_unit = split_unit(compound, self._text("amount"))
                amount = (
                    {"amount_mg": mg}
                    if own_unit is None
                    else {"amount": own_unit[0], "unit": own_unit[1]}
                )
                # the profile's bounds for every entry, quick or every day: no 5000 cups
                problem = record_problem({"compound": compound.id, **amount})
                if problem:
                    problems.append(("amount", problem))
        clock: dt.time | None = None
        at: dt.datetime | None = None
        try:
            clock = timing.parse_clock(self._text("time").strip())
        except ValueError as error:
            problems.append(("time", str(error)))
        else:
            at, problem = self._place(clock)
            if problem:
                problems.append(("time", problem))
        return DayForm(compound, mg, words, amount, at, clock, tuple(problems))

    def _place(self, clock: dt.time) -> tuple[dt.datetime, str | None]:
        """The instant a clock time means on tonight's day, and why it cannot be, if not.

        An every-day item is checked against the usual bedtime, a quick entry against
        tonight's (which ``j`` may have changed).
        """
        workspace = self.workspace
        profile = workspace.profile if self.every_day else workspace.tonight_profile()
        assert profile is not None  # the dialog opens only with a profile
        zone = workspace.zone
        bedtime, _ = timing.night_bounds(workspace.night, profile.bedtime, profile.wake, zone)
        morning = morning_of(bedtime, profile.wake, zone)
        at = on_the_day(clock, morning, zone)
        return at, day_problem(at, morning, bedtime)

    def _check(self) -> DayForm:
        """Show each field's conversion or problem; the form as read."""
        form = self.read()
        refused = dict(form.problems)
        compound = form.compound
        units = ""
        if compound is not None:
            # the units' names only: the amount's line gives the one typed in mg
            names = ", ".join(name.replace("_", " ") for name in compound.units)
            units = f"units: {names}, mg, g" if names else "units: mg, g"
        notes = {
            "compound": refused.get("compound", units),
            "amount": refused.get("amount", form.amount_text),
            "time": refused.get("time", ""),
        }
        for key, note in notes.items():
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
