"""Past nights in the app: open one from History, correct it, delete and undo, fill one in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, DataTable, Input, Static

from sleepplan import cli
from sleepplan.core.checkin import CheckinAnswers, TakenDose, checkin_record, evaluate
from sleepplan.core.visible import visible
from sleepplan.store.journal import Journal
from sleepplan.tui.commands import _night_commands
from sleepplan.tui.screens.checkin import CheckinScreen
from sleepplan.tui.screens.history import HistoryScreen
from sleepplan.tui.screens.night import NightScreen
from sleepplan.tui.widgets.scale import Scale
from tests.tui_helpers import answer, make_app, settle

SIZE = (80, 24)
TUESDAY = "2026-11-17"
"""Last Tuesday, seen from the tests' clock (Monday 23 November 2026, evening)."""
MISSED = "2026-11-19"
ZONE = "Europe/Berlin"


def checkin(night: str, quality: int = 3, **answers: Any) -> dict[str, Any]:
    """A check-in as the morning form would record it."""
    fields: dict[str, Any] = {
        "night": night,
        "in_bed": "23:00",
        "tried_sleep": "23:00",
        "sol_min": 20,
        "awakenings": 1,
        "waso_min": 10,
        "final_wake": "07:00",
        "out_of_bed": "07:10",
        "quality": quality,
        "kss": 4,
        "getting_to_sleep": 60,
        "confounders": ("alcohol",),
        "taken": (TakenDose(compound="melatonin", amount_mg=0.5, at="22:00"),),
        "notes": "late dinner",
    }
    fields.update(answers)
    return checkin_record(evaluate(CheckinAnswers(**fields), ZONE))


def seed(home: Path) -> None:
    """Nights from the 10th to the 22nd of November 2026, all but the 19th."""
    with Journal(home / "journal.sqlite3") as journal:
        for day in range(10, 23):
            night = f"2026-11-{day}"
            if night != MISSED:
                journal.save("example", checkin(night), "2026-11-24T07:00:00+01:00")


async def open_history_night(pilot: Any, night: str) -> NightScreen:
    """From Tonight: History, the night's row, enter."""
    await settle(pilot)
    await pilot.press("h")
    await settle(pilot)
    table = pilot.app.screen.query_one("#nights", DataTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(night))
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, NightScreen)
    return screen


def shown(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_a_night_opens_from_history_with_every_answer(home: Path) -> None:
    seed(home)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history_night(pilot, TUESDAY)
        details = shown(screen, "#night-details")
        assert "Tuesday 17 November 2026" in details
        assert "recorded Tue 24 Nov 2026 07:00 (+01:00)" in details  # read as a person reads it
        assert "Quality 3/5 (fair)" in details and "Sleepiness 4/9" in details
        assert "In bed 23:00" in details and "got up 07:10" in details
        assert "Unusual: alcohol" in details and "Notes: late dinner" in details
        assert "Melatonin 0.5 mg at 22:00" in details
        assert "Morning score" in shown(screen, "#night-score")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        # back on the list, at the night opened, not at the top of History
        table = app.screen.query_one("#nights", DataTable)
        assert table.cursor_row == table.get_row_index(TUESDAY) > 0
        assert app.screen.query_one("#history").scroll_y > 0


async def test_correcting_last_tuesday_recomputes_the_score_and_keeps_the_old_one(
    home: Path,
) -> None:
    seed(home)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_history_night(pilot, TUESDAY)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CheckinScreen)
        # prefilled with that night's answers, not the plan's or the last morning's
        assert form.query_one("#night", Input).value == TUESDAY
        assert form.query_one("#night", Input).disabled
        assert form.query_one("#in_bed", Input).value == "23:00"
        assert form.query_one("#out_of_bed", Input).value == "07:10"
        assert form.query_one("#sol_min", Input).value == "20"
        assert form.query_one("#notes", Input).value == "late dinner"
        assert form.query_one("#quality", Scale).value == 3
        assert form.query_one("#getting_to_sleep", Scale).value == 60
        assert form.query_one("#confounder-alcohol", Checkbox).value
        assert form.answers().taken == (
            TakenDose(compound="melatonin", amount_mg=0.5, at="2026-11-17T22:00:00+01:00"),
        )
        form.query_one("#quality", Scale).focus()
        await pilot.press("5", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NightScreen)  # back on the night, read again
        assert "Quality 5/5" in shown(app.screen, "#night-details")
        assert "Earlier versions kept: 1" in shown(app.screen, "#night-details")
    with Journal(home / "journal.sqlite3") as journal:
        stored = journal.get("example", TUESDAY)
        (earlier,) = journal.versions("example", TUESDAY)
    assert stored is not None and stored.record["quality"] == 5
    expected = checkin(TUESDAY, quality=5)
    assert stored.record["scores"] == expected["scores"]
    assert stored.record["scores"]["morning"] > earlier.record["scores"]["morning"]
    assert earlier.record == checkin(TUESDAY) and earlier.reason == "replaced"


async def test_an_impossible_correction_is_refused_in_its_field_nothing_written(
    home: Path,
) -> None:
    seed(home)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_history_night(pilot, TUESDAY)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        form.query_one("#final_wake", Input).value = "22:00"  # before trying to sleep at 23:00
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # still correcting
        assert form.focused is form.query_one("#final_wake", Input)
        assert "before tried_sleep" in str(form.query_one("#checkin-score").render())
    with Journal(home / "journal.sqlite3") as journal:
        assert journal.get("example", TUESDAY).record == checkin(TUESDAY)  # type: ignore[union-attr]
        assert journal.versions("example", TUESDAY) == []


