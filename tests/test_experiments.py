"""Randomisation, the registration hash, and the analysis against hand-computed values."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from sleepplan.core.catalog import Catalog
from sleepplan.core.experiment_analysis import analyse
from sleepplan.core.experiments import ExperimentPlan, make_plan, progress, washout_for
from sleepplan.core.validation import dump, rebuild, validate

START = dt.date(2026, 12, 1)
CREATED = dt.datetime(2026, 11, 30, 20, 0)


def plan(catalog: Catalog, **overrides: Any) -> ExperimentPlan:
    fields: dict[str, Any] = dict(
        catalog=catalog,
        compound="melatonin",
        dose_a_mg=0,
        dose_b_mg=0.5,
        primary="onset",
        mid=5,
        start=START,
        created_at=CREATED,
        seed=42,
        baseline_nights=0,
        blocks=4,
        block_nights=1,
    )
    fields.update(overrides)
    return make_plan(**fields)


def test_schedule_is_balanced_and_reproducible(catalog: Catalog) -> None:
    first = plan(catalog, blocks=8, block_nights=2, baseline_nights=7)
    arms = [item.arm for item in first.schedule]
    assert arms[:7] == ["baseline"] * 7
    assert arms.count("A") == arms.count("B") == 16
    for block in range(1, 9):
        nights = [i.arm for i in first.schedule if i.block == block]
        assert sorted(nights) == ["A", "A", "B", "B"]
    assert plan(catalog, blocks=8, block_nights=2, baseline_nights=7) == first
    other = plan(catalog, blocks=8, block_nights=2, baseline_nights=7, seed=43)
    assert [i.arm for i in other.schedule] != arms
    orders = {tuple(i.arm for i in first.schedule if i.block == b)[0] for b in range(1, 9)}
    assert orders == {"A", "B"}  # both orders occur with this seed
    dates = [item.night for item in first.schedule]
    assert dates == [START + dt.timedelta(days=i) for i in range(len(dates))]


def test_hash_is_stable_and_shows_tampering(catalog: Catalog) -> None:
    registered = plan(catalog)
    assert registered.intact and len(registered.sha256) == 64
    reloaded = validate(ExperimentPlan, dump(registered), "test")
    assert reloaded.intact and reloaded.sha256 == registered.sha256
    assert rebuild(ExperimentPlan, dump(registered)) == registered
    tampered = dataclasses.replace(registered, mid=1.0)
    assert not tampered.intact


def test_washout_follows_the_half_life(catalog: Catalog) -> None:
    assert washout_for(catalog, "melatonin")[0] == 0  # 5 × 1 h clears overnight
    assert washout_for(catalog, "huperzine-a")[0] == 2  # 5 × 14 h = 70 h
    assert washout_for(catalog, "glycine")[0] == 1  # no sourced half-life: be careful
    galantamine = plan(catalog, compound="galantamine", dose_b_mg=4)
    arms = [item.arm for item in galantamine.schedule]
    assert "washout" in arms
    for before, after in zip(arms, arms[1:], strict=False):
        assert {before, after} != {"A", "B"}, "arms change only after a washout"


def records_for(registered: ExperimentPlan, diffs: list[float]) -> dict[dt.date, Any]:
    records = {}
    for item in registered.schedule:
        if item.block is None:
            continue
        score = 50.0 + (diffs[item.block - 1] if item.arm == "B" else 0.0)
        records[item.night] = {"scores": {"onset": score}, "guess": item.arm}
    return records


def test_analysis_by_hand(catalog: Catalog) -> None:
    registered = plan(catalog)
    result = analyse(registered, records_for(registered, [4, 6, 8, 10]))
    assert [d for *_, d in result.block_diffs] == [4, 6, 8, 10]
    # mean 7; sd sqrt(20/3) = 2.582; se 1.291; t(0.975, 3) = 3.182 → ±4.108
    assert result.mean_diff == pytest.approx(7)
    assert result.t_ci95 == pytest.approx((2.892, 11.108), abs=1e-3)
    # 16 sign flips; only all-plus and all-minus reach |7|: p = 2/16
    assert result.randomisation_p == pytest.approx(0.125)
    # posterior: var = 1/(1/2500 + 1/1.6667) = 1.66556, mean = 6.9953; P(> 5) = 0.939
    assert result.p_exceeds_mid == pytest.approx(0.939, abs=1e-3)
    assert result.bootstrap_ci95 is not None
    assert 4 <= result.bootstrap_ci95[0] <= 7 <= result.bootstrap_ci95[1] <= 10


def test_a_null_result_is_not_significant(catalog: Catalog) -> None:
    registered = plan(catalog, blocks=6)
    result = analyse(registered, records_for(registered, [3, -2, 1, -4, 2, -1]))
    assert result.t_ci95 is not None and result.t_ci95[0] < 0 < result.t_ci95[1]
    assert result.randomisation_p is not None and result.randomisation_p > 0.5
    assert result.p_exceeds_mid is not None and result.p_exceeds_mid < 0.05


def test_blinded_flow_end_to_end(catalog: Catalog) -> None:
    registered = plan(catalog, blinded=True, blocks=3, block_nights=2, baseline_nights=2)
    key = registered.envelope_key()
    assert [number for number, *_ in key] == list(range(1, 13))
    assert {arm for _, arm, _ in key} == {"A", "B"}
    baseline = registered.tonight(START)
    assert baseline is not None and baseline.envelope is None
    first_active = next(i for i in registered.schedule if i.arm in ("A", "B"))
    assert first_active.envelope == 1
    records = records_for(registered, [5, 5, 5])
    wrong = next(night for night, item in zip(records, registered.schedule[2:], strict=False))
    records[wrong] = {**records[wrong], "guess": "B" if records[wrong]["guess"] == "A" else "A"}
    result = analyse(registered, records)
    assert result.blinding == (11, 12)
    before = progress(registered, records, START + dt.timedelta(days=5))
    assert not before.complete and before.nights_to_go > 0
    after = progress(registered, records, registered.last_night + dt.timedelta(days=1))
    assert after.complete and after.nights_recorded == 12


def test_a_registration_is_the_plan_without_its_schedule(catalog: Catalog) -> None:
    full = plan(catalog, blinded=True, compound="galantamine", dose_b_mg=4)
    registration = full.registration()
    assert registration.seed is None and registration.schedule == ()
    assert registration.start == START and registration.sha256 == full.digest()
    assert not registration.intact  # only the full plan proves its hash
    first, last = registration.span()
    assert first == full.first_night and last >= full.last_night  # the longest it could run
    assert full.span() == (full.first_night, full.last_night)
    assert registration.may_include(full.last_night)
    assert not registration.may_include(START - dt.timedelta(days=1))


def details(catalog: Catalog, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = dict(
        catalog=catalog,
        compound="melatonin",
        dose_a_mg=0,
        dose_b_mg=0.5,
        primary="onset",
        mid=5,
        start=START,
        created_at=CREATED,
        seed=42,
        baseline_nights=0,
        blocks=2,
        block_nights=1,
    )
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(
    ("overrides", "place", "words"),
    [
        ({"start": START - dt.timedelta(days=1)}, "--start", "is in the past"),
        ({"mid": 0}, "--mid", "above 0 and at most 50"),
        ({"mid": -3}, "--mid", "above 0 and at most 50"),
        ({"mid": 50.5}, "--mid", "above 0 and at most 50"),
        ({"start": START + dt.timedelta(days=3)}, "--start", "overlap experiment"),
    ],
)
def test_register_refuses_bad_registrations(
    catalog: Catalog, overrides: dict[str, Any], place: str, words: str
) -> None:
    from sleepplan.core.errors import InputError
    from sleepplan.core.experiments import register

    existing = plan(catalog).registration()  # 8 nights from START
    with pytest.raises(InputError) as caught:
        register(
            tonight=START,
            others=[existing],
            places={"start": "--start", "mid": "--mid"},
            **details(catalog, **overrides),
        )
    assert caught.value.problems[0][0] == place and words in caught.value.problems[0][1]


def test_register_accepts_other_compounds_and_later_starts(catalog: Catalog) -> None:
    from sleepplan.core.experiments import register

    existing = plan(catalog)  # the full plan: its real last night counts
    later = existing.last_night + dt.timedelta(days=1)
    assert register(tonight=START, others=[existing], **details(catalog, start=later)).intact
    other = details(catalog, compound="l-theanine", dose_b_mg=200, mid=50)
    assert register(tonight=START, others=[existing], **other).compound == "l-theanine"


def test_night_instructions_never_say_a_blinded_arm(catalog: Catalog) -> None:
    from sleepplan.core.experiments import night_instruction

    blind = plan(catalog, blinded=True, baseline_nights=1)
    said = [night_instruction(blind, item.night) for item in blind.schedule]
    assert said[0] == ("none tonight — baseline", "none")
    assert said[1:] == [(f"envelope {n}", f"env. {n}") for n in range(1, 9)]
    assert night_instruction(blind, START - dt.timedelta(days=1)) is None
    open_ = plan(catalog, dose_a_mg=0.3)
    for item in open_.schedule:
        amount = 0.3 if item.arm == "A" else 0.5
        assert night_instruction(open_, item.night) == (
            f"{amount:g} mg — arm {item.arm}",
            f"{amount:g} mg {item.arm}",
        )


def test_tonight_follows_the_experiment(catalog: Catalog) -> None:
    from sleepplan.core.planner import NightSettings, build_plan
    from tests.factories import routine

    blind = plan(catalog, blinded=True, baseline_nights=1, dose_b_mg=3)
    evening = routine(("melatonin", 0.5), ("l-theanine", 200))

    def on(night: dt.date, plans: list[ExperimentPlan]) -> Any:
        settings = NightSettings(night, dt.time(23), dt.time(7), dt.time(19), "Europe/Berlin")
        return build_plan(evening, catalog, settings, plans)

    baseline = on(START, [blind])
    assert [d.compound.id for d in baseline.doses] == ["l-theanine"]
    assert [(d.compound.id, d.amount_text) for d in baseline.set_aside] == [("melatonin", "none")]
    assert baseline.experiments == ((blind.id, "none tonight — baseline"),)
    nights = {item.arm: item.night for item in blind.schedule}
    a_night, b_night = on(nights["A"], [blind]), on(nights["B"], [blind])
    for tonight in (a_night, b_night):
        melatonin = next(d for d in tonight.doses if d.compound.id == "melatonin")
        assert melatonin.amount_mg == 3  # the larger arm, whichever the envelope holds
        assert melatonin.amount_text.startswith("env. ")
        assert "experiment tonight: envelope" in melatonin.why
    assert on(nights["A"], []).doses[0].amount_mg == 0.5  # no experiment: the routine as is
    theanine = plan(catalog, compound="l-theanine", dose_b_mg=100)  # open, A = none
    arm_a = next(item.night for item in theanine.schedule if item.arm == "A")
    open_night = on(arm_a, [theanine])
    assert [d.compound.id for d in open_night.doses] == ["melatonin"]
    assert [d.amount_text for d in open_night.set_aside] == ["none A"]


def test_blinded_warnings_are_worded_for_both_arms(catalog: Catalog) -> None:
    from sleepplan.core.planner import NightSettings, build_plan, word_for_both_arms
    from sleepplan.core.safety import SafetyWarning, Severity
    from tests.factories import routine

    blind = plan(catalog, blinded=True, dose_b_mg=3)
    night = blind.schedule[0].night
    settings = NightSettings(night, dt.time(23), dt.time(7), dt.time(19), "Europe/Berlin")
    tonight = build_plan(routine(("melatonin", 0.5)), catalog, settings, [blind])
    about = SafetyWarning(Severity.CAUTION, "x", ("melatonin",), "Melatonin: too much.")
    other = SafetyWarning(Severity.INFO, "y", ("l-theanine",), "Theanine.")
    worded = word_for_both_arms(tonight, [about, other])
    assert worded[0].message == (
        "If tonight's envelope 1 holds Melatonin (up to 3 mg): Melatonin: too much."
    )
    assert worded[1] == other
