"""The home's cache of validated files: rebuilt records equal validated ones, never stale."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sleepplan.core.catalog import Catalog
from sleepplan.core.errors import InputError
from sleepplan.core.profile import Profile, parse_profile
from sleepplan.core.validation import dump, rebuild
from sleepplan.store import bundled, cache
from sleepplan.store.bundled import bundled_catalog, bundled_interactions, example_profiles
from sleepplan.store.profiles import load_profile
from tests.conftest import run_cli


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    return tmp_path / "home" / "cache"


@pytest.fixture(autouse=True)
def _fresh_loads() -> None:
    bundled.data_digest.cache_clear()
    bundled_catalog.cache_clear()
    bundled_interactions.cache_clear()


def _entries(cache_dir: Path, stem: str) -> list[Path]:
    return sorted(cache_dir.glob(f"{stem}-*.json"))


def test_the_shipped_data_is_cached_and_rebuilt_equal(cache_dir: Path) -> None:
    validated_catalog, validated_rules = list(bundled_catalog()), bundled_interactions()
    bundled_catalog(cache_dir), bundled_interactions(cache_dir)  # misses: validated, then kept
    [compounds] = _entries(cache_dir, "compounds")
    [rules] = _entries(cache_dir, "interactions")
    assert compounds.stat().st_mode & 0o777 == 0o600
    bundled_catalog.cache_clear()
    bundled_interactions.cache_clear()
    assert list(bundled_catalog(cache_dir)) == validated_catalog  # hits: rebuilt
    assert bundled_interactions(cache_dir) == validated_rules


def test_a_hit_neither_parses_nor_validates(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled_interactions(cache_dir)
    bundled_catalog.cache_clear()
    bundled_interactions.cache_clear()

    def refuse(*_: object) -> object:
        raise AssertionError("parsed or validated despite a cached copy")

    monkeypatch.setattr(bundled, "parse_toml", refuse)
    monkeypatch.setattr(bundled, "catalog_from_data", refuse)
    monkeypatch.setattr(bundled, "interactions_from_data", refuse)
    assert len(bundled_catalog(cache_dir)) > 30
    assert bundled_interactions(cache_dir).rules


def test_plan_from_a_warm_cache_imports_no_pydantic_or_toml_parser(tmp_path: Path) -> None:
    code = (
        "import sys, contextlib, io\n"
        "from sleepplan import cli\n"
        "for _ in range(2):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        cli.main(['--home', sys.argv[1], 'plan', '--json'])\n"
        "    loaded = [m for m in ('pydantic', 'tomllib') if m in sys.modules]\n"
        "    print(','.join(loaded) or 'none')\n"
        "    for name in [m for m in sys.modules if m.startswith(('pydantic', 'tomllib'))]:\n"
        "        del sys.modules[name]\n"
        "    cli.bundled_catalog.cache_clear(); cli.bundled_interactions.cache_clear()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "home")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.split()
    assert "pydantic" in first  # the first run validates (and fills the cache)
    assert second == "none"


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a checksum\n{}", b"0" * 64 + b"\n[]", None],
    ids=["empty", "garbage", "wrong-checksum", "one-byte-changed"],
)
def test_a_damaged_entry_is_validated_again_and_replaced(
    cache_dir: Path, damage: bytes | None
) -> None:
    expected = list(bundled_catalog(cache_dir))
    [entry] = _entries(cache_dir, "compounds")
    original = entry.read_bytes()
    if damage is None:  # still valid JSON, but a number changed: the checksum catches it
        # (each compound's record is JSON text inside the entry, so its quotes are escaped)
        damage = original.replace(b'\\"typical\\": 2.0', b'\\"typical\\": 4.0', 1)
        assert damage != original
    entry.write_bytes(damage)
    bundled_catalog.cache_clear()
    assert list(bundled_catalog(cache_dir)) == expected
    assert entry.read_bytes() == original


def test_a_new_version_misses_and_clears_the_old_entry(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled_catalog(cache_dir)
    [old] = _entries(cache_dir, "compounds")
    monkeypatch.setattr(cache, "__version__", "0.0.0-test")
    bundled.data_digest.cache_clear()
    bundled_catalog.cache_clear()
    try:
        bundled_catalog(cache_dir)
    finally:
        bundled.data_digest.cache_clear()
    [new] = _entries(cache_dir, "compounds")
    assert new != old and not old.exists()


def test_no_home_is_created_just_to_hold_a_cache(tmp_path: Path) -> None:
    assert len(bundled_catalog(tmp_path / "missing-home" / "cache")) > 30
    assert not (tmp_path / "missing-home").exists()


@pytest.mark.parametrize("name", sorted(example_profiles()))
def test_every_example_profile_rebuilds_equal(name: str, catalog: Catalog) -> None:
    profile = parse_profile(example_profiles()[name], name, catalog)[0]
    assert rebuild(Profile, dump(profile)) == profile


def test_a_profile_is_validated_again_whenever_its_bytes_change(cache_dir: Path) -> None:
    path = cache_dir.parent / "me.toml"
    path.write_text(example_profiles()["example"], encoding="utf-8")
    first = load_profile(path, cache_dir)
    again = load_profile(path, cache_dir)  # from the cache
    assert again.profile == first.profile and again.fingerprint == first.fingerprint
    assert [c.id for c in again.catalog] == [c.id for c in first.catalog]
    assert len(_entries(cache_dir, "profile")) == 1
    path.write_text(path.read_text(encoding="utf-8") + "\nbedtime = 7\n", encoding="utf-8")
    with pytest.raises(InputError, match="bedtime"):
        load_profile(path, cache_dir)


def test_the_key_follows_the_data_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "sleepplan"
    (package / "data").mkdir(parents=True)
    for name in (bundled.CATALOG_FILE, bundled.INTERACTIONS_FILE):
        (package / "data" / name).write_bytes((bundled.PACKAGE_DIR / "data" / name).read_bytes())
    monkeypatch.setattr(bundled, "PACKAGE_DIR", package)
    keys = [bundled.data_digest()]
    catalog_file = package / "data" / bundled.CATALOG_FILE
    with catalog_file.open("a") as file:  # an edit
        file.write("\n# edited\n")
    bundled.data_digest.cache_clear()
    keys.append(bundled.data_digest())
    stat = catalog_file.stat()  # a reinstall of the same bytes: only the time changes
    os.utime(catalog_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    bundled.data_digest.cache_clear()
    keys.append(bundled.data_digest())
    assert len(set(keys)) == 3
    bundled.data_digest.cache_clear()
    assert bundled.data_digest() == keys[-1]  # and nothing else moves it


def test_the_shipped_examples_include_one_for_staying_asleep() -> None:
    assert sorted(example_profiles()) == ["deep-sleep", "example", "rem-wbtb", "stay-asleep"]


def test_the_stay_asleep_example_plans_with_no_danger_and_claims_no_safety(
    catalog: Catalog,
) -> None:
    text = example_profiles()["stay-asleep"]
    profile = parse_profile(text, "stay-asleep", catalog)[0]
    assert profile.medications == ()
    for dose in profile.routine().doses:  # each compound is one the catalog has for the night
        compound = catalog.get(dose.compound)
        assert "maintenance" in {stage.value for stage in compound.stages}
        assert compound.dose_mg is not None and dose.amount_mg == compound.dose_mg.min
        assert compound.evidence.value == "weak" and compound.name.split()[0] in text
    assert "Not medical advice" in text and '"weak"' in text  # the evidence, as the catalog has it
    assert "safe" not in text.casefold()
    path = bundled.PACKAGE_DIR / "profiles" / "stay-asleep.toml"
    result = run_cli("--profile", str(path), "plan", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert [dose["compound"] for dose in plan["doses"]] == ["saffron", "passionflower"]
    assert plan["warnings"] == []  # no danger, and no caution either, with no medications
    assert "not been shown to be safe" in plan["scope"]  # silence is not called safety
