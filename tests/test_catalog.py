from __future__ import annotations

import dataclasses
import typing

import pytest

from sleepplan.core.catalog import Catalog, Compound, parse_catalog
from sleepplan.core.errors import InputError
from sleepplan.core.validation import dump, rebuild
from sleepplan.core.vocabulary import Mechanism, Stage

# Design §3: the compounds the catalog must hold.
REQUIRED = [
    "melatonin",
    "magnesium-glycinate",
    "magnesium-l-threonate",
    "l-theanine",
    "glycine",
    "apigenin",
    "chamomile",
    "valerian",
    "lemon-balm",
    "passionflower",
    "kava",
    "taurine",
    "inositol",
    "tart-cherry",
    "cbd",
    "saffron",
    "lavender-oil",
    "ashwagandha",
    "l-tryptophan",
    "5-htp",
    "gaba",
    "phenibut",
    "huperzine-a",
    "galantamine",
    "alpha-gpc",
    "citicoline",
    "zinc",
    "modafinil",
    "phenylpiracetam",
    "l-tyrosine",
    "rhodiola",
    "noopept",
    "aniracetam",
    "piracetam",
]


def test_catalog_holds_at_least_thirty_compounds(catalog: Catalog) -> None:
    assert len(catalog) >= 30


@pytest.mark.parametrize("compound_id", REQUIRED)
def test_required_compound_present(catalog: Catalog, compound_id: str) -> None:
    assert compound_id in catalog


def test_every_entry_cites_a_source_for_every_number(catalog: Catalog) -> None:
    problems = {c.id: c.unsourced_fields() for c in catalog if c.unsourced_fields()}
    assert problems == {}
    assert all(compound.sources for compound in catalog)


def test_every_source_is_locatable(catalog: Catalog) -> None:
    for compound in catalog:
        for source in compound.sources:
            assert source.url or source.pmid or source.doi, (compound.id, source.title)


def test_left_out_numbers_are_explained_in_notes(catalog: Catalog) -> None:
    for compound in catalog:
        if not compound.has_kinetics or compound.dose_mg is None:
            assert compound.notes.strip(), compound.id


@pytest.mark.parametrize("compound_id", ["modafinil", "phenylpiracetam", "l-tyrosine", "noopept"])
def test_daytime_stimulants_are_wake_promoting(catalog: Catalog, compound_id: str) -> None:
    assert catalog.get(compound_id).wake_promoting


def test_phenibut_is_habit_forming(catalog: Catalog) -> None:
    assert catalog.get("phenibut").habit_forming


def test_galantamine_is_a_wake_back_to_bed_rem_dose(catalog: Catalog) -> None:
    galantamine = catalog.get("galantamine")
    assert galantamine.timing.anchor.value == "after_bedtime"
    assert galantamine.primary_stage is Stage.REM


def test_default_targets_follow_the_mechanism() -> None:
    from tests.factories import compound

    assert compound("a", mechanism="gabaergic").stages == (Stage.SLEEP_ONSET,)
    assert compound("b", mechanism="glycinergic").stages == (Stage.SLOW_WAVE,)
    assert compound("c", mechanism="serotonergic").stages == (Stage.REM, Stage.SLOW_WAVE)
    assert compound("d", mechanism="cholinergic", targets=["rem"]).stages == (Stage.REM,)


def test_find_by_name_alias_and_case(catalog: Catalog) -> None:
    assert catalog.find("Melatonin") is catalog.get("melatonin")
    assert catalog.find("galanthamine") is catalog.get("galantamine")
    assert catalog.find("L Theanine") is catalog.get("l-theanine")
    assert catalog.find("unobtainium") is None
    assert catalog.suggest("melatonine") == "melatonin"


BAD_CATALOGS = [
    ("[[compounds]]\nid = 'x'\n", "compounds[0].name"),
    ("[[compounds]\n", "line 1"),
    ("colour = 1\n", "colour"),
]


