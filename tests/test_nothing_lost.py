"""Nothing lost, nothing surprising: unsaved check-ins, typed keys, exports, broken profiles."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ensure_home
from sleepplan.tui.app import SleepPlanApp
from sleepplan.tui.screens.catalog import CatalogScreen
from sleepplan.tui.screens.checkin import CheckinScreen
from sleepplan.tui.screens.profiles import ProfilesScreen
from sleepplan.tui.screens.tonight import TonightScreen
from tests.conftest import run_cli
from tests.tui_helpers import make_app, settle

SIZE = (80, 24)
CHARACTERS = {"slash": "/", "space": " ", "enter": "\r"}


def type_quickly(app: App[None], *keys: str) -> None:
    """Send keys as a terminal does when they are typed quickly (or pasted): all at once.

    ``pilot.press`` waits for the app to be idle after every key, so a key that opens a
    prompt or moves the focus has always finished before the next one arrives: it cannot
    show a key handed to the widget that had focus when it arrived, as a terminal does.
    """
    for key in keys:
        character = CHARACTERS.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


# -- quitting with an unsaved check-in --------------------------------------------------------


async def test_quitting_with_an_unsaved_checkin_asks_first(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m", "4")  # quality 4, not saved
        await settle(pilot)
        assert not app.workspace.dirty  # the profile itself has no change
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running
        assert app.screen.__class__.__name__ == "ConfirmDialog"
        question = str(app.screen.query_one(".dialog-question").render())
        assert "check-in for the night of 2026-11-22" in question
        await pilot.press("n")  # stay
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        await pilot.press("ctrl+s")  # saved: quitting no longer asks
        await settle(pilot)
        await pilot.press("escape", "q")
        await settle(pilot)
        assert not app.is_running


async def test_a_checkin_left_untouched_does_not_ask(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")  # the form is prefilled, not answered
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert not app.is_running


# -- keys typed quickly ------------------------------------------------------------------------


async def test_q_typed_right_after_slash_is_searched_for_not_quitting(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        type_quickly(app, "slash", "q", "u")
        await settle(pilot)
        assert app.is_running
        assert app.screen.query_one("#search", Input).value == "qu"


async def test_q_in_every_text_field_is_text(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for area in "mhk":
            await pilot.press("escape", area)
            await settle(pilot)
            fields = list(app.screen.query(Input))
            assert fields
            for field in fields:
                if field.type == "integer":
                    continue  # a number field refuses letters, but keeps them from acting
                field.value = ""
                field.focus()
                await pilot.pause()
                await pilot.press("q", "t")
                await settle(pilot)
                assert app.is_running and app.screen.query_one(f"#{field.id}") is field
                assert field.value == "qt", field.id
                field.value = ""
        await pilot.press("escape", "t", "e")  # a prompt's field too
        await settle(pilot)
        type_quickly(app, "q", "t")
        await settle(pilot)
        assert app.is_running
        assert app.screen.query_one("#answer", Input).value == "qt"


async def test_an_amount_typed_as_its_prompt_opens_is_not_lost(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
        plan = app.workspace.plan()
        assert plan is not None
        first = plan.doses[0].routine_index
        type_quickly(app, "e", "3", "2", "0", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)  # answered and closed
        profile = app.workspace.profile
        assert profile is not None
        assert profile.routine().doses[first].amount_mg == 320


async def test_a_name_typed_as_its_prompt_opens_is_not_lost(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        type_quickly(app, "s", "m", "i", "n", "e")
        await settle(pilot)
        assert app.screen.query_one("#answer", Input).value == "mine"


async def test_an_amount_typed_as_the_catalogs_prompt_opens_is_not_lost(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k", "slash", *"apigenin", "enter")  # no sourced dose: it asks
        await settle(pilot)
        type_quickly(app, "enter", *"50 mcg", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CatalogScreen)
        profile = app.workspace.profile
        assert profile is not None
        added = [d for d in profile.routine(app.workspace.routine_name).doses]
        assert ("apigenin", 0.05) in [(d.compound, d.amount_mg) for d in added]


# -- a broken profile: its backup, or an editor -----------------------------------------------

BROKEN = 'name = "mine"\nbedtime = "23:00"\nbedtiem = "oops"\n'
GOOD = 'name = "mine"\nbedtime = "22:30"\nwake = "06:30"\n'


def _broken_home(home: Path, backup: str | None) -> Path:
    ensure_home(home)
    path = home / "profiles" / "mine.toml"
    path.write_text(BROKEN)
    if backup is not None:
        path.with_name("mine.toml.bak").write_text(backup)
    return path


async def _select(pilot: Pilot[None], app: SleepPlanApp, stem: str) -> ProfilesScreen:
    await pilot.press("p")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ProfilesScreen)
    table = screen.query_one("#profile-table", DataTable)
    row = next(i for i, entry in enumerate(screen.entries) if entry.path.stem == stem)
    table.move_cursor(row=row)
    await settle(pilot)
    return screen


async def test_a_broken_profile_offers_its_backup_and_nothing_is_overwritten(home: Path) -> None:
    path = _broken_home(home, GOOD)
    app = make_app(home, profile="mine")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.workspace.profile is None
        screen = await _select(pilot, app, "mine")
        status = str(screen.query_one("#profile-status", Static).render())
        assert "backup" in status and "$EDITOR" in status
        await pilot.press("enter")
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["backup", "edit", "cancel"]
        await pilot.press("enter")  # the backup
        await settle(pilot)
        profile = app.workspace.profile
        assert profile is not None and profile.name == "mine"
        assert app.workspace.path == path.with_name("mine.toml.bak")
        assert profile.bedtime.hour == 22
    assert path.read_text() == BROKEN
    assert path.with_name("mine.toml.bak").read_text() == GOOD


async def test_a_backup_that_does_not_load_is_not_offered(home: Path) -> None:
    _broken_home(home, BROKEN)
    app = make_app(home, profile="mine")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _select(pilot, app, "mine")
        await pilot.press("enter")
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["edit", "cancel"]


async def test_a_broken_profile_opens_in_the_editor_then_reloads(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _broken_home(home, None)
    editor = tmp_path / "editor.py"  # an "editor" that fixes the file it is given
    editor.write_text(
        f"import sys\nfrom pathlib import Path\nPath(sys.argv[1]).write_text({GOOD!r})\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.delenv("VISUAL", raising=False)
    suspended: list[bool] = []

    class Suspended:
        def __enter__(self) -> None:
            suspended.append(True)

        def __exit__(self, *_: object) -> None:
            return None

    monkeypatch.setattr(SleepPlanApp, "suspend", lambda self: Suspended())
    app = make_app(home, profile="mine")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.workspace.profile is None
        await _select(pilot, app, "mine")
        await pilot.press("e")
        await settle(pilot)
        assert suspended == [True]
        profile = app.workspace.profile
        assert profile is not None and profile.bedtime.hour == 22
        assert app.workspace.path == path
    assert path.read_text() == GOOD  # the editor's, not sleepplan's


# -- export ------------------------------------------------------------------------------------

CHECKIN = """\
night = "2026-11-22"
in_bed = "23:00"
tried_sleep = "23:05"
final_wake = "06:50"
out_of_bed = "07:00"
quality = 4
kss = 3
"""


def _checkin(tmp_path: Path, *args: str) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text(CHECKIN)
    result = run_cli(*args, "checkin", "--from", str(answers))
    assert result.returncode == 0, result.stderr


def test_export_names_the_profile_it_exported(tmp_path: Path) -> None:
    _checkin(tmp_path)
    result = run_cli("export", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "profile example" in result.stderr and "1 check-in" in result.stderr
    assert result.stdout.startswith("night,")  # no profile column without --all


def test_an_empty_export_is_refused_naming_the_profile_and_all(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = run_cli("export", "--format", "json", "--out", str(out))
    assert result.returncode == 2
    assert "example" in result.stderr and "no check-ins" in result.stderr
    assert "--all" in result.stderr
    assert not out.exists()


def test_export_all_has_every_profiles_checkins(tmp_path: Path) -> None:
    _checkin(tmp_path)
    assert run_cli("profile", "new", "second").returncode == 0
    _checkin(tmp_path, "--profile", "second")
    result = run_cli("export", "--format", "json", "--all")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [entry["profile"] for entry in data["profiles"]] == ["example", "second"]
    assert all(len(entry["checkins"]) == 1 for entry in data["profiles"])
    assert "2 profiles" in result.stderr
    csv_result = run_cli("export", "--format", "csv", "--all")
    assert csv_result.returncode == 0, csv_result.stderr
    lines = csv_result.stdout.splitlines()
    assert lines[0].startswith("profile,night,")
    assert [line.split(",")[0] for line in lines[1:]] == ["example", "second"]


def test_export_all_is_refused_for_a_profiles_own_formats(tmp_path: Path) -> None:
    _checkin(tmp_path)
    for fmt in ("toml", "ics"):
        result = run_cli("export", "--format", fmt, "--all")
        assert result.returncode == 2
        assert "--all" in result.stderr


def test_export_all_with_no_checkins_at_all_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    result = run_cli("export", "--format", "csv", "--all", "--out", str(out))
    assert result.returncode == 2
    assert "no profile has check-ins" in result.stderr
    assert not out.exists()


def test_the_single_profile_json_contract_is_unchanged(tmp_path: Path) -> None:
    _checkin(tmp_path)
    result = run_cli("export", "--format", "json")
    data = json.loads(result.stdout)
    assert set(data) == {"profile", "checkins"} and data["profile"] == "example"
    with Journal(Path(os.environ["SLEEPPLAN_HOME"]) / "journal.sqlite3") as journal:
        assert data["checkins"] == journal.records("example")


async def test_the_palette_leads_to_the_repair_of_a_broken_profile(home: Path) -> None:
    _broken_home(home, GOOD)
    app = make_app(home, profile="mine")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Fix the profile")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
