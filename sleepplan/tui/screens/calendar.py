"""A month at a glance: each night's morning score, the nights with no check-in, summaries.

``[`` and ``]`` change the month; enter opens the night under the cursor (a night with no
check-in opens the morning form to fill it in). Beneath the month, each week's and the month's
nights logged, average score and what was taken most (``core.summaries``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.coordinate import Coordinate
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from sleepplan.core.errors import InputError
from sleepplan.core.summaries import Summary, month_grid, month_span, shift_month, summarise
from sleepplan.core.summaries import week_spans as weeks_of
from sleepplan.store import paths
from sleepplan.store.faults import MachineFault
from sleepplan.store.journal import Journal
from sleepplan.tui.plain import plain
from sleepplan.tui.screens.base import OfTheApp
from sleepplan.tui.screens.night import fill_in_night, last_night_over, open_night
from sleepplan.tui.widgets.key_footer import KeyFooter

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CELL_WIDTH = 6
"""A day's cell: its number and its score, ``23  78`` (seven of them fit 80 columns)."""
NAME_WIDTH = 18
"""How much of a compound's name a week's line shows."""


def day_cell(day: dt.date | None, record: dict[str, Any] | None, latest: dt.date) -> Text:
    """A day: its score, ``–`` for a night over with no check-in, nothing for one to come."""
    if day is None:
        return Text("")
    if record is not None:
        score = (record.get("scores") or {}).get("morning")
        shown = "?" if not isinstance(score, int | float) else f"{score:.0f}"
        return Text.assemble(f"{day.day:>2} ", (f"{shown:>3}", "bold"))
    if day <= latest:
        return Text(f"{day.day:>2}   –", style="dim")
    return Text(f"{day.day:>2}", style="dim italic")


