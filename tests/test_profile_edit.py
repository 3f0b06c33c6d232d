"""Saving keeps the user's file: only what changed is rewritten (issue 19, item 5)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sleepplan.core import editing
from sleepplan.core.catalog import Catalog
from sleepplan.core.errors import InputError
from sleepplan.core.experiments import make_plan
from sleepplan.core.profile import Acknowledgement, Profile, parse_profile
from sleepplan.store import profile_edit
from sleepplan.store.bundled import bundled_catalog, example_profiles
from sleepplan.store.profiles import (
    load_profile,
    profile_text,
    profile_toml,
    save_profile,
)
from tests.test_core_purity import TONIGHT, _loaded

HAND_WRITTEN = """\
# My sleep profile. Written by hand; please keep my notes.

schema_version = 1
name = "me"
bedtime = "23:15"   # weeknights
wake = "07:00"
sleep_need_min = 450
medications = []
default_routine = "weeknight"

# The one I use most.
[[routines]]
name = "weeknight"

[[routines.doses]]
compound = "magnesium-glycinate"
amount_mg = 200

[[routines.doses]]
compound = "l-theanine"
amount_mg = 200

[[routines.doses]]
compound = "melatonin"
amount_mg = 0.5
minutes = -45 # why: 45 minutes before lights-out suits me

# Galantamine nights: only at weekends.
[[routines]]
name = "weekend"
doses = [{ compound = "galantamine", amount_mg = 4 }, { compound = "alpha-gpc", amount_mg = 300 }]

# My own tea, not in the catalog.
[[custom_compounds]]
id = "my-tea"
name = "My tea"
mechanism = "other"
timing = { anchor = "bedtime", minutes = 30 }  # half an hour before bed

[[acknowledgements]]
code = "test-danger"
compounds = ["galantamine"]
routine = "weekend"
at = 2026-11-20T22:00:00+01:00
"""


def _changes(before: str, after: str) -> list[str]:
    """The lines removed (``-``) and added (``+``), in file order: nothing else differs."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    return [line for line in diff if line[:1] in "-+" and line[:3] not in ("---", "+++")]


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    path = tmp_path / "profiles" / "me.toml"
    path.parent.mkdir()
    path.write_text(HAND_WRITTEN)
    return path


def _save(path: Path, edit: Callable[[Profile, Catalog], Profile]) -> list[str]:
    """Load the file, edit the profile, save it; the changed lines (checked to read back)."""
    loaded = load_profile(path)
    edited = edit(loaded.profile, loaded.catalog)
    before = path.read_text()
    save_profile(path, edited, loaded.fingerprint)
    assert load_profile(path).profile == edited
    return _changes(before, path.read_text())


def test_adding_a_dose_adds_only_its_table(mine: Path) -> None:
    changes = _save(mine, lambda p, _: editing.add_dose(p, "weeknight", "glycine", 3000))
    assert changes == [
        "+[[routines.doses]]",
        '+compound = "glycine"',
        "+amount_mg = 3000",
        "+",
    ]
    text = mine.read_text()
    # the new dose goes after the last one; the comment about the next routine stays above it
    assert text.index('"glycine"') < text.index("# Galantamine nights")
    assert "\n\n# Galantamine nights: only at weekends.\n[[routines]]\n" in text


def test_removing_a_dose_removes_only_its_table(mine: Path) -> None:
    changes = _save(mine, lambda p, _: editing.remove_dose(p, "weeknight", 1))
    assert changes == [
        "-amount_mg = 200",
        "-",
        "-[[routines.doses]]",
        '-compound = "l-theanine"',
    ]


def test_removing_the_last_dose_keeps_the_comment_about_the_next_routine(mine: Path) -> None:
    changes = _save(mine, lambda p, _: editing.remove_dose(p, "weeknight", 2))
    assert changes == [
        "-[[routines.doses]]",
        '-compound = "melatonin"',
        "-amount_mg = 0.5",
        "-minutes = -45 # why: 45 minutes before lights-out suits me",
        "-",
    ]
    assert "# Galantamine nights: only at weekends." in mine.read_text()


def test_changing_an_amount_changes_one_line(mine: Path) -> None:
    changes = _save(mine, lambda p, _: editing.set_amount(p, "weeknight", 1, 150))
    assert changes == ["-amount_mg = 200", "+amount_mg = 150"]  # an int stays an int


def test_a_fractional_amount_is_written_as_it_is(mine: Path) -> None:
    changes = _save(mine, lambda p, _: editing.set_amount(p, "weeknight", 0, 12.5))
    assert changes == ["-amount_mg = 200", "+amount_mg = 12.5"]


