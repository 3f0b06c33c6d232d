"""Data shipped inside the package: the catalog and the example profiles, read once."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from sleepplan.core.catalog import Catalog, parse_catalog
from sleepplan.core.interactions import InteractionData, parse_interactions

CATALOG_FILE = "compounds.toml"
INTERACTIONS_FILE = "interactions.toml"


def _package_dir(name: str) -> resources.abc.Traversable:
    return resources.files("sleepplan").joinpath(name)


@lru_cache(maxsize=1)
def bundled_catalog() -> Catalog:
    """The sourced compound catalog shipped with sleepplan."""
    resource = _package_dir("data").joinpath(CATALOG_FILE)
    return parse_catalog(resource.read_text(encoding="utf-8"), f"sleepplan/data/{CATALOG_FILE}")


@lru_cache(maxsize=1)
def bundled_interactions() -> InteractionData:
    """The sourced interaction rules shipped with sleepplan."""
    resource = _package_dir("data").joinpath(INTERACTIONS_FILE)
    return parse_interactions(
        resource.read_text(encoding="utf-8"),
        f"sleepplan/data/{INTERACTIONS_FILE}",
        bundled_catalog(),
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
