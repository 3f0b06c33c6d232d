"""Data shipped inside the package: the catalog and the example profiles, read once.

The catalog and the interaction rules are about 250 KB of TOML; parsing them with the standard
library's pure-Python parser and validating them with pydantic costs more than everything else
``sleepplan plan`` does. So once validated they are kept in the home's cache (``store.cache``),
keyed by the data files' size and modification time (as Python keys its own bytecode cache),
and later runs rebuild them from there without reading the files at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from sleepplan.core.catalog import Catalog, Compound, catalog_from_data
from sleepplan.core.interactions import InteractionData, interactions_from_data
from sleepplan.core.tomldoc import parse_toml
from sleepplan.core.validation import dump, rebuild
from sleepplan.store import cache

CATALOG_FILE = "compounds.toml"
INTERACTIONS_FILE = "interactions.toml"
CATALOG_CACHE_FORMAT = "records-as-text-1"
"""The shape of the catalog's cache entry (``_cached_entry``); a new shape is a new key."""


PACKAGE_DIR = Path(__file__).resolve().parent.parent
"""The installed package: its data files sit beside its modules (it is never zipped).

Found from this file rather than through ``importlib.resources``, whose import alone costs
more than all the rest of reading the data (design §12).
"""


def _data_file(file_name: str) -> Path:
    return PACKAGE_DIR / "data" / file_name


def _data_text(file_name: str) -> str:
    return _data_file(file_name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def data_digest() -> str:
    """A key for the shipped catalog and rules, which validated profiles depend on.

    Made from each file's size and modification time in nanoseconds, as Python's own bytecode
    cache is, so that a start need not read 250 KB of TOML to know its cache is current:
    editing or reinstalling a file changes its time, and the cache then misses once.
    """
    stamps = []
    for name in (CATALOG_FILE, INTERACTIONS_FILE):
        stat = _data_file(name).stat()
        stamps.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return cache.digest(*stamps)


@lru_cache(maxsize=4)
def bundled_catalog(cache_dir: Path | None = None) -> Catalog:
    """The sourced compound catalog shipped with sleepplan (through ``cache_dir`` if given)."""
    key = cache.digest(data_digest(), CATALOG_CACHE_FORMAT)
    entries = cache.load_data(cache_dir, "compounds", key)
    if isinstance(entries, list):
        try:  # each compound is built when a plan or a screen first asks for it
            return Catalog.deferred(entries, _build_compound)
        except (KeyError, TypeError, ValueError):
            pass  # not a catalog's data after all: validate again
    source = f"sleepplan/data/{CATALOG_FILE}"
    catalog = catalog_from_data(parse_toml(_data_text(CATALOG_FILE), source), source)
    cache.store(cache_dir, "compounds", key, [_cached_entry(c) for c in catalog])
    return catalog


def _cached_entry(compound: Compound) -> dict[str, Any]:
    """What the cache keeps of a compound: what finding it needs, and the rest as JSON text.

    A start builds a handful of the catalog's compounds; one string per compound costs a few
    times less memory than its fields as Python objects until then (design §12's budget).
    """
    return {
        "id": compound.id,
        "name": compound.name,
        "aliases": list(compound.aliases),
        "cycling": True if compound.cycling is not None else None,
        "record": json.dumps(dump(compound), ensure_ascii=False),
    }


def _build_compound(entry: Mapping[str, Any]) -> Compound:
    record: Compound = rebuild(Compound, json.loads(entry["record"]))
    return record


@lru_cache(maxsize=4)
def bundled_interactions(cache_dir: Path | None = None) -> InteractionData:
    """The sourced interaction rules shipped with sleepplan (through ``cache_dir`` if given)."""
    rules = cache.load(cache_dir, "interactions", data_digest(), InteractionData)
    if isinstance(rules, InteractionData):
        return rules
    source = f"sleepplan/data/{INTERACTIONS_FILE}"
    data = parse_toml(_data_text(INTERACTIONS_FILE), source)
    rules = interactions_from_data(data, source, bundled_catalog(cache_dir))
    cache.store(cache_dir, "interactions", data_digest(), dump(rules))
    return rules


def example_profiles() -> dict[str, str]:
    """The shipped example profiles, by file stem, as TOML text."""
    folder = PACKAGE_DIR / "profiles"
    return {
        entry.stem: entry.read_text(encoding="utf-8") for entry in sorted(folder.glob("*.toml"))
    }


FIRST_RUN_EXAMPLE = "example"
"""The example copied into a new home."""
