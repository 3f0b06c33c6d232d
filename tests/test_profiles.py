from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest

from sleepplan.core.catalog import Catalog
from sleepplan.core.errors import InputError
from sleepplan.core.profile import parse_profile, profile_to_data
from sleepplan.store import paths
from sleepplan.store.bundled import example_profiles
from sleepplan.store.profiles import (
    MAX_PROFILE_BYTES,
    ensure_home,
    list_profiles,
    load_profile,
    profile_path,
)

GOOD = """
schema_version = 1
name = "me"
timezone = "Europe/Berlin"
bedtime = "23:30"
wake = 06:45:00
default_routine = "night"

[[routines]]
name = "night"

[[routines.doses]]
compound = "melatonin"
amount_mg = 0.5
minutes = -30
"""


@pytest.mark.parametrize("name", ["example", "deep-sleep", "rem-wbtb"])
def test_examples_are_valid(catalog: Catalog, name: str) -> None:
    profile, _ = parse_profile(example_profiles()[name], name, catalog)
    assert profile.routines and all(routine.doses for routine in profile.routines)


def test_rem_example_has_a_wake_back_to_bed_dose(catalog: Catalog) -> None:
    profile, full = parse_profile(example_profiles()["rem-wbtb"], "rem", catalog)
    anchors = {full.get(d.compound).timing.anchor.value for d in profile.routine().doses}
    assert "after_bedtime" in anchors


def test_good_profile_reads_times_and_routine(catalog: Catalog) -> None:
    profile, _ = parse_profile(GOOD, "me.toml", catalog)
    assert profile.bedtime == dt.time(23, 30)
    assert profile.wake == dt.time(6, 45)  # TOML local time accepted
    assert profile.routine().doses[0].minutes == -30
    assert profile_to_data(profile)["bedtime"] == "23:30"


BAD = [
    # (replace this, with this, expected place, expected words)
    ('name = "me"', 'name = "me"\ncolour = "blue"', "colour", "unknown key"),
    ("amount_mg = 0.5", 'amount_mg = "lots"', "routines[0].doses[0].amount_mg", "number"),
    ("amount_mg = 0.5", "amount_mg = -1", "routines[0].doses[0].amount_mg", "greater than 0"),
    (
        'compound = "melatonin"',
        'compound = "melatonine"',
        "routines[0].doses[0].compound",
        "did you mean 'melatonin'",
    ),
    ('timezone = "Europe/Berlin"', 'timezone = "Mars/Olympus"', "timezone", "unknown time zone"),
    ('bedtime = "23:30"', 'bedtime = "25:00"', "bedtime", "not a time of day"),
    ('bedtime = "23:30"', 'bedtime = "11pm"', "bedtime", "HH:MM"),
    ('default_routine = "night"', 'default_routine = "day"', "default_routine", "names no routine"),
    ("schema_version = 1", "schema_version = 7", "schema_version", "update sleepplan"),
    ("minutes = -30", "minutes = 99999", "routines[0].doses[0].minutes", "less than or equal"),
    ('name = "me"', 'name = "me"\nname = "you"', "line 4", "TOML syntax error"),
    ("amount_mg = 0.5", "amount_mg = ", "line 14, column 13", "TOML syntax error"),
]


@pytest.mark.parametrize(("old", "new", "place", "words"), BAD)
def test_bad_profile_names_the_file_and_place(
    catalog: Catalog, old: str, new: str, place: str, words: str
) -> None:
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    with pytest.raises(InputError) as caught:
        parse_profile(text, "me.toml", catalog)
    message = str(caught.value)
    assert message.startswith("me.toml: ")
    assert place in message
    assert words in message


def test_custom_compound_is_usable_and_clash_is_refused(catalog: Catalog) -> None:
    custom = """
[[custom_compounds]]
id = "my-tea"
name = "My tea"
mechanism = "other"
timing = { anchor = "bedtime", minutes = 30 }
"""
    text = GOOD.replace('compound = "melatonin"', 'compound = "my-tea"') + custom
    profile, full = parse_profile(text, "me.toml", catalog)
    assert full.get("my-tea").name == "My tea"
    clash = GOOD + custom.replace('"my-tea"', '"melatonin"')
    with pytest.raises(InputError, match="custom_compounds.*duplicate"):
        parse_profile(clash, "me.toml", catalog)


def test_ensure_home_is_private_and_copies_the_example(home: Path) -> None:
    ensure_home(home)
    folder = paths.profiles_dir(home)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    copied = folder / "example.toml"
    assert stat.S_IMODE(copied.stat().st_mode) == 0o600
    assert copied.read_text() == example_profiles()["example"]


def test_ensure_home_leaves_an_existing_home_alone(home: Path) -> None:
    ensure_home(home)
    (paths.profiles_dir(home) / "example.toml").unlink()
    ensure_home(home)
    assert list_profiles(home) == []


def test_home_resolution_order(tmp_path: Path) -> None:
    env = {"SLEEPPLAN_HOME": str(tmp_path / "env")}
    assert paths.resolve_home(str(tmp_path / "cli"), env) == tmp_path / "cli"
    assert paths.resolve_home(None, env) == tmp_path / "env"
    assert paths.resolve_home(None, {}).name == "sleepplan"


def test_profile_path_by_name_path_and_default(home: Path, tmp_path: Path) -> None:
    ensure_home(home)
    assert profile_path(home, "example") == paths.profiles_dir(home) / "example.toml"
    assert profile_path(home, "x/y.toml") == Path("x/y.toml")
    assert profile_path(home, None) == paths.profiles_dir(home) / "example.toml"
    with pytest.raises(InputError, match="not a profile name"):
        profile_path(home, "..")


def test_no_profiles_is_a_clear_error(home: Path) -> None:
    paths.make_private_dir(paths.profiles_dir(home))
    with pytest.raises(InputError, match="no profiles"):
        profile_path(home, None)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'name = "caf\xe9"\n', "not UTF-8"),
        (b"x" * (MAX_PROFILE_BYTES + 10), "larger than 1024 KiB"),
        (b'name = "a\x00b"\n', "TOML syntax error"),
        (b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
    ],
    ids=["latin-1", "huge", "nul-byte", "deep-nesting"],
)
def test_hostile_files_are_input_errors(tmp_path: Path, content: bytes, words: str) -> None:
    target = tmp_path / "bad.toml"
    target.write_bytes(content)
    with pytest.raises(InputError) as caught:
        load_profile(target)
    assert str(caught.value).startswith(str(target))
    assert words in str(caught.value)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_profile(tmp_path / "nope.toml")
