"""Profile settings and the medication field, driven by the keyboard at 80x24."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from sleepplan.core.errors import InputError
from sleepplan.core.safety import Severity
from sleepplan.core.timing import night_minutes
from sleepplan.store.profiles import ensure_home, load_profile, profile_from_bytes
from sleepplan.tui.screens.profiles import ProfilesScreen
from sleepplan.tui.screens.settings import SettingsScreen
from sleepplan.tui.screens.tonight import TonightScreen
from sleepplan.tui.widgets.medications import MedicationsField, search
from tests.tui_helpers import make_app, settle

SIZE = (80, 24)


def loader_message(line: str) -> str:
    """What loading a profile file holding ``line`` says is wrong with it."""
    name = "" if line.startswith("name =") else 'name = "test"\n'
    text = f"schema_version = 1\n{name}{line}\n"
    with pytest.raises(InputError) as caught:
        profile_from_bytes(text.encode("utf-8"), "test.toml")
    assert len(caught.value.problems) == 1
    return caught.value.problems[0][1]


def shown(widget: Static) -> str:
    """What a line of the screen says."""
    return str(widget.render())


async def open_settings(pilot: Pilot[None]) -> SettingsScreen:
    await settle(pilot)
    await pilot.press("comma")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    assert screen.query_one("#settings")
    return screen


async def type_into(pilot: Pilot[None], field: str, text: str) -> None:
    """Focus a field, clear it and type ``text`` key by key."""
    field_input = pilot.app.screen.query_one(f"#{field}-input", Input)
    field_input.focus()
    field_input.value = ""
    if text:
        await pilot.press(*text)
    await pilot.pause()


def problem(pilot: Pilot[None], field: str) -> str:
    line = pilot.app.screen.query_one(f"#{field}-problem", Static)
    return shown(line) if line.display else ""


@pytest.mark.parametrize(
    ("field", "typed", "line"),
    [
        ("name", "", 'name = ""'),
        ("zone", "Mars/Olympus", 'timezone = "Mars/Olympus"'),
        ("bedtime", "25:00", 'bedtime = "25:00"'),
        ("wake", "7am", 'wake = "7am"'),
        ("dinner", "19:60", 'dinner = "19:60"'),
        ("sleep-need", "100", "sleep_need_min = 100"),
        ("sleep-need", "lots", 'sleep_need_min = "lots"'),
    ],
)
async def test_a_bad_value_is_refused_with_the_loaders_message_and_nothing_applied(
    home: Path, field: str, typed: str, line: str
) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        before = app.workspace.profile
        await type_into(pilot, field, typed)
        assert problem(pilot, field) == loader_message(line)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)  # not applied, still open
        assert app.workspace.profile == before and not app.workspace.dirty


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("name", "night/owl", "a profile's name has no '/' and no control characters"),
        ("wake", "01:00", "a night from 23:00 to 01:00 lasts 2 h 00; a night lasts from 3 to 16"),
        ("wake", "16:00", "a night from 23:00 to 16:00 lasts 17 h 00"),
        ("bedtime", "07:00", "a night from 07:00 to 07:00 lasts 24 h 00"),
    ],
)
async def test_a_bad_name_or_night_is_refused_with_a_clear_message(
    home: Path, field: str, typed: str, message: str
) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        before = app.workspace.profile
        await type_into(pilot, field, typed)
        assert message in problem(pilot, field)
        app.screen.query_one("#apply").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert app.workspace.profile == before


async def test_what_a_hand_written_file_holds_is_kept_when_another_field_changes(
    home: Path,
) -> None:
    ensure_home(home)
    path = home / "profiles" / "example.toml"
    text = path.read_text().replace('name = "example"', 'name = "night\\u001bowl"')
    path.write_text(text.replace('wake = "07:00"', 'wake = "01:00"'))  # a 2-hour night
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        assert app.screen.query_one("#name-input", Input).value == "night␛owl"
        await type_into(pilot, "dinner", "18:00")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
        profile = app.workspace.profile
        assert profile is not None and str(profile.dinner) == "18:00:00"
        assert profile.name == "night\x1bowl" and str(profile.wake) == "01:00:00"


async def test_a_typed_control_character_in_the_name_is_refused(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        app.screen.query_one("#name-input", Input).value = "night\x1bowl"
        await pilot.pause()
        assert "no control characters" in problem(pilot, "name")


def test_a_night_is_measured_to_the_next_wake_time() -> None:
    assert night_minutes(_time("23:00"), _time("07:00")) == 8 * 60
    assert night_minutes(_time("01:30"), _time("09:00")) == 7 * 60 + 30
    assert night_minutes(_time("07:00"), _time("07:00")) == 24 * 60


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


async def test_good_settings_are_applied_as_an_edit_and_saved_with_ctrl_s(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await type_into(pilot, "zone", "new_yo")
        matches = app.screen.query_one("#zone-matches", OptionList)
        assert matches.display and matches.get_option_at_index(0).id == "America/New_York"
        await pilot.press("down", "enter")  # Enter takes the highlighted zone
        assert app.screen.query_one("#zone-input", Input).value == "America/New_York"
        await type_into(pilot, "bedtime", "22:15")
        await type_into(pilot, "wake", "06:45")
        await type_into(pilot, "dinner", "18:30")
        await type_into(pilot, "sleep-need", "450")
        await type_into(pilot, "med", "zoloft")
        await pilot.press("enter")
        assert app.screen.query_one(MedicationsField).medications == ("Zoloft",)
        assert not app.workspace.dirty  # nothing changes before Enter applies
        await pilot.press("enter")  # an empty medication field: Enter applies
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
        profile = app.workspace.profile
        assert profile is not None and app.workspace.dirty
        assert profile.timezone == "America/New_York"
        assert (str(profile.bedtime), str(profile.wake), str(profile.dinner)) == (
            "22:15:00",
            "06:45:00",
            "18:30:00",
        )
        assert profile.sleep_need_min == 450 and profile.medications == ("Zoloft",)
        assert "unsaved" in app.sub_title
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.workspace.dirty
    saved = load_profile(home / "profiles" / "example.toml").profile
    assert saved == profile


async def test_escape_cancels_every_change(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        before = app.workspace.profile
        await type_into(pilot, "bedtime", "21:00")
        await type_into(pilot, "med", "sertraline")
        await pilot.press("enter", "escape")
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
        assert app.workspace.profile == before and not app.workspace.dirty


async def test_settings_open_from_profiles_and_from_the_palette(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
        await open_settings(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await run_command(pilot, "Medications")
        assert isinstance(app.screen, SettingsScreen)
        assert app.focused is app.screen.query_one("#med-input", Input)
        await pilot.press("escape")
        await run_command(pilot, "Profile settings")
        assert isinstance(app.screen, SettingsScreen)
        assert app.focused is app.screen.query_one("#name-input", Input)


async def run_command(pilot: Pilot[None], name: str) -> None:
    """Open the palette, search for ``name`` and run its first hit once it is listed."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*name)
    results = pilot.app.screen.query_one(OptionList)
    for _ in range(200):  # the palette searches in a worker; wait until it has listed it
        if results.option_count and name in str(results.get_option_at_index(0).prompt):
            break
        await pilot.pause(0.01)
    assert name in str(results.get_option_at_index(0).prompt)
    await pilot.press("enter")
    await settle(pilot)


