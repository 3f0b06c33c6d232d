"""Insights on constructed journals with known effects."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import DataTable

from sleepplan import cli
from sleepplan.core.catalog import Catalog
from sleepplan.core.insights import (
    CHRONIC_LAG_DAYS,
    CHRONIC_MIN_NIGHTS,
    DOMAIN_OF_STAGE,
    MIN_NIGHTS,
    PAUSE_DAYS,
    VERDICT_WORDS,
    Effect,
    Night,
    _compare,
    compound_effects,
    effect_titles,
    morning_trend,
    verdict_words,
)
from sleepplan.core.vocabulary import Stage
from sleepplan.store import paths
from sleepplan.store.bundled import bundled_catalog
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ensure_home
from tests.tui_helpers import make_app, settle

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


def chronic_night(index: int, taken: bool, score: float, confounded: bool = False) -> Night:
    return night(index, {"l-theanine"} if taken else set(), score, confounded)


def test_a_chronic_compound_taken_since_the_first_night_needs_a_comparison(
    catalog: Catalog,
) -> None:
    # the case: L-theanine on half the nights from the first one, never paused
    assert catalog.get("l-theanine").onset == "chronic"
    nights = [chronic_night(i, i % 2 == 0, 60 + (i % 3)) for i in range(40)]
    effect = by_id(compound_effects(nights, catalog), "l-theanine")
    assert effect.verdict == "needs_comparison" and effect.nights_without == 0
    assert effect.hint == (
        "taken since your first night: pause it for 2 weeks, or run an experiment"
    )
    assert effect.mean_diff is None and effect.ci95 is None


def test_the_weeks_of_a_pause_count_as_without(catalog: Catalog) -> None:
    # on it from the first night (settled from night 14), a two-week pause, then again
    nights = [chronic_night(i, True, 70 + (i % 3)) for i in range(30)]
    nights += [chronic_night(i, False, 50 + (i % 3)) for i in range(30, 44)]
    nights += [chronic_night(i, True, 50 + (i % 3)) for i in range(44, 50)]
    effect = by_id(compound_effects(nights, catalog), "l-theanine")
    assert (effect.nights_with, effect.nights_without) == (16, 14)
    assert effect.verdict == "likely_helps" and effect.hint is None
    # starting again settles in anew: the six nights after the pause are not counted yet
    assert effect.mean_diff == pytest.approx(20, abs=1)


@pytest.mark.parametrize(("days_off", "counted_without"), [(PAUSE_DAYS, 7), (PAUSE_DAYS - 1, 0)])
def test_a_pause_is_a_week_or_more_without_it(
    catalog: Catalog, days_off: int, counted_without: int
) -> None:
    """Shorter stretches without it are nights off within regular use: still "on"."""
    nights = [chronic_night(i, True, 60) for i in range(21)]
    nights += [chronic_night(21 + i, False, 60) for i in range(days_off)]
    nights += [chronic_night(i, True, 60) for i in range(21 + days_off, 40)]
    effect = by_id(compound_effects(nights, catalog), "l-theanine")
    assert effect.nights_without == counted_without


@pytest.mark.parametrize(
    ("nights", "taken", "hint"),
    [
        # 5 nights before starting, then 36 on it (22 of them settled in)
        (41, range(5, 41), "a pause of 2 weeks would answer it"),
        # 20 nights before, started 10 nights ago: 4 more settling in, then 14 on it
        (30, range(20, 30), "3 more weeks on it would answer it"),
        # 3 before, 23 on it (9 settled in): 5 more on it, then 11 more without
        (26, range(3, 26), "1 more week on it, then a pause of 2 weeks would answer it"),
        # the same, then paused for 8 nights: 3 more without, then settling in anew and 5 on
        (34, range(3, 26), "1 more week without it, then 3 weeks on it again would answer it"),
    ],
)
def test_too_few_weeks_say_how_many_more_would_answer_it(
    catalog: Catalog, nights: int, taken: range, hint: str
) -> None:
    journal = [chronic_night(i, i in taken, 60 + (i % 3)) for i in range(nights)]
    effect = by_id(compound_effects(journal, catalog), "l-theanine")
    assert effect.verdict == "not_enough_nights"
    assert effect.hint == hint
    assert verdict_words(effect) == f"too few nights: {hint}"


def test_a_chronic_comparison_needs_two_weeks_each_way(catalog: Catalog) -> None:
    def journal(before: int) -> list[Night]:
        return [
            chronic_night(i, i >= before, 50 + (i % 2) if i < before else 80 + (i % 3))
            for i in range(60)
        ]

    short = by_id(compound_effects(journal(CHRONIC_MIN_NIGHTS - 1), catalog), "l-theanine")
    assert short.nights_without == 13 and short.verdict == "not_enough_nights"
    assert short.hint == "a pause of 1 week would answer it"
    enough = by_id(compound_effects(journal(CHRONIC_MIN_NIGHTS), catalog), "l-theanine")
    assert enough.verdict == "likely_helps"


def test_nights_without_that_are_all_left_out_say_so(catalog: Catalog) -> None:
    nights = [chronic_night(i, False, 50, confounded=True) for i in range(5)]
    nights += [chronic_night(i, True, 60) for i in range(5, 40)]
    effect = by_id(compound_effects(nights, catalog, exclude_confounded=True), "l-theanine")
    assert effect.verdict == "needs_comparison" and effect.nights_without == 0
    assert effect.hint == (
        "no night without it to compare with: pause it for 2 weeks, or run an experiment"
    )


def test_chronic_counts_follow_the_confounder_filter(catalog: Catalog) -> None:
    nights = [chronic_night(i, False, 50, confounded=i < 4) for i in range(20)]
    nights += [chronic_night(i, True, 70, confounded=i % 5 == 0) for i in range(20, 60)]
    every = by_id(compound_effects(nights, catalog), "l-theanine")
    kept = by_id(compound_effects(nights, catalog, exclude_confounded=True), "l-theanine")
    assert (every.nights_with, every.nights_without) == (26, 20)
    assert (kept.nights_with, kept.nights_without) == (26 - 5, 16)


def test_leaving_confounded_nights_out_does_not_make_up_a_pause(catalog: Catalog) -> None:
    # taken every night but on alternate nights 10-19, where the nights with it had a
    # confounder: left out, the nights without it are still nights off, not a pause
    nights = [
        chronic_night(i, not 10 <= i < 20 or i % 2 == 0, 60, confounded=10 <= i < 20 and i % 2 == 0)
        for i in range(40)
    ]
    kept = by_id(compound_effects(nights, catalog, exclude_confounded=True), "l-theanine")
    assert kept.verdict == "needs_comparison" and kept.nights_without == 0


def test_a_nightly_verdict_says_how_many_more_nights(catalog: Catalog) -> None:
    twice = [night(i, {"melatonin"} if i < 2 else set(), 60) for i in range(10)]
    effect = by_id(compound_effects(twice, catalog), "melatonin")
    assert effect.hint == "1 more night with it would answer it"
    every = [night(i, {"melatonin"}, 60) for i in range(10)]
    assert by_id(compound_effects(every, catalog), "melatonin").hint == (
        "3 more nights without it would answer it"
    )
    one = [night(0, {"melatonin"}, 60), night(1, set(), 60)]
    assert by_id(compound_effects(one, catalog), "melatonin").hint == (
        "2 more nights with it and 2 more nights without it would answer it"
    )


def test_a_multi_stage_compound_is_judged_on_each_domain(catalog: Catalog) -> None:
    assert [stage.value for stage in catalog.get("glycine").stages] == [
        "sleep_onset",
        "slow_wave",
    ]
    rng = random.Random(3)
    nights = [
        Night(
            START + dt.timedelta(days=i),
            {"onset": (75 if i % 2 else 55) + rng.gauss(0, 4), "maintenance": 40 - 20 * (i % 2)},
            frozenset({"glycine", "melatonin"} if i % 2 else {"melatonin"} if i % 3 else set()),
            confounded=False,
        )
        for i in range(40)
    ]
    effects = compound_effects(nights, catalog)
    glycine = [e for e in effects if e.compound == "glycine"]
    assert [(e.domain, e.verdict) for e in glycine] == [
        ("onset", "likely_helps"),
        ("maintenance", "likely_hurts"),
    ]
    assert glycine[0].nights_with == glycine[1].nights_with == 20
    names = {"glycine": "Glycine", "melatonin": "Melatonin"}
    assert effect_titles(effects, names) == [
        "Glycine · onset",
        "Glycine · maintenance",
        "Melatonin",
    ]


def test_every_verdict_has_words() -> None:
    assert set(VERDICT_WORDS) == {
        "not_enough_nights",
        "needs_comparison",
        "no_clear_effect",
        "likely_helps",
        "likely_hurts",
    }


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


def is_pause(every: list[Night], after: dt.date, before: dt.date | None) -> bool:
    """Whether the recorded nights strictly between two doses (or after the last) are a pause."""
    between = [n.night for n in every if after < n.night and (before is None or n.night < before)]
    return bool(between) and (max(between) - after).days >= PAUSE_DAYS


def reference_side(compound_id: str, every: list[Night], night: Night) -> bool | None:
    """Design §8 for a chronic compound, asked of one night: on it, settling in, or without."""
    doses = sorted(n.night for n in every if compound_id in n.taken)
    if night.night < doses[0]:
        return False  # before the first dose
    if compound_id not in night.taken:
        previous = max(d for d in doses if d < night.night)
        following = min((d for d in doses if d > night.night), default=None)
        if is_pause(every, previous, following):
            return False
    # a run starts with the first dose and with the first dose after each pause
    starts = [d for i, d in enumerate(doses) if i == 0 or is_pause(every, doses[i - 1], d)]
    started = max(d for d in starts if d <= night.night)
    return True if night.night >= started + dt.timedelta(days=CHRONIC_LAG_DAYS) else None


def reference_effects(nights: list[Night], catalog: Catalog, exclude: bool) -> list[Effect]:
    """Design §8 written out plainly, night by night, for the fast version to agree with.

    Hints are left out (None): their words are tested case by case below.
    """
    every = sorted(nights, key=lambda n: n.night)
    kept = [n for n in every if not (exclude and n.confounded)]
    effects = []
    for compound_id in sorted({c for n in kept for c in n.taken}):
        compound = catalog.get(compound_id) if compound_id in catalog else None
        stages = compound.stages if compound else (Stage.MAINTENANCE,)
        chronic = compound is not None and compound.onset == "chronic"
        if chronic:
            sides = {n.night: reference_side(compound_id, every, n) for n in kept}
            with_ = [n for n in kept if sides[n.night] is True]
            without = [n for n in kept if sides[n.night] is False]
            method, minimum = "before_after", CHRONIC_MIN_NIGHTS
        else:
            with_ = [n for n in kept if compound_id in n.taken]
            without = [n for n in kept if compound_id not in n.taken]
            method, minimum = "nightly", MIN_NIGHTS

        def scores(group: list[Night], key: str) -> list[float]:
            return [s for n in group if (s := n.scores.get(key)) is not None]

        next_diff, next_ci, _ = _compare(
            scores(with_, "next_morning"), scores(without, "next_morning"), minimum
        )
        for domain in dict.fromkeys(DOMAIN_OF_STAGE[stage] for stage in stages):
            diff, ci, verdict = _compare(scores(with_, domain), scores(without, domain), minimum)
            if chronic and not scores(without, domain):
                verdict = "needs_comparison"
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


def without_hints(effects: list[Effect]) -> list[Effect]:
    return [dataclasses.replace(effect, hint=None) for effect in effects]


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
    assert without_hints(compound_effects(nights, catalog, exclude)) == reference_effects(
        nights, catalog, exclude
    )


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
        assert without_hints(effects) == reference_effects(nights, catalog, exclude)
        seen = {(e.method, e.verdict) for e in effects}
        assert {
            ("nightly", "likely_helps"),
            ("nightly", "likely_hurts"),
            ("nightly", "not_enough_nights"),
            ("before_after", "likely_helps"),
        } <= seen
        assert by_id(effects, "taurine").verdict == "no_clear_effect"
        assert by_id(effects, "taurine").domain == "maintenance"


# The same verdicts through `sleepplan insights` and History (80x24)

JOURNAL_START = dt.date(2026, 10, 24)
CONFOUNDED = {5, 11, 17, 23}


def seed_journal(home: Path) -> None:
    """30 nights to 2026-11-22: L-theanine (chronic) on every other night from the first one,
    glycine (onset and maintenance) on odd nights, melatonin on every third; four nights with
    a confounder."""
    ensure_home(home)
    records = []
    for index in range(30):
        taken = [
            compound
            for compound, on in (
                ("l-theanine", index % 2 == 0),
                ("glycine", index % 2 == 1),
                ("melatonin", index % 3 == 0),
            )
            if on
        ]
        records.append(
            {
                "night": (JOURNAL_START + dt.timedelta(days=index)).isoformat(),
                "kss": 3,
                "taken": [{"compound": c, "amount_mg": 1.0, "at": None} for c in taken],
                "confounders": ["alcohol"] if index in CONFOUNDED else [],
                "metrics": {"tst_min": 420, "se_pct": 90.0},
                "scores": {
                    "morning": 60.0 + index % 5,
                    "onset": 60.0 + index % 4,
                    "maintenance": 55.0 + index % 3,
                    "next_morning": 50.0 + index % 2,
                },
                "flags": [],
            }
        )
    with Journal(paths.journal_path(home)) as journal:
        journal.save_many("example", records, "t")


NEVER_WITHOUT = "taken since your first night: pause it for 2 weeks, or run an experiment"


def test_insights_json_and_text_say_the_same(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_journal(home)
    assert cli.main(["--home", str(home), "insights", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["compounds"]
    assert all("hint" in row and "domain" in row for row in rows)
    theanine = next(row for row in rows if row["compound"] == "l-theanine")
    assert theanine["verdict"] == "needs_comparison" and theanine["hint"] == NEVER_WITHOUT
    assert theanine["method"] == "before_after" and theanine["nights_without"] == 0
    assert [row["domain"] for row in rows if row["compound"] == "glycine"] == [
        "onset",
        "maintenance",
    ]
    melatonin = next(row for row in rows if row["compound"] == "melatonin")
    assert melatonin["nights_with"] + melatonin["nights_without"] == 30
    assert cli.main(["--home", str(home), "insights"]) == 0
    text = capsys.readouterr().out
    assert f"L-theanine — needs comparison: {NEVER_WITHOUT}" in text
    assert "Glycine" in text and "maintenance" in text
    assert cli.main(["--home", str(home), "insights", "--json", "--exclude-confounded"]) == 0
    rows = json.loads(capsys.readouterr().out)["compounds"]
    melatonin = next(row for row in rows if row["compound"] == "melatonin")
    assert melatonin["nights_with"] + melatonin["nights_without"] == 30 - len(CONFOUNDED)


async def test_history_shows_the_verdicts_and_counts_what_the_filter_leaves_in(
    home: Path,
) -> None:
    seed_journal(home)
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        summary = screen.query_one("#history-summary")
        effects = screen.query_one("#effects", DataTable)

        def nights_counted(key: str) -> int:
            with_, without = str(effects.get_row(key)[4]).split("/")
            return int(with_) + int(without)

        assert str(summary.render()) == "30 nights, 2026-10-24 to 2026-11-22"
        theanine = effects.get_row("l-theanine")
        assert str(theanine[0]) == "L-theanine*" and str(theanine[3]) == "needs comparison"
        assert str(effects.get_row("glycine")[0]) == "Glycine · onset"
        assert str(effects.get_row("glycine · maintenance")[0]) == "Glycine · maintenance"
        hints = str(screen.query_one("#effect-hints").render())
        assert f"L-theanine — needs comparison: {NEVER_WITHOUT}" in hints
        assert nights_counted("melatonin") == nights_counted("glycine") == 30
        # the table fits the 80 columns: nothing of it is cut off at the right
        assert effects.virtual_size.width <= effects.size.width

        await pilot.press("x")
        await settle(pilot)
        assert str(summary.render()) == (
            "26 nights, 2026-10-24 to 2026-11-22 · 4 with confounders left out (x)"
        )
        assert nights_counted("melatonin") == nights_counted("glycine") == 26
        assert nights_counted("glycine · maintenance") == 26

        await pilot.press("x")
        await settle(pilot)
        assert str(summary.render()) == "30 nights, 2026-10-24 to 2026-11-22"
        assert nights_counted("melatonin") == 30
