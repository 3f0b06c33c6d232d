from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sleepplan.core import editing, timing
from sleepplan.core.catalog import Catalog
from sleepplan.core.errors import InputError
from sleepplan.core.profile import Profile, parse_profile, profile_to_data
from sleepplan.store.bundled import example_profiles
from sleepplan.store.profiles import (
    Fingerprint,
    LoadedProfile,
    load_profile,
    profile_toml,
    save_profile,
)
from sleepplan.tui.workspace import Workspace


@pytest.fixture
def profile(catalog: Catalog) -> Profile:
    return parse_profile(example_profiles()["example"], "example", catalog)[0]


def test_add_remove_amount_and_move(profile: Profile, catalog: Catalog) -> None:
    added = editing.add_dose(profile, "weeknight", "glycine", 3000)
    assert added.routine("weeknight").doses[-1].compound == "glycine"
    assert profile.routine("weeknight").doses != added.routine("weeknight").doses  # immutable
    removed = editing.remove_dose(added, "weeknight", 0)
    assert len(removed.routine("weeknight").doses) == len(profile.routine("weeknight").doses)
    changed = editing.set_amount(profile, "weeknight", 0, 125)
    assert changed.routine("weeknight").doses[0].amount_mg == 125
    moved = editing.move_dose(profile, "weeknight", 2, catalog, -15)  # melatonin, catalog -60
    assert moved.routine("weeknight").doses[2].minutes == -75
    again = editing.move_dose(moved, "weeknight", 2, catalog, 30)
    assert again.routine("weeknight").doses[2].minutes == -45
    assert added.routine("melatonin-only") == profile.routine("melatonin-only")


def test_edits_keep_the_models_limits(profile: Profile, catalog: Catalog) -> None:
    with pytest.raises(InputError, match="amount_mg"):
        editing.set_amount(profile, "weeknight", 0, -5)
    with pytest.raises(InputError, match="minutes"):
        editing.move_dose(profile, "weeknight", 0, catalog, 10_000)
    with pytest.raises(InputError, match="amount_mg"):
        editing.add_dose(profile, "weeknight", "glycine", 0)


def test_set_times_and_rename(profile: Profile) -> None:
    later = editing.set_times(profile, bedtime=dt.time(23, 45))
    assert later.bedtime == dt.time(23, 45) and later.wake == profile.wake
    assert editing.rename(profile, "other").name == "other"


def test_empty_profile_gets_a_routine_to_edit(catalog: Catalog) -> None:
    bare = parse_profile('name = "bare"\n', "bare", catalog)[0]
    profile, name = editing.ensure_routine(bare, None)
    assert name == "tonight" and profile.default_routine == "tonight"


def test_saved_profile_round_trips(profile: Profile, tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "p" / "me.toml"
    first = save_profile(path, profile)
    assert load_profile(path).profile == profile
    assert (path.stat().st_mode & 0o777) == 0o600
    changed = editing.set_times(profile, bedtime=dt.time(22, 0))
    save_profile(path, changed, first)
    assert load_profile(path).profile == changed
    assert load_profile(path.with_name("me.toml.bak")).profile == profile
    assert not list(path.parent.glob("*.tmp"))
    assert profile_toml(profile).startswith("# sleepplan profile")
    assert "bedtime" in profile_to_data(profile)


def test_workspace_tracks_unsaved_changes_and_plans(profile: Profile, catalog: Catalog) -> None:
    workspace = Workspace(
        home=Path("/nonexistent"),
        now=dt.datetime(2026, 11, 23, 20, 0, tzinfo=timing.zone("Europe/Berlin")),
        fallback_zone="Europe/Berlin",
    )
    assert workspace.plan() is None and not workspace.dirty
    workspace.open(LoadedProfile(Path("/x/example.toml"), profile, catalog))
    assert workspace.routine_name == "weeknight" and not workspace.dirty
    plan = workspace.plan()
    assert plan is not None and plan.settings.night == dt.date(2026, 11, 23)
    workspace.edit(lambda p, r: editing.add_dose(p, r, "glycine", 3000))
    assert workspace.dirty
    assert workspace.next_routine() == "melatonin-only"
    assert workspace.next_routine() == "weeknight"
    assert workspace.profile is not None
    workspace.mark_saved(Path("/x/example.toml"), workspace.profile, Fingerprint.of(b"x"))
    assert not workspace.dirty
