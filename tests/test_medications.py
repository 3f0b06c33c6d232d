"""Medication names: brand names resolve like their generic, are sourced, and are summarised."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from sleepplan.core.catalog import Catalog
from sleepplan.core.errors import InputError
from sleepplan.core.interactions import (
    MEDICATION_CLASSES,
    InteractionData,
    interactions_from_data,
    medications_summary,
    resolve_medications,
)
from sleepplan.core.planner import build_plan
from sleepplan.output import jsonview, textview
from sleepplan.store.bundled import bundled_catalog, bundled_interactions
from sleepplan.tui.widgets.medications import medication_names, search
from tests import factories
from tests.conftest import run_cli

DATA: InteractionData = bundled_interactions()
CATALOG: Catalog = bundled_catalog()
BRANDS = [(name, brand.generic) for brand in DATA.brands for name in brand.names]
REQUIRED_BRANDS = [
    "Zoloft",
    "Prozac",
    "Lexapro",
    "Celexa",
    "Paxil",
    "Effexor",
    "Cymbalta",
    "Xanax",
    "Valium",
    "Ativan",
    "Klonopin",
    "Ambien",
    "Lunesta",
    "Sonata",
    "Eliquis",
    "Coumadin",
    "Jantoven",
    "Xarelto",
    "Plavix",
    "Synthroid",
    "Levoxyl",
    "Aricept",
    "Ultram",
    "Imitrex",
    "Lyrica",
    "Neurontin",
    "Benadryl",
    "Wellbutrin",
    "Lithobid",
    "Depakote",
    "Sinemet",
    "Adderall",
    "Ritalin",
    "Cipro",
    "Levaquin",
    "Fosamax",
    "Seroquel",
    "Desyrel",
]
SOURCE = {"title": "A test source", "url": "https://example.org/test"}


def test_the_data_names_the_common_brands() -> None:
    assert set(REQUIRED_BRANDS) <= {name for name, _ in BRANDS}


@pytest.mark.parametrize(("brand", "generic"), BRANDS)
def test_every_brand_resolves_like_its_generic_in_any_case(brand: str, generic: str) -> None:
    expected = resolve_medications([generic], DATA)
    assert expected.named[generic], generic
    for typed in (brand, brand.upper(), brand.lower(), f"  {brand} "):
        meds = resolve_medications([typed], DATA)
        name = typed.strip()
        assert meds.named == {name: expected.named[generic]}
        assert meds.classes == expected.classes
        assert meds.unknown == ()
        assert meds.resolved == {name: generic}


def test_brand_names_are_in_the_index_completion_reads() -> None:
    index = DATA.drug_index()
    assert index["zoloft"] == {"ssri"}
    assert index["wellbutrin"] == index["bupropion"]
    assert index["seroquel"] == index["quetiapine"] == {"sedating_antipsychotic"}
    assert index["desyrel"] == index["trazodone"] == {"other_serotonergic_antidepressant"}
    names = DATA.known_names()
    assert {"Zoloft", "Effexor XR", "sertraline", "ssri", "Seroquel", "Desyrel"} <= set(names)
    assert names == sorted(names, key=str.casefold)


@pytest.mark.parametrize(("typed", "brand"), [("sero", "Seroquel"), ("desy", "Desyrel")])
def test_the_medication_field_completes_seroquel_and_desyrel(typed: str, brand: str) -> None:
    assert brand in search(medication_names(DATA), typed)


def test_generics_and_classes_do_not_count_as_brands() -> None:
    meds = resolve_medications(["sertraline", "ssri"], DATA)
    assert meds.resolved == {}
    assert meds.named == {"sertraline": ("ssri",), "ssri": ("ssri",)}


def test_unknown_names_stay_unknown_and_are_reported() -> None:
    meds = resolve_medications(["Zoloft", "Notabrandix", "unobtainol"], DATA)
    assert meds.unknown == ("Notabrandix", "unobtainol")
    assert list(meds.named) == ["Zoloft"]
    assert medications_summary(meds) == (
        "Medications: checked against Zoloft → sertraline (SSRI); "
        "not checked (unknown): Notabrandix, unobtainol"
    )


@pytest.mark.parametrize(
    ("names", "line"),
    [
        (
            ["sertraline", "Zoloft", "foo"],
            "Medications: checked against sertraline (SSRI), Zoloft → sertraline (SSRI); "
            "not checked (unknown): foo",
        ),
        (
            ["fluvoxamine", "ssri", "z-drug"],
            "Medications: checked against fluvoxamine (CYP1A2 inhibitor, SSRI, strong CYP1A2 "
            "inhibitor), ssri, z-drug (z drug)",
        ),
        (["foo"], "Medications: not checked (unknown): foo"),
        ([], "Medications: none entered"),
    ],
)
def test_the_summary_says_what_was_checked(names: list[str], line: str) -> None:
    assert medications_summary(resolve_medications(names, DATA)) == line


def test_every_brand_cites_a_source_naming_brand_and_generic() -> None:
    for brand in DATA.brands:
        assert brand.sources, brand.generic
        assert all(source.url and source.title for source in brand.sources), brand.generic
        titles = " ".join(source.title for source in brand.sources).casefold()
        for name in brand.names:
            assert name.casefold() in titles, (name, brand.generic)
        for word in re.findall(r"[a-z]+", brand.generic.casefold()):
            assert word in titles, (word, brand.generic)


def _data(brands: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "medication_classes": [
            {"id": "ssri", "name": "SSRIs", "drugs": ["sertraline"], "sources": [SOURCE]}
        ],
        "brands": brands,
    }


@pytest.mark.parametrize(
    ("brands", "place", "words"),
    [
        (
            [{"generic": "sertralin", "names": ["Zoloft"], "sources": [SOURCE]}],
            "brands[0].generic",
            "unknown generic 'sertralin'",
        ),
        (
            [
                {"generic": "sertraline", "names": ["Zoloft"], "sources": [SOURCE]},
                {"generic": "sertraline", "names": ["ZOLOFT"], "sources": [SOURCE]},
            ],
            "brands[1].names",
            "duplicate brand name 'ZOLOFT'",
        ),
        (
            [{"generic": "sertraline", "names": ["Sertraline"], "sources": [SOURCE]}],
            "brands[0].names",
            "is a generic or a class",
        ),
        (
            [{"generic": "sertraline", "names": ["SSRI"], "sources": [SOURCE]}],
            "brands[0].names",
            "is a generic or a class",
        ),
    ],
)
def test_bad_brand_data_is_refused_naming_the_place(
    brands: list[dict[str, Any]], place: str, words: str
) -> None:
    with pytest.raises(InputError) as raised:
        interactions_from_data(_data(brands), "interactions.toml", CATALOG)
    text = raised.value.render()
    assert "interactions.toml" in text and place in text and words in text


@pytest.mark.parametrize("missing", ["sources", "names"])
def test_a_brand_needs_names_and_sources(missing: str) -> None:
    brand: dict[str, Any] = {"generic": "sertraline", "names": ["Zoloft"], "sources": [SOURCE]}
    brand[missing] = []
    with pytest.raises(InputError) as raised:
        interactions_from_data(_data([brand]), "interactions.toml", CATALOG)
    assert f"brands[0].{missing}" in raised.value.render()


def test_brand_classes_are_design_classes() -> None:
    for brand, generic in BRANDS:
        assert set(DATA.drug_index()[brand.casefold()]) <= set(MEDICATION_CLASSES), generic


def _check(home: Path, med: str) -> dict[str, Any]:
    result = run_cli("--home", str(home), "check", "5-htp", "--med", med, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _alarms(data: dict[str, Any]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(w["severity"], w["code"], tuple(w["compounds"])) for w in data["warnings"]]


def test_check_with_a_brand_gives_the_same_danger_as_its_generic(home: Path) -> None:
    brand, generic = _check(home, "zoloft"), _check(home, "sertraline")
    assert _alarms(brand) == _alarms(generic)
    assert ("danger", "medication_interaction", ("5-htp", "med:ssri")) in _alarms(brand)
    assert brand["medications"]["unknown"] == []
    assert brand["medications"]["named"] == {"zoloft": ["ssri"]}
    assert brand["medications"]["resolved"] == {"zoloft": "sertraline"}
    assert generic["medications"]["resolved"] == {}


def test_check_5_htp_with_desyrel_is_the_serotonin_danger(home: Path) -> None:
    brand, generic = _check(home, "Desyrel"), _check(home, "trazodone")
    serotonergic = "med:other_serotonergic_antidepressant"
    danger = ("danger", "medication_interaction", ("5-htp", serotonergic))
    assert danger in _alarms(brand)
    assert _alarms(brand) == _alarms(generic)
    assert brand["medications"]["unknown"] == []
    assert brand["medications"]["resolved"] == {"Desyrel": "trazodone"}


def test_seroquel_with_kava_is_the_cns_depressant_warning(home: Path) -> None:
    result = run_cli("--home", str(home), "check", "kava", "--med", "Seroquel", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    stack = ("caution", "medication_interaction", ("kava", "med:sedating_antipsychotic"))
    assert stack in _alarms(data)
    assert data["medications"]["unknown"] == []
    assert data["medications"]["resolved"] == {"Seroquel": "quetiapine"}


def test_check_text_says_what_the_brand_was_checked_as(home: Path) -> None:
    result = run_cli("--home", str(home), "check", "5-htp", "--med", "Zoloft", "--med", "foo")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("WARNINGS")
    assert "✖ DANGER" in result.stdout
    assert (
        "Medications: checked against Zoloft → sertraline (SSRI); not checked (unknown): foo\n"
        in result.stdout
    )


def test_a_profile_naming_a_brand_gets_the_danger_in_plan(tmp_path: Path, home: Path) -> None:
    profile = tmp_path / "brand.toml"
    profile.write_text(
        'schema_version = 1\nname = "brand"\nbedtime = "23:00"\nwake = "07:00"\n'
        'dinner = "19:00"\nsleep_need_min = 480\nmedications = ["Zoloft"]\n'
        'default_routine = "serotonin"\n\n[[routines]]\nname = "serotonin"\n\n'
        '[[routines.doses]]\ncompound = "5-htp"\namount_mg = 100\n',
        encoding="utf-8",
    )
    args = ["--home", str(home), "--profile", str(profile), "plan", "--night", "2026-11-23"]
    result = run_cli(*args, "--json")
    assert result.returncode == 0, result.stderr
    warnings = json.loads(result.stdout)["warnings"]
    assert ("danger", ("5-htp", "med:ssri")) in [
        (w["severity"], tuple(w["compounds"])) for w in warnings
    ]
    assert "unknown_medication" not in [w["code"] for w in warnings]
    text = run_cli(*args).stdout
    assert "Medications: checked against Zoloft → sertraline (SSRI)" in text


def test_plan_text_shows_the_summary_when_given_medications() -> None:
    plan = build_plan(factories.routine(("melatonin", 0.5)), CATALOG, factories.settings())
    meds = resolve_medications(["Zoloft", "\x1b[31mfoo"], DATA)
    text = textview.plan_text(plan, [], "p", medications=meds)
    header = text.split("\n")[:4]
    assert (
        "Medications: checked against Zoloft → sertraline (SSRI); not checked (unknown): ␛[31mfoo"
        in header
    )
    assert "Medications:" not in textview.plan_text(plan, [], "p")


def test_check_json_reports_what_each_brand_resolved_to() -> None:
    meds = resolve_medications(["Xanax", "sertraline"], DATA)
    data = jsonview.check_json([], meds, [], [])
    assert data["medications"]["resolved"] == {"Xanax": "alprazolam"}
    assert data["medications"]["named"] == {
        "Xanax": ["benzodiazepine"],
        "sertraline": ["ssri"],
    }
