"""Trust only your own home, and lose nothing: untrusted folders, planted links, exports that
would overwrite the journal, colliding trash names, orphaned imports, profiles past the cap."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from sleepplan.core.errors import InputError
from sleepplan.core.experiments import make_plan
from sleepplan.store.bundled import bundled_catalog
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import (
    MAX_PROFILE_BYTES,
    ProfileTooLarge,
    ensure_home,
    load_profile,
    save_profile,
)
from tests.conftest import run_cli

OTHER_UID = 65534  # "nobody"
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder away needs root")


def _example(home: Path) -> Path:
    ensure_home(home)
    return home / "profiles" / "example.toml"


def _plant(home: Path, name: str) -> Path:
    """A profile someone else puts in the home, newer than the user's own."""
    planted = home / "profiles" / f"{name}.toml"
    text = (home / "profiles" / "example.toml").read_text().replace('"example"', f'"{name}"', 1)
    planted.write_text(text)
    later = dt.datetime(2030, 1, 1).timestamp()
    os.utime(planted, (later, later))
    return planted


# -- trust only your own home --------------------------------------------------------------


@pytest.mark.parametrize("folder", ["", "profiles"])
def test_a_folder_others_can_write_to_is_refused_with_the_chmod(home: Path, folder: str) -> None:
    _example(home)
    open_folder = home / folder if folder else home
    open_folder.chmod(0o777)
    result = run_cli("--home", str(home), "plan")
    assert result.returncode == 2, result.stderr
    assert f"`chmod 700 {open_folder}`" in result.stderr
    assert "other users" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


@as_root
@pytest.mark.parametrize("folder", ["", "profiles"])
def test_a_folder_another_user_owns_is_refused_with_the_chown(home: Path, folder: str) -> None:
    _example(home)
    given_away = home / folder if folder else home
    os.chown(given_away, OTHER_UID, -1)
    result = run_cli("--home", str(home), "profile", "list")
    assert result.returncode == 2, result.stderr
    assert f"`sudo chown root {given_away}`" in result.stderr
    assert "another user" in result.stderr and result.stdout == ""


@as_root
def test_a_planted_newer_profile_is_not_opened(home: Path) -> None:
    _example(home)
    (home / "profiles").chmod(0o777)
    planted = _plant(home, "planted")
    os.chown(planted, OTHER_UID, -1)
    opened = run_cli("--home", str(home), "plan", "--json")
    assert opened.returncode == 2 and "planted" not in opened.stdout
    # closing the folder as told does not make the planted file trusted: it is named instead
    (home / "profiles").chmod(0o700)
    opened = run_cli("--home", str(home), "plan", "--json")
    assert opened.returncode == 2, opened.stdout
    assert str(planted) in opened.stderr and f"sudo chown root {planted}" in opened.stderr
    assert "planted" not in opened.stdout


def test_a_profile_others_can_write_to_in_the_home_is_refused(home: Path) -> None:
    _example(home).chmod(0o666)
    result = run_cli("--home", str(home), "plan")
    assert result.returncode == 2
    assert f"`chmod 600 {home / 'profiles' / 'example.toml'}`" in result.stderr


