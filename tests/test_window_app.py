"""The sleep window in the app: Tonight's line, the palette's dialog, History's weekly steps."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Button, Static

from sleepplan.core import timing
from sleepplan.core.chart_scale import in_bed_axis, in_bed_label, window_chart
from sleepplan.core.profile import parse_profile
from sleepplan.core.sleep_window import Decision, WeekStep, first_night, summary_line
from sleepplan.store.bundled import bundled_catalog
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ensure_home
from sleepplan.tui.dialogs.sleep_window import SleepWindowDialog
from sleepplan.tui.widgets.window_chart import WindowChart, measured_weeks
from sleepplan.tui.widgets.window_line import SleepWindowLine
from tests.test_past_nights import checkin
from tests.tui_helpers import NOW, make_app, settle

SIZE = (80, 24)
ZONE = "Europe/Berlin"
FIRST = dt.date(2026, 11, 9)
"""The window's first night: the fixed clock (2026-11-23 18:30) is in its week 3."""

PROFILE = """\
# my own profile, written by hand
name = "me"
timezone = "Europe/Berlin"
bedtime = "23:00"   # lights out
wake = "07:00"

# the usual evening
[[routines]]
name = "evening"

[[routines.doses]]
compound = "glycine"
amount_mg = 3000  # 3 g
"""
ON = "\n[sleep_window]\nenabled = true  # opted in\nstart = 2026-11-09\n"


def write_profile(home: Path, text: str) -> Path:
    ensure_home(home)
    path = home / "profiles" / "me.toml"
    path.write_text(text)
    return path


def seed_two_weeks(home: Path) -> None:
    """Week 1 at SE 92 % (the window grows); week 2 at SE 80 % with 3 sleepy mornings (kept)."""
    with Journal(home / "journal.sqlite3") as journal:
        for day in range(14):
            night = (FIRST + dt.timedelta(days=day)).isoformat()
            if day < 7:  # 451 of 490 minutes asleep: SE 92 %
                record = checkin(night, sol_min=19, waso_min=10, kss=3)
            else:  # 392 of 490: SE 80 %
                record = checkin(night, sol_min=58, waso_min=30, kss=8 if day < 10 else 3)
            journal.save("me", record, "2026-11-24T07:00:00+01:00")


def step(
    week: int, decision: Decision, se: float | None, change: int, in_bed: int = 405
) -> WeekStep:
    bedtime = dt.time(23, 45) if in_bed == 405 else dt.time(23, 0)
    return WeekStep(
        week, FIRST, in_bed, bedtime, dt.time(6, 30), se, change, "in full", decision=decision
    )


# --- the core's one-line summary and the first night -------------------------------------------


@pytest.mark.parametrize(
    ("decision", "se", "change", "said"),
    [
        ("start", None, 0, "week 1: your usual times"),
        ("longer", 92.0, 15, "last week SE 92 % → 15 min longer"),
        ("kept", 87.0, 0, "last week SE 87 % → kept"),
        ("shorter", 80.0, -15, "last week SE 80 % → 15 min shorter"),
        ("paused", 80.0, 0, "last week SE 80 %, sleepy → kept"),
        ("floor", 70.0, 0, "last week SE 70 % → kept (5 h floor)"),
        ("ceiling", 95.0, 0, "last week SE 95 % → kept (12 h ceiling)"),
        ("too_few", None, 0, "last week too few nights logged → kept"),
    ],
)
def test_the_summary_line_says_the_window_and_what_decided_it(
    decision: Decision, se: float | None, change: int, said: str
) -> None:
    line = summary_line(step(2, decision, se, change))
    assert line == f"Sleep window 23:45–06:30 (6 h 45) · {said}"
    assert len(summary_line(step(2, decision, se, change, in_bed=600))) <= 76  # one line at 80


@pytest.mark.parametrize(
    ("clock", "bedtime", "expected"),
    [
        (dt.datetime(2026, 11, 23, 18, 30), dt.time(23, 0), dt.date(2026, 11, 23)),
        (dt.datetime(2026, 11, 23, 23, 30), dt.time(23, 0), dt.date(2026, 11, 24)),
        (dt.datetime(2026, 11, 24, 2, 0), dt.time(23, 0), dt.date(2026, 11, 24)),
        (dt.datetime(2026, 11, 23, 23, 50), dt.time(0, 30), dt.date(2026, 11, 23)),
        (dt.datetime(2026, 11, 24, 0, 45), dt.time(0, 30), dt.date(2026, 11, 24)),
    ],
)
def test_a_window_turned_on_starts_on_the_first_night_not_begun(
    clock: dt.datetime, bedtime: dt.time, expected: dt.date
) -> None:
    now = clock.replace(tzinfo=timing.zone(ZONE))
    assert first_night(now, bedtime, dt.time(7, 0), ZONE) == expected


