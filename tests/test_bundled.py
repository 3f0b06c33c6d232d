"""The shipped data: parsed TOML kept as JSON in the home's cache, never trusted over the TOML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sleepplan.core.catalog import Catalog
from sleepplan.store import bundled
from sleepplan.store.bundled import (
    CATALOG_FILE,
    INTERACTIONS_FILE,
    bundled_catalog,
    bundled_data,
    bundled_interactions,
)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    return tmp_path / "home" / "cache"


def _cached(cache: Path, file_name: str) -> list[Path]:
    return sorted(cache.glob(f"{file_name.removesuffix('.toml')}-*.json"))


@pytest.mark.parametrize("file_name", [CATALOG_FILE, INTERACTIONS_FILE])
def test_the_cache_holds_exactly_what_the_toml_parses_to(cache: Path, file_name: str) -> None:
    parsed = bundled_data(file_name)
    assert bundled_data(file_name, cache) == parsed  # a miss: parsed, then written
    [written] = _cached(cache, file_name)
    assert json.loads(written.read_text(encoding="utf-8")) == parsed
    assert bundled_data(file_name, cache) == parsed  # a hit
    assert written.stat().st_mode & 0o777 == 0o600


def test_a_hit_does_not_parse_the_toml(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundled_data(CATALOG_FILE, cache)

    def refuse(text: str, source: str) -> dict[str, object]:
        raise AssertionError("parsed the TOML despite a cached copy")

    monkeypatch.setattr(bundled, "parse_toml", refuse)
    assert bundled_data(CATALOG_FILE, cache)["compounds"]


@pytest.mark.parametrize("damage", [b"", b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_a_damaged_cache_file_is_parsed_again_and_replaced(cache: Path, damage: bytes) -> None:
    parsed = bundled_data(CATALOG_FILE, cache)
    [written] = _cached(cache, CATALOG_FILE)
    written.write_bytes(damage)
    assert bundled_data(CATALOG_FILE, cache) == parsed
    assert json.loads(written.read_text(encoding="utf-8")) == parsed


def test_a_new_version_of_the_data_misses_and_clears_the_old_copy(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled_data(CATALOG_FILE, cache)
    [old] = _cached(cache, CATALOG_FILE)
    monkeypatch.setattr(bundled, "__version__", "0.0.0-test")
    bundled_data(CATALOG_FILE, cache)
    [new] = _cached(cache, CATALOG_FILE)
    assert new != old and not old.exists()


def test_no_home_is_created_just_to_hold_a_cache(tmp_path: Path) -> None:
    cache = tmp_path / "missing-home" / "cache"
    assert bundled_data(CATALOG_FILE, cache)["compounds"]
    assert not (tmp_path / "missing-home").exists()


def test_the_cached_catalog_and_rules_equal_the_parsed_ones(cache: Path) -> None:
    def compounds(catalog: Catalog) -> list[object]:
        return list(catalog)

    bundled_catalog(cache)  # fills the cache
    bundled_catalog.cache_clear()
    bundled_interactions.cache_clear()
    assert compounds(bundled_catalog(cache)) == compounds(bundled_catalog())
    assert bundled_interactions(cache) == bundled_interactions()
    assert _cached(cache, CATALOG_FILE) and _cached(cache, INTERACTIONS_FILE)