@pytest.mark.parametrize(("text", "place"), BAD_CATALOGS)
def test_bad_catalog_names_the_place(text: str, place: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_catalog(text, "cat.toml")
    assert place in str(caught.value)
    assert str(caught.value).startswith("cat.toml")


def test_dose_range_must_be_ordered() -> None:
    from tests.factories import compound

    with pytest.raises(InputError, match="min <= typical <= max"):
        compound("x", dose_mg={"min": 5, "typical": 1, "max": 10})


def test_source_needs_a_locator() -> None:
    from tests.factories import compound

    with pytest.raises(InputError, match="url, pmid or doi"):
        compound("x", sources=[{"title": "Nothing to find"}])


def test_duplicate_id_is_refused() -> None:
    from tests.factories import compound

    with pytest.raises(ValueError, match="duplicate"):
        Catalog([compound("x"), compound("x")])


def test_mechanism_vocabulary_is_complete() -> None:
    assert {m.value for m in Mechanism} == {
        "gabaergic",
        "serotonergic",
        "cholinergic",
        "melatonergic",
        "glycinergic",
        "adenosinergic",
        "dopaminergic",
        "glutamatergic",
        "adaptogen",
        "other",
    }
    assert typing.get_type_hints(Compound)["mechanism"] is Mechanism


def test_the_new_mechanisms_default_to_no_sleep_stage_of_their_own() -> None:
    from tests.factories import compound

    # daytime compounds: listed where "other" and "adaptogen" are, under staying asleep
    for mechanism in ("dopaminergic", "glutamatergic", "other", "adaptogen"):
        assert compound("x", mechanism=mechanism).stages == (Stage.MAINTENANCE,), mechanism


@pytest.mark.parametrize(
    ("compound_id", "mechanism"),
    [
        ("l-tyrosine", "dopaminergic"),
        ("phenylpiracetam", "dopaminergic"),
        ("rhodiola", "dopaminergic"),
        ("piracetam", "glutamatergic"),
        ("aniracetam", "glutamatergic"),
        ("noopept", "glutamatergic"),
    ],
)
def test_the_seed_compounds_carry_the_mechanism_they_are_named_for(
    catalog: Catalog, compound_id: str, mechanism: str
) -> None:
    compound = catalog.get(compound_id)
    assert compound.mechanism.value == mechanism
    assert compound.citations_for("mechanism"), compound_id


@pytest.mark.parametrize(
    ("compound_id", "secondary"),
    [
        # magnesium blocks glutamate's NMDA receptors, the racetams boost AMPA ones: the same
        # system pushed the other way is not "acting the same way", so no glutamatergic here
        ("magnesium-glycinate", {"gabaergic"}),
        ("magnesium-l-threonate", {"gabaergic"}),
        ("l-theanine", {"gabaergic", "serotonergic", "dopaminergic"}),
        ("rhodiola", {"adaptogen", "serotonergic"}),
    ],
)
def test_secondary_mechanisms_are_sourced(
    catalog: Catalog, compound_id: str, secondary: set[str]
) -> None:
    compound = catalog.get(compound_id)
    assert {m.value for m in compound.secondary_mechanisms} == secondary
    assert compound.citations_for("secondary_mechanisms"), compound_id
    assert compound.mechanisms[0] is compound.mechanism


def test_secondary_mechanisms_must_be_sourced_and_not_repeat_the_main_one() -> None:
    from tests.factories import compound

    unsourced = compound("x", mechanism="other", secondary_mechanisms=["gabaergic"])
    assert unsourced.unsourced_fields() == ["secondary_mechanisms"]
    with pytest.raises(InputError, match="repeats the main mechanism"):
        compound("y", mechanism="gabaergic", secondary_mechanisms=["gabaergic"])
    with pytest.raises(InputError, match="secondary_mechanisms"):
        compound("z", mechanism="other", secondary_mechanisms=["dopamine"])


def test_a_deferred_catalog_builds_each_compound_when_first_asked_for(catalog: Catalog) -> None:
    entries = [dump(compound) for compound in catalog]
    built: list[str] = []

    def build(data: typing.Mapping[str, typing.Any]) -> Compound:
        built.append(data["id"])
        compound: Compound = rebuild(Compound, data)
        return compound

    deferred = Catalog.deferred(entries, build)
    assert len(deferred) == len(catalog) and "melatonin" in deferred and "nope" not in deferred
    assert deferred.extended([]) is deferred
    own = dataclasses.replace(
        catalog.get("glycine"), id="my-glycine", name="My glycine", aliases=()
    )
    mine = deferred.extended([own])
    assert (
        mine.get("my-glycine") is own
        and mine.find("my glycine") is own
        and len(mine) == len(deferred) + 1
    )
    with pytest.raises(ValueError, match="duplicate"):
        deferred.extended([catalog.get("glycine")])
    assert built == []  # nothing built to make, extend or refuse them
    budgeted = [c.id for c in catalog if c.cycling is not None]
    assert [c.id for c in deferred.with_cycling()] == budgeted and budgeted
    assert sorted(built) == sorted(budgeted)  # and nothing else
    built.clear()
    assert deferred.find("Mg glycinate") == catalog.find("Mg glycinate")  # an alias
    assert deferred.get("melatonin") is deferred.get("melatonin")  # built once
    assert sorted(built) == sorted({"melatonin", catalog.find("Mg glycinate").id})  # type: ignore[union-attr]
    assert list(deferred) == list(catalog)  # the same records, in the same order
    assert sorted([*built, *budgeted]) == sorted(compound.id for compound in catalog)
    with pytest.raises(KeyError):
        deferred.get("nope")
    with pytest.raises(ValueError, match="duplicate"):
        Catalog.deferred([entries[0], entries[0]], build)
