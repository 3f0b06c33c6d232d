"""Export and import in the app: from Profiles and the palette, at 80x24."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from textual.pilot import Pilot
from textual.widgets import OptionList

from sleepplan.core.checkin import CheckinAnswers, checkin_record, evaluate
from sleepplan.store.journal import Journal
from sleepplan.tui.dialogs.confirm import ConfirmDialog
from sleepplan.tui.dialogs.data_files import default_export_path, file_slug, typed_path
from sleepplan.tui.dialogs.prompt import ChoicePrompt, TextPrompt
from tests.tui_helpers import answer, make_app, settle

SIZE = (80, 24)


def record(night: str, quality: int) -> dict[str, Any]:
    answers = CheckinAnswers(night=night, quality=quality, kss=4)
    return checkin_record(evaluate(answers, "Europe/Berlin"))


def seed(home: Path, nights: dict[str, int]) -> None:
    """Check-ins of the example profile: night -> quality."""
    with Journal(home / "journal.sqlite3") as journal:
        for night, quality in nights.items():
            journal.save("example", record(night, quality), "2026-11-23T07:00:00+01:00")


def qualities(home: Path) -> dict[str, int]:
    with Journal(home / "journal.sqlite3") as journal:
        return {r["night"]: r["quality"] for r in journal.records("example")}


def toasts(app: Any) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def choose(pilot: Pilot[None], option: str) -> None:
    """Pick an option of the open choice by its id."""
    await pilot.pause()
    options = pilot.app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index(option)
    options.focus()
    await pilot.press("enter")
    await settle(pilot)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder, where exports are suggested: outside the home."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


async def test_export_csv_from_profiles_with_the_suggested_name(home: Path, here: Path) -> None:
    seed(home, {"2026-11-20": 3, "2026-11-21": 4})
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ChoicePrompt)
        await choose(pilot, "csv")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("enter")  # the suggested file
        await settle(pilot)
    written = here / "sleepplan-example-2026-11-23.csv"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO(written.read_text(), newline="")))
    assert [row["night"] for row in rows] == ["2026-11-20", "2026-11-21"]
    assert any(f"Exported 2 check-ins of profile example to {written}" in t for t in toasts(app))


async def test_an_existing_file_is_replaced_only_when_confirmed(home: Path, here: Path) -> None:
    seed(home, {"2026-11-20": 3})
    target = here / "mine.json"
    target.write_text("keep me")
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("x")
        await choose(pilot, "json")
        await answer(pilot, "mine.json")  # relative: in the current folder
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert target.read_text() == "keep me"
        assert any("Nothing exported" in t for t in toasts(app))
        await pilot.press("x")
        await choose(pilot, "json")
        await answer(pilot, "mine.json")
        await pilot.press("y")
        await settle(pilot)
    assert json.loads(target.read_text())["profile"] == "example"


async def test_an_export_into_the_home_is_refused(home: Path, here: Path) -> None:
    seed(home, {"2026-11-20": 3})
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("x")
        await choose(pilot, "csv")
        await answer(pilot, str(home / "journal.sqlite3"))
    assert any("Not exported" in t and "sleepplan's home" in t for t in toasts(app))
    assert qualities(home) == {"2026-11-20": 3}  # the journal is still a journal


async def test_a_full_disk_is_reported_as_the_machine_s_fault(
    home: Path, here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sleepplan.store import exports

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(exports, "write_private", full)
    seed(home, {"2026-11-20": 3})
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("x")
        await choose(pilot, "csv")
        await answer(pilot, "out.csv")
    [toast] = [t for t in toasts(app) if "Not exported" in t]
    assert "the machine refused" in toast and "No space left on device" in toast
    assert str(here / "out.csv") in toast and "damaged" not in toast
    assert not (here / "out.csv").exists()


async def test_daily_reminders_from_the_palette(
    home: Path, here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(here.parent))
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Export: Daily reminders")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        await answer(pilot, "~/downloads/daily.ics")  # ~ is the user's home folder
    calendar = Calendar.from_ical((here / "daily.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 4 and all("rrule" in event for event in events)
    assert any("Exported daily reminders for 3 doses" in t for t in toasts(app))


async def test_import_asks_to_keep_or_replace_nights_recorded_already(
    home: Path, here: Path
) -> None:
    seed(home, {"2026-11-20": 3})
    from sleepplan.store.exports import export_csv

    incoming = here / "phone.csv"
    incoming.write_text(export_csv([record("2026-11-20", 1), record("2026-11-21", 5)]))
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("i")
        await answer(pilot, "phone.csv")
        assert isinstance(app.screen, ChoicePrompt)  # nothing written before the answer
        assert qualities(home) == {"2026-11-20": 3}
        await choose(pilot, "keep")
        assert qualities(home) == {"2026-11-20": 3, "2026-11-21": 5}
        assert any("Imported 1 check-in from" in t and "kept" in t for t in toasts(app))
        await pilot.press("i")
        await answer(pilot, str(incoming))
        await choose(pilot, "replace")
        assert qualities(home) == {"2026-11-20": 1, "2026-11-21": 5}


async def test_a_bad_import_names_the_file_and_writes_nothing(home: Path, here: Path) -> None:
    bad = here / "bad.csv"
    bad.write_text("night,taken_1_compound,taken_1_amount_mg\n2026-11-20,melatonin,lots\n")
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("i")
        await answer(pilot, "bad.csv")
    [toast] = [t for t in toasts(app) if "Not imported" in t]
    assert str(bad) in toast and "taken_1_amount_mg" in toast
    assert qualities(home) == {}


def test_suggested_names_and_typed_paths(tmp_path: Path) -> None:
    import datetime as dt

    day = dt.date(2026, 12, 4)
    assert default_export_path("ana", "csv", day, tmp_path).name == "sleepplan-ana-2026-12-04.csv"
    assert default_export_path("ana", "ics-daily", day, tmp_path).name == (
        "sleepplan-ana-daily-2026-12-04.ics"
    )
    assert file_slug("../a b\x1b[31m") == "a-b-31m"
    assert typed_path("~/x.csv", tmp_path) == Path.home() / "x.csv"
    assert typed_path(" out.csv ", tmp_path) == tmp_path / "out.csv"


async def test_another_profile_s_export_asks_where_it_goes(home: Path, here: Path) -> None:
    from sleepplan.store.exports import export_json

    seed(home, {"2026-11-20": 3})
    incoming = here / "ben.json"
    incoming.write_text(export_json("ben", [record("2026-11-21", 5)]))
    from sleepplan.store.bundled import example_profiles
    from sleepplan.store.profiles import create_profile, ensure_home

    ensure_home(home)
    create_profile(home, "ben", example_profiles()["example"])  # a second profile in the home
    app = make_app(home, "example")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("i")
        await answer(pilot, "ben.json")
        assert isinstance(app.screen, ChoicePrompt)
        await choose(pilot, "other")
    with Journal(home / "journal.sqlite3") as journal:
        assert [r["night"] for r in journal.records("ben")] == ["2026-11-21"]
    assert qualities(home) == {"2026-11-20": 3}
    assert any("into profile ben" in t for t in toasts(app))


async def test_the_app_s_json_and_toml_exports_carry_the_tracker_s_nights(home: Path) -> None:
    import datetime as dt

    from sleepplan.core.objective import ObjectiveNight
    from sleepplan.tui.dialogs.data_files import export_data

    seed(home, {"2026-11-20": 4})
    onset = dt.datetime(2026, 11, 20, 23, 10, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    tracked = ObjectiveNight(
        night=dt.date(2026, 11, 20),
        source="oura",
        record_id="night-1",
        sleep_onset=onset,
        asleep_min=430.0,
        rem_min=95.0,
    )
    with Journal(home / "journal.sqlite3") as journal:
        journal.save_objective("example", [tracked], "2026-11-21T08:00:00+01:00")
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        as_json, _ = export_data(app.workspace, "json")
        as_toml, _ = export_data(app.workspace, "toml")
    objective = json.loads(as_json)["objective"]
    assert [(n["source"], n["night"], n["rem_min"]) for n in objective] == [
        ("oura", "2026-11-20", 95.0)
    ]
    assert b"[[objective]]" in as_toml and b'record_id = "night-1"' in as_toml


async def test_without_an_open_profile_imports_and_exports_say_so_and_ask_nothing(
    home: Path, here: Path
) -> None:
    from sleepplan.store.profiles import ensure_home
    from sleepplan.tui.dialogs.data_files import ask_export, ask_import
    from sleepplan.tui.dialogs.tracker_import import ask_tracker_import

    ensure_home(home)
    (home / "profiles" / "broken.toml").write_text("name = [unclosed\n")
    app = make_app(home, profile="broken")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.workspace.profile is None
        screens = len(app.screen_stack)
        for ask in (ask_import, ask_tracker_import, ask_export):
            ask(app)
            await settle(pilot)
            assert len(app.screen_stack) == screens  # no prompt for a file
    said = toasts(app)
    assert sum("No profile is open to import into." in t for t in said) == 2
    assert any("No profile is open: there is nothing to export." in t for t in said)
    assert (home / "profiles" / "broken.toml").read_text() == "name = [unclosed\n"
