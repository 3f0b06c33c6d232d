"""First run: a new home opens on the welcome, which writes the user's own profile."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from sleepplan.core.goals import goal, starter_routine
from sleepplan.core.profile import Routine
from sleepplan.store import bundled
from sleepplan.store.bundled import example_profiles
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import create_profile, ensure_home, load_profile
from sleepplan.tui.app import SleepPlanApp, untouched_home
from sleepplan.tui.dialogs.warnings import AcknowledgeDialog
from sleepplan.tui.screens.tonight import TonightScreen
from sleepplan.tui.screens.welcome import WelcomeScreen
from tests.factories import routine
from tests.tui_helpers import NOW, settle

SIZE = (80, 24)


def first_run_app(home: Path) -> SleepPlanApp:
    return SleepPlanApp(home=home, now=NOW, zone="Europe/Berlin", welcome=True)


async def fill(pilot: Pilot[None], field: str, text: str) -> None:
    """Clear a field of the welcome and type into it."""
    field_input = pilot.app.screen.query_one(f"#{field}-input", Input)
    field_input.focus()
    field_input.value = ""
    await pilot.press(*text, "enter")  # Enter: on to the next field


async def test_first_run_writes_the_profile_chosen_and_opens_tonight_on_it(home: Path) -> None:
    app = first_run_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert app.screen.query_one("#welcome")
        assert app.screen.query_one("#zone-input", Input).value == "Europe/Berlin"  # detected
        await fill(pilot, "name", "anna")
        await pilot.press("enter")  # the zone as detected
        await fill(pilot, "bedtime", "22:30")
        await fill(pilot, "wake", "06:30")
        await fill(pilot, "sleep-need", "450")
        await pilot.press(*"zolo", "down", "enter")  # completed: Zoloft
        await pilot.press(*"frobnolol", "enter")  # unknown: kept, not checked
        note = app.screen.query_one("#med-note", Static)
        assert "Not checked: frobnolol" in str(note.render())
        await pilot.press("enter")  # on to the goals
        await pilot.press("down", "enter")  # "Deeper sleep"
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
        assert app.workspace.profile is not None and app.workspace.profile.name == "anna"
        assert "anna" in app.sub_title and not app.workspace.dirty
    path = home / "profiles" / "anna.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    profile = load_profile(path).profile
    assert (str(profile.bedtime), str(profile.wake)) == ("22:30:00", "06:30:00")
    assert profile.sleep_need_min == 450 and profile.timezone == "Europe/Berlin"
    assert profile.medications == ("Zoloft", "frobnolol")
    starter = starter_routine(goal("deep"), example_profiles())
    assert profile.routines == (starter,) and profile.default_routine == starter.name


async def test_the_stay_asleep_goal_starts_from_the_stay_asleep_example(home: Path) -> None:
    app = first_run_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill(pilot, "name", "anna")
        app.screen.query_one("#med-input", Input).focus()
        await pilot.press("enter")  # no medications: on to the goals
        await pilot.press("down", "down", "down", "enter")  # "Stay asleep"
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
        assert app.workspace.unacknowledged_dangers() == []
    profile = load_profile(home / "profiles" / "anna.toml").profile
    shipped = load_profile(bundled.PACKAGE_DIR / "profiles" / "stay-asleep.toml").profile
    assert profile.routines == shipped.routines  # the stay-asleep example's own routine
    assert [dose.compound for dose in profile.routine().doses] == ["passionflower", "saffron"]


async def test_escape_skips_to_the_example_profile(home: Path) -> None:
    app = first_run_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
        assert app.workspace.profile is not None and app.workspace.profile.name == "example"
    assert sorted(p.name for p in (home / "profiles").glob("*.toml")) == ["example.toml"]
    again = first_run_app(home)  # skipped once: the next start opens Tonight straight away
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, TonightScreen)


async def test_a_bad_field_or_a_name_in_use_creates_nothing(home: Path) -> None:
    app = first_run_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill(pilot, "name", "example")
        problem = app.screen.query_one("#name-problem", Static)
        assert "a profile with this name exists already" in str(problem.render())
        await fill(pilot, "name", "my/profile")
        assert "is not a profile name" in str(problem.render())
        await fill(pilot, "name", "anna")
        await fill(pilot, "wake", "24:00")
        app.screen.query_one("#create").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert "a field has a problem" in str(app.screen.query_one("#welcome-problem").render())
        assert app.focused is app.screen.query_one("#wake-input", Input)
    assert sorted(p.name for p in (home / "profiles").glob("*.toml")) == ["example.toml"]


async def test_a_danger_in_the_starter_routine_is_acknowledged_before_writing(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no shipped starter has a danger with any class today: one that has stands in for it
    def with_5_htp(*_: object) -> Routine:
        return routine(("5-htp", 100), name="serotonin")

    monkeypatch.setattr("sleepplan.tui.screens.welcome.starter_routine", with_5_htp)
    app = first_run_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill(pilot, "name", "anna")
        app.screen.query_one("#med-input", Input).focus()
        await pilot.press(*"sertraline", "enter", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AcknowledgeDialog)
        await pilot.press("escape")  # not acknowledged: not written
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert not (home / "profiles" / "anna.toml").exists()
        app.screen.query_one("#create").focus()
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#acknowledge").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
    saved = load_profile(home / "profiles" / "anna.toml").profile
    assert [(a.code, a.routine) for a in saved.acknowledgements] != []
    assert {a.routine for a in saved.acknowledgements} == {"serotonin"}


async def test_no_welcome_once_the_home_has_a_profile_of_the_users_own(home: Path) -> None:
    ensure_home(home)
    create_profile(home, "anna", example_profiles()["deep-sleep"])
    app = first_run_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)


async def test_the_palette_offers_the_first_run_setup_at_any_time(home: Path) -> None:
    from tests.test_settings import run_command

    app = first_run_app(home)
    ensure_home(home)
    (home / "profiles" / "example.toml").write_text(example_profiles()["example"] + "\n# mine\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
        await run_command(pilot, "First-run setup")
        assert isinstance(app.screen, WelcomeScreen)


def test_only_a_home_without_a_profile_of_the_users_own_is_untouched(home: Path) -> None:
    assert untouched_home(home)  # not even created yet
    ensure_home(home)
    assert untouched_home(home)  # the example, as shipped
    example = home / "profiles" / "example.toml"
    example.write_text(example.read_text().replace('"23:00"', '"22:45"'))
    assert not untouched_home(home)  # edited: theirs now
    example.write_text(example_profiles()["example"])
    assert untouched_home(home)
    with Journal(home / "journal.sqlite3") as journal:  # mornings recorded with the example
        journal.save("example", {"night": "2026-11-22", "taken": []}, "t")
    assert not untouched_home(home)
    (home / "journal.sqlite3").unlink()
    create_profile(home, "anna", example_profiles()["example"])
    assert not untouched_home(home)


def test_the_welcome_and_settings_load_only_when_opened(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from sleepplan.tui.app import SleepPlanApp\n"
        "SleepPlanApp(home=sys.argv[1], welcome=True)\n"
        "mods = ('sleepplan.tui.screens.welcome', 'sleepplan.tui.screens.settings',\n"
        "        'sleepplan.tui.widgets.medications', 'sleepplan.core.goals')\n"
        "print(','.join(m for m in mods if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "home")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