# --- the chart's numbers -----------------------------------------------------------------------


def test_the_step_chart_spans_each_week_and_labels_its_measured_se() -> None:
    weeks: list[tuple[dt.date, int, float | None]] = [
        (FIRST, 480, 92.0),
        (FIRST + dt.timedelta(days=7), 495, 80.0),
        (FIRST + dt.timedelta(days=14), 495, None),
    ]
    chart = window_chart(weeks, width=70, rows=8)
    assert chart.xs == (0, 1, 1, 2, 2, 3)
    assert chart.hours == (8, 8, 8.25, 8.25, 8.25, 8.25)
    assert [(x, text) for x, _, text in chart.labels] == [(0.5, "92%"), (1.5, "80%")]
    assert all(y > hours for (_, y, _), hours in zip(chart.labels, (8, 8.25), strict=True))
    assert chart.x_ticks.labels == ("9 Nov", "16 Nov", "23 Nov")
    assert chart.y_axis.low <= 8 and chart.y_axis.high >= 8.25
    # no room for a label per week: none rather than overlapping ones
    assert window_chart(weeks * 6, width=70, rows=8).labels == ()


@pytest.mark.parametrize(("minutes", "rows"), [([300, 315], 8), ([420], 4), ([300, 720], 10)])
def test_the_in_bed_axis_holds_the_data_with_round_ticks(minutes: list[int], rows: int) -> None:
    axis = in_bed_axis(minutes, rows)
    assert axis.low * 60 < min(minutes) and max(minutes) < axis.high * 60
    assert 2 <= len(axis.ticks) <= rows // 2 + 1
    assert all(round(tick * 60) % 15 == 0 for tick in axis.ticks)
    assert in_bed_label(7.5) == "7h30" and in_bed_label(8.0) == "8h"


def test_a_15_minute_step_is_one_row_of_the_chart() -> None:
    axis = in_bed_axis([480, 495], rows=8)
    assert (axis.high - axis.low) * 60 / 7 == 15
    assert axis.low * 60 <= 480 - 15 and axis.high * 60 >= 495 + 15  # a row free around
    assert all(round(tick * 60) % 30 == 0 for tick in axis.ticks)


def test_each_week_is_charted_with_the_se_its_own_nights_measured() -> None:
    steps = (step(1, "start", None, 0, 420), step(2, "longer", 92.0, 15), step(3, "kept", 86, 0))
    assert [se for _, se in measured_weeks(steps)] == [92.0, 86, None]


# --- Tonight -----------------------------------------------------------------------------------


async def test_tonight_shows_this_weeks_window_from_the_diary(home: Path) -> None:
    write_profile(home, PROFILE + ON)
    seed_two_weeks(home)
    app = make_app(home, profile="me")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = app.screen.query_one("#sleep-window", SleepWindowLine)
        assert line.display
        assert (
            str(line.render())
            == "Sleep window 22:45–07:00 (8 h 15) · last week SE 80 %, sleepy → kept"
        )
        assert line.size.height == 1
        # right under the plan's times
        summary = app.screen.query_one("#night-summary", Static)
        assert line.region.y == summary.region.bottom


async def test_tonight_has_no_window_line_while_it_is_off(home: Path) -> None:
    write_profile(home, PROFILE + "\n[sleep_window]\nenabled = false\nstart = 2026-11-09\n")
    seed_two_weeks(home)
    app = make_app(home, profile="me")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = app.screen.query_one("#sleep-window", SleepWindowLine)
        assert not line.display and "Sleep window" not in str(line.render())


# --- the palette's dialog ----------------------------------------------------------------------


async def open_from_palette(pilot: Pilot[None]) -> SleepWindowDialog:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"Sleep window")
    await pilot.pause(0.5)
    await pilot.press("enter")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, SleepWindowDialog)
    return dialog


def changed_lines(before: str, after: str) -> list[str]:
    """The lines removed (``-``) and added (``+``) between two texts."""
    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    return [line for line in diff if line[:1] in "+-"]


