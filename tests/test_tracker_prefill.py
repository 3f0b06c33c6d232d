"""The morning form prefilled from the tracker's night (issue 21, item 2), at 80x24."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input, Label

from sleepplan.core import timing
from sleepplan.core.objective import ObjectiveNight
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ensure_home
from tests.tui_helpers import make_app, settle

SIZE = (80, 24)
BERLIN = timing.zone("Europe/Berlin")
NIGHT = dt.date(2026, 11, 22)  # last night, for the fixed clock's morning


def at(day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=BERLIN)


def tracked(
    source: str = "oura", device: str | None = "Oura Ring 3", **fields: object
) -> ObjectiveNight:
    values: dict[str, object] = {
        "night": NIGHT,
        "source": source,
        "record_id": f"{source}-1",
        "device": device,
        "in_bed": at(22, 23, 40),
        "sleep_onset": at(22, 23, 52),
        "final_wake": at(23, 6, 50),
        "out_of_bed": at(23, 7, 5),
        "asleep_min": 400.0,
        "latency_min": 12.4,
        "awakenings": 2,
        "waso_min": 18.0,
    }
    return ObjectiveNight(**(values | fields))  # type: ignore[arg-type]


def save_tracked(home: Path, *nights: ObjectiveNight) -> None:
    ensure_home(home)
    with Journal(home / "journal.sqlite3") as journal:
        journal.save_objective("example", nights, "2026-11-23T08:00:00+01:00")


def fields(app: object) -> dict[str, str]:
    screen = app.screen  # type: ignore[attr-defined]
    keys = (
        "in_bed",
        "tried_sleep",
        "final_wake",
        "out_of_bed",
        "sol_min",
        "awakenings",
        "waso_min",
    )
    return {key: screen.query_one(f"#{key}", Input).value for key in keys}


def note(app: object) -> str:
    label = app.screen.query_one("#tracker-note", Label)  # type: ignore[attr-defined]
    return str(label.render()) if label.display else ""


async def test_a_tracked_morning_is_still_five_keystrokes(home: Path) -> None:
    save_tracked(home, tracked())
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert fields(app) == {
            "in_bed": "23:40",
            "tried_sleep": "23:40",
            "final_wake": "06:50",
            "out_of_bed": "07:05",
            "sol_min": "12",
            "awakenings": "2",
            "waso_min": "18",
        }
        assert note(app) == "From your Oura (Oura Ring 3): the times and counts below"
        keys = ["4", "tab", "3", "ctrl+s"]
        await pilot.press(*keys)
        await settle(pilot)
    with Journal(home / "journal.sqlite3") as journal:
        stored = journal.get("example", NIGHT.isoformat())
    assert stored is not None
    record = stored.record
    assert record["quality"] == 4 and record["kss"] == 3
    assert record["in_bed"] == record["tried_sleep"] == "2026-11-22T23:40:00+01:00"
    assert record["final_wake"] == "2026-11-23T06:50:00+01:00"
    assert record["out_of_bed"] == "2026-11-23T07:05:00+01:00"
    assert (record["sol_min"], record["awakenings"], record["waso_min"]) == (12, 2, 18)


async def test_the_profiles_priority_picks_the_tracker_and_gaps_keep_the_plan(home: Path) -> None:
    save_tracked(
        home,
        tracked(),
        tracked("fitbit", "Charge 6", in_bed=at(22, 22, 55), out_of_bed=None, awakenings=None),
    )
    path = home / "profiles" / "example.toml"
    path.write_text(path.read_text() + '\n[trackers]\npriority = ["fitbit"]\n')
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        values = fields(app)
        assert note(app).startswith("From your Fitbit (Charge 6)")
    assert (values["in_bed"], values["final_wake"], values["sol_min"]) == ("22:55", "06:50", "12")
    assert values["out_of_bed"] == "07:00"  # the tracker did not say: the plan's wake time
    assert values["awakenings"] == ""  # nor how often: no earlier check-in to repeat


async def test_a_night_with_a_checkin_keeps_the_users_answers(home: Path) -> None:
    save_tracked(home, tracked())
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:  # the user's own morning, before the import
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        app.screen.query_one("#in_bed", Input).value = "22:30"
        await pilot.press("4", "tab", "3", "ctrl+s")
        await settle(pilot)
    with Journal(home / "journal.sqlite3") as journal:
        before = journal.get("example", NIGHT.isoformat())
    assert before is not None and before.record["in_bed"] == "2026-11-22T22:30:00+01:00"
    again = make_app(home)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert note(again) == ""
        assert fields(again)["in_bed"] != "23:40"
    with Journal(home / "journal.sqlite3") as journal:
        after = journal.get("example", NIGHT.isoformat())
    assert after == before


async def test_another_night_in_the_form_drops_the_trackers_line(home: Path) -> None:
    save_tracked(home, tracked())
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert note(app)
        night = app.screen.query_one("#night", Input)
        night.value = "2026-11-21"
        await settle(pilot)
        assert note(app) == ""
        assert fields(app)["in_bed"] == "23:00"  # the plan's bedtime again
