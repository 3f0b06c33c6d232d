"""Profiles are never silently overwritten: conflicts, broken files, trash, migrations."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path
from typing import Any

import pytest

from sleepplan.core import editing
from sleepplan.core import profile as profile_module
from sleepplan.core.errors import InputError
from sleepplan.core.profile import migrate_profile_data
from sleepplan.store.profiles import (
    ProfileChanged,
    delete_profile,
    ensure_home,
    load_profile,
    save_profile,
)
from tests.conftest import run_cli


def _example(home: Path) -> Path:
    ensure_home(home)
    return home / "profiles" / "example.toml"


def test_two_copies_saving_one_profile_never_lose_an_update(home: Path) -> None:
    path = _example(home)
    first, second = load_profile(path), load_profile(path)
    mine = editing.set_times(first.profile, bedtime=dt.time(22, 0))
    theirs = editing.set_times(second.profile, bedtime=dt.time(1, 0))
    save_profile(path, mine, first.fingerprint)
    with pytest.raises(ProfileChanged, match="changed on disk"):
        save_profile(path, theirs, second.fingerprint)
    assert load_profile(path).profile.bedtime == dt.time(22, 0)


def test_a_file_an_editor_broke_is_never_overwritten(home: Path) -> None:
    path = _example(home)
    loaded = load_profile(path)
    path.write_text("name = [broken\n")
    with pytest.raises(ProfileChanged):
        save_profile(path, loaded.profile, loaded.fingerprint)
    assert path.read_text() == "name = [broken\n"


def test_save_as_refuses_an_existing_name(home: Path) -> None:
    path = _example(home)
    with pytest.raises(ProfileChanged, match="exists already"):
        save_profile(path, load_profile(path).profile, None)


def test_delete_moves_to_trash(home: Path) -> None:
    path = _example(home)
    moved = delete_profile(home, "example", dt.datetime(2026, 11, 23, 20, 0))
    assert not path.exists() and moved.exists()
    assert moved.parent == home / "trash"
    assert stat.S_IMODE(moved.parent.stat().st_mode) == 0o700
    with pytest.raises(InputError, match="no such profile"):
        delete_profile(home, "example", dt.datetime(2026, 11, 23, 20, 1))
    with pytest.raises(InputError, match="not a profile name"):
        delete_profile(home, "../journal", dt.datetime(2026, 11, 23, 20, 1))


def test_profile_migrations_run_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    def one_to_two(data: dict[str, Any]) -> dict[str, Any]:
        moved = dict(data)
        moved["renamed"] = moved.pop("old")
        return moved

    monkeypatch.setitem(profile_module.PROFILE_MIGRATIONS, 1, one_to_two)
    migrated = migrate_profile_data({"schema_version": 1, "old": 5}, "p.toml", current=2)
    assert migrated == {"schema_version": 2, "renamed": 5}
    with pytest.raises(InputError, match="format version 3"):
        migrate_profile_data({"schema_version": 3}, "p.toml", current=2)
    assert migrate_profile_data({"name": "x"}, "p.toml") == {"name": "x"}


@pytest.mark.parametrize("name", ["../escape", "a/b", "..", ".hidden", "x" * 80, "two words"])
def test_names_that_could_escape_are_refused(home: Path, name: str) -> None:
    result = run_cli("--home", str(home), "profile", "new", name)
    assert result.returncode == 2
    assert "not a profile name" in result.stderr
    assert not (home.parent / "escape.toml").exists()


def test_cli_duplicate_and_delete(home: Path) -> None:
    made = run_cli("--home", str(home), "profile", "duplicate", "example", "copy")
    assert made.returncode == 0, made.stderr
    assert load_profile(home / "profiles" / "copy.toml").profile.name == "copy"
    gone = run_cli("--home", str(home), "profile", "delete", "copy")
    assert gone.returncode == 0 and "trash" in gone.stdout
    assert not (home / "profiles" / "copy.toml").exists()
    assert list((home / "trash").glob("copy-*.toml"))
