"""The catalog's daytime compounds (issue 22 items 3-4), and the day they make with real data."""

from __future__ import annotations

import datetime as dt

import pytest

from sleepplan.core.catalog import Catalog
from sleepplan.core.day import DayEntry, Person, day_doses, personal_half_life
from sleepplan.core.interactions import MEDICATION_CLASSES

SEED = [
    "bacopa",
    "lions-mane",
    "acetyl-l-carnitine",
    "vinpocetine",
    "coq10",
    "alpha-lipoic-acid",
    "l-ornithine",
    "reishi",
]


@pytest.mark.parametrize("compound_id", ["caffeine", "alcohol", "nicotine", *SEED])
def test_the_days_compounds_are_in_the_catalog_with_sources(
    catalog: Catalog, compound_id: str
) -> None:
    compound = catalog.get(compound_id)
    assert compound.sources
    assert compound.unsourced_fields() == []
    assert compound.notes and len(compound.notes) < 400  # a sentence or two for the user


def test_caffeine_and_nicotine_keep_people_awake_and_alcohol_does_not(catalog: Catalog) -> None:
    assert catalog.get("caffeine").wake_promoting
    assert catalog.get("nicotine").wake_promoting
    assert not catalog.get("alcohol").wake_promoting
    assert catalog.get("caffeine").mechanism.value == "adenosinergic"


def test_caffeine_half_life_follows_the_person_as_the_sources_say(catalog: Catalog) -> None:
    caffeine = catalog.get("caffeine")
    usual = personal_half_life(caffeine, Person())
    assert usual is not None
    for condition, longer in [
        ("smoker", False),
        ("oral_contraceptives", True),
        ("pregnant", True),
        ("cyp1a2_inhibitor", True),
    ]:
        changed = personal_half_life(caffeine, Person(**{condition: True}))
        assert changed is not None and changed.because is not None
        assert (changed.middle_h > usual.middle_h) is longer, condition


def test_alcohol_is_cleared_at_a_constant_rate_not_by_a_half_life(catalog: Catalog) -> None:
    alcohol = catalog.get("alcohol")
    assert alcohol.elimination_mg_per_h is not None
    assert alcohol.half_life_h is None
    assert alcohol.medication_class == "alcohol"
    assert alcohol.disrupts_sleep_from_mg is not None
    assert {"us_drink", "uk_unit"} <= set(alcohol.units)


def test_every_medication_class_a_compound_names_is_known(catalog: Catalog) -> None:
    for compound in catalog:
        if compound.medication_class is not None:
            assert compound.medication_class in MEDICATION_CLASSES, compound.id


def test_a_1600_coffee_is_still_there_at_2300(catalog: Catalog) -> None:
    """Done when: a user who logs a 16:00 coffee sees what is left of it at 23:00."""
    bedtime = dt.datetime.fromisoformat("2026-12-04T23:00:00+01:00")
    cup = DayEntry("caffeine", 96, bedtime.replace(hour=16), "1 cup = 96 mg")
    [dose] = day_doses([cup], catalog, bedtime, Person())
    assert dose.level_at_bedtime is not None
    assert 0.25 <= dose.level_at_bedtime < 1  # half-lives of about 5 h: roughly half is left