async def test_the_palette_turns_the_window_on_and_off_changing_only_its_lines(
    home: Path,
) -> None:
    path = write_profile(home, PROFILE)
    app = make_app(home, profile="me")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "right_square_bracket")  # an edit left unsaved
        await settle(pilot)
        assert app.workspace.dirty
        dialog = await open_from_palette(pilot)
        # who should not use it, each with its source, is there before it can be turned on
        who = str(dialog.query_one("#window-who", Static).render())
        for words in ("bipolar disorder", "seizures", "sleep apnoea", "sleepwalking", "drowsiness"):
            assert words in who
        assert "PMID 23820830" in who and "KSS 7 or more" in who
        assert "the night of Mon 23 Nov" in str(dialog.query_one("#window-state").render())
        # Enter alone only closes: the focus starts on Close
        assert dialog.focused is dialog.query_one("#window-close", Button)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SleepWindowDialog)
        assert path.read_text() == PROFILE

        dialog = await open_from_palette(pilot)
        dialog.query_one("#window-toggle", Button).press()
        await settle(pilot)
        assert not isinstance(app.screen, SleepWindowDialog)
        turned_on = path.read_text()
        assert changed_lines(PROFILE, turned_on) == [
            "+ ",
            "+ [sleep_window]",
            "+ enabled = true",
            '+ start = "2026-11-23"',
        ]
        window = parse_profile(turned_on, "me.toml", bundled_catalog())[0].sleep_window
        assert window is not None and window.enabled and window.start == NOW.date()
        assert app.workspace.dirty  # the dose moved earlier is still unsaved
        line = app.screen.query_one("#sleep-window", SleepWindowLine)
        assert line.display
        assert str(line.render()) == "Sleep window 23:00–07:00 (8 h 00) · week 1: your usual times"

        dialog = await open_from_palette(pilot)
        assert str(dialog.query_one("#window-toggle", Button).label) == "Turn it off"
        dialog.query_one("#window-toggle", Button).press()
        await settle(pilot)
        turned_off = path.read_text()
        assert changed_lines(turned_on, turned_off) == ["- enabled = true", "+ enabled = false"]
        assert not app.screen.query_one("#sleep-window", SleepWindowLine).display
    assert (home / "profiles" / "me.toml.bak").read_text() == turned_on


async def test_a_hand_written_window_keeps_its_comment_and_date_when_turned_off(
    home: Path,
) -> None:
    path = write_profile(home, PROFILE + ON)
    app = make_app(home, profile="me")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_from_palette(pilot)
        dialog.query_one("#window-toggle", Button).press()
        await settle(pilot)
    assert changed_lines(PROFILE + ON, path.read_text()) == [
        "- enabled = true  # opted in",
        "+ enabled = false # opted in",  # the comment stays in its column
    ]


async def test_the_dialog_lists_the_weeks_so_far(home: Path) -> None:
    write_profile(home, PROFILE + ON)
    seed_two_weeks(home)
    app = make_app(home, profile="me")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_from_palette(pilot)
        weeks = str(dialog.query_one("#window-weeks", Static).render())
        assert "Week 1 from Mon 09 Nov: 23:00–07:00 (8 h 00)" in weeks
        assert "Week 2 from Mon 16 Nov: 22:45–07:00 (8 h 15)" in weeks
        assert "Week 3 from Mon 23 Nov" in weeks and "pauses the shortening" in weeks


# --- History -----------------------------------------------------------------------------------


async def test_history_charts_the_window_week_by_week(home: Path) -> None:
    write_profile(home, PROFILE + ON)
    seed_two_weeks(home)
    app = make_app(home, profile="me")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        chart = app.screen.query_one("#window-chart", WindowChart)
        assert chart.display
        from textual_plotext import PlotextPlot

        drawn = chart.query_one(PlotextPlot).render()
        assert isinstance(drawn, Text)
        assert "━" in drawn.plain and "8h" in drawn.plain
        assert "92%" in drawn.plain and "80%" in drawn.plain  # weeks 1 and 2 measured
        assert "9 Nov" in drawn.plain and "23 Nov" in drawn.plain
        legend = str(chart.query_one("#window-legend", Static).render())
        assert "time in bed each week" in legend


async def test_history_has_no_window_chart_while_it_is_off(home: Path) -> None:
    write_profile(home, PROFILE)
    seed_two_weeks(home)
    app = make_app(home, profile="me")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert not app.screen.query_one("#window-chart", WindowChart).display


async def test_turned_on_again_a_hand_written_date_stays_a_toml_date(home: Path) -> None:
    before = PROFILE + "\n[sleep_window]\nenabled = false\nstart = 2026-11-09\n"
    path = write_profile(home, before)
    app = make_app(home, profile="me")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_from_palette(pilot)
        dialog.query_one("#window-toggle", Button).press()
        await settle(pilot)
    assert changed_lines(before, path.read_text()) == [
        "- enabled = false",
        "+ enabled = true",
        "- start = 2026-11-09",
        "+ start = 2026-11-23",
    ]
