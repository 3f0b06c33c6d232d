"""A month at a glance: the summaries (pure) and the calendar screen at 80x24."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, Static

from sleepplan.core.summaries import month_grid, shift_month, summarise, week_spans
from sleepplan.tui.screens.calendar import CalendarScreen
from sleepplan.tui.screens.checkin import CheckinScreen
from sleepplan.tui.screens.night import NightScreen
from tests.test_past_nights import MISSED, TUESDAY, seed
from tests.tui_helpers import make_app, settle

SIZE = (80, 24)


def night(day: int, score: float | None, *compounds: str) -> dict[str, Any]:
    return {
        "night": f"2026-11-{day:02d}",
        "scores": {"morning": score},
        "taken": [{"compound": c, "amount_mg": 1.0, "at": None} for c in compounds],
    }


RECORDS = {
    dt.date(2026, 11, day): record
    for day, record in (
        (2, night(2, 60.0, "melatonin", "melatonin", "glycine")),  # one night, twice taken
        (3, night(3, 80.0, "glycine")),
        (4, night(4, None, "magnesium")),
        (10, night(10, 70.0, "melatonin")),
    )
}


def test_a_week_counts_nights_logged_their_average_and_what_was_taken_most() -> None:
    week = summarise(RECORDS, dt.date(2026, 11, 2), dt.date(2026, 11, 8), dt.date(2026, 11, 22))
    assert week.nights_logged == 3 and week.nights_over == 7
    assert week.average == 70.0  # the night with no score is logged but not averaged
    assert week.most_taken == (("glycine", 2), ("magnesium", 1), ("melatonin", 1))


def test_nights_still_to_come_are_not_counted_as_missed() -> None:
    month = summarise(
        RECORDS, dt.date(2026, 11, 1), dt.date(2026, 11, 30), latest=dt.date(2026, 11, 22)
    )
    assert month.nights_logged == 4 and month.nights_over == 22
    future = summarise({}, dt.date(2026, 12, 1), dt.date(2026, 12, 31), dt.date(2026, 11, 22))
    assert future.nights_over == 0 and future.average is None and future.most_taken == ()


def test_the_month_grid_starts_on_monday_and_weeks_stay_in_the_month() -> None:
    grid = month_grid(2026, 11)  # 1 November 2026 is a Sunday
    assert grid[0] == [None] * 6 + [dt.date(2026, 11, 1)]
    assert grid[-1][0] == dt.date(2026, 11, 30) and grid[-1][1:] == [None] * 6
    spans = week_spans(2026, 11)
    assert spans[0] == (dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    assert spans[1] == (dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    assert spans[-1] == (dt.date(2026, 11, 30), dt.date(2026, 11, 30))


def test_months_shift_across_years_and_stop_at_the_nights_sleepplan_plans() -> None:
    assert shift_month(2026, 12, 1) == (2027, 1)
    assert shift_month(2026, 1, -1) == (2025, 12)
    assert shift_month(2, 1, -1) == (2, 1)
    assert shift_month(9998, 12, 1) == (9998, 12)


def cell_text(table: DataTable[Any], day: dt.date, grid: list[list[dt.date | None]]) -> str:
    row = next(i for i, week in enumerate(grid) if day in week)
    return str(table.get_cell_at(Coordinate(row, grid[row].index(day))))


def current(app: Any) -> object:
    """The screen shown now (not narrowed by an earlier assertion)."""
    return app.screen


async def open_calendar(pilot: Any) -> CalendarScreen:
    await settle(pilot)
    await pilot.press("h")
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CalendarScreen)
    return screen


async def test_the_calendar_shows_each_nights_score_and_the_missed_ones(home: Path) -> None:
    seed(home)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(pilot)
        table = screen.query_one("#calendar", DataTable)
        grid = month_grid(2026, 11)
        score = screen.records[dt.date(2026, 11, 17)]["scores"]["morning"]
        assert cell_text(table, dt.date(2026, 11, 17), grid) == f"17 {score:>3.0f}"
        assert cell_text(table, dt.date(2026, 11, 19), grid) == "19   –"  # missed
        assert cell_text(table, dt.date(2026, 11, 9), grid) == " 9   –"
        assert cell_text(table, dt.date(2026, 11, 23), grid) == "23"  # tonight: still to come
        assert screen.selected_night() == dt.date(2026, 11, 22)  # the latest night over
        assert "November 2026" in str(screen.query_one("#calendar-title", Static).render())
        weeks = str(screen.query_one("#calendar-weeks", Static).render())
        assert f"16–22 6/7 nights · avg {score:.0f} · most: Melatonin (6)" in weeks
        assert "\n30    not over yet" in weeks and " 1    0/1 nights · avg –" in weeks
        month = str(screen.query_one("#calendar-month", Static).render())
        assert "November: 12 of 22 nights logged" in month
        assert "Taken most: Melatonin (12)" in month
        # everything fits the 80x24 screen: the table and both summaries are in view
        for part in ("#calendar", "#calendar-weeks", "#calendar-month"):
            region = screen.query_one(part).region
            assert region.bottom <= 23 and region.right <= 80, part


async def test_the_calendar_changes_month_with_keys_and_opens_nights(home: Path) -> None:
    seed(home)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(pilot)
        table = screen.query_one("#calendar", DataTable)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "October 2026" in str(screen.query_one("#calendar-title", Static).render())
        assert "October: 0 of 31 nights logged" in str(
            screen.query_one("#calendar-month", Static).render()
        )
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert "December 2026 is still to come" in str(
            screen.query_one("#calendar-month", Static).render()
        )
        await pilot.press("left_square_bracket")
        await settle(pilot)
        grid = month_grid(2026, 11)
        tuesday = dt.date.fromisoformat(TUESDAY)
        row = next(i for i, week in enumerate(grid) if tuesday in week)
        table.cursor_coordinate = table.cursor_coordinate._replace(
            row=row, column=grid[row].index(tuesday)
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NightScreen) and app.screen.night == tuesday
        await pilot.press("escape")
        await settle(pilot)
        missed = dt.date.fromisoformat(MISSED)
        table.cursor_coordinate = table.cursor_coordinate._replace(column=grid[row].index(missed))
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CheckinScreen)
        assert form.query_one("#night", Input).value == MISSED
        await pilot.press("escape")  # nothing typed: straight back
        await settle(pilot)
        assert current(app) is screen
        await pilot.press("down")  # the 26th: not over yet
        assert screen.selected_night() == dt.date(2026, 11, 26)
        await pilot.press("enter")
        await settle(pilot)
        assert current(app) is screen


async def test_the_calendar_is_in_the_command_palette(home: Path) -> None:
    seed(home)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Calendar: a month")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CalendarScreen)
