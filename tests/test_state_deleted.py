"""Deleted routines kept in the state file: undo survives a restart, the file stays small."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Label

from sleepplan.core import editing
from sleepplan.core.catalog import Catalog
from sleepplan.core.errors import InputError
from sleepplan.core.profile import Profile, parse_profile
from sleepplan.store.profiles import create_profile, ensure_home, load_profile
from sleepplan.store.state import (
    DELETED_KEPT_FOR,
    MAX_DELETED_PER_PROFILE,
    MAX_STATE_BYTES,
    AppState,
    DeletedRoutine,
    read_state,
    state_path,
    write_state,
)
from sleepplan.tui.dialogs.routines import RoutineManager
from sleepplan.tui.screens.tonight import TonightScreen
from tests.test_settings import run_command
from tests.tui_helpers import NOW, make_app, settle

SIZE = (80, 24)

PROFILE = """\
# My nights. Hand-written: comments and layout must survive.
schema_version = 1
name = "anna"
bedtime = "23:00"
wake = "07:00"
default_routine = "calm"

[[routines]]
name = "onset"

[[routines.doses]]
compound = "melatonin"
amount_mg = 0.5

# The one I use most.
[[routines]]
name = "calm"

[[routines.doses]]
compound = "l-theanine"
amount_mg = 200

[[routines]]
name = "late"

[[routines.doses]]
compound = "glycine"
amount_mg = 3000

[[acknowledgements]]
code = "first"
routine = "calm"

[[acknowledgements]]
code = "second"
routine = "late"

[[acknowledgements]]
code = "third"
routine = "calm"
"""


@pytest.fixture
def profile(catalog: Catalog) -> Profile:
    return parse_profile(PROFILE, "anna", catalog)[0]


def _deleted(
    profile: Profile, name: str, when: dt.datetime = NOW
) -> tuple[Profile, DeletedRoutine]:
    places = [i for i, ack in enumerate(profile.acknowledgements) if ack.routine == name]
    left, trashed = editing.delete_routine(profile, name)
    return left, DeletedRoutine.of(trashed, places, when)


def test_a_deleted_routine_comes_back_in_place_after_a_round_trip_through_the_file(
    tmp_path: Path, profile: Profile, catalog: Catalog
) -> None:
    left, entry = _deleted(profile, "calm")
    assert [a.code for a in left.acknowledgements] == ["second"]
    write_state(tmp_path, AppState().keeping_deleted("anna", [entry], NOW))
    [back] = read_state(tmp_path).deleted_for("anna", left, NOW)
    assert back == entry
    restored = back.restore_into(left, catalog)
    assert restored == profile  # its place, the default, and the acknowledgements' order
    assert [a.code for a in restored.acknowledgements] == ["first", "second", "third"]


async def _delete_current_routine(pilot: Pilot[None]) -> None:
    """Delete tonight's routine in the routine manager, as a user would, and close it."""
    await pilot.press("R")  # the manager opens on tonight's routine
    await settle(pilot)
    assert isinstance(pilot.app.screen, RoutineManager)
    await pilot.press("d", "escape")
    await settle(pilot)


async def test_restore_after_a_restart_puts_back_only_the_deleted_lines(
    home: Path, catalog: Catalog
) -> None:
    ensure_home(home)
    path = create_profile(home, "anna", PROFILE)
    original = path.read_text()
    first = make_app(home, "anna")
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _delete_current_routine(pilot)  # calm: the default, in the middle
        assert first.workspace.routine_names() == ["onset", "late"]
        await pilot.press("ctrl+s")
        await settle(pilot)
    deleted_on_disk = path.read_text()
    assert 'name = "calm"' not in deleted_on_disk
    again = make_app(home, "anna")
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_command(pilot, "Restore deleted routine: calm")
        assert isinstance(again.screen, TonightScreen)
        assert again.workspace.routine_names() == ["onset", "calm", "late"]
        assert again.workspace.routine_name == "calm"
        await pilot.press("ctrl+s")
        await settle(pilot)
    changes = [
        line
        for line in difflib.ndiff(deleted_on_disk.splitlines(), path.read_text().splitlines())
        if line[:1] in "+-"
    ]
    assert [line for line in changes if line.startswith("-")] == ['- default_routine = "onset"']
    added = "\n".join(line[2:] for line in changes if line.startswith("+"))
    for restored in ('default_routine = "calm"', 'name = "calm"', '"l-theanine"', '"first"'):
        assert restored in added
    assert load_profile(path).profile == parse_profile(original, "anna", catalog)[0]  # as at first
    assert read_state(home).deleted == {}  # restored: no longer in the trash


async def test_an_unsaved_deletion_is_not_offered_after_a_restart(home: Path) -> None:
    ensure_home(home)
    path = create_profile(home, "anna", PROFILE)
    first = make_app(home, "anna")
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _delete_current_routine(pilot)
        assert first.workspace.dirty
    assert [entry.name for entry in read_state(home).deleted["anna"]] == ["calm"]
    again = make_app(home, "anna")  # quit without saving: calm is still in the file
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.workspace.trash == []
        assert again.workspace.routine_names() == ["onset", "calm", "late"]
    assert read_state(home).deleted == {}  # and the state file forgets it
    assert 'name = "calm"' in path.read_text()


