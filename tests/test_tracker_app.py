"""Tracker nights in the app: the import flow, the night view's hypnogram, History, Tonight."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from rich.text import Text
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, ProgressBar, Sparkline, Static

from sleepplan.core import timing
from sleepplan.core.errors import InputError
from sleepplan.core.objective import Epoch, ObjectiveNight, Skipped, summarise
from sleepplan.store import trackers
from sleepplan.store.journal import Journal, recorded_night
from sleepplan.store.profiles import ensure_home
from sleepplan.tui.dialogs.prompt import TextPrompt
from sleepplan.tui.dialogs.tracker_import import TrackerImportDialog, found_summary
from sleepplan.tui.screens.history import HistoryScreen
from sleepplan.tui.screens.night import NightScreen
from sleepplan.tui.widgets.hypnogram import Hypnogram, stacked_minutes, stage_slices
from sleepplan.tui.widgets.timeline import LABEL_WIDTH, TimelineView
from tests.tui_helpers import answer, make_app, settle

SIZE = (80, 24)
BERLIN = timing.zone("Europe/Berlin")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=BERLIN) + dt.timedelta(minutes=minute)


def staged_night(day: int, record_id: str = "oura-1", rem: int = 90) -> ObjectiveNight:
    """A night from 23:00 to 07:00 with epochs: awake, light, deep, REM, awake."""
    in_bed, out = at(day, 23), at(day + 1, 7)
    epochs = [
        Epoch(in_bed, at(day, 23, 20), "awake"),
        Epoch(at(day, 23, 20), at(day + 1, 1), "light"),
        Epoch(at(day + 1, 1), at(day + 1, 3), "deep"),
        Epoch(at(day + 1, 3), at(day + 1, 3, rem), "rem"),
        Epoch(at(day + 1, 3, rem), at(day + 1, 6, 40), "light"),
        Epoch(at(day + 1, 6, 40), out, "awake"),
    ]
    fields = summarise(epochs, in_bed=in_bed, out_of_bed=out)
    return ObjectiveNight(
        night=dt.date(2026, 11, day), source="oura", record_id=record_id, device="Ring", **fields
    )


def minutes_night(day: int) -> ObjectiveNight:
    """A night with stage totals but no epochs (a CSV export)."""
    return ObjectiveNight(
        night=dt.date(2026, 11, day),
        source="withings",
        record_id=f"w-{day}",
        in_bed=at(day, 22, 30),
        out_of_bed=at(day + 1, 6, 30),
        asleep_min=420,
        light_min=240,
        deep_min=90,
        rem_min=90,
        awake_min=30,
    )


def fake_source(
    items: Sequence[ObjectiveNight | Skipped] | Exception,
    gate: threading.Event | None = None,
) -> ModuleType:
    """A source module reading any file that starts with FAKE: ``items``, or raising one."""
    module = ModuleType("fake_tracker")

    def read(
        path: Path, zone: str, progress: Any, priority: Sequence[str]
    ) -> Iterator[ObjectiveNight | Skipped]:
        if progress is not None:
            progress(1, 4)
        if gate is not None:
            gate.wait(10)
        if isinstance(items, Exception):
            raise items
        if progress is not None:
            progress(4, 4)
        yield from items

    module.SOURCE = "oura"  # type: ignore[attr-defined]
    module.sniff = lambda head: head.startswith(b"FAKE")  # type: ignore[attr-defined]
    module.read = read  # type: ignore[attr-defined]
    return module


@pytest.fixture
def export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file the fake source reads, in the current folder (outside the home)."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    monkeypatch.chdir(folder)
    path = folder / "oura.json"
    path.write_bytes(b"FAKE export")
    return path


def use_source(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> None:
    monkeypatch.setattr(trackers, "source_modules", lambda: [module])


def stored(home: Path) -> list[ObjectiveNight]:
    with Journal(home / "journal.sqlite3") as journal:
        return journal.objective_nights("example")


def toasts(app: Any) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def shown(widget: Static) -> str:
    content = widget.render()
    return content.plain if isinstance(content, Content | Text) else str(content)


async def start_import(pilot: Pilot[None], path: Path) -> None:
    """Profiles, w, the file's name: the dialog reads it (and may close on a problem)."""
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)
    await pilot.press("w")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TextPrompt)
    await answer(pilot, str(path))


async def open_import_from_profiles(pilot: Pilot[None], path: Path) -> TrackerImportDialog:
    await start_import(pilot, path)
    dialog = pilot.app.screen
    assert isinstance(dialog, TrackerImportDialog)
    return dialog


# -- the import flow --------------------------------------------------------------------------


