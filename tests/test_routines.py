"""Routines as first-class things, "just tonight", and the app's memory between runs."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Label, OptionList

from sleepplan.core import editing
from sleepplan.core.catalog import Catalog
from sleepplan.core.goals import GOALS, goal, starter_routine
from sleepplan.core.profile import Acknowledgement, Profile, parse_profile
from sleepplan.store.bundled import example_profiles
from sleepplan.store.profiles import create_profile, ensure_home, load_profile
from sleepplan.store.state import (
    MAX_REMEMBERED_ROUTINES,
    AppState,
    read_state,
    state_path,
    write_state,
)
from sleepplan.tui.actions.catalog import add_compound
from sleepplan.tui.app import SleepPlanApp
from sleepplan.tui.dialogs.prompt import ChoicePrompt, TextPrompt
from sleepplan.tui.dialogs.routines import RoutineManager
from sleepplan.tui.screens.tonight import TonightScreen
from tests.tui_helpers import answer, make_app, settle

SIZE = (80, 24)


@pytest.fixture
def profile(catalog: Catalog) -> Profile:
    return parse_profile(example_profiles()["example"], "example", catalog)[0]


def _names(profile: Profile) -> list[str]:
    return [routine.name for routine in profile.routines]


# -- pure routine edits ---------------------------------------------------------------------


def test_a_new_routine_is_empty_or_starts_from_a_goal(profile: Profile) -> None:
    empty = editing.new_routine(profile, "  travel  ")
    assert _names(empty) == ["weeknight", "melatonin-only", "travel"]  # the name is stripped
    assert empty.routine("travel").doses == ()
    assert empty.default_routine == "weeknight"
    starter = starter_routine(goal("rem"), example_profiles())
    dreamy = editing.new_routine(profile, "dreams", starter.doses)
    assert [d.compound for d in dreamy.routine("dreams").doses] == [
        "melatonin",
        "galantamine",
        "alpha-gpc",
    ]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "needs a name"),
        ("   ", "needs a name"),
        ("work/travel", "cannot contain '/'"),
        ("nights\x1b[2J", "control or hidden characters (nights␛[2J)"),
        ("a\u202eb", "control or hidden characters"),
        ("x" * 81, "at most 80 characters"),
        ("melatonin-only", "already a routine named 'melatonin-only'"),
        ("WEEKNIGHT", "already a routine named 'weeknight'"),
    ],
)
def test_a_bad_routine_name_is_refused_by_every_edit(
    profile: Profile, name: str, reason: str
) -> None:
    with pytest.raises(ValueError, match="routine") as caught:
        editing.new_routine(profile, name)
    assert reason in str(caught.value)
    with pytest.raises(ValueError, match="routine") as caught:
        editing.duplicate_routine(profile, "weeknight", name)
    assert reason in str(caught.value)
    if name != "WEEKNIGHT":  # renaming weeknight to WEEKNIGHT is its own name in capitals
        with pytest.raises(ValueError) as caught:
            editing.rename_routine(profile, "weeknight", name)
        assert reason in str(caught.value)


def test_renaming_carries_the_default_and_the_acknowledgements(profile: Profile) -> None:
    ack = Acknowledgement(code="x", compounds=("5-htp",), routine="weeknight")
    acknowledged = replace(profile, acknowledgements=(ack,))
    renamed = editing.rename_routine(acknowledged, "weeknight", "Weekdays")
    assert _names(renamed) == ["Weekdays", "melatonin-only"]
    assert renamed.default_routine == "Weekdays"
    assert renamed.acknowledgements[0].routine == "Weekdays"
    assert renamed.routine("Weekdays").doses == profile.routine("weeknight").doses
    # its own name in other capitals is not a duplicate of itself
    assert _names(editing.rename_routine(profile, "weeknight", "WEEKNIGHT"))[0] == "WEEKNIGHT"
    with pytest.raises(KeyError):
        editing.rename_routine(profile, "nope", "fine")


def test_duplicating_places_the_copy_after_its_source(profile: Profile) -> None:
    copied = editing.duplicate_routine(profile, "weeknight", "weeknight copy")
    assert _names(copied) == ["weeknight", "weeknight copy", "melatonin-only"]
    assert copied.routine("weeknight copy").doses == profile.routine("weeknight").doses
    assert copied.default_routine == "weeknight"


def test_deleting_the_default_moves_it_and_restoring_puts_all_back(profile: Profile) -> None:
    ack = Acknowledgement(code="x", compounds=("5-htp",), routine="weeknight")
    original = replace(profile, acknowledgements=(ack,))
    deleted, trashed = editing.delete_routine(original, "weeknight")
    assert _names(deleted) == ["melatonin-only"]
    assert deleted.default_routine == "melatonin-only"  # never names a routine that is gone
    assert deleted.acknowledgements == ()
    assert editing.restore_routine(deleted, trashed) == original
    last, _ = editing.delete_routine(deleted, "melatonin-only")
    assert last.routines == () and last.default_routine is None


def test_a_restored_routine_whose_name_was_taken_is_renamed(profile: Profile) -> None:
    deleted, trashed = editing.delete_routine(profile, "melatonin-only")
    retaken = editing.new_routine(deleted, "melatonin-only")
    restored = editing.restore_routine(retaken, trashed)
    assert _names(restored) == ["weeknight", "melatonin-only (restored)", "melatonin-only"]


def test_set_default(profile: Profile) -> None:
    assert editing.set_default_routine(profile, "melatonin-only").routine().name == (
        "melatonin-only"
    )
    with pytest.raises(KeyError):
        editing.set_default_routine(profile, "nope")


def test_every_goal_starts_from_a_shipped_routine(catalog: Catalog) -> None:
    assert [g.label for g in GOALS] == [
        "Fall asleep faster",
        "Deeper sleep",
        "More REM / dream recall",
        "Stay asleep",
    ]
    for each in GOALS:
        routine = starter_routine(each, example_profiles())
        assert routine.doses and all(dose.compound in catalog for dose in routine.doses)
    # each goal has a shipped example of its own, and every example is some goal's start
    assert sorted(each.example for each in GOALS) == sorted(example_profiles())
    stay = starter_routine(goal("stay"), example_profiles())
    for dose in stay.doses:
        assert "maintenance" in {s.value for s in catalog.get(dose.compound).stages}


# -- the state file -------------------------------------------------------------------------


def test_a_missing_or_broken_state_file_is_ignored(tmp_path: Path) -> None:
    assert read_state(tmp_path) == AppState()
    path = state_path(tmp_path)
    for broken in (
        b"{not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"last_profile": "../etc/passwd", "routines": {"a": 3, "b": "ok"}}',
        b'{"last_profile": "x"' + b" " * 70_000 + b"}",
    ):
        path.write_bytes(broken)
        state = read_state(tmp_path)
        assert state.last_profile is None
        assert state.routines in ({}, {"b": "ok"})  # what is usable is kept, nothing else
    path.unlink()
    path.mkdir()  # a folder where the file should be
    assert read_state(tmp_path) == AppState()


def test_the_state_file_is_written_whole_and_private(tmp_path: Path) -> None:
    state = AppState().remembering("example", "melatonin-only", in_home=True)
    state = state.remembering("/elsewhere/p.toml", "r", in_home=False)
    write_state(tmp_path, state)
    assert stat.S_IMODE(os.stat(state_path(tmp_path)).st_mode) == 0o600
    back = read_state(tmp_path)
    assert back.last_profile == "example"  # a profile outside the home is not reopened
    assert back.routine_for("example") == "melatonin-only"
    assert back.routine_for("/elsewhere/p.toml") == "r"
    for index in range(MAX_REMEMBERED_ROUTINES + 5):
        state = state.remembering(f"p{index}", "r", in_home=True)
    assert len(state.routines) == MAX_REMEMBERED_ROUTINES
    assert "example" not in state.routines and state.last_profile == f"p{index}"


async def test_the_app_reopens_the_last_profile_and_routine(home: Path) -> None:
    ensure_home(home)
    other = create_profile(home, "other", example_profiles()["deep-sleep"])
    example = home / "profiles" / "example.toml"
    example_text = example.read_bytes()
    os.utime(other, (1_000_000, 1_000_000))  # example.toml is the one saved last
    first = make_app(home, "other")
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "other" in first.sub_title
    again = make_app(home)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "other" in again.sub_title  # not the one saved last
        await pilot.press("p")  # open example from the Profiles area, as a user would
        await settle(pilot)
        again.open_profile(str(example))
        await settle(pilot)
        await pilot.press("t", "r")
        await settle(pilot)
        assert again.workspace.routine_name == "melatonin-only"
    assert stat.S_IMODE(os.stat(state_path(home)).st_mode) == 0o600
    third = make_app(home)
    async with third.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "example" in third.sub_title
        assert third.workspace.routine_name == "melatonin-only"  # the routine chosen last
        assert not third.workspace.dirty  # remembering is not an edit of the profile
    assert example.read_bytes() == example_text  # nothing of it went into the profile
    state_path(home).write_text("{broken")
    os.utime(other, None)  # now other.toml is the one saved last
    fallback = make_app(home)
    async with fallback.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "other" in fallback.sub_title  # today's rule, and no error
        assert fallback.workspace.error is None


# -- the routine manager in the app ---------------------------------------------------------


async def _choose(pilot: object, option_id: str) -> None:
    """Pick an option of the open ChoicePrompt by its id."""
    app = pilot.app  # type: ignore[attr-defined]
    assert isinstance(app.screen, ChoicePrompt)
    options = app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index(option_id)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


def _problem(app: SleepPlanApp) -> str:
    return str(app.screen.query_one("#problem", Label).render())


async def test_new_routine_from_a_goal_and_bad_names_refused(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, RoutineManager)
        await pilot.press("n")
        await settle(pilot)
        await _choose(pilot, "goal:deep")
        assert isinstance(app.screen, TextPrompt)
        for bad, reason in (("melatonin-only", "already"), ("a/b", "'/'"), (" ", "a name")):
            await answer(pilot, bad)
            assert reason in _problem(app)  # said in the prompt, which stays open
            assert app.workspace.routine_names() == ["weeknight", "melatonin-only"]
        await answer(pilot, "deeper")
        assert isinstance(app.screen, RoutineManager)
        assert app.workspace.routine_names() == ["weeknight", "melatonin-only", "deeper"]
        assert app.workspace.routine_name == "deeper"  # the new one is tonight's
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen)
        assert "Glycine" in str(
            app.screen.query_one("#doses", OptionList).get_option_at_index(1).prompt
        )
        assert app.workspace.dirty


async def test_rename_delete_undo_and_set_default(home: Path) -> None:
    app = make_app(home)
    path = home / "profiles" / "example.toml"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        on_disk = path.read_bytes()
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("r")
        await answer(pilot, "Melatonin-Only")
        assert "already a routine named 'melatonin-only'" in _problem(app)
        assert app.workspace.routine_names() == ["weeknight", "melatonin-only"]
        await answer(pilot, "weekdays")
        assert app.workspace.routine_names() == ["weekdays", "melatonin-only"]
        assert app.workspace.profile is not None
        assert app.workspace.profile.default_routine == "weekdays"
        await pilot.press("d")  # the highlighted one: weekdays, tonight's routine
        await settle(pilot)
        assert app.workspace.routine_names() == ["melatonin-only"]
        assert app.workspace.routine_name == "melatonin-only"
        assert app.workspace.profile.default_routine == "melatonin-only"
        assert path.read_bytes() == on_disk  # the file changes only on save
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+z")  # from Tonight
        await settle(pilot)
        assert app.workspace.routine_names() == ["weekdays", "melatonin-only"]
        assert app.workspace.profile.default_routine == "weekdays"
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("end", "s")
        await settle(pilot)
        assert app.workspace.profile.default_routine == "melatonin-only"
        await pilot.press("end", "d", "u")  # delete, then undo within the manager
        await settle(pilot)
        assert app.workspace.routine_names() == ["weekdays", "melatonin-only"]
        await pilot.press("escape", "ctrl+s")
        await settle(pilot)
    saved = load_profile(path).profile
    assert [r.name for r in saved.routines] == ["weekdays", "melatonin-only"]
    assert saved.default_routine == "melatonin-only"


async def test_the_palette_reaches_the_routine_actions(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Routine: duplicate the current")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        assert app.screen.query_one("#answer").value == "weeknight copy"  # type: ignore[attr-defined]
        await answer(pilot, "second")
        assert isinstance(app.screen, RoutineManager)
        assert app.workspace.routine_names() == ["weeknight", "second", "melatonin-only"]


# -- just tonight ---------------------------------------------------------------------------


async def test_just_tonight_moves_the_plan_and_leaves_the_profile(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.workspace.plan()
        assert before is not None
        await pilot.press("j")
        await settle(pilot)
        await _choose(pilot, "bedtime")
        await answer(pilot, "00:30")
        assert isinstance(app.screen, TonightScreen)
        after = app.workspace.plan()
        assert after is not None and f"{after.bedtime:%H:%M}" == "00:30"
        assert app.workspace.profile is not None
        assert app.workspace.profile.bedtime == dt.time(23, 0)  # the usual time is kept
        assert not app.workspace.dirty and "unsaved" not in app.sub_title
        controls = str(app.screen.query_one("#night-controls").render())
        assert "Bedtime 00:30 (tonight)   Wake 07:00 (w)" in controls  # said, in words
        await pilot.press("j")
        await settle(pilot)
        await _choose(pilot, "usual")
        back = app.workspace.plan()
        assert back is not None and f"{back.bedtime:%H:%M}" == "23:00"
        assert not app.workspace.dirty


# -- adding a compound that is in the routine already ---------------------------------------


@pytest.mark.parametrize(("choice", "count", "amount"), [("amount", 3, 1.0), ("second", 4, 0.5)])
async def test_adding_a_compound_already_in_the_routine_asks(
    home: Path, choice: str, count: int, amount: float
) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        add_compound(app, "melatonin", 1.0)  # weeknight has 0.5 mg of it
        await settle(pilot)
        assert isinstance(app.screen, ChoicePrompt)
        assert not app.workspace.dirty  # nothing yet
        await _choose(pilot, choice)
        assert app.workspace.profile is not None
        doses = app.workspace.profile.routine("weeknight").doses
        assert len(doses) == count
        assert next(d for d in doses if d.compound == "melatonin").amount_mg == amount


async def test_cancelling_the_duplicate_question_changes_nothing(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        add_compound(app, "melatonin", 1.0)
        await settle(pilot)
        await _choose(pilot, "cancel")
        assert not app.workspace.dirty
        add_compound(app, "glycine", 3000)  # not in the routine: added at once
        await settle(pilot)
        assert isinstance(app.screen, TonightScreen) and app.workspace.dirty


def test_the_state_file_holds_only_the_app_memory(tmp_path: Path) -> None:
    write_state(tmp_path, AppState(last_profile="example", routines={"example": "r"}))
    document = json.loads(state_path(tmp_path).read_text())
    assert document == {
        "version": 1,
        "last_profile": "example",
        "routines": {"example": "r"},
        "welcome_skipped": False,
        "deleted": {},
    }