def test_a_profile_of_your_own_outside_the_home_still_opens(home: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    mine = shared / "mine.toml"
    shutil.copy(_example(home), mine)
    result = run_cli("--home", str(home), "--profile", str(mine), "plan")
    assert result.returncode == 0, result.stderr


def test_a_lock_file_that_is_a_link_is_refused_and_nothing_is_created(
    home: Path, tmp_path: Path
) -> None:
    path = _example(home)
    outside = tmp_path / "outside" / "created-by-the-lock"
    outside.parent.mkdir()
    (path.parent / ".example.toml.lock").symlink_to(outside)
    before = path.read_bytes()
    loaded = load_profile(path)
    renamed = dataclasses.replace(loaded.profile, bedtime=dt.time(22, 0))
    with pytest.raises(InputError, match="lock file is a link") as raised:
        save_profile(path, renamed, loaded.fingerprint)
    assert str(path.parent / ".example.toml.lock") in raised.value.render()
    assert not outside.exists() and list(outside.parent.iterdir()) == []
    assert path.read_bytes() == before


# -- nothing lost: exports -----------------------------------------------------------------


def _with_a_checkin(home: Path, tmp_path: Path) -> None:
    morning = tmp_path / "morning.toml"
    morning.write_text("night = 2026-11-20\nkss = 4\nquality = 3\n")
    result = run_cli("--home", str(home), "checkin", "--from", str(morning))
    assert result.returncode == 0, result.stderr


def _export_to(home: Path, out: Path, *flags: str) -> tuple[int, str]:
    result = run_cli("--home", str(home), "export", "--format", "json", "--out", str(out), *flags)
    return result.returncode, result.stderr


@pytest.mark.parametrize(
    "target", ["journal.sqlite3", "profiles/example.toml", "profiles/new.toml", "cache/x.json"]
)
def test_an_export_never_writes_into_the_home(home: Path, tmp_path: Path, target: str) -> None:
    _example(home)
    _with_a_checkin(home, tmp_path)
    out = home / target
    before = out.read_bytes() if out.exists() else None
    for flags in ((), ("--force",)):
        code, stderr = _export_to(home, out, *flags)
        assert (
            code == 2 and "inside (or links into) sleepplan's home" in stderr and str(out) in stderr
        )
        assert (out.read_bytes() if out.exists() else None) == before


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_an_export_never_writes_onto_a_link_to_the_journal(
    home: Path, tmp_path: Path, link: str
) -> None:
    _example(home)
    _with_a_checkin(home, tmp_path)
    journal = home / "journal.sqlite3"
    out = tmp_path / "looks-harmless.json"
    if link == "symlink":
        out.symlink_to(journal)
    else:
        os.link(journal, out)
    before = journal.read_bytes()
    code, stderr = _export_to(home, out)
    assert code == 2 and "sleepplan's home" in stderr and str(out) in stderr
    assert journal.read_bytes() == before and out.stat().st_ino == journal.stat().st_ino


def test_an_existing_file_is_replaced_only_with_force(home: Path, tmp_path: Path) -> None:
    _example(home)
    _with_a_checkin(home, tmp_path)
    out = tmp_path / "thesis.json"
    out.write_text("three years of work")
    code, stderr = _export_to(home, out)
    assert code == 2 and "--force" in stderr and str(out) in stderr
    assert out.read_text() == "three years of work"
    code, stderr = _export_to(home, out, "--force")
    assert code == 0, stderr
    assert json.loads(out.read_text())["checkins"][0]["night"] == "2026-11-20"


# -- nothing lost: trash -------------------------------------------------------------------


def test_two_deletes_of_one_name_in_one_second_keep_both(home: Path) -> None:
    _example(home)
    kept = []
    for bedtime in ("22:00", "23:45"):
        made = run_cli("--home", str(home), "profile", "new", "twin")
        assert made.returncode == 0, made.stderr
        twin = home / "profiles" / "twin.toml"
        twin.write_text(twin.read_text().replace('bedtime = "23:00"', f'bedtime = "{bedtime}"'))
        kept.append(twin.read_text())
        # the CLI's clock is fixed ($SLEEPPLAN_NOW): both deletes happen in the same second
        gone = run_cli("--home", str(home), "profile", "delete", "twin")
        assert gone.returncode == 0, gone.stderr
    in_trash = sorted((home / "trash").glob("twin-*.toml"))
    assert len(in_trash) == 2
    assert sorted(path.read_text() for path in in_trash) == sorted(kept)


def test_a_link_in_the_trash_is_neither_followed_nor_replaced(home: Path, tmp_path: Path) -> None:
    _example(home)
    outside = tmp_path / "outside.toml"
    trash = home / "trash"
    trash.mkdir(mode=0o700)
    planted = trash / "example-20261123T183000.toml"
    planted.symlink_to(outside)
    gone = run_cli("--home", str(home), "profile", "delete", "example")
    assert gone.returncode == 0, gone.stderr
    assert planted.is_symlink() and not outside.exists()
    assert "example-20261123T183000-2.toml" in gone.stdout


# -- nothing lost: imports -----------------------------------------------------------------


def test_an_import_for_a_profile_that_does_not_exist_is_refused(home: Path, tmp_path: Path) -> None:
    _example(home)
    export = tmp_path / "someone.json"
    export.write_text(json.dumps({"profile": "someone", "checkins": [{"night": "2026-11-20"}]}))
    refused = run_cli("--home", str(home), "import", str(export))
    assert refused.returncode == 2
    assert str(export) in refused.stderr and "'someone'" in refused.stderr
    assert "(profiles: example)" in refused.stderr and "--into NAME" in refused.stderr
    assert not (home / "journal.sqlite3").exists() or _nights(home, "someone") == []
    wrong = run_cli("--home", str(home), "import", str(export), "--into", "nobody")
    assert wrong.returncode == 2 and "(profiles: example)" in wrong.stderr
    into = run_cli("--home", str(home), "import", str(export), "--into", "example")
    assert into.returncode == 0, into.stderr
    assert _nights(home, "example") == ["2026-11-20"]


def test_a_toml_import_creates_its_profile_before_any_checkin_lands(
    home: Path, tmp_path: Path
) -> None:
    _example(home)
    _with_a_checkin(home, tmp_path)
    export = tmp_path / "newbie.toml"
    exported = run_cli("--home", str(home), "export", "--format", "toml", "--out", str(export))
    assert exported.returncode == 0, exported.stderr
    export.write_text(export.read_text().replace('name = "example"', 'name = "newbie"', 1))
    # the profile cannot be saved (a planted lock link): no check-in may land without it
    (home / "profiles" / ".newbie.toml.lock").symlink_to(tmp_path / "elsewhere")
    refused = run_cli("--home", str(home), "import", str(export))
    assert refused.returncode == 2 and "lock file is a link" in refused.stderr
    assert _journal_nights(home, "newbie") == []
    # the journal refuses (a night exists already): the profile just made goes away again
    (home / "profiles" / ".newbie.toml.lock").unlink()
    with Journal(home / "journal.sqlite3") as journal:
        journal.save_many("newbie", journal.records("example"), "t")
    refused = run_cli("--home", str(home), "import", str(export))
    assert refused.returncode == 2, refused.stderr
    assert not (home / "profiles" / "newbie.toml").exists()


def _journal_nights(home: Path, profile: str) -> list[str]:
    with Journal(home / "journal.sqlite3") as journal:
        return [record["night"] for record in journal.records(profile)]


def _nights(home: Path, profile: str) -> list[str]:
    result = run_cli("--home", str(home), "--profile", profile, "history", "--json")
    if result.returncode != 0:
        return []
    return [checkin["night"] for checkin in json.loads(result.stdout)["checkins"]]


# -- nothing lost: the size cap ------------------------------------------------------------


def test_saving_past_the_cap_is_refused_naming_the_large_part(home: Path) -> None:
    path = _example(home)
    loaded = load_profile(path)
    plan = make_plan(
        catalog=bundled_catalog(),
        compound="magnesium-glycinate",
        dose_a_mg=0,
        dose_b_mg=200,
        primary="onset",
        mid=5,
        start=dt.date(2026, 11, 24),
        created_at=dt.datetime(2026, 11, 23, 18, 30, tzinfo=dt.UTC),
        seed=1,
        hypothesis="I expect to fall asleep sooner. " * (MAX_PROFILE_BYTES // 32),
    )
    grown = dataclasses.replace(loaded.profile, experiments=(plan,))
    before = path.read_bytes()
    with pytest.raises(ProfileTooLarge) as refused:
        save_profile(path, grown, loaded.fingerprint)
    message = refused.value.render()
    assert message.startswith(f"{path}: not saved")
    assert "largest parts: experiments: 1,0" in message and "1,024 KiB" in message
    assert path.read_bytes() == before
    assert not path.with_name("example.toml.bak").exists()


@pytest.mark.parametrize("how", ["others can write it", "another user owns it"])
def test_a_cache_entry_another_user_could_have_written_is_not_read(home: Path, how: str) -> None:
    from sleepplan.store import cache

    folder = home / "cache"
    folder.mkdir(parents=True)
    cache.store(folder, "rules", "k", {"planted": True})
    assert cache.load_data(folder, "rules", "k") == {"planted": True}
    entry = cache.entry_path(folder, "rules", "k")
    if how == "others can write it":
        entry.chmod(0o666)
    elif os.geteuid() == 0:
        os.chown(entry, OTHER_UID, -1)
    else:
        pytest.skip("giving a file away needs root")
    assert cache.load_data(folder, "rules", "k") is None