def test_moving_a_dose_keeps_the_comment_after_it(mine: Path) -> None:
    changes = _save(mine, lambda p, c: editing.move_dose(p, "weeknight", 2, c, -15))
    assert changes == [
        "-minutes = -45 # why: 45 minutes before lights-out suits me",
        "+minutes = -60 # why: 45 minutes before lights-out suits me",
    ]


def test_moving_a_dose_without_an_override_adds_one_line(mine: Path, catalog: Catalog) -> None:
    offset = catalog.get("l-theanine").timing.offset_min
    changes = _save(mine, lambda p, c: editing.move_dose(p, "weeknight", 1, c, 15))
    assert changes == [f"+minutes = {offset + 15}"]
    assert "amount_mg = 200\nminutes = " in mine.read_text()  # right after the amount


def test_changing_bedtime_keeps_its_comment(mine: Path) -> None:
    changes = _save(mine, lambda p, _: dataclasses.replace(p, bedtime=dt.time(22, 30)))
    assert changes == ['-bedtime = "23:15"   # weeknights', '+bedtime = "22:30"   # weeknights']


def test_a_new_setting_goes_after_the_key_it_follows(mine: Path) -> None:
    changes = _save(mine, lambda p, _: dataclasses.replace(p, timezone="Europe/Berlin"))
    assert changes == ['+timezone = "Europe/Berlin"']
    assert 'name = "me"\ntimezone = "Europe/Berlin"\nbedtime' in mine.read_text()


def test_a_dose_in_an_inline_list_stays_inline(mine: Path) -> None:
    changes = _save(mine, lambda p, _: editing.set_amount(p, "weekend", 0, 8))
    assert changes == [
        '-doses = [{ compound = "galantamine", amount_mg = 4 }, '
        '{ compound = "alpha-gpc", amount_mg = 300 }]',
        '+doses = [{ compound = "galantamine", amount_mg = 8 }, '
        '{ compound = "alpha-gpc", amount_mg = 300 }]',
    ]


def test_renaming_a_routine_changes_its_name_and_the_default(mine: Path) -> None:
    changes = _save(mine, lambda p, _: editing.rename_routine(p, "weeknight", "school night"))
    assert changes == [
        '-default_routine = "weeknight"',
        '+default_routine = "school night"',
        '-name = "weeknight"',
        '+name = "school night"',
    ]


def test_a_new_routine_is_added_as_a_table_at_the_end(mine: Path) -> None:
    changes = _save(mine, lambda p, _: editing.duplicate_routine(p, "weekend", "holiday"))
    assert changes == [
        "+[[routines]]",
        '+name = "holiday"',
        '+doses = [{ compound = "galantamine", amount_mg = 4 }, '
        '{ compound = "alpha-gpc", amount_mg = 300 }]',
        "+",
    ]
    text = mine.read_text()
    assert text.index('name = "holiday"') < text.index("# My own tea")


def test_deleting_a_routine_removes_its_tables_and_its_comment(mine: Path) -> None:
    # its acknowledgement goes with it (the last one: the whole list goes)
    changes = _save(mine, lambda p, _: editing.delete_routine(p, "weekend")[0])
    assert changes == [
        "-# Galantamine nights: only at weekends.",
        "-[[routines]]",
        '-name = "weekend"',
        '-doses = [{ compound = "galantamine", amount_mg = 4 }, '
        '{ compound = "alpha-gpc", amount_mg = 300 }]',
        "-",
        "-",
        "-[[acknowledgements]]",
        '-code = "test-danger"',
        '-compounds = ["galantamine"]',
        '-routine = "weekend"',
        "-at = 2026-11-20T22:00:00+01:00",
    ]
    assert mine.read_text().endswith(
        'timing = { anchor = "bedtime", minutes = 30 }  # half an hour before bed\n'
    )


def test_several_edits_at_once_change_only_their_lines(mine: Path) -> None:
    def edit(profile: Profile, catalog: Catalog) -> Profile:
        profile = editing.add_dose(profile, "weeknight", "glycine", 3000)
        profile = editing.remove_dose(profile, "weeknight", 0)
        profile = editing.set_amount(profile, "weeknight", 0, 100)
        profile = editing.move_dose(profile, "weeknight", 1, catalog, 15)
        return dataclasses.replace(profile, bedtime=dt.time(22, 45), medications=("ssri",))

    changes = _save(mine, edit)
    assert changes == [
        '-bedtime = "23:15"   # weeknights',
        '+bedtime = "22:45"   # weeknights',
        "-medications = []",
        '+medications = ["ssri"]',
        '-compound = "magnesium-glycinate"',
        "-amount_mg = 200",
        "-",
        "-[[routines.doses]]",
        "-amount_mg = 200",
        "+amount_mg = 100",
        "-minutes = -45 # why: 45 minutes before lights-out suits me",
        "+minutes = -30 # why: 45 minutes before lights-out suits me",
        "+",
        "+[[routines.doses]]",
        '+compound = "glycine"',
        "+amount_mg = 3000",
    ]
    assert mine.read_text().startswith("# My sleep profile. Written by hand; please keep my notes.")