async def test_the_routine_manager_restores_after_a_restart_at_80x24(home: Path) -> None:
    ensure_home(home)
    create_profile(home, "anna", PROFILE)
    first = make_app(home, "anna")
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _delete_current_routine(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    again = make_app(home, "anna")
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        hint = again.screen.query_one("#deleted-hint", Label)
        assert hint.display and "u restores calm, deleted 23 Nov 18:30" in str(hint.render())
        assert hint.region.bottom <= SIZE[1]  # on screen at 80x24
        await pilot.press("u")
        await settle(pilot)
        assert again.workspace.routine_names() == ["onset", "calm", "late"]
        assert not hint.display  # nothing left to restore
        assert again.workspace.profile is not None
        assert again.workspace.profile.default_routine == "calm"


def test_the_trash_is_capped_per_profile_and_forgets_old_deletions(
    profile: Profile, catalog: Catalog
) -> None:
    _, entry = _deleted(profile, "late")
    twelve = [replace(entry, deleted_at=NOW + dt.timedelta(minutes=m)) for m in range(12)]
    old = replace(entry, deleted_at=NOW - DELETED_KEPT_FOR - dt.timedelta(minutes=1))
    state = AppState(deleted={"other": (old, entry)}).keeping_deleted("anna", twelve, NOW)
    assert state.deleted["anna"] == tuple(twelve[-MAX_DELETED_PER_PROFILE:])  # the latest
    assert state.deleted["other"] == (entry,)  # a month old: gone, in every profile
    left = editing.delete_routine(profile, "late")[0]
    assert AppState(deleted={"anna": (old, entry)}).deleted_for("anna", left, NOW) == [entry]
    assert AppState(deleted={"anna": (entry,)}).deleted_for("anna", profile, NOW) == []


def test_the_file_stays_under_its_size_limit(tmp_path: Path, profile: Profile) -> None:
    big = replace(profile.routine("late"), doses=profile.routine("late").doses * 60)
    _, entry = _deleted(replace(profile, routines=(big,), default_routine=None), "late")
    many = {
        f"p{n}": tuple(replace(entry, deleted_at=NOW + dt.timedelta(n, m)) for m in range(10))
        for n in range(20)
    }
    write_state(tmp_path, AppState(last_profile="anna", deleted=many))
    assert state_path(tmp_path).stat().st_size <= MAX_STATE_BYTES
    back = read_state(tmp_path)
    assert back.last_profile == "anna" and back.deleted  # still read, the latest kept
    assert "p19" in back.deleted and "p0" not in back.deleted


@pytest.mark.parametrize(
    "broken",
    [
        "[1, 2]",
        '{"anna": 7}',
        '{"anna": [1, "x", {}, {"deleted_at": "yesterday"}]}',
        '{"anna": [{"deleted_at": "2026-11-23T18:30:00", "index": 0, "routine": {"name": "a"}}]}',
        '{"anna": [{"deleted_at": "2026-11-23T18:30:00+01:00", "index": -1, '
        '"routine": {"name": "a"}}]}',
        '{"anna": [{"deleted_at": "2026-11-23T18:30:00+01:00", "index": 0, '
        '"routine": {"name": "a"}, "acknowledgement_places": [true]}]}',
    ],
)
def test_a_broken_trash_in_the_state_file_is_ignored(tmp_path: Path, broken: str) -> None:
    state_path(tmp_path).write_text(
        '{"version": 1, "last_profile": "anna", "deleted": ' + broken + "}"
    )
    state = read_state(tmp_path)
    assert state.deleted == {} and state.last_profile == "anna"  # the rest is still used


async def test_a_kept_routine_that_cannot_be_restored_is_said_and_dropped(
    home: Path, profile: Profile
) -> None:
    ensure_home(home)
    create_profile(home, "anna", PROFILE)
    _, entry = _deleted(profile, "late")
    doses = [{"compound": "glycine", "amount_mg": -5, "minutes": None}]
    bad = replace(entry, routine={"name": "late", "doses": doses})
    write_state(home, AppState().keeping_deleted("anna", [bad], NOW))
    text = state_path(home).read_text()
    app = make_app(home, "anna")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert [e.name for e in app.workspace.trash] == ["late"]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert app.workspace.trash == [] and not app.workspace.dirty
        toast = [n.message for n in app._notifications]
        assert any("cannot be restored" in m and "amount_mg" in m for m in toast)
    assert json.loads(text)["deleted"]["anna"] and read_state(home).deleted == {}


def test_restoring_an_invalid_record_raises_input_error(profile: Profile, catalog: Catalog) -> None:
    left, entry = _deleted(profile, "late")
    unknown = replace(
        entry, routine={"name": "late", "doses": [{"compound": "nope", "amount_mg": 1}]}
    )
    with pytest.raises(InputError, match="does not know"):
        unknown.restore_into(left, catalog)
