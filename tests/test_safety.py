"""Every safety rule, positive and negative, on small synthetic data."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from sleepplan.core.amounts import parse_amount
from sleepplan.core.catalog import Catalog
from sleepplan.core.day import DayEntry
from sleepplan.core.errors import InputError
from sleepplan.core.interactions import (
    InteractionData,
    interactions_from_data,
    resolve_medications,
)
from sleepplan.core.planner import build_plan
from sleepplan.core.safety import (
    Intake,
    SafetyContext,
    check,
    cycling_lookback,
    low_risk_notes,
    plan_warnings,
)
from sleepplan.core.vocabulary import Mechanism
from tests.factories import catalog, compound, routine, settings

SRC = [{"title": "A test source", "url": "https://example.org/s"}]

CAT = catalog(
    compound("sero", mechanism="serotonergic"),
    compound("sero-two", mechanism="serotonergic"),
    compound("calm", mechanism="gabaergic"),
    compound("calmer", mechanism="gabaergic"),
    compound("sleepy", mechanism="other", sedating=True, half_life_h=[12.0, 12.0]),
    compound(
        "mag-a",
        mechanism="other",
        nutrient="magnesium",
        upper_limit_mg=350,
        dose_mg={"min": 100, "typical": 200, "max": 350},
    ),
    compound(
        "mag-salt",
        mechanism="other",
        nutrient="magnesium",
        upper_limit_mg=350,
        elemental_fraction=0.1,
        dose_mg={"min": 500, "typical": 1000, "max": 3000},
    ),
    compound("mel", mechanism="melatonergic", dose_mg={"min": 0.3, "typical": 1, "max": 5}),
    compound("racy", mechanism="other"),
    compound("choline", mechanism="cholinergic"),
    compound("zippy", mechanism="other", wake_promoting=True),
    compound("cycled", mechanism="other", cycling={"max_nights": 2, "per_days": 7}),
    compound("cycled-short", mechanism="other", cycling={"max_nights": 1, "per_days": 3}),
    compound("late-peaker", mechanism="gabaergic", tmax_h=[6.0, 6.0]),
    compound("x1", mechanism="other"),
    compound("x2", mechanism="other"),
    compound("side-calm", mechanism="other", secondary_mechanisms=["gabaergic"]),
    compound(
        "side-calm-two", mechanism="other", secondary_mechanisms=["gabaergic", "glutamatergic"]
    ),
    compound("dopa", mechanism="dopaminergic"),
    compound("dopa-two", mechanism="dopaminergic", secondary_mechanisms=["serotonergic"]),
    compound("dopa-three", mechanism="dopaminergic"),
    compound("dopa-side", mechanism="other", secondary_mechanisms=["dopaminergic"]),
)

DATA_DICT: dict[str, Any] = {
    "medication_classes": [
        {
            "id": "ssri",
            "name": "SSRI antidepressants",
            "drugs": ["sertraline", "fluvoxamine"],
            "sources": SRC,
        },
        {
            "id": "cyp1a2_inhibitor",
            "name": "CYP1A2 inhibitors",
            "drugs": ["fluvoxamine", "ciprofloxacin"],
            "sources": SRC,
        },
        {"id": "alcohol", "name": "alcohol", "drugs": ["alcohol", "wine"], "sources": SRC},
        {"id": "benzodiazepine", "name": "benzodiazepines", "drugs": ["diazepam"], "sources": SRC},
    ],
    "rules": [
        {
            "id": "sero-ssri",
            "severity": "danger",
            "a": ["sero"],
            "b": ["med:ssri"],
            "message": "serotonin syndrome.",
            "sources": SRC,
        },
        {
            "id": "mel-cyp",
            "severity": "caution",
            "a": ["mel"],
            "b": ["med:cyp1a2_inhibitor"],
            "message": "melatonin levels rise.",
            "sources": SRC,
        },
        {
            "id": "sero-pair",
            "severity": "caution",
            "a": ["sero"],
            "b": ["sero-two"],
            "message": "serotonergic together.",
            "sources": SRC,
        },
        {
            "id": "racetam-without-choline",
            "severity": "info",
            "a": ["racy"],
            "b": ["choline"],
            "message": "often combined with a choline source.",
            "sources": SRC,
        },
    ],
    "stacks": [
        {
            "id": "cns",
            "members": ["calm", "calmer", "sleepy", "med:alcohol", "med:benzodiazepine"],
            "caution_at": 2,
            "danger_at": 3,
            "message": "additive sedation.",
            "sources": SRC,
        },
        {
            "id": "mild",
            "members": ["x1", "x2", "racy", "med:alcohol"],
            "caution_at": 2,
            "danger_at": 3,
            "danger_requires": ["med:alcohol"],
            "message": "milder.",
            "sources": SRC,
        },
        {
            "id": "dopa-evening",
            "members": ["mechanism:dopaminergic"],
            "caution_at": 2,
            "message": "dopamine keeps you awake.",
            "sources": SRC,
        },
    ],
    "low_risk": [
        {"a": "mag-a", "b": "mel", "note": "A source lists these as low risk.", "sources": SRC},
    ],
    "label_error": [
        {
            "compound": "mel",
            "max_overage": 4.78,
            "note": "Labels varied up to +478%.",
            "sources": SRC,
        },
    ],
}
DATA: InteractionData = interactions_from_data(DATA_DICT, "test", CAT)


def ctx(*meds: str, **kwargs: Any) -> SafetyContext:
    return SafetyContext(DATA, resolve_medications(meds, DATA), **kwargs)


def run(*items: str | tuple[str, float], meds: tuple[str, ...] = (), **kwargs: Any) -> list[Any]:
    intakes = [
        Intake(CAT.get(item)) if isinstance(item, str) else Intake(CAT.get(item[0]), item[1])
        for item in items
    ]
    return check(intakes, ctx(*meds, **kwargs))


def codes(warnings: list[Any]) -> list[tuple[str, str]]:
    return [(w.code, w.severity.value) for w in warnings]


# -- interactions ------------------------------------------------------------------------------


@pytest.mark.parametrize("order", [("sero", "sero-two"), ("sero-two", "sero")])
def test_pairwise_rule_fires_both_ways_round(order: tuple[str, str]) -> None:
    assert ("interaction", "caution") in codes(run(*order))


def test_pairwise_rule_needs_both_sides() -> None:
    assert ("interaction", "caution") not in codes(run("sero"))


@pytest.mark.parametrize("med", ["ssri", "sertraline", "Sertraline", "SSRI"])
def test_medication_rule_fires_for_class_or_drug_name(med: str) -> None:
    warnings = run("sero", meds=(med,))
    assert codes(warnings)[0] == ("medication_interaction", "danger")
    assert "serotonin syndrome" in warnings[0].message
    assert warnings[0].sources


def test_one_drug_in_two_classes() -> None:
    found = codes(run("mel", "sero", meds=("fluvoxamine",)))
    assert ("medication_interaction", "danger") in found
    assert ("medication_interaction", "caution") in found


def test_unknown_medication_is_never_silent() -> None:
    warnings = run("calm", meds=("unobtainol",))
    assert ("unknown_medication", "caution") in codes(warnings)
    assert "unobtainol" in warnings[0].message


def test_danger_comes_first() -> None:
    warnings = run("sero", "sero-two", "zippy", meds=("sertraline",))
    ranks = [w.severity.rank for w in warnings]
    assert ranks == sorted(ranks) and warnings[0].severity.value == "danger"


def test_stack_escalates_from_two_to_three() -> None:
    assert ("interaction", "caution") in codes(run("calm", "calmer"))
    assert ("interaction", "danger") in codes(run("calm", "calmer", "sleepy"))
    assert not [c for c in codes(run("calm")) if c[0] == "interaction"]


def test_stack_danger_can_require_a_member() -> None:
    three_mild = run("x1", "x2", "racy")
    assert [w.severity.value for w in three_mild if w.code == "interaction"] == ["caution"]
    assert "3 together" in next(w.message for w in three_mild if w.code == "interaction")
    with_alcohol = run("x1", "x2", meds=("alcohol",))
    assert ("medication_interaction", "danger") in codes(with_alcohol)


def test_medications_count_in_a_stack() -> None:
    found = codes(run("calm", meds=("wine", "diazepam")))
    assert ("medication_interaction", "danger") in found


def test_racetam_without_choline() -> None:
    assert ("racetam_without_choline", "info") in codes(run("racy"))
    assert "racetam_without_choline" not in dict(codes(run("racy", "choline")))


def test_low_risk_pairs_give_no_warning_but_a_note() -> None:
    items = [Intake(CAT.get("mag-a"), 200), Intake(CAT.get("mel"), 0.5)]
    warnings = check(items, ctx())
    assert not [w for w in warnings if w.severity.value in ("danger", "caution")]
    assert low_risk_notes(items, ctx()) == [
        "A source lists these as low risk. (A test source (https://example.org/s))"
    ]


# -- stacking and amounts ---------------------------------------------------------------------


def test_more_than_five_compounds() -> None:
    assert ("too_many_compounds", "caution") in codes(
        run("x1", "x2", "racy", "choline", "mel", "mag-a")
    )
    assert "too_many_compounds" not in dict(codes(run("x1", "x2", "racy", "choline", "mel")))


def test_two_of_one_mechanism() -> None:
    assert ("duplicate_mechanism", "info") in codes(run("calm", "calmer"))
    assert "duplicate_mechanism" not in dict(codes(run("x1", "x2")))  # "other" is no mechanism


def _duplicates(*items: str) -> list[Any]:
    return [w for w in run(*items) if w.code == "duplicate_mechanism"]


def test_a_main_way_overlap_reads_as_before() -> None:
    [warning] = _duplicates("calm", "calmer")
    assert warning.compounds == ("calm", "calmer")
    assert warning.message == (
        "2 gabaergic compounds: they act the same way, so their effects add up rather than "
        "complement each other."
    )


def test_an_overlap_through_a_secondary_mechanism_may_act_the_same_way() -> None:
    [warning] = _duplicates("calm", "side-calm")
    assert warning.severity.value == "info"
    assert warning.compounds == ("calm", "side-calm")
    assert warning.message == (
        "2 compounds may act the same way (gabaergic: the main way for Calm, one of several "
        "for Side Calm), so their effects may add up rather than complement each other."
    )
    assert "they act the same way" not in warning.message


def test_two_secondary_mechanisms_alone_are_no_overlap() -> None:
    # magnesium and L-theanine: both said to aid GABA, neither mainly
    assert _duplicates("side-calm", "side-calm-two") == []


def test_main_overlaps_keep_their_words_when_a_secondary_one_joins() -> None:
    [warning] = _duplicates("calm", "calmer", "side-calm")
    assert warning.compounds == ("calm", "calmer", "side-calm")
    assert "Calm and Calmer act the same way, and Side Calm may too" in warning.message


def test_two_ways_between_the_same_compounds_make_one_warning() -> None:
    both = catalog(
        compound("a", mechanism="gabaergic", secondary_mechanisms=["serotonergic"]),
        compound("b", mechanism="serotonergic", secondary_mechanisms=["gabaergic"]),
    )
    warnings = check([Intake(both.get("a")), Intake(both.get("b"))], ctx())
    [warning] = [w for w in warnings if w.code == "duplicate_mechanism"]
    assert "gabaergic: the main way for A, one of several for B" in warning.message
    assert "serotonergic: the main way for B, one of several for A" in warning.message


def test_daytime_intakes_are_not_stacked_by_mechanism() -> None:
    intakes = [Intake(CAT.get("calm")), Intake(CAT.get("calmer"), daytime=True)]
    assert "duplicate_mechanism" not in dict(codes(check(intakes, ctx())))


# -- the dopaminergic-evening stack (a ``mechanism:`` member) ----------------------------------


def _dopamine(warnings: list[Any]) -> list[Any]:
    return [w for w in warnings if w.message.endswith("dopamine keeps you awake.")]


def test_two_dopaminergic_compounds_in_the_evening_are_a_caution() -> None:
    [warning] = _dopamine(run("dopa", "dopa-two"))
    assert (warning.code, warning.severity.value) == ("interaction", "caution")
    assert warning.compounds == ("dopa", "dopa-two")
    assert warning.message.startswith("2 together (Dopa, Dopa Two): ")
    assert warning.sources


def test_a_stack_without_danger_at_stays_a_caution_however_many() -> None:
    [warning] = _dopamine(run("dopa", "dopa-two", "dopa-three"))
    assert warning.severity.value == "caution" and len(warning.compounds) == 3


def test_one_dopaminergic_compound_is_no_stack() -> None:
    assert _dopamine(run("dopa", "calm")) == []


def test_the_mechanism_member_counts_the_main_mechanism_only() -> None:
    # L-theanine is said to raise dopamine in rats, but it is no stimulant
    assert _dopamine(run("dopa", "dopa-side")) == []


def test_daytime_dopaminergic_intakes_do_not_count() -> None:
    intakes = [Intake(CAT.get("dopa")), Intake(CAT.get("dopa-two"), daytime=True)]
    assert _dopamine(check(intakes, ctx())) == []
    both_daytime = [Intake(CAT.get(c), daytime=True) for c in ("dopa", "dopa-two")]
    assert _dopamine(check(both_daytime, ctx())) == []


def test_the_dopaminergic_stack_in_a_plan_evening_yes_day_no() -> None:
    evening = build_plan(routine(("dopa", 2), ("dopa-two", 2)), CAT, settings())
    assert len(_dopamine(plan_warnings(evening, ctx()))) == 1
    nine = dt.datetime(2026, 11, 23, 21, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    day = [DayEntry("dopa-two", 2, nine, "2 mg")]
    daytime = build_plan(routine(("dopa", 2)), CAT, settings(), day=day)
    assert [dose.present_at_bedtime for dose in daytime.day] == [True]  # it still counts...
    assert _dopamine(plan_warnings(daytime, ctx())) == []  # ...but not for evening stacking


def test_wake_promoting() -> None:
    assert ("wake_promoting", "caution") in codes(run("zippy"))
    assert "wake_promoting" not in dict(codes(run("calm")))


def test_above_max_dose() -> None:
    assert ("above_max_dose", "caution") in codes(run(("mel", 6)))
    assert "above_max_dose" not in dict(codes(run(("mel", 5))))


def test_nutrient_summed_across_products_with_salt_converted() -> None:
    # 300 mg elemental + 1000 mg salt at 10% = 400 mg magnesium > 350
    warnings = run(("mag-a", 300), ("mag-salt", 1000))
    assert ("above_upper_limit", "caution") in codes(warnings)
    message = next(w.message for w in warnings if w.code == "above_upper_limit")
    assert "400 mg" in message and "350 mg" in message
    assert "above_upper_limit" not in dict(codes(run(("mag-a", 200), ("mag-salt", 1000))))


def test_label_error_margin_for_unreliable_labels() -> None:
    # 1 mg could be 5.78 mg > 5 mg: an info; 0.5 mg could be 2.89 mg: nothing
    assert ("above_upper_limit", "info") in codes(run(("mel", 1)))
    assert "above_upper_limit" not in dict(codes(run(("mel", 0.5))))
    # two products together above the maximum: a caution
    assert ("above_upper_limit", "caution") in codes(run(("mel", 3), ("mel", 3)))


def test_cycling_budget_counts_past_nights() -> None:
    night = dt.date(2026, 11, 23)
    recent = {"cycled": [night - dt.timedelta(days=2), night - dt.timedelta(days=5)]}
    assert ("cycling_budget", "caution") in codes(run("cycled", night=night, past_nights=recent))
    older = {"cycled": [night - dt.timedelta(days=8), night - dt.timedelta(days=2)]}
    assert "cycling_budget" not in dict(codes(run("cycled", night=night, past_nights=older)))


@settings_(max_examples=200, deadline=None)
@given(
    cycled=st.sets(st.integers(min_value=-3, max_value=30), max_size=6),
    short=st.sets(st.integers(min_value=-3, max_value=30), max_size=4),
    calm=st.sets(st.integers(min_value=0, max_value=30), max_size=3),
    slack=st.integers(min_value=0, max_value=2),
)
def test_reading_only_the_lookback_never_changes_a_warning(
    cycled: set[int], short: set[int], calm: set[int], slack: int
) -> None:
    night = dt.date(2026, 11, 23)
    past = {
        name: [night - dt.timedelta(days=d) for d in days]
        for name, days in (("cycled", cycled), ("cycled-short", short), ("calm", calm))
    }
    lookback = cycling_lookback(CAT, night, slack_days=slack)
    assert lookback is not None and lookback.compounds == {"cycled", "cycled-short"}
    assert lookback.since == night - dt.timedelta(days=6 + slack)  # the longest window counts
    read = {
        compound: [n for n in nights if n >= lookback.since]
        for compound, nights in past.items()
        if compound in lookback.compounds
    }
    everything = run("cycled", "cycled-short", "calm", night=night, past_nights=past)
    assert run("cycled", "cycled-short", "calm", night=night, past_nights=read) == everything


def test_without_budgets_there_is_nothing_to_look_back_on() -> None:
    assert cycling_lookback([CAT.get("calm"), CAT.get("mel")], dt.date(2026, 11, 23)) is None


def test_plan_rules_residual_and_stage_window() -> None:
    plan = build_plan(routine(("sleepy", 2), ("late-peaker", 2)), CAT, settings())
    found = codes(plan_warnings(plan, ctx()))
    assert ("residual_at_wake", "caution") in found
    assert ("missed_stage_window", "info") in found
    clean = build_plan(routine(("calm", 2)), CAT, settings())
    assert plan_warnings(clean, ctx()) == []


# -- data and parsing --------------------------------------------------------------------------


def test_unknown_items_in_data_are_refused() -> None:
    bad = dict(DATA_DICT, rules=[dict(DATA_DICT["rules"][0], b=["med:ssris"])])
    with pytest.raises(InputError, match="unknown item 'med:ssris'"):
        interactions_from_data(bad, "test", CAT)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rules": [dict(DATA_DICT["rules"][0], b=["mechanism:serotonergic"])]}, "only in a stack"),
        (
            {"stacks": [dict(DATA_DICT["stacks"][2], members=["mechanism:dopamine"])]},
            "unknown mechanism 'dopamine'",
        ),
        (
            {"stacks": [dict(DATA_DICT["stacks"][1], danger_requires=["mechanism:gabaergic"])]},
            r"stacks\[0\]\.danger_requires",
        ),
        (
            {"low_risk": [dict(DATA_DICT["low_risk"][0], a="mechanism:gabaergic")]},
            "only in a stack",
        ),
    ],
)
def test_mechanism_items_are_checked(change: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        interactions_from_data(dict(DATA_DICT, **change), "test", CAT)


def test_danger_at_is_optional_but_never_below_caution_at() -> None:
    assert DATA.stacks[2].danger_at is None
    assert DATA.stacks[2].mechanisms == {Mechanism.DOPAMINERGIC}
    low = {"stacks": [dict(DATA_DICT["stacks"][0], caution_at=3, danger_at=2)]}
    with pytest.raises(InputError, match="danger_at must be at least caution_at"):
        interactions_from_data(dict(DATA_DICT, **low), "test", CAT)


def test_unknown_medication_class_id_is_refused() -> None:
    bad = dict(
        DATA_DICT,
        medication_classes=[dict(DATA_DICT["medication_classes"][0], id="antidepressant")],
    )
    with pytest.raises(InputError, match="unknown medication class"):
        interactions_from_data(bad, "test", CAT)


@pytest.mark.parametrize(
    ("text", "mg"),
    [
        ("0.5mg", 0.5),
        ("3g", 3000),
        ("3 g", 3000),
        ("300mcg", 0.3),
        ("300µg", 0.3),
        ("300ug", 0.3),
        ("200", 200),
        (".5mg", 0.5),
        ("1.5 MG", 1.5),
    ],
)
def test_amounts_parse(text: str, mg: float) -> None:
    assert parse_amount(text) == pytest.approx(mg)


@pytest.mark.parametrize("text", ["3kg", "lots", "-1mg", "0mg", "5 tablets", "", "200000g"])
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


def test_catalog_unaffected(catalog: Catalog) -> None:
    assert catalog.get("melatonin").elemental_fraction is None