def test_the_backup_holds_the_file_as_it_was(mine: Path) -> None:
    _save(mine, lambda p, _: editing.set_amount(p, "weeknight", 1, 150))
    assert mine.with_name("me.toml.bak").read_text() == HAND_WRITTEN


def test_a_new_profile_is_written_whole(tmp_path: Path, catalog: Catalog) -> None:
    profile = parse_profile(HAND_WRITTEN, "me.toml", catalog)[0]
    path = tmp_path / "new.toml"
    save_profile(path, profile)
    assert path.read_text() == profile_toml(profile)


# -- the safety net: never save what would read back different ---------------------------------


def test_an_edit_that_reads_back_different_is_written_whole(
    mine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an editor that misses a change (here: it changes nothing at all)
    monkeypatch.setattr(profile_edit, "edit_document", lambda text, old, new: text)
    loaded = load_profile(mine)
    edited = editing.set_amount(loaded.profile, "weeknight", 1, 150)
    save_profile(mine, edited, loaded.fingerprint)
    assert mine.read_text() == profile_toml(edited)
    assert load_profile(mine).profile == edited
    assert mine.with_name("me.toml.bak").read_text() == HAND_WRITTEN


def test_an_edit_that_fails_is_written_whole(mine: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str, old: object, new: object) -> str:
        raise TypeError("a structure the editor does not know")

    monkeypatch.setattr(profile_edit, "edit_document", broken)
    loaded = load_profile(mine)
    edited = editing.set_amount(loaded.profile, "weeknight", 1, 150)
    save_profile(mine, edited, loaded.fingerprint)
    assert mine.read_text() == profile_toml(edited)
    assert mine.with_name("me.toml.bak").read_text() == HAND_WRITTEN


def test_an_edit_that_does_not_parse_is_written_whole(
    mine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(profile_edit, "edit_document", lambda text, old, new: text + "[[[")
    loaded = load_profile(mine)
    edited = editing.set_amount(loaded.profile, "weeknight", 1, 150)
    assert profile_text(mine.read_bytes(), edited, str(mine)) is None
    save_profile(mine, edited, loaded.fingerprint)
    assert load_profile(mine).profile == edited


# -- the shipped examples ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(example_profiles()))
def test_a_shipped_example_keeps_its_comments_after_a_save(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.toml"
    original = example_profiles()[name]
    path.write_text(original)
    loaded = load_profile(path)
    routine = loaded.profile.routine().name
    edited = editing.add_dose(
        dataclasses.replace(loaded.profile, wake=dt.time(6, 45)), routine, "glycine", 3000
    )
    save_profile(path, edited, loaded.fingerprint)
    text = path.read_text()
    comments = [line for line in original.splitlines() if "#" in line and "wake" not in line]
    assert comments and all(line in text.splitlines() for line in comments)
    removed = [line for line in _changes(original, text) if line.startswith("-")]
    assert removed == [line for line in removed if line.startswith("-wake = ")]
    assert load_profile(path).profile == edited


# -- any sequence of edits reads back as saved ----------------------------------------------------

COMPOUNDS = ("melatonin", "glycine", "l-theanine", "magnesium-glycinate", "apigenin", "my-tea")
AMOUNTS = st.sampled_from([0.25, 0.5, 1.0, 4.0, 100.0, 150.0, 200.0, 3000.0, 12.5])


def _acknowledged(profile: Profile, routine: str, day: int) -> Profile:
    at = dt.datetime(2026, 11, 20 + day, 22, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    acknowledgement = Acknowledgement(
        code="test-danger", compounds=("melatonin",), routine=routine, at=at
    )
    return dataclasses.replace(
        profile, acknowledgements=(*profile.acknowledgements, acknowledgement)
    )


def _with_experiment(profile: Profile, compound: str) -> Profile:
    plan = make_plan(
        catalog=bundled_catalog(),
        compound=compound,
        dose_a_mg=0,
        dose_b_mg=200,
        primary="onset",
        mid=5,
        start=dt.date(2026, 11, 24),
        created_at=dt.datetime(2026, 11, 23, 18, 30, tzinfo=dt.UTC),
        seed=1,
        hypothesis="I expect to fall asleep sooner.",
    )
    return dataclasses.replace(profile, experiments=(*profile.experiments, plan))


def _edit(
    draw: Callable[[st.SearchStrategy[Any]], Any], profile: Profile, catalog: Catalog
) -> Profile:
    """One edit a user can make in the app, drawn at random."""
    names = [routine.name for routine in profile.routines]
    if not names:
        return editing.new_routine(profile, draw(st.sampled_from(["tonight", "new one"])))
    routine = draw(st.sampled_from(names))
    doses = len(profile.routine(routine).doses)
    kind = draw(
        st.sampled_from(
            ["add", "remove", "amount", "move", "times", "meds", "zone", "routine", "name"]
            + ["acknowledge", "experiment"]
        )
    )
    if kind == "acknowledge":
        return _acknowledged(profile, routine, draw(st.integers(0, 3)))
    if kind == "experiment":
        return _with_experiment(profile, draw(st.sampled_from(COMPOUNDS[:3])))
    if kind == "add" or (doses == 0 and kind in ("remove", "amount", "move")):
        known = [compound for compound in COMPOUNDS if compound in catalog]
        return editing.add_dose(profile, routine, draw(st.sampled_from(known)), draw(AMOUNTS))
    index = draw(st.integers(0, max(doses - 1, 0)))
    if kind == "remove":
        return editing.remove_dose(profile, routine, index)
    if kind == "amount":
        return editing.set_amount(profile, routine, index, draw(AMOUNTS))
    if kind == "move":
        return editing.move_dose(profile, routine, index, catalog, draw(st.sampled_from([-15, 15])))
    if kind == "times":
        bedtime = dt.time(draw(st.integers(21, 23)), draw(st.sampled_from([0, 15, 30])))
        return editing.set_times(profile, bedtime=bedtime)
    if kind == "meds":
        medications = draw(st.lists(st.sampled_from(["ssri", "maoi", "zoloft"]), unique=True))
        return dataclasses.replace(profile, medications=tuple(medications))
    if kind == "zone":
        zone = draw(st.sampled_from([None, "Europe/Berlin", "America/New_York"]))
        return dataclasses.replace(profile, timezone=zone)
    if kind == "name":
        return editing.rename_routine(profile, routine, f"{routine} 2"[:80])
    action = draw(st.sampled_from(["new", "duplicate", "delete", "default"]))
    if action == "new":
        return editing.new_routine(profile, f"r{len(names)}-{draw(st.integers(0, 99))}")
    if action == "duplicate":
        return editing.duplicate_routine(profile, routine, f"copy {len(names)}")
    if action == "delete":
        return editing.delete_routine(profile, routine)[0]
    return editing.set_default_routine(profile, routine)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(example_profiles()) + ["hand-written"]),
    data=st.data(),
    steps=st.integers(1, 6),
)
def test_any_edits_read_back_as_saved_and_keep_the_comments(
    name: str, data: st.DataObject, steps: int, catalog: Catalog
) -> None:
    text = HAND_WRITTEN if name == "hand-written" else example_profiles()[name]
    header = text[: text.index("schema_version")].splitlines()
    written_whole = profile_toml(parse_profile(text, name, catalog)[0]).splitlines()
    comments = [line for line in header if line.startswith("#") and line not in written_whole]
    assert comments
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "profile.toml"
        path.write_text(text)
        for _ in range(steps):
            loaded = load_profile(path)
            try:
                edited = _edit(data.draw, loaded.profile, loaded.catalog)
            except (ValueError, InputError):
                continue  # refused as the app refuses it (a taken name, a time out of range)
            # the edit itself (not the whole-file fallback) reads back as the profile
            assert profile_text(path.read_bytes(), edited, str(path), catalog) is not None
            save_profile(path, edited, loaded.fingerprint)
            assert load_profile(path).profile == edited
        assert all(line in path.read_text() for line in comments)  # never written whole


def test_saving_loads_no_toml_editor_at_start(tmp_path: Path) -> None:
    assert _loaded(TONIGHT, ("tomlkit",), str(tmp_path / "home")) == []


def test_removing_the_first_dose_keeps_the_comment_above_the_next(tmp_path: Path) -> None:
    path = tmp_path / "rem-wbtb.toml"
    original = example_profiles()["rem-wbtb"]
    path.write_text(original)
    changes = _save(path, lambda p, _: editing.remove_dose(p, "wbtb", 0))
    assert changes == [
        "-[[routines.doses]]",
        '-compound = "melatonin"',
        "-amount_mg = 0.5",
        "-",
    ]
    comment = "# About 4.5 hours after lights-out, as in LaBerge et al. 2018."
    assert f'\n\n{comment}\n[[routines.doses]]\ncompound = "galantamine"' in path.read_text()