async def test_import_from_profiles_shows_what_it_found_and_writes_only_on_import(
    home: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    skipped = Skipped("line 7", "a test recording of 3 minutes")
    use_source(monkeypatch, fake_source([staged_night(20), staged_night(21, "oura-2"), skipped]))
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        dialog = await open_import_from_profiles(pilot, export)
        summary = shown(dialog.query_one("#tracker-summary", Static))
        assert "Oura (Ring): 2 nights, 2026-11-20 to 2026-11-21" in summary
        assert "Skipped 1 record:" in summary and "line 7: a test recording" in summary
        assert stored(home) == []  # a dry run: nothing written before the user confirms
        await pilot.click("#import")
        await settle(pilot)
        assert not isinstance(app.screen, TrackerImportDialog)
    assert [night.record_id for night in stored(home)] == ["oura-1", "oura-2"]
    assert any("2 new; 1 skipped" in toast for toast in toasts(app))


async def test_importing_the_same_file_again_says_nothing_changed(
    home: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Journal(home / "journal.sqlite3") as journal:
        journal.save_objective("example", [staged_night(20)], "2026-11-22T08:00:00+01:00")
    use_source(monkeypatch, fake_source([staged_night(20)]))
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_import_from_profiles(pilot, export)
        await pilot.click("#import")
        await settle(pilot)
    assert any("0 new, 1 already imported" in toast for toast in toasts(app))
    assert len(stored(home)) == 1


async def test_cancel_after_the_dry_run_writes_nothing(
    home: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_source(monkeypatch, fake_source([staged_night(20)]))
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_import_from_profiles(pilot, export)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TrackerImportDialog)
    assert stored(home) == []
    assert any("Nothing imported" in toast for toast in toasts(app))


async def test_import_from_the_palette(
    home: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_source(monkeypatch, fake_source([staged_night(20)]))
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Import tracker nights")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        await answer(pilot, "oura.json")  # a name in the current folder
        assert isinstance(app.screen, TrackerImportDialog)
        await pilot.click("#import")
        await settle(pilot)
    assert len(stored(home)) == 1


async def test_a_file_with_no_nights_cannot_be_imported(
    home: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_source(monkeypatch, fake_source([Skipped("2026-11-20", "a nap shorter than 15 min")]))
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        dialog = await open_import_from_profiles(pilot, export)
        assert dialog.query_one("#import", Button).disabled
        assert "No nights found" in shown(dialog.query_one("#tracker-summary", Static))


async def test_a_bad_file_is_shown_as_the_command_line_shows_it(
    home: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = InputError.single(str(export), "line 3", "is cut short")
    use_source(monkeypatch, fake_source(error))
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start_import(pilot, export)
        assert not isinstance(app.screen, TrackerImportDialog)
    assert f"Not imported: {error.render()}" in toasts(app)
    assert stored(home) == []


async def test_a_file_sleepplan_cannot_read_names_the_file(
    home: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export.write_bytes(b"not a tracker")
    use_source(monkeypatch, fake_source([staged_night(20)]))
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start_import(pilot, export)
    assert any(str(export) in t and "is not an export" in t for t in toasts(app))


async def test_a_refusal_of_the_machine_is_shown_as_such(
    home: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_source(monkeypatch, fake_source(PermissionError(13, "Permission denied", str(export))))
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start_import(pilot, export)
    refused = [t for t in toasts(app) if t.startswith("Not imported: the machine refused")]
    assert refused and str(export) in refused[0] and "Permission denied" in refused[0]


async def test_the_progress_bar_shows_when_reading_is_slow_and_follows_the_reader(
    home: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    use_source(monkeypatch, fake_source([staged_night(20)], gate))
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.pause()
        app.screen.query_one("#answer").value = str(export)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TrackerImportDialog)
        bar = dialog.query_one("#tracker-progress", ProgressBar)
        assert not bar.display  # a quick read never shows it
        for _ in range(1000):  # until the reader has said where it is (it waits at the gate)
            if bar.progress == 1:
                break
            await pilot.pause(0.01)
        assert bar.total == 4
        dialog._reading_slowly()  # what the one-second timer calls
        assert bar.display
        gate.set()
        await settle(pilot)
        assert bar.progress == 4 and not bar.display
        assert not dialog.query_one("#import", Button).disabled


def test_the_summary_counts_nights_and_naps_per_source() -> None:
    nap = ObjectiveNight(night=dt.date(2026, 11, 21), source="oura", record_id="n", nap=True)
    other = minutes_night(21)
    skipped = [Skipped(f"line {n}", "no sleep in it") for n in range(8)]
    lines = found_summary([staged_night(20), nap, other], skipped)
    assert lines[0] == "Oura: 1 nap, 2026-11-21 to 2026-11-21"
    assert "Oura (Ring): 1 night, 2026-11-20 to 2026-11-20" in lines
    assert "Withings: 1 night, 2026-11-21 to 2026-11-21" in lines
    assert "Skipped 8 records:" in lines and "  … and 2 more" in lines


# -- the hypnogram ----------------------------------------------------------------------------


def test_stage_slices_take_the_stage_filling_most_of_each_slice() -> None:
    epochs = [
        Epoch(at(20, 23), at(20, 23, 45), "light"),
        Epoch(at(20, 23, 45), at(21, 0, 0), "deep"),
        Epoch(at(21, 0, 0), at(21, 0, 30), "rem"),
    ]
    # four slices of 30 minutes from 23:00 to 01:00; the last has no epoch
    assert stage_slices(epochs, at(20, 23), at(21, 1), 4) == ["light", "light", "rem", None]


def test_stacked_minutes_are_in_proportion_and_keep_a_short_stage() -> None:
    night = minutes_night(20)  # 90 deep, 240 light, 90 REM, 30 awake: 450 minutes
    bar = stacked_minutes(night, 45)
    assert len(bar) == 45
    assert [bar.count(s) for s in ("deep", "light", "rem", "awake")] == [9, 24, 9, 3]
    tiny = ObjectiveNight(
        night=dt.date(2026, 11, 20), source="oura", record_id="t", light_min=400, rem_min=1
    )
    assert stacked_minutes(tiny, 10).count("rem") == 1
    assert stacked_minutes(ObjectiveNight(dt.date(2026, 11, 20), "garmin", "g"), 10) == []


# -- the night view ----------------------------------------------------------------------------


async def open_night_view(home: Path, nights: list[ObjectiveNight], day: int) -> tuple[str, str]:
    """The night view's tracker lines and its hypnogram, as text."""
    with Journal(home / "journal.sqlite3") as journal:
        journal.save_objective("example", nights, "2026-11-22T08:00:00+01:00")
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(NightScreen(dt.date(2026, 11, day)))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NightScreen)
        tracker = shown(screen.query_one("#night-tracker", Static))
        hypnogram = screen.query_one("#night-hypnogram", Hypnogram)
        screen.query_one("#night-answers").scroll_end(animate=False)
        await pilot.pause()
        drawn = hypnogram.render()
        return tracker, drawn.plain if isinstance(drawn, Text) else str(drawn)


async def test_the_night_view_shows_the_trackers_night_with_its_epochs(home: Path) -> None:
    tracker, bar = await open_night_view(home, [staged_night(20)], 20)
    assert "Tracker: Oura · Ring" in tracker
    assert "In bed 23:00 → out of bed 07:00" in tracker
    assert "latency 20 min" in tracker and "WASO 0 min · awakenings 0" in tracker
    assert "Deep 2 h 00 · light 3 h 50 · REM 1 h 30" in tracker
    letters = bar.splitlines()[0]
    # 8 hours across the width, in the night's order: awake, light, deep, REM, light, awake
    assert letters[0] == "W" and letters[-1] == "W"
    assert letters.index("L") < letters.index("D") < letters.index("R")
    assert bar.splitlines()[1].startswith("23:00") and bar.splitlines()[1].endswith("07:00")
    assert "D deep" in bar and "R REM" in bar


async def test_the_night_view_shows_stage_minutes_as_a_stacked_bar(home: Path) -> None:
    tracker, bar = await open_night_view(home, [minutes_night(20)], 20)
    assert "Tracker: Withings" in tracker
    letters = bar.splitlines()[0]
    assert letters.startswith("D") and "L" in letters and "R" in letters and letters.endswith("W")
    assert "no epochs" in bar


async def test_the_night_view_says_when_there_is_no_tracker_data(home: Path) -> None:
    tracker, bar = await open_night_view(home, [staged_night(21)], 20)
    assert "no tracker data" in tracker and bar == ""


# -- Tonight's timeline ------------------------------------------------------------------------


async def tonight_timeline(home: Path) -> str:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        timeline = app.screen.query_one("#timeline", TimelineView)
        drawn = timeline.render()
        return drawn.plain if isinstance(drawn, Text) else str(drawn)


async def test_tonight_overlays_last_nights_recorded_stages(home: Path) -> None:
    with Journal(home / "journal.sqlite3") as journal:  # tonight is the 23rd: last night the 22nd
        journal.save_objective("example", [staged_night(22)], "2026-11-23T08:00:00+01:00")
    drawn = await tonight_timeline(home)
    lines = drawn.splitlines()
    stages = next(i for i, line in enumerate(lines) if line.startswith("stages"))
    recorded = lines[stages + 1]
    assert recorded.startswith("last night")
    letters = recorded[LABEL_WIDTH:].strip()
    assert "D" in letters and "R" in letters and letters.endswith("W")
    assert "last night (Oura): W awake" in drawn


async def test_tonight_has_no_overlay_without_last_nights_tracker_data(home: Path) -> None:
    with Journal(home / "journal.sqlite3") as journal:  # two nights ago only
        journal.save_objective("example", [staged_night(21)], "2026-11-23T08:00:00+01:00")
    drawn = await tonight_timeline(home)
    assert "stages" in drawn and "last night" not in drawn


def test_recorded_night_reads_one_night_and_leaves_a_missing_journal_alone(home: Path) -> None:
    path = home / "journal.sqlite3"
    assert recorded_night(path, "example", dt.date(2026, 11, 22)) is None
    assert not path.exists()  # a quick read never creates the journal
    with Journal(path) as journal:
        journal.save_objective("example", [staged_night(22), minutes_night(21)], "x")
    found = recorded_night(path, "example", dt.date(2026, 11, 22))
    assert found is not None and found.record_id == "oura-1" and found.epochs
    assert recorded_night(path, "example", dt.date(2026, 11, 21)) is None  # no epochs to draw
    assert recorded_night(path, "someone-else", dt.date(2026, 11, 22)) is None


# -- History -----------------------------------------------------------------------------------

HISTORY_START = dt.date(2026, 10, 24)


def seed_history(home: Path, tracked: bool) -> None:
    """Four weeks of check-ins, galantamine every other night; with it, 12 more REM minutes."""
    ensure_home(home)
    records, objective = [], []
    for index in range(28):
        night = HISTORY_START + dt.timedelta(days=index)
        taken = index % 2 == 1
        records.append(
            {
                "night": night.isoformat(),
                "kss": 3,
                "taken": [{"compound": "galantamine", "amount_mg": 4.0, "at": None}]
                if taken
                else [],
                "confounders": [],
                "metrics": {"tst_min": 420, "se_pct": 90.0},
                "scores": {"morning": 60.0, "onset": 60.0, "maintenance": 55.0},
                "flags": [],
            }
        )
        objective.append(
            ObjectiveNight(
                night=night,
                source="oura",
                record_id=night.isoformat(),
                asleep_min=420.0,
                rem_min=90.0 + index % 3 + (12.0 if taken else 0.0),
                deep_min=70.0,
                latency_min=20.0,
                waso_min=30.0,
            )
        )
    with Journal(home / "journal.sqlite3") as journal:
        journal.save_many("example", records, "t")
        if tracked:
            journal.save_objective("example", objective, "t")


async def history_of(pilot: Pilot[None]) -> HistoryScreen:
    await settle(pilot)
    await pilot.press("h")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


async def test_history_shows_the_trackers_stage_minutes_and_stage_effects(home: Path) -> None:
    seed_history(home, tracked=True)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await history_of(pilot)
        assert screen.query_one("#row-rem_min").display
        rem = screen.query_one("#spark-rem_min", Sparkline).data
        assert rem is not None and len(rem) == 28 and max(rem) == 104.0
        assert "last 102 · 90–104" in shown(screen.query_one("#spark-rem_min-values", Static))
        table = screen.query_one("#stage-effects", DataTable)
        assert table.display
        row = table.get_row("galantamine · rem_min")
        assert str(row[0]) == "Galantamine · REM" and row[1] == "+12"
        assert str(row[3]) == "likely helps" and row[4] == "14/14"


async def test_history_without_tracker_data_looks_as_before(home: Path) -> None:
    seed_history(home, tracked=False)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await history_of(pilot)
        assert not screen.query_one("#row-rem_min").display
        assert not screen.query_one("#stage-effects").display
        assert screen.query_one("#spark-onset", Sparkline).data  # the score sparklines as ever


async def test_names_from_the_file_are_shown_literally(
    home: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = "[@click=app.quit]Ring\x1b[2J"
    night = ObjectiveNight(
        night=dt.date(2026, 11, 20), source="oura", record_id="h", device=hostile, rem_min=90
    )
    use_source(monkeypatch, fake_source([night, Skipped("[b]line 2\x07", "[/]bad")]))
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        dialog = await open_import_from_profiles(pilot, export)
        summary = shown(dialog.query_one("#tracker-summary", Static))
        assert "Oura ([@click=app.quit]Ring␛[2J): 1 night" in summary
        assert "[b]line 2␇: [/]bad" in summary
