"""Data shipped inside the package: the catalog and the example profiles, read once.

The catalog and the interaction rules are about 250 KB of TOML, and the standard library's TOML
parser is pure Python: parsing them costs more than everything else ``sleepplan plan`` does.
So the parsed data is kept in the home's cache folder as JSON (which parses in C), under a name
that carries a digest of the TOML text and the sleepplan version: any change to either misses
the cache, and the data is parsed again. What comes from the cache is validated exactly like
freshly parsed data, so a damaged cache file can only cost time, never correctness.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from sleepplan import __version__
from sleepplan.core.catalog import Catalog, catalog_from_data
from sleepplan.core.interactions import InteractionData, interactions_from_data
from sleepplan.core.tomldoc import parse_toml
from sleepplan.store.files import atomic_write

CATALOG_FILE = "compounds.toml"
INTERACTIONS_FILE = "interactions.toml"


def _package_dir(name: str) -> resources.abc.Traversable:
    return resources.files("sleepplan").joinpath(name)


def cache_file(cache_dir: Path, file_name: str, text: str) -> Path:
    """Where the parsed form of one version of a bundled file is cached."""
    digest = hashlib.sha256(f"{__version__}\0{text}".encode()).hexdigest()[:20]
    return cache_dir / f"{file_name.removesuffix('.toml')}-{digest}.json"


def bundled_data(file_name: str, cache_dir: Path | None = None) -> dict[str, Any]:
    """A bundled data file, parsed; through the JSON cache in ``cache_dir`` when given."""
    text = _package_dir("data").joinpath(file_name).read_text(encoding="utf-8")
    source = f"sleepplan/data/{file_name}"
    if cache_dir is None:
        return parse_toml(text, source)
    cached = cache_file(cache_dir, file_name, text)
    try:
        data = json.loads(cached.read_bytes())
        if isinstance(data, dict):
            return data
    except (OSError, ValueError):
        pass  # missing or damaged: parse the TOML again
    data = parse_toml(text, source)
    _write_cache(cached, data)
    return data


def _write_cache(cached: Path, data: dict[str, Any]) -> None:
    """Keep parsed data for next time; a cache that can't be written only costs time."""
    if not cached.parent.parent.is_dir():
        return  # never create a home just to hold a cache
    try:
        encoded = json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):
        return  # a value JSON can't hold (a TOML date): keep parsing the TOML
    try:
        atomic_write(cached, encoded)
        stem = cached.name.rsplit("-", 1)[0]
        for stale in cached.parent.glob(f"{stem}-*.json"):
            if stale != cached:
                stale.unlink(missing_ok=True)
    except OSError:
        pass


@lru_cache(maxsize=4)
def bundled_catalog(cache_dir: Path | None = None) -> Catalog:
    """The sourced compound catalog shipped with sleepplan."""
    return catalog_from_data(
        bundled_data(CATALOG_FILE, cache_dir), f"sleepplan/data/{CATALOG_FILE}"
    )


@lru_cache(maxsize=4)
def bundled_interactions(cache_dir: Path | None = None) -> InteractionData:
    """The sourced interaction rules shipped with sleepplan."""
    return interactions_from_data(
        bundled_data(INTERACTIONS_FILE, cache_dir),
        f"sleepplan/data/{INTERACTIONS_FILE}",
        bundled_catalog(cache_dir),
    )


def example_profiles() -> dict[str, str]:
    """The shipped example profiles, by file stem, as TOML text."""
    folder = _package_dir("profiles")
    return {
        entry.name.removesuffix(".toml"): entry.read_text(encoding="utf-8")
        for entry in sorted(folder.iterdir(), key=lambda item: item.name)
        if entry.name.endswith(".toml")
    }


FIRST_RUN_EXAMPLE = "example"
"""The example copied into a new home."""