async def test_a_deleted_night_comes_back_with_undo(home: Path) -> None:
    seed(home)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_history_night(pilot, TUESDAY)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one("#nights", DataTable)
        assert table.row_count == 11 and TUESDAY not in [k.value for k in table.rows]
        with Journal(home / "journal.sqlite3") as journal:
            assert journal.get("example", TUESDAY) is None
        names = [name for name, _, _ in _night_commands(app)]
        assert "Undo delete night: restore the check-in deleted last" in names
        await pilot.press("u")
        await settle(pilot)
        assert table.row_count == 12
        assert app.deleted_nights == []
        assert len(_night_commands(app)) == 1  # nothing left to undo
    with Journal(home / "journal.sqlite3") as journal:
        assert journal.get("example", TUESDAY).record == checkin(TUESDAY)  # type: ignore[union-attr]


async def test_a_missed_night_is_filled_in_with_the_morning_form(home: Path) -> None:
    seed(home)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("f")
        await answer(pilot, "2026-11-23")  # tonight: not over yet
        assert "not over yet" in str(app.screen.query_one("#problem").render())
        await answer(pilot, TUESDAY)
        assert "has a check-in already" in str(app.screen.query_one("#problem").render())
        await answer(pilot, MISSED)
        form = app.screen
        assert isinstance(form, CheckinScreen)
        assert form.query_one("#night", Input).value == MISSED
        assert form.query_one("#in_bed", Input).value == "23:00"  # from that night's plan
        form.query_one("#quality", Scale).focus()
        await pilot.press("4", "tab", "3", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.query_one("#nights", DataTable).row_count == 13
    with Journal(home / "journal.sqlite3") as journal:
        filled = journal.get("example", MISSED)
    assert filled is not None and filled.record["quality"] == 4 and filled.record["kss"] == 3


def test_the_command_line_keeps_the_previous_version_of_a_replaced_night(
    home: Path, tmp_path: Path
) -> None:
    answers = tmp_path / "checkin.toml"
    answers.write_text('quality = 2\nkss = 5\nin_bed = "23:00"\n', encoding="utf-8")
    for quality in (2, 4):
        answers.write_text(f'quality = {quality}\nkss = 5\nin_bed = "23:00"\n', encoding="utf-8")
        args = ["--home", str(home), "checkin", "--from", str(answers), "--night", TUESDAY]
        assert cli.main([*args, "--replace"]) == 0
    with Journal(home / "journal.sqlite3") as journal:
        assert journal.get("example", TUESDAY).record["quality"] == 4  # type: ignore[union-attr]
        assert [v.record["quality"] for v in journal.versions("example", TUESDAY)] == [2]


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("2026-11-23", "not over yet"),
        ("2026-11-30", "not over yet"),
        ("17 Nov", "expected a date"),
        ("0001-12-31", "sleepplan plans nights from"),
        (TUESDAY, "has a check-in already"),
    ],
)
def test_a_night_to_fill_in_must_be_over_and_missed(typed: str, problem: str) -> None:
    from sleepplan.tui.screens.night import missed_night_problem

    found = missed_night_problem(typed, dt.date(2026, 11, 22), {TUESDAY})
    assert found is not None and problem in found
    assert missed_night_problem(MISSED, dt.date(2026, 11, 22), {TUESDAY}) is None


async def test_a_nights_hostile_text_is_shown_literally_and_never_acts(home: Path) -> None:
    hostile = "[@click=app.quit]quit[/] \x1b]0;T\x07 \u202eevil"
    record = checkin(TUESDAY, notes=hostile)
    record["taken"][0]["compound"] = hostile  # an import of the journal can say anything
    with Journal(home / "journal.sqlite3") as journal:
        journal.save("example", record, "t")
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history_night(pilot, TUESDAY)
        details = shown(screen, "#night-details")
        assert f"Notes: {visible(hostile)}" in details
        assert f"  {visible(hostile)} 0.5 mg at 22:00" in details
        assert "\x1b" not in details and "\u202e" not in details
        await pilot.click("#night-details", offset=(10, 20))
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, NightScreen)


async def test_leaving_a_changed_correction_asks_and_writes_nothing(home: Path) -> None:
    seed(home)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        night = await open_history_night(pilot, TUESDAY)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one("#quality", Scale).focus()
        await pilot.press("5")
        assert app.unsaved_forms == {
            f"checkin:{TUESDAY}": f"the check-in for the night of {TUESDAY}"
        }
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ConfirmDialog"
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is night and app.unsaved_forms == {}
    with Journal(home / "journal.sqlite3") as journal:
        assert journal.get("example", TUESDAY).record == checkin(TUESDAY)  # type: ignore[union-attr]
        assert journal.versions("example", TUESDAY) == []


async def test_a_night_recorded_with_some_scores_only_still_opens(home: Path) -> None:
    partial = {"night": TUESDAY, "metrics": {"tst_min": 420}, "scores": {"morning": 67.0}}
    with Journal(home / "journal.sqlite3") as journal:  # as an older tool may have written it
        journal.save("example", partial, "t")
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history_night(pilot, TUESDAY)
        assert "Quality – (not answered)" in shown(screen, "#night-details")
        score = shown(screen, "#night-score")
        assert " 67  / 100" in score and "Asleep 7 h 00" in score
