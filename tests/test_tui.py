"""Pilot tests: each area's behaviour, driven by the keyboard."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import DataTable, Input, Label, OptionList, Select, Static

from sleepplan.collector import resume_collector
from sleepplan.core import timing
from sleepplan.core.profile import parse_profile
from sleepplan.store.bundled import bundled_catalog
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ensure_home, load_profile
from sleepplan.tui.actions.catalog import add_compound
from sleepplan.tui.app import SleepPlanApp
from sleepplan.tui.screens.catalog import CatalogScreen
from sleepplan.tui.screens.tonight import TonightScreen
from sleepplan.tui.widgets.key_footer import KeyFooter, shown_keys
from sleepplan.tui.widgets.live_text import LiveText
from sleepplan.tui.widgets.timeline import TimelineView
from tests.tui_helpers import NOW, answer, make_app, settle

SIZE = (100, 34)


def _dose_rows(app: object) -> list[str]:
    """The compound names Tonight lists, in order (the second column of each dose's row)."""
    doses = app.screen.query_one("#doses", OptionList)  # type: ignore[attr-defined]
    names = []
    for index in range(doses.option_count):
        option = doses.get_option_at_index(index)
        if (option.id or "").startswith("dose:"):
            names.append(str(option.prompt)[6:30].strip())
    return names


async def test_tonight_shows_every_dose_of_the_routine(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
        routine = app.workspace.profile.routine()  # type: ignore[union-attr]
        catalog = bundled_catalog()
        expected = sorted(catalog.get(d.compound).name for d in routine.doses)
        assert sorted(_dose_rows(app)) == expected
        assert app.screen.query_one("#timeline", TimelineView).plan is not None
        assert "example" in app.sub_title


async def test_the_profile_starts_loading_before_tonight_is_built(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Building Tonight waits here for the loading thread to reach the profile: a thread that
    # only starts once the event loop turns again would never get there.
    entered = threading.Event()

    def load(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        return load_profile(*args, **kwargs)

    monkeypatch.setattr("sleepplan.tui.app.load_profile", load)
    loading_before_build: list[bool] = []
    real_default_screen = SleepPlanApp.get_default_screen

    def default_screen(self: SleepPlanApp) -> Any:
        loading_before_build.append(entered.wait(timeout=5))
        return real_default_screen(self)

    monkeypatch.setattr(SleepPlanApp, "get_default_screen", default_screen)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert loading_before_build == [True]
        assert app.screen.query_one("#doses", OptionList).option_count


def first_drawings(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each drawing of Tonight had the profile, from now on."""
    drawings: list[bool] = []
    real_refresh_view = TonightScreen.refresh_view

    def refresh_view(self: TonightScreen) -> None:
        drawings.append(self.workspace.profile is not None)
        real_refresh_view(self)

    monkeypatch.setattr(TonightScreen, "refresh_view", refresh_view)
    return drawings


async def test_tonight_is_first_drawn_with_the_plan_when_it_loads_in_time(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sleepplan.tui.app.FIRST_PLAN_WAIT_S", 30.0)  # in time, however slow
    drawings = first_drawings(monkeypatch)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert drawings and all(drawings)  # never "loading"
        assert app.screen.query_one("#doses", OptionList).option_count


async def test_a_slow_profile_shows_loading_then_the_plan(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sleepplan.tui.app.FIRST_PLAN_WAIT_S", 0.05)

    def slow_load(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)
        return load_profile(*args, **kwargs)

    monkeypatch.setattr("sleepplan.tui.app.load_profile", slow_load)
    drawings = first_drawings(monkeypatch)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        summary = app.screen.query_one("#night-summary", Static)
        assert "Loading your profile" in str(summary.render())
        await settle(pilot)
        assert drawings[0] is False and drawings[-1] is True
        assert app.screen.query_one("#doses", OptionList).option_count


async def test_adding_from_the_catalog_changes_the_plan(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = _dose_rows(app)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, CatalogScreen)
        await pilot.press("slash")
        await pilot.press(*"glycine")
        await pilot.press("enter")  # leave search for the table
        await pilot.press("enter")  # add the highlighted compound
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        after = _dose_rows(app)
        assert len(after) == len(before) + 1
        assert "Glycine" in after
        assert app.workspace.dirty
        assert "unsaved" in app.sub_title


async def test_editing_bedtime_moves_every_dose(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.workspace.plan()
        assert before is not None
        await pilot.press("b")
        await pilot.pause()
        assert app.screen.query_one("#answer", Input).value == "23:00"  # the current bedtime
        await answer(pilot, "23:30")
        assert isinstance(app.screen, TonightScreen)
        after = app.workspace.plan()
        assert after is not None
        assert app.workspace.profile.bedtime == dt.time(23, 30)  # type: ignore[union-attr]
        for old, new in zip(before.doses, after.doses, strict=True):
            assert timing.seconds_between(old.at, new.at) == 30 * 60
        controls = str(app.screen.query_one("#night-controls", Static).render())
        summary = str(app.screen.query_one("#night-summary", Static).render())
        assert "Bedtime 23:30" in controls and "bed 23:30" in summary


async def test_invalid_time_is_refused_and_changes_nothing(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await answer(pilot, "25:99")
        problem = str(app.screen.query_one("#problem", Label).render())
        assert "not a time of day" in problem  # the prompt stays open and says why
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
        assert app.workspace.profile.wake == dt.time(7, 0)  # type: ignore[union-attr]
        assert not app.workspace.dirty


async def test_routine_switcher(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.workspace.routine_name == "weeknight"
        await pilot.press("r")
        await settle(pilot)
        assert app.workspace.routine_name == "melatonin-only"
        assert _dose_rows(app) == ["Melatonin"]
        controls = str(app.screen.query_one("#night-controls", Static).render())
        assert "Routine melatonin-only (r, 2 of 2)" in controls
        tonight = app.screen
        assert isinstance(tonight, TonightScreen)
        tonight.action_pick_routine()  # as a click on the routine's name does
        await pilot.pause()
        await pilot.press("home", "enter")  # the first in the list
        await settle(pilot)
        assert app.workspace.routine_name == "weeknight"
        assert "Magnesium glycinate" in _dose_rows(app)


async def test_remove_move_and_amount(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        count = len(_dose_rows(app))
        plan = app.workspace.plan()
        assert plan is not None
        first = plan.doses[0]
        await pilot.press("right_square_bracket")
        await settle(pilot)
        moved = app.workspace.plan()
        assert moved is not None
        same = next(d for d in moved.doses if d.routine_index == first.routine_index)
        assert timing.seconds_between(first.at, same.at) == 15 * 60
        await pilot.press("e")
        await answer(pilot, "0.3")
        profile = app.workspace.profile
        assert profile is not None
        assert profile.routine().doses[first.routine_index].amount_mg == 0.3
        await pilot.press("e")
        await answer(pilot, "300 mcg")  # units as the command line takes them
        profile = app.workspace.profile
        assert profile is not None
        assert profile.routine().doses[first.routine_index].amount_mg == 0.3
        await pilot.press("e")
        await answer(pilot, "1 g")
        profile = app.workspace.profile
        assert profile is not None
        assert profile.routine().doses[first.routine_index].amount_mg == 1000
        await pilot.press("delete")
        await settle(pilot)
        assert len(_dose_rows(app)) == count - 1


async def test_saving_writes_the_file_and_reopening_shows_it(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("slash", *"apigenin", "enter", "enter")
        await pilot.pause()
        # apigenin has no sourced dose: the app asks for the amount
        await pilot.press(*"50", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.workspace.dirty
    path = home / "profiles" / "example.toml"
    saved = load_profile(path).profile
    assert any(d.compound == "apigenin" and d.amount_mg == 50 for d in saved.routine().doses)
    assert (home / "profiles" / "example.toml.bak").exists()
    again = make_app(home)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Apigenin" in _dose_rows(again)


async def test_a_broken_profile_shows_its_error_and_is_not_overwritten(home: Path) -> None:
    ensure_home(home)
    broken = home / "profiles" / "broken.toml"
    text = 'name = "broken"\nbedtime = "23:00"\nbedtiem = "oops"\n'
    broken.write_text(text)
    app = make_app(home, profile="broken")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        summary = str(app.screen.query_one("#night-summary").render())
        assert "broken.toml" in summary and "bedtiem" in summary and "unknown key" in summary
        await pilot.press("ctrl+s")
        await pilot.press("p")
        await settle(pilot)
        table = app.screen.query_one("#profile-table", DataTable)
        assert table.row_count == 2
    assert broken.read_text() == text


async def test_quitting_with_unsaved_changes_asks_first(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("delete")
        await settle(pilot)
        assert app.workspace.dirty
        await pilot.press("q")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmDialog"
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TonightScreen)
        assert app.is_running


async def test_profiles_new_from_example_and_open(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # the third example
        await answer(pilot, "lucid")
        assert app.workspace.path == home / "profiles" / "lucid.toml"
        assert app.workspace.profile is not None and app.workspace.profile.name == "lucid"
        table = app.screen.query_one("#profile-table", DataTable)
        assert table.row_count == 2


async def test_save_as_and_duplicate(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("s")
        await answer(pilot, "mine")
        assert (home / "profiles" / "mine.toml").exists()
        assert app.workspace.path == home / "profiles" / "mine.toml"
        await pilot.press("u")
        await answer(pilot, "copy")
    text = (home / "profiles" / "copy.toml").read_text()
    profile, _ = parse_profile(text, "copy.toml", bundled_catalog())
    assert profile.name == "copy"


async def test_help_explains_the_current_area(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k", "question_mark")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        assert "# Catalog" in app.screen.area_help  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CatalogScreen)


async def test_catalog_filters_sort_and_details(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogScreen)
        total = screen.query_one("#compounds", DataTable).row_count
        screen.query_one("#stage", Select).value = "rem"
        await settle(pilot)
        rem = [c.id for c in screen.shown]
        assert "galantamine" in rem and "melatonin" not in rem
        assert len(rem) < total
        screen.query_one("#stage", Select).clear()
        await settle(pilot)
        await pilot.press("s")  # sort by mechanism
        await settle(pilot)
        mechanisms = [c.mechanism.value for c in screen.shown]
        assert mechanisms == sorted(mechanisms)
        details = str(screen.query_one("#details").render())
        assert "Sources" in details


async def test_keymap_from_the_profile_remaps_keys(home: Path) -> None:
    ensure_home(home)
    path = home / "profiles" / "example.toml"
    path.write_text(path.read_text() + '\n[keymap]\n"area.catalog" = "c"\n')
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CatalogScreen)


async def test_command_palette_reaches_actions(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Go to Catalog")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CatalogScreen)


async def test_command_palette_reaches_the_areas_own_actions(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plan = app.workspace.plan()
        assert plan is not None
        first = plan.doses[0]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"15 minutes earlier")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        moved = app.workspace.plan()
        assert moved is not None
        same = next(d for d in moved.doses if d.routine_index == first.routine_index)
        assert timing.seconds_between(same.at, first.at) == 15 * 60


async def test_saving_a_danger_needs_an_acknowledgement(home: Path) -> None:
    ensure_home(home)
    path = home / "profiles" / "example.toml"
    path.write_text(path.read_text().replace("medications = []", 'medications = ["sertraline"]'))
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        add_compound(app, "5-htp", 100)
        await settle(pilot)
        panel = app.screen.query_one("#warnings", OptionList)
        first = panel.get_option_at_index(0).prompt
        assert "✖ DANGER" in str(first)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "AcknowledgeDialog"
        await pilot.press("enter")  # focus starts on Cancel: Enter alone never acknowledges
        await settle(pilot)
        assert app.workspace.dirty
        assert "5-htp" not in path.read_text()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.click("#acknowledge")
        await settle(pilot)
        assert not app.workspace.dirty
        # the danger still shows, marked acknowledged
        panel = app.screen.query_one("#warnings", OptionList)
        assert "acknowledged" in str(panel.get_option_at_index(0).prompt)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "TonightScreen"  # not asked again
    saved = load_profile(path).profile
    ack = saved.acknowledgements[0]
    assert ack.code == "medication_interaction"
    assert "5-htp" in ack.compounds and ack.routine == "weeknight" and ack.at is not None


async def test_a_warning_opens_its_sources(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        add_compound(app, "modafinil", 200)
        await settle(pilot)
        panel = app.screen.query_one("#warnings", OptionList)
        panel.focus()
        panel.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "WarningDialog"
        assert "Sources" in str(app.screen.query_one("Static").render())


async def test_usual_morning_in_five_keystrokes(home: Path) -> None:
    """m, quality, tab, sleepiness, ctrl+s: the rest is prefilled from the plan."""
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = ["m", "4", "tab", "3", "ctrl+s"]
        await pilot.press(*keys)
        await settle(pilot)
        assert len(keys) == 5
    with Journal(home / "journal.sqlite3") as journal:
        stored = journal.get("example", "2026-11-22")
    assert stored is not None
    record = stored.record
    assert record["quality"] == 4 and record["kss"] == 3
    assert record["getting_to_sleep"] == 50
    assert record["in_bed"] == "2026-11-22T23:00:00+01:00"
    assert record["final_wake"] == "2026-11-23T07:00:00+01:00"
    assert {d["compound"] for d in record["taken"]} == {
        "melatonin",
        "l-theanine",
        "magnesium-glycinate",
    }
    # quality 75·0.15 + KSS 3 → 75·0.20 + comparisons 50·0.30, renormalised over 0.65
    assert record["scores"]["morning"] == pytest.approx(
        (75 * 0.15 + 75 * 0.2 + 50 * 0.3) / 0.65, abs=0.01
    )


async def test_checkin_score_updates_live_and_refuses_impossible_answers(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m", "5")
        await settle(pilot)
        panel = app.screen.query_one("#checkin-score", LiveText)
        assert "Quality      100" in painted(panel)
        layouts = record_layouts(app)
        await pilot.press("backspace")
        await settle(pilot)
        assert "Quality        –" in painted(panel)
        assert layouts == []  # a rating changes the score's rows, not its height: no layout
        field = app.screen.query_one("#final_wake", Input)
        field.value = "22:00"  # before trying to sleep at 23:00
        await settle(pilot)
        assert "final_wake" in str(panel.render()) and "before tried_sleep" in str(panel.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
    with Journal(home / "journal.sqlite3") as journal:
        assert journal.history("example") == []


class LiveTextApp(App[None]):
    """A narrow LiveText, for counting the layouts its changes cause."""

    CSS = "LiveText { width: 20; }"

    def compose(self) -> ComposeResult:
        yield LiveText("one\ntwo", id="live")


def painted(live: LiveText) -> str:
    """The rows Textual paints for a LiveText, as text."""
    return "\n".join(live.render_line(y).text.rstrip() for y in range(live.size.height))


def record_layouts(app: App[None]) -> list[object]:
    """The screen's layouts from now on, one entry each."""
    layouts: list[object] = []
    app.screen.screen_layout_refresh_signal.subscribe(app, layouts.append, immediate=True)
    return layouts


def record_repaints(live: LiveText, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Region, ...]]:
    """The regions of each repaint a LiveText asks for from now on (empty: all of it)."""
    repainted: list[tuple[Region, ...]] = []
    refresh = live.refresh

    def spy(*regions: Region, **options: bool) -> LiveText:
        repainted.append(regions)
        return refresh(*regions, **options)

    monkeypatch.setattr(live, "refresh", spy)
    return repainted


async def test_live_text_lays_out_only_when_its_height_changes() -> None:
    app = LiveTextApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        layouts = record_layouts(app)
        live = app.query_one("#live", LiveText)
        live.show("three\nfour")
        await pilot.pause()
        assert layouts == [] and painted(live) == "three\nfour"
        assert live.size.height == 2
        live.show("five\nsix\nseven")
        await pilot.pause()
        assert layouts and live.size.height == 3 and painted(live) == "five\nsix\nseven"
        layouts.clear()
        live.show("a line long enough to wrap at twenty\nsix\nseven")  # three lines, four rows
        await pilot.pause()
        assert layouts and live.size.height == 4
        layouts.clear()
        live.show("eight\nnine\nten\neleven")  # four rows again: no layout needed
        await pilot.pause()
        assert layouts == [] and live.size.height == 4
        assert "eleven" in app.export_screenshot()


async def test_live_text_repaints_only_the_rows_that_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = LiveTextApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        live = app.query_one("#live", LiveText)
        repainted = record_repaints(live, monkeypatch)
        live.show("one\nTWO")
        await pilot.pause()
        assert repainted == [(Region(0, 1, 20, 1),)] and painted(live) == "one\nTWO"
        assert "TWO" in app.export_screenshot()
        repainted.clear()
        live.show("one\nTWO")
        assert repainted == []  # nothing changed, nothing repainted
        live.styles.width = 30
        await pilot.pause()
        repainted.clear()
        live.show("ONE\nTWO")  # compared at the new width, not the one it was drawn at
        await pilot.pause()
        assert repainted == [(Region(0, 0, 30, 1),)] and painted(live) == "ONE\nTWO"


async def test_answers_survive_switching_areas_and_replacing_asks(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m", "2", "t", "m")
        await settle(pilot)
        from sleepplan.tui.widgets.scale import Scale

        assert app.screen.query_one("#quality", Scale).value == 2
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.screen.query_one("#quality", Scale).focus()
        await pilot.press("5", "ctrl+s")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ConfirmDialog"
        await pilot.press("y")
        await settle(pilot)
    with Journal(home / "journal.sqlite3") as journal:
        stored = journal.get("example", "2026-11-22")
        assert stored is not None and stored.record["quality"] == 5
        assert len(journal.history("example")) == 1


async def test_checkin_counts_repeat_the_last_morning(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        app.screen.query_one("#sol_min", Input).value = "25"
        app.screen.query_one("#awakenings", Input).value = "2"
        app.screen.query_one("#waso_min", Input).value = "15"
        await pilot.press("ctrl+s")
        await settle(pilot)
    again = make_app(home)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert again.screen.query_one("#sol_min", Input).value == "25"
        assert again.screen.query_one("#waso_min", Input).value == "15"


async def test_a_profile_changed_on_disk_is_not_overwritten(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("delete")  # an unsaved change here
        await settle(pilot)
        path = home / "profiles" / "example.toml"
        edited = path.read_text().replace('bedtime = "23:00"', 'bedtime = "22:15"')
        path.write_text(edited)  # meanwhile, an editor saves the file
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ChoicePrompt"
        assert path.read_text() == edited
        await pilot.press("enter")  # the first choice: reload from disk
        await settle(pilot)
        assert app.workspace.profile is not None
        assert app.workspace.profile.bedtime == dt.time(22, 15)
        assert not app.workspace.dirty


def _seed_journal(home: Path, nights: int = 12) -> None:
    ensure_home(home)
    with Journal(home / "journal.sqlite3") as journal:
        for index in range(nights):
            night = dt.date(2026, 11, 1) + dt.timedelta(days=index)
            helped = index % 2 == 0
            record = {
                "night": night.isoformat(),
                "kss": 3,
                "taken": [{"compound": "melatonin", "amount_mg": 0.5, "at": None}]
                if helped
                else [],
                "confounders": ["alcohol"] if index == 3 else [],
                "metrics": {"tst_min": 420, "se_pct": 90.0},
                "scores": {
                    "morning": 70.0 + index % 3 if helped else 50.0 + index % 3,
                    "onset": 75.0 + index % 3 if helped else 50.0 + index % 3,
                    "maintenance": 60.0,
                    "next_morning": 55.0,
                },
                "flags": [],
            }
            journal.save("example", record, "t")


async def test_history_shows_nights_effects_and_chart(home: Path) -> None:
    _seed_journal(home)
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert screen.__class__.__name__ == "HistoryScreen"
        assert "12 nights" in str(screen.query_one("#history-summary").render())
        effects = screen.query_one("#effects", DataTable)
        row = effects.get_row("melatonin")
        assert str(row[0]) == "Melatonin" and str(row[3]) == "likely helps"
        assert "●" in str(row[2])
        nights = screen.query_one("#nights", DataTable)
        assert nights.row_count == 12
        await pilot.press("slash", *"melatonin")
        await settle(pilot)
        assert nights.row_count == 6
        await pilot.press("escape", "x")
        await settle(pilot)
        assert "left out" in str(screen.query_one("#history-summary").render())


async def test_history_is_empty_before_any_checkin(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert "No check-ins yet" in str(app.screen.query_one("#history-summary").render())


async def test_experiment_tonight_and_the_morning_guess(home: Path) -> None:
    from sleepplan.core.experiments import make_plan
    from sleepplan.store.bundled import bundled_catalog

    ensure_home(home)
    path = home / "profiles" / "example.toml"
    loaded = load_profile(path)
    plan = make_plan(
        catalog=bundled_catalog(),
        compound="melatonin",
        dose_a_mg=0,
        dose_b_mg=0.5,
        primary="onset",
        mid=5,
        start=dt.date(2026, 11, 22),
        created_at=dt.datetime(2026, 11, 21),
        seed=3,
        baseline_nights=0,
        blocks=2,
        block_nights=1,
        blinded=True,
    )
    updated = dataclasses.replace(loaded.profile, experiments=(plan,))
    from sleepplan.store.profiles import save_profile

    save_profile(path, updated, loaded.fingerprint)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tonight = str(app.screen.query_one("#experiment-tonight").render())
        assert "Experiment: Tonight (2026-11-23): take envelope 2." in tonight
        await pilot.press("m")
        await settle(pilot)
        from sleepplan.tui.widgets.scale import Scale

        guess = app.screen.query_one("#guess", Scale)
        assert guess.display
        guess.focus()
        await pilot.press("2", "ctrl+s")
        await settle(pilot)
    with Journal(home / "journal.sqlite3") as journal:
        stored = journal.get("example", "2026-11-22")
    assert stored is not None and stored.record["guess"] == "B"


async def test_tonight_counts_cycling_budgets_from_the_journal(home: Path) -> None:
    ensure_home(home)
    profile = home / "profiles" / "example.toml"
    profile.write_text(
        'name = "example"\ntimezone = "Europe/Berlin"\n[[routines]]\nname = "r"\n'
        '[[routines.doses]]\ncompound = "phenibut"\namount_mg = 250\n'
    )
    with Journal(home / "journal.sqlite3") as journal:
        for night in ("2026-11-20", "2026-11-22", "2026-10-01"):
            taken = [{"compound": "phenibut", "amount_mg": 250, "at": f"{night}T22:00:00+01:00"}]
            journal.save("example", {"night": night, "taken": taken}, "t")
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.workspace.past_nights == {
            "phenibut": [dt.date(2026, 11, 20), dt.date(2026, 11, 22)]  # not October's
        }
        shown = app.screen.query_one("#warnings", OptionList)
        texts = [str(shown.get_option_at_index(i).prompt) for i in range(shown.option_count)]
        assert any("3 nights in 7 days" in text for text in texts)


def _footer_keys(app: object) -> list[tuple[str, str]]:
    keys, palette = app.screen.query_one(KeyFooter).shown  # type: ignore[attr-defined]
    return [(entry.key, entry.description) for entry in (*keys, palette)]


def _footer_column(app: SleepPlanApp, description: str) -> int:
    """A column inside the footer entry with ``description``."""
    footer = app.screen.query_one(KeyFooter)
    footer.render()
    return next(start + 1 for start, _, entry in footer._spans if entry.description == description)


async def test_the_footer_is_rebuilt_only_when_its_keys_change(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        words = {entry.description for entry in shown_keys(app.screen).keys}
        assert {words for _, words in _footer_keys(app)} - {"palette"} == words
        assert ("a", "Add") in _footer_keys(app)
        before = footer.shown
        await pilot.press("tab")  # focus moves; the keys stay the same
        await settle(pilot)
        assert app.screen.focused is not None and app.screen.focused.id != "doses"
        assert footer.shown is before  # not even read again
        app.set_keymap({"area.catalog": "c"})  # the keys change: the footer follows
        await settle(pilot)
        assert ("c", "Catalog") in _footer_keys(app)
        assert ("k", "Catalog") not in _footer_keys(app)
        assert "c Catalog" in footer.render().plain


async def test_the_footer_is_one_widget_whose_keys_click_and_explain_themselves(
    home: Path,
) -> None:
    app = make_app(home)
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        assert not footer.children  # Textual's footer is a widget per key: 13 on Tonight
        line = footer.render().plain
        assert " t Tonight " in line and " ? Help " in line
        assert line.endswith("▏^p palette ") and len(line) == 120
        await pilot.hover(KeyFooter, offset=(_footer_column(app, "Catalog"), 0))
        await pilot.pause()
        assert footer.tooltip == "Browse compounds and their sources"
        assert footer.hovered is not None and footer.hovered.description == "Catalog"
        await pilot.click(KeyFooter, offset=(_footer_column(app, "Catalog"), 0))
        await settle(pilot)
        assert app.current_mode == "catalog"


async def test_footer_clicks_count_cells_and_hover_ends_when_the_keys_move(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        app.set_keymap({"tonight.add": "全"})  # a key two cells wide, first on the line
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        assert footer.render().cell_len == 120
        await pilot.hover(KeyFooter, offset=(_footer_column(app, "Catalog"), 0))
        await pilot.pause()
        assert footer.hovered is not None and footer.hovered.description == "Catalog"
        await pilot.resize_terminal(70, 34)  # the keys move; the pointer has not
        await settle(pilot)
        assert footer.hovered is None and footer.tooltip is None
        await pilot.resize_terminal(120, 34)
        await settle(pilot)
        await pilot.click(KeyFooter, offset=(_footer_column(app, "Catalog"), 0))
        await settle(pilot)
        assert app.current_mode == "catalog"


async def test_a_disabled_footer_key_is_dimmed_and_only_rings_the_bell(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Textual's convention: check_action answering None shows the key disabled
    monkeypatch.setattr(
        TonightScreen, "check_action", lambda self, action, _: None if action == "add" else True
    )
    bells: list[None] = []
    app = make_app(home)
    monkeypatch.setattr(app, "bell", lambda: bells.append(None))
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        add = next(entry for entry in footer.shown.keys if entry.description == "Add")
        assert not add.enabled
        styles = [span.style for span in footer.render().spans[:2]]
        assert [isinstance(style, Style) and style.dim for style in styles] == [True, True]
        await pilot.click(KeyFooter, offset=(_footer_column(app, "Add"), 0))
        await settle(pilot)
        assert bells == [None]
        assert isinstance(app.screen, TonightScreen)  # no catalog picker opened


@pytest.mark.parametrize("width", [80, 100])
async def test_a_narrow_footer_is_compact_and_keeps_help_and_the_palette(
    home: Path, width: int
) -> None:
    app = make_app(home)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        line = app.screen.query_one(KeyFooter).render().plain
        assert len(line) == width and line.endswith("▏^p palette ")
        assert line.startswith("a Add del Remove r Routine t Tonight ")  # compact
        shown = line.removesuffix("▏^p palette ").split()
        assert len(shown) % 2 == 0  # every key with its words: none cut in half
        assert shown[-2:] == ["?", "Help"]  # the help, which lists every key, is always there
        assert "q Quit" not in line  # what does not fit is left out


async def test_an_areas_stylesheet_is_read_when_the_area_is_first_opened(home: Path) -> None:
    def sheets(app: SleepPlanApp) -> set[str]:
        return {Path(path).name for path, _ in app.stylesheet.source if path.endswith(".tcss")}

    app = make_app(home)
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        assert sheets(app) == {"app.tcss"}  # the start parses Tonight's rules only
        await pilot.press("k")
        await settle(pilot)
        assert sheets(app) == {"app.tcss", "catalog.tcss"}
        filters = app.screen.query_one("#catalog-filters").styles.height
        assert filters is not None and str(filters) == "1"  # catalog.tcss's rule applies


async def test_tonight_is_styled_once_at_start_and_stays_one_screen(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    restyles: list[object] = []
    original = SleepPlanApp.refresh_css

    def counting(self: SleepPlanApp, animate: bool = True) -> None:
        restyles.append(self.screen)
        original(self, animate)

    monkeypatch.setattr(SleepPlanApp, "refresh_css", counting)
    app = make_app(home)
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        tonight = app.screen
        assert isinstance(tonight, TonightScreen)
        assert restyles == []  # a screen opened as a mode would restyle everything here
        # Textual reads no stylesheet of a default screen's own: Tonight's rules are app.tcss's
        assert not TonightScreen.CSS and not TonightScreen.CSS_PATH
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is tonight  # `t` returns to the first Tonight, with its state
        assert app.current_mode == "tonight"
        assert _dose_rows(app)


async def test_the_timeline_is_drawn_once_per_plan_and_size(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        timeline = app.screen.query_one("#timeline", TimelineView)
        first = timeline.render()
        assert timeline.render() is first  # layout asks again: the same drawing
        await pilot.press("right_square_bracket")  # the plan changes: drawn anew
        await settle(pilot)
        moved = timeline.render()
        assert moved is not first and moved.plain != first.plain
        await pilot.resize_terminal(140, 34)  # so does the width
        await settle(pilot)
        wider = timeline.render()
        assert wider is not moved and len(wider.plain) > len(moved.plain)


@pytest.mark.parametrize("settles", [True, False], ids=["command-line app", "embedded"])
@pytest.mark.parametrize("opens", [True, False], ids=["profile", "broken profile"])
async def test_the_start_up_heap_is_settled_once_the_plan_is_shown(
    home: Path, monkeypatch: pytest.MonkeyPatch, settles: bool, opens: bool
) -> None:
    monkeypatch.setattr("sleepplan.tui.app.HEAP_SETTLE_DELAY_S", 0.05)
    if not opens:
        ensure_home(home)
        (home / "profiles" / "example.toml").write_text("name = [broken\n")
    apps: list[SleepPlanApp] = []
    resumed: list[tuple[bool, bool]] = []  # per call: collect_first, whether the night is shown

    def recording(collect_first: bool = False) -> None:
        workspace = apps[0].workspace if apps else None
        shown = workspace is not None and (workspace.profile or workspace.error) is not None
        resumed.append((collect_first, shown))
        resume_collector(collect_first)

    monkeypatch.setattr("sleepplan.tui.app.resume_collector", recording)
    assert gc.get_freeze_count() == 0
    gc.disable()  # as `sleepplan` starts the app (start.run)
    try:
        app = SleepPlanApp(home=home, now=NOW, zone="Europe/Berlin", settle_heap=settles)
        # the command line's app runs the collector again at once, blind to the imports
        assert gc.isenabled() is settles
        assert (gc.get_freeze_count() > 0) is settles
        assert resumed == [(False, False)] * settles
        apps.append(app)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.pause(0.3)
            assert (app.workspace.profile is not None) is opens
            # one collection, once the plan (or why there is none) is shown
            assert resumed == [(False, False), (True, True)] * settles
    finally:
        gc.unfreeze()  # the test process goes on: let its collector see everything again
        gc.enable()


async def test_names_and_typed_text_are_shown_as_typed_never_read_as_markup(home: Path) -> None:
    ensure_home(home)
    (home / "profiles" / "example.toml").write_text(
        'name = "example"\ntimezone = "Europe/Berlin"\n'
        '[[routines]]\nname = "Nights [travel] $x"\n'
        '[[routines.doses]]\ncompound = "melatonin"\namount_mg = 0.5\n'
        '[[routines]]\nname = "[/]"\n'
        '[[routines.doses]]\ncompound = "glycine"\namount_mg = 3000\n'
    )
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        controls = str(app.screen.query_one("#night-controls", Static).render())
        assert "Routine Nights [travel] $x (r, 1 of 2)" in controls
        tonight = app.screen
        assert isinstance(tonight, TonightScreen)
        tonight.action_pick_routine()
        await pilot.pause()
        choices = app.screen.query_one(OptionList)
        assert [str(choices.get_option_at_index(i).prompt) for i in range(2)] == [
            "Nights [travel] $x",
            "[/]",
        ]
        await pilot.press("end", "enter")
        await settle(pilot)
        assert app.workspace.routine_name == "[/]" and _dose_rows(app) == ["Glycine"]
        await pilot.press("b")
        await answer(pilot, "[/]")  # what was typed comes back in the message
        problem = str(app.screen.query_one("#problem", Label).render())
        assert "'[/]'" in problem
        await pilot.press("escape")
        await settle(pilot)
        assert app.workspace.profile.bedtime == dt.time(23, 0)  # type: ignore[union-attr]


async def test_removing_the_last_dose_clears_its_why(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")  # the one-dose routine
        await settle(pilot)
        why = app.screen.query_one("#dose-why", Static)
        assert "Why:" in str(why.render())
        await pilot.press("delete")
        await settle(pilot)
        assert _dose_rows(app) == []
        assert str(why.render()).strip() == ""


async def test_a_save_past_the_size_cap_is_refused_and_the_app_goes_on(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sleepplan.store.profiles as profiles

    app = make_app(home)
    path = home / "profiles" / "example.toml"
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        before = path.read_bytes()
        monkeypatch.setattr(profiles, "MAX_PROFILE_BYTES", len(before) // 2)
        await pilot.press("delete", "ctrl+s")
        await settle(pilot)
        assert app.is_running and app.workspace.dirty
        [toast] = [n.message for n in app._notifications if "Not saved" in n.message]
        assert "more than the" in toast and "largest parts" in toast
    assert path.read_bytes() == before
    assert not path.with_name("example.toml.bak").exists()


def _full_disk(*_: object, **__: object) -> Any:
    from sleepplan.store.faults import MachineFault

    raise MachineFault("/home/journal.sqlite3", "No space left on device", "Free some space")


async def test_a_journal_the_machine_refuses_is_reported_never_shown_as_empty(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sleepplan.tui.screens.checkin_journal as checkin_screen
    import sleepplan.tui.screens.history as history_screen

    _seed_journal(home)
    monkeypatch.setattr(history_screen, "Journal", _full_disk)
    monkeypatch.setattr(checkin_screen, "Journal", _full_disk)
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        summary = str(app.screen.query_one("#history-summary").render())
        assert "could not be read" in summary and "No space left on device" in summary
        assert "No check-ins yet" not in summary
        await pilot.press("m", "4", "ctrl+s")
        await settle(pilot)
        assert app.is_running
        titles = [n.title for n in app._notifications]
        assert "Journal not read" in titles and "Not saved" in titles


async def test_a_usual_bedtime_that_makes_the_night_too_short_is_refused(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await answer(pilot, "05:30")  # wake is 07:00: a night of 1 h 30
        assert app.screen.__class__.__name__ == "TextPrompt"
        problem = str(app.screen.query_one("#problem", Label).render())
        assert "lasts 1 h 30; a night lasts from 3 to 16 hours" in problem
        await pilot.press("escape")
        await settle(pilot)
        assert not app.workspace.dirty
        profile = app.workspace.profile
        assert profile is not None and timing.format_clock(profile.bedtime) == "23:00"