# -- the medication field ---------------------------------------------------------------------


def test_completion_puts_names_starting_with_the_query_first() -> None:
    names = ["Asia/Ho_Chi_Minh", "America/New_York", "Europe/Berlin", "Newfoundland"]
    assert search(names, "new") == ["Newfoundland", "America/New_York"]
    assert search(names, "new york") == ["America/New_York"]
    assert search(names, "") == []


async def test_a_brand_is_completed_and_an_unknown_name_kept_as_not_checked(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await type_into(pilot, "med", "zol")
        matches = app.screen.query_one("#med-matches", OptionList)
        offered = [matches.get_option_at_index(i) for i in range(matches.option_count)]
        assert "Zoloft" in [option.id for option in offered]
        zoloft = next(option for option in offered if option.id == "Zoloft")
        assert "sertraline" in str(zoloft.prompt) and "SSRI" in str(zoloft.prompt)
        await pilot.press("down")
        while matches.highlighted_option is not None and matches.highlighted_option.id != "Zoloft":
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.press(*"frobnolol", "enter")
        field = app.screen.query_one(MedicationsField)
        assert field.medications == ("Zoloft", "frobnolol")
        chosen = app.screen.query_one("#med-chosen", OptionList)
        rows = [str(chosen.get_option_at_index(i).prompt) for i in range(chosen.option_count)]
        assert "checked as SSRI" in rows[0] and "sertraline" in rows[0]
        assert "frobnolol" in rows[1] and "not checked" in rows[1]
        note = shown(app.screen.query_one("#med-note", Static))
        assert "Not checked: frobnolol" in note and "nothing is checked against it" in note
        # Delete removes the selected one; the unknown name goes, and its note with it
        chosen.focus()
        chosen.highlighted = 1
        await pilot.press("delete")
        assert list(field.medications) == ["Zoloft"]
        assert not app.screen.query_one("#med-note", Static).display


async def test_enter_takes_the_known_name_a_typed_start_completes(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await type_into(pilot, "med", "zolo")
        await pilot.press("enter")
        await type_into(pilot, "med", "olo")  # inside a name, not its start: kept as typed
        await pilot.press("enter")
        assert app.screen.query_one(MedicationsField).medications == ("Zoloft", "olo")


async def test_a_medication_the_loader_refuses_is_not_added(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        field = app.screen.query_one(MedicationsField)
        assert not field.add("x" * 81)
        assert field.medications == ()
        expected = loader_message(f'medications = ["{"x" * 81}"]')
        assert shown(app.screen.query_one("#med-note", Static)) == expected
        assert not field.add("bad\x1bname")
        assert field.add("Sertraline") and not field.add("sertraline")  # the data's spelling
        assert list(field.medications) == ["sertraline"]


async def test_a_brand_name_entered_in_settings_makes_a_5_htp_dose_a_danger(home: Path) -> None:
    ensure_home(home)
    path = home / "profiles" / "example.toml"
    text = path.read_text().replace(
        'compound = "l-theanine"\namount_mg = 200', 'compound = "5-htp"\namount_mg = 100'
    )
    path.write_text(text)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        plan = app.workspace.plan()
        assert not any(w.severity is Severity.DANGER for w in app.workspace.warnings(plan))
        await type_into(pilot, "med", "Zoloft")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
        warnings = app.workspace.warnings(app.workspace.plan())
        assert any(w.severity is Severity.DANGER and "5-htp" in w.compounds for w in warnings)


def _nights(home: Path, *names: str) -> None:
    from sleepplan.store.journal import Journal

    with Journal(home / "journal.sqlite3") as journal:
        for index, name in enumerate(names):
            record = {
                "night": f"2026-11-{10 + index:02d}",
                "taken": [],
                "metrics": {"tst_min": 420, "se_pct": 90.0},
                "scores": {"morning": 60.0, "onset": 60.0, "maintenance": 60.0},
                "flags": [],
            }
            journal.save(name, record, "t")


def _histories(home: Path) -> dict[str, int]:
    from sleepplan.store.journal import Journal

    with Journal(home / "journal.sqlite3") as journal:
        rows = journal.db.execute("SELECT profile, COUNT(*) FROM checkins GROUP BY profile")
        return {str(name): int(count) for name, count in rows}


async def rename_and_save(pilot: Pilot[None], name: str) -> None:
    await open_settings(pilot)
    await type_into(pilot, "name", name)
    pilot.app.screen.query_one("#apply").focus()
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_profile_renamed_in_settings_takes_its_nights_along(home: Path) -> None:
    ensure_home(home)
    _nights(home, "example", "example", "example")
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await rename_and_save(pilot, "anna")
        assert not app.workspace.dirty
        await pilot.press("h")
        await settle(pilot)
        assert "3 nights" in str(app.screen.query_one("#history-summary").render())
    assert load_profile(home / "profiles" / "example.toml").profile.name == "anna"
    assert _histories(home) == {"anna": 3}


async def test_a_new_name_that_has_nights_already_is_refused(home: Path) -> None:
    ensure_home(home)
    _nights(home, "example", "anna")
    before = (home / "profiles" / "example.toml").read_bytes()
    app = make_app(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await rename_and_save(pilot, "anna")
        assert app.workspace.dirty  # not saved
        assert any("mix two histories" in n.message for n in app._notifications)
    assert (home / "profiles" / "example.toml").read_bytes() == before
    assert _histories(home) == {"example": 1, "anna": 1}
