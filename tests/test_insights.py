"""Insights on constructed journals with known effects."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sleepplan.core.catalog import Catalog
from sleepplan.core.insights import (
    CHRONIC_LAG_DAYS,
    DOMAIN_OF_STAGE,
    Effect,
    Night,
    _compare,
    compound_effects,
    morning_trend,
)
from sleepplan.core.vocabulary import Stage
from sleepplan.store.bundled import bundled_catalog

START = dt.date(2026, 1, 1)


def night(
    index: int, taken: set[str], onset: float, confounded: bool = False, next_morning: float = 50.0
) -> Night:
    return Night(
        night=START + dt.timedelta(days=index),
        scores={
            "onset": onset,
            "maintenance": onset,
            "next_morning": next_morning,
            "morning": onset,
        },
        taken=frozenset(taken),
        confounded=confounded,
    )


def by_id(effects: list[Effect], compound: str) -> Effect:
    return next(e for e in effects if e.compound == compound)


def test_a_real_effect_is_found(catalog: Catalog) -> None:
    rng = random.Random(1)
    nights = [
        night(i, {"melatonin"} if i % 2 else set(), (70 if i % 2 else 55) + rng.gauss(0, 5))
        for i in range(40)
    ]
    effect = by_id(compound_effects(nights, catalog), "melatonin")
    assert effect.domain == "onset" and effect.method == "nightly"
    assert effect.verdict == "likely_helps"
    assert effect.ci95 is not None and effect.ci95[0] > 0
    assert effect.mean_diff == pytest.approx(15, abs=5)
    assert (effect.nights_with, effect.nights_without) == (20, 20)


def test_a_harmful_effect_is_called_hurting(catalog: Catalog) -> None:
    nights = [
        night(i, {"melatonin"} if i % 2 else set(), 40 + (i % 4) if i % 2 else 60 + (i % 3))
        for i in range(20)
    ]
    assert by_id(compound_effects(nights, catalog), "melatonin").verdict == "likely_hurts"


def test_a_null_effect_is_not_called(catalog: Catalog) -> None:
    rng = random.Random(2)
    nights = [
        night(i, {"glycine"} if rng.random() < 0.5 else set(), 60 + rng.gauss(0, 10))
        for i in range(40)
    ]
    effect = by_id(compound_effects(nights, catalog), "glycine")
    assert effect.verdict == "no_clear_effect"
    assert effect.ci95 is not None and effect.ci95[0] < 0 < effect.ci95[1]
    assert effect.domain == "onset"  # glycine's own targets list sleep onset first


def test_too_few_nights_is_said_so(catalog: Catalog) -> None:
    nights = [night(i, {"melatonin"} if i < 2 else set(), 60) for i in range(10)]
    effect = by_id(compound_effects(nights, catalog), "melatonin")
    assert effect.verdict == "not_enough_nights"
    assert effect.mean_diff is None and effect.ci95 is None


def test_a_chronic_compound_is_judged_before_and_after(catalog: Catalog) -> None:
    assert catalog.get("ashwagandha").onset == "chronic"
    # 20 nights before starting at 50; nightly from day 20; better only after two weeks
    nights = [night(i, set(), 50 + (i % 3)) for i in range(20)]
    nights += [night(i, {"ashwagandha"}, 52 if i < 34 else 68 + (i % 3)) for i in range(20, 50)]
    effect = by_id(compound_effects(nights, catalog), "ashwagandha")
    assert effect.method == "before_after"
    assert effect.nights_without == 20 and effect.nights_with == 16
    assert effect.verdict == "likely_helps"


def test_confounded_nights_can_be_left_out(catalog: Catalog) -> None:
    nights = [night(i, {"melatonin"} if i % 2 else set(), 60 + (i % 3)) for i in range(20)]
    nights += [night(i, {"melatonin"}, 10, confounded=True) for i in range(20, 26)]
    assert by_id(compound_effects(nights, catalog), "melatonin").verdict == "likely_hurts"
    kept = by_id(compound_effects(nights, catalog, exclude_confounded=True), "melatonin")
    assert kept.verdict == "no_clear_effect" and kept.nights_with == 10


def test_next_morning_is_shown_beside(catalog: Catalog) -> None:
    nights = [
        night(
            i,
            {"melatonin"} if i % 2 else set(),
            60 + (i % 3),
            next_morning=(40 + i % 3) if i % 2 else (60 + i % 3),
        )
        for i in range(20)
    ]
    effect = by_id(compound_effects(nights, catalog), "melatonin")
    assert effect.next_morning_diff is not None and effect.next_morning_diff < -15


def test_night_from_record_and_trend() -> None:
    record = {
        "night": "2026-01-05",
        "scores": {"morning": 70.0},
        "taken": [{"compound": "melatonin", "amount_mg": 0.5}],
        "confounders": ["alcohol"],
    }
    parsed = Night.from_record(record)
    assert parsed.taken == {"melatonin"} and parsed.confounded
    trend = morning_trend([night(i, set(), float(i)) for i in range(10)], window=3)
    assert trend[-1][1:] == (9.0, 8.0)


def reference_effects(nights: list[Night], catalog: Catalog, exclude: bool) -> list[Effect]:
    """Design §8 written out plainly, night by night, for the fast version to agree with."""
    kept = sorted((n for n in nights if not (exclude and n.confounded)), key=lambda n: n.night)
    effects = []
    for compound_id in sorted({c for n in kept for c in n.taken}):
        compound = catalog.get(compound_id) if compound_id in catalog else None
        domain = DOMAIN_OF_STAGE[compound.primary_stage if compound else Stage.MAINTENANCE]
        if compound is not None and compound.onset == "chronic":
            start = min(n.night for n in kept if compound_id in n.taken)
            settled = start + dt.timedelta(days=CHRONIC_LAG_DAYS)
            with_ = [n for n in kept if n.night >= settled]
            without = [n for n in kept if n.night < start]
            method = "before_after"
        else:
            with_ = [n for n in kept if compound_id in n.taken]
            without = [n for n in kept if compound_id not in n.taken]
            method = "nightly"

        def scores(group: list[Night], key: str) -> list[float]:
            return [s for n in group if (s := n.scores.get(key)) is not None]

        diff, ci, verdict = _compare(scores(with_, domain), scores(without, domain))
        next_diff, next_ci, _ = _compare(
            scores(with_, "next_morning"), scores(without, "next_morning")
        )
        effects.append(
            Effect(
                compound_id,
                domain,
                method,
                len(with_),
                len(without),
                diff,
                ci,
                verdict,
                next_diff,
                next_ci,
            )
        )
    return effects


# acute and chronic, judged on onset and on maintenance, and one the catalog does not know
MIXED = ["melatonin", "glycine", "taurine", "ashwagandha", "tart-cherry", "not-known"]
score = st.one_of(st.none(), st.floats(min_value=0, max_value=100))


def dated_night(
    day: dt.date, taken: frozenset[str], answers: dict[str, float | None], shift: float
) -> Night:
    """A night whose answered scores are moved by ``shift`` (kept within 0–100).

    "onset" is always present, None when unanswered; the other domains are left out then:
    absent and None both mean unanswered.
    """
    scores = {
        key: None if value is None else min(100.0, max(0.0, value + shift))
        for key, value in answers.items()
        if value is not None or key == "onset"
    }
    return Night(day, scores, taken, confounded=False)


@st.composite
def journals(draw: st.DrawFn) -> list[Night]:
    """Nights with gaps between them; each compound is first taken on a drawn night (so the
    chronic ones have nights before starting), and moves the scores of its nights by a drawn
    amount (so there are effects to find, both ways, as well as none)."""
    starts = {c: draw(st.integers(min_value=0, max_value=30)) for c in MIXED}
    shifts = {c: draw(st.sampled_from([0.0, -30.0, 30.0])) for c in MIXED}
    day, nights = START, []
    for index in range(draw(st.integers(min_value=0, max_value=80))):
        day += dt.timedelta(days=draw(st.integers(min_value=1, max_value=9)))
        drawn = draw(st.sets(st.sampled_from(MIXED), max_size=4))
        taken = frozenset(c for c in drawn if index >= starts[c])
        answers = {key: draw(score) for key in ("onset", "maintenance", "next_morning")}
        shaped = dated_night(day, taken, answers, sum(shifts[c] for c in taken))
        nights.append(dataclasses.replace(shaped, confounded=draw(st.booleans())))
    return nights


@settings(max_examples=150, deadline=None)
@given(journals(), st.booleans(), st.randoms(use_true_random=False))
def test_effects_agree_with_the_plain_definition(
    nights: list[Night], exclude: bool, rng: random.Random
) -> None:
    rng.shuffle(nights)  # handed over in any order
    catalog = bundled_catalog()
    assert compound_effects(nights, catalog, exclude) == reference_effects(nights, catalog, exclude)


def test_effects_agree_on_a_long_journal_with_every_verdict(catalog: Catalog) -> None:
    # a year and a half of nights, the stack growing: some compounds help, one hurts, one
    # (taurine) does nothing, one is too new to judge
    rng = random.Random(8)
    shifts = {"melatonin": 12.0, "glycine": -12.0, "ashwagandha": 15.0, "tart-cherry": 10.0}
    starts = {"melatonin": 0, "glycine": 0, "taurine": 0, "tart-cherry": 100, "ashwagandha": 200}
    starts["not-known"] = 540
    nights = []
    for index in range(550):
        taken = frozenset(
            c for c in MIXED if index >= starts[c] and (c == "ashwagandha" or rng.random() < 0.5)
        )
        answers: dict[str, float | None] = {
            key: rng.gauss(55, 10) if rng.random() < 0.95 else None
            for key in ("onset", "maintenance", "next_morning")
        }
        shaped = dated_night(
            START + dt.timedelta(days=index), taken, answers, sum(shifts.get(c, 0) for c in taken)
        )
        nights.append(dataclasses.replace(shaped, confounded=rng.random() < 0.1))
    rng.shuffle(nights)
    for exclude in (False, True):
        effects = compound_effects(nights, catalog, exclude)
        assert effects == reference_effects(nights, catalog, exclude)
        seen = {(e.method, e.verdict) for e in effects}
        assert {
            ("nightly", "likely_helps"),
            ("nightly", "likely_hurts"),
            ("nightly", "not_enough_nights"),
            ("before_after", "likely_helps"),
        } <= seen
        assert by_id(effects, "taurine").verdict == "no_clear_effect"
        assert by_id(effects, "taurine").domain == "maintenance"