class CalendarScreen(OfTheApp, Screen[None]):
    """A month of nights: scores, missed nights, weekly and monthly summaries."""

    CSS_PATH = "calendar.tcss"
    AUTO_FOCUS = "#calendar"

    BINDINGS = [
        Binding("escape", "close", "Back", id="calendar.back", tooltip="Back to where you were"),
        Binding(
            "left_square_bracket",
            "month(-1)",
            "Month before",
            id="calendar.previous",
            key_display="[",
            tooltip="Calendar: the month before",
        ),
        Binding(
            "right_square_bracket",
            "month(1)",
            "Month after",
            id="calendar.next",
            key_display="]",
            tooltip="Calendar: the month after",
        ),
    ]

    class Loaded(Message):
        """The profile's check-ins, by night."""

        def __init__(self, records: dict[dt.date, dict[str, Any]]) -> None:
            super().__init__()
            self.records = records

    def __init__(self, month: tuple[int, int] | None = None) -> None:
        """Open on ``month`` (year, month); default the month of the latest night over."""
        super().__init__()
        self.month = month
        self.records: dict[dt.date, dict[str, Any]] = {}
        self._grid: list[list[dt.date | None]] = []

    def compose(self) -> ComposeResult:
        """The month's title, its grid, then the weeks and the month summed up."""
        yield Header()
        with VerticalScroll(id="calendar-view"):
            yield Static("", id="calendar-title")
            yield DataTable(id="calendar", cursor_type="cell", show_cursor=True)
            yield Static("", id="calendar-weeks")
            yield Static("Reading your journal…", id="calendar-month")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Columns, the month, then the journal."""
        table = self.query_one("#calendar", DataTable)
        for name in WEEKDAYS:
            table.add_column(name, width=CELL_WIDTH, key=name)
        if self.month is None:
            latest = last_night_over(self.sleep_app)
            self.month = (latest.year, latest.month)
        self._draw()
        self.load()

    def on_screen_resume(self) -> None:
        """Read the journal again when a night opened from here closes."""
        if self.is_mounted and self.month is not None:
            self.load()

    @work(thread=True, exclusive=True, group="calendar")
    def load(self) -> None:
        """Read every check-in of the profile."""
        profile = self.workspace.profile
        if profile is None:
            return
        try:
            with Journal(paths.journal_path(self.workspace.home)) as journal:
                records = journal.records(profile.name)
        except (InputError, MachineFault) as error:
            self.notify(error.render(), title="Journal not read", severity="error", timeout=15)
            return
        by_night = {}
        for record in records:
            try:
                by_night[dt.date.fromisoformat(str(record["night"]))] = record
            except (KeyError, ValueError):
                continue  # a night that is no date is no day of a month
        self.post_message(self.Loaded(by_night))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.records = message.records
        self._draw(keep_cursor=True)

    def action_close(self) -> None:
        """Back to History (or wherever the calendar was opened)."""
        self.dismiss()

    def action_month(self, by: int) -> None:
        """Show the month before (``-1``) or after (``1``)."""
        assert self.month is not None
        self.month = shift_month(*self.month, by)
        self._draw()

    def _draw(self, keep_cursor: bool = False) -> None:
        assert self.month is not None
        year, month = self.month
        latest = last_night_over(self.sleep_app)
        table = self.query_one("#calendar", DataTable)
        cursor = table.cursor_coordinate
        table.clear()
        self._grid = month_grid(year, month)
        for index, week in enumerate(self._grid):
            table.add_row(
                *(day_cell(day, self.records.get(day) if day else None, latest) for day in week),
                key=str(index),
            )
        if keep_cursor and cursor.row < len(self._grid):
            table.cursor_coordinate = cursor
        else:
            table.cursor_coordinate = self._coordinate_of(latest) or self._first_day()
        first, _ = month_span(year, month)
        self.sub_title = f"Calendar · {first:%B %Y}"
        self.query_one("#calendar-title", Static).update(
            Content.assemble(
                (f"{first:%B %Y}", "bold"),
                "   – no check-in · [ ] another month · enter opens a night",
            )
        )
        self._summarise(year, month, latest)

    def _coordinate_of(self, night: dt.date) -> Coordinate | None:
        for row, week in enumerate(self._grid):
            if night in week:
                return Coordinate(row, week.index(night))
        return None

    def _first_day(self) -> Coordinate:
        week = self._grid[0]
        return Coordinate(0, next(i for i, day in enumerate(week) if day is not None))

    def _summarise(self, year: int, month: int, latest: dt.date) -> None:
        names = {compound.id: compound.name for compound in self.workspace.catalog}
        lines: list[str | Content | tuple[str, str]] = []
        for first, last in weeks_of(year, month):
            summary = summarise(self.records, first, last, latest)
            span = f"{first.day:>2}–{last.day:<2} " if last > first else f"{first.day:>2}    "
            if not summary.nights_over:
                lines += [(span, "bold"), ("not over yet\n", "dim")]
                continue
            lines += [(span, "bold"), _week_line(summary, names), "\n"]
        self.query_one("#calendar-weeks", Static).update(Content.assemble(*lines).rstrip())
        first, last = month_span(year, month)
        whole = summarise(self.records, first, last, latest)
        self.query_one("#calendar-month", Static).update(_month_text(whole, names))

    def selected_night(self) -> dt.date | None:
        """The night under the cursor (``None`` on a day of another month)."""
        coordinate = self.query_one("#calendar", DataTable).cursor_coordinate
        if coordinate.row >= len(self._grid):
            return None
        return self._grid[coordinate.row][coordinate.column]

    @on(DataTable.CellSelected, "#calendar")
    def _night_chosen(self) -> None:
        night = self.selected_night()
        if night is None:
            return
        if night in self.records:
            open_night(self.sleep_app, night)
        else:
            fill_in_night(self.sleep_app, night)


def _average(summary: Summary) -> str:
    return "–" if summary.average is None else f"{summary.average:.0f}"


def _week_line(summary: Summary, names: dict[str, str]) -> Content:
    most = ""
    if summary.most_taken:
        compound, nights = summary.most_taken[0]
        most = f" · most: {names.get(compound, compound)[:NAME_WIDTH]} ({nights})"
    return plain(
        f"{summary.nights_logged}/{summary.nights_over} nights · avg {_average(summary)}{most}"
    )


def _month_text(summary: Summary, names: dict[str, str]) -> Content:
    head = (
        f"{summary.first:%B}: {summary.nights_logged} of {summary.nights_over} nights logged"
        f" · average score {_average(summary)}"
    )
    if not summary.nights_over:
        head = f"{summary.first:%B %Y} is still to come."
    taken = ", ".join(
        f"{names.get(compound, compound)} ({nights})" for compound, nights in summary.most_taken
    )
    return Content.assemble(
        (head, "bold"),
        "\nTaken most: ",
        plain(taken or "nothing logged"),
    )
