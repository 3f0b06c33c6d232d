"""Catalog text for users: short plain notes; the research trail kept apart and never shown."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from sleepplan.core.catalog import Catalog, Compound
from sleepplan.core.profile import parse_profile
from sleepplan.output.textview import catalog_text, number_range
from sleepplan.store import bundled
from sleepplan.store.bundled import bundled_catalog
from sleepplan.tui.screens.catalog import compound_details
from tests.conftest import run_cli
from tests.test_profiles import GOOD

MAX_NOTES = 300
"""A sentence or two: the Catalog's details pane is not the place for a report."""

DIARY_WORDS = (
    r"\bsearch",
    r"\bappeared\b",
    r"\bdoi\b",
    r"\bpmid\b",
    r"\bcorpus\b",
    r"\bmirror",
    r"\bread_file\b",
    r"\bnot given\b",
    r"\btext read\b",
    r"\bsources? read\b",
)
"""How the research trail talks (what was searched, what appeared where): not for users."""

MARKER = "RESEARCH-TRAIL-MARKER searched everywhere, found nothing"


def diary_words(text: str) -> list[str]:
    """The research-diary words a text uses."""
    return [word for word in DIARY_WORDS if re.search(word, text, re.IGNORECASE)]


def _with_research(compound: Compound) -> Compound:
    return dataclasses.replace(compound, research=MARKER)


def _research_parts(compound: Compound) -> list[str]:
    """Its research trail, whole and its last words (a trail may begin as its notes do)."""
    trail = (compound.research or "").strip()
    return [trail, trail[-60:]] if trail else []


def test_the_word_check_catches_a_research_diary() -> None:
    diary = "The DOI of the paper never appeared in search text, so it is not given."
    assert len(diary_words(diary)) == 4
    assert diary_words("No source gave a usual dose for sleep, so none is shown.") == []


def test_every_bundled_note_is_short_and_plain(catalog: Catalog) -> None:
    too_long = {c.id: len(c.notes) for c in catalog if len(c.notes) > MAX_NOTES}
    diary = {c.id: diary_words(c.notes) for c in catalog if diary_words(c.notes)}
    assert too_long == {}
    assert diary == {}


def test_the_long_trails_moved_to_research(catalog: Catalog) -> None:
    kept = [c for c in catalog if c.research]
    assert len(kept) >= 30
    galantamine = catalog.get("galantamine")
    assert galantamine.research and "10.1371/journal.pone.0201246" in galantamine.research
    assert "pone" not in galantamine.notes


def test_the_catalog_details_never_show_research(catalog: Catalog) -> None:
    for compound in catalog:
        shown = compound_details(compound).plain
        assert compound.notes.strip() in shown  # notes are for the user
        for part in _research_parts(compound):
            assert part not in shown, compound.id
    melatonin = _with_research(catalog.get("melatonin"))
    assert MARKER not in compound_details(melatonin).plain


def test_the_catalog_text_never_shows_research(catalog: Catalog, home: Path) -> None:
    compounds = [_with_research(compound) for compound in catalog]
    assert MARKER not in catalog_text(compounds)
    result = run_cli("--home", str(home), "catalog")
    assert result.returncode == 0
    for compound in catalog:
        for part in _research_parts(compound):
            assert part not in result.stdout, compound.id


def test_a_custom_compound_may_keep_research_too(catalog: Catalog) -> None:
    custom = f"""
[[custom_compounds]]
id = "my-tea"
name = "My tea"
mechanism = "other"
timing = {{ anchor = "bedtime", minutes = 30 }}
notes = "My own evening tea."
research = "{MARKER}"
"""
    text = GOOD.replace('compound = "melatonin"', 'compound = "my-tea"') + custom
    _, full = parse_profile(text, "me.toml", catalog)
    tea = full.get("my-tea")
    assert tea.research == MARKER
    shown = compound_details(tea).plain
    assert "My own evening tea." in shown and MARKER not in shown


@pytest.fixture
def _fresh_loads() -> None:
    bundled.data_digest.cache_clear()
    bundled_catalog.cache_clear()


@pytest.mark.usefixtures("_fresh_loads")
def test_research_round_trips_through_the_cache(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    validated = bundled_catalog(cache_dir).get("galantamine")  # a miss: validated, then kept
    bundled_catalog.cache_clear()
    rebuilt = bundled_catalog(cache_dir).get("galantamine")  # a hit: rebuilt from the cache
    assert rebuilt is not validated
    assert rebuilt.research and rebuilt.research == validated.research
    assert rebuilt == validated


@pytest.mark.parametrize(
    ("value", "unit", "missing", "shown"),
    [
        ((1.0, 1.0), "h", "not sourced", "1 h"),
        ((0.5, 2.0), "h", "not sourced", "0.5–2 h"),
        (None, "h", "not sourced", "not sourced"),
        ((4.0, 6.0), "", "–", "4–6"),  # the catalog table's columns carry their unit
        (None, "", "–", "–"),
    ],
)
def test_a_range_of_hours_reads_the_same_in_the_details_and_the_table(
    value: tuple[float, float] | None, unit: str, missing: str, shown: str
) -> None:
    assert number_range(value, unit, missing) == shown


def test_the_details_pane_says_when_a_time_is_not_sourced() -> None:
    compound = bundled_catalog().get("glycine")
    unsourced = dataclasses.replace(compound, tmax_h=None)
    details = compound_details(unsourced).plain
    assert "Time to peak" in details and "not sourced" in details
