"""Stage effects on constructed journals with a known effect on the tracker's minutes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select, Static

from sleepplan import cli
from sleepplan.core.catalog import Catalog
from sleepplan.core.experiments import ExperimentPlan
from sleepplan.core.insights import CHRONIC_LAG_DAYS, Night, compound_effects
from sleepplan.core.objective import ObjectiveNight
from sleepplan.core.stage_effects import (
    TRACKER_CAVEAT,
    StageEffect,
    effect_sentence,
    stage_effects,
)
from sleepplan.core.stats import welch_interval
from sleepplan.store import paths, sealed
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ensure_home, load_profile
from sleepplan.tui.screens.experiment_wizard import ExperimentWizard
from tests import factories
from tests.tui_helpers import make_app, settle

START = dt.date(2026, 1, 1)
NOISE = (-6.0, -3.0, 0.0, 3.0, 6.0)
"""A night-to-night wobble that averages out over every five nights."""


@pytest.fixture
def catalog() -> Catalog:
    return factories.catalog(
        factories.compound("galantamine", mechanism="cholinergic", targets=["rem"]),
        factories.compound("melatonin", mechanism="melatonergic"),
        factories.compound("glycine", mechanism="glycinergic"),
        factories.compound("5-htp", mechanism="serotonergic"),
        factories.compound("ashwagandha", mechanism="adaptogen", onset="chronic"),
    )


def checkin(index: int, taken: set[str], confounded: bool = False) -> Night:
    return Night(
        night=START + dt.timedelta(days=index),
        scores={"onset": 50.0, "maintenance": 50.0, "next_morning": 50.0, "morning": 50.0},
        taken=frozenset(taken),
        confounded=confounded,
    )


def tracked(index: int, **minutes: float | None) -> ObjectiveNight:
    values: dict[str, Any] = {
        "asleep_min": 420.0,
        "rem_min": 90.0,
        "deep_min": 70.0,
        "latency_min": 20.0,
        "waso_min": 30.0,
    }
    values.update(minutes)
    night = START + dt.timedelta(days=index)
    return ObjectiveNight(night=night, source="oura", record_id=night.isoformat(), **values)


def galantamine_journal(
    effect: float = 12.0, nights: int = 29
) -> tuple[list[Night], dict[dt.date, ObjectiveNight]]:
    """Galantamine on the odd nights (14 of 29), adding ``effect`` REM minutes."""
    checkins, objective = [], {}
    for index in range(nights):
        taken = index % 2 == 1
        checkins.append(checkin(index, {"galantamine"} if taken else set()))
        rem = 90.0 + NOISE[index % 5] + (effect if taken else 0.0)
        objective[START + dt.timedelta(days=index)] = tracked(index, rem_min=rem)
    return checkins, objective


def only(effects: list[StageEffect], compound: str, measure: str | None = None) -> StageEffect:
    rows = [e for e in effects if e.compound == compound]
    if measure is not None:
        rows = [e for e in rows if e.measure == measure]
    assert len(rows) == 1, rows
    return rows[0]


def test_a_known_rem_effect_is_recovered(catalog: Catalog) -> None:
    checkins, objective = galantamine_journal(effect=12.0)
    effect = only(stage_effects(checkins, objective, catalog), "galantamine")
    assert (effect.stage, effect.measure, effect.method) == ("rem", "rem_min", "nightly")
    assert (effect.nights_with, effect.nights_without) == (14, 15)
    assert effect.diff_min == pytest.approx(12.0, abs=1.5)
    assert effect.ci95 is not None and effect.ci95[0] > 0 and effect.ci95[0] < 12 < effect.ci95[1]
    assert effect.verdict == "likely_helps" and effect.hint is None
    with_ = [o.rem_min for o in objective.values() if o.night.day % 2 == 0]  # odd index
    without = [o.rem_min for o in objective.values() if o.night.day % 2 == 1]
    diff, low, high = welch_interval(with_, without)  # type: ignore[arg-type]
    assert (effect.diff_min, effect.ci95) == (diff, (low, high))


def test_the_sentence_reads_as_the_issue_asks(catalog: Catalog) -> None:
    checkins, objective = galantamine_journal(effect=12.0)
    effect = only(stage_effects(checkins, objective, catalog), "galantamine")
    assert effect.ci95 is not None
    low, high = (round(bound) for bound in effect.ci95)
    assert effect_sentence(effect, "Galantamine").startswith(
        f"Galantamine: REM +12 min (95% CI {low} to {high}) on 14 nights with vs 15 without"
    )


def test_no_effect_on_rem_is_no_clear_effect(catalog: Catalog) -> None:
    checkins, objective = galantamine_journal(effect=0.0)
    effect = only(stage_effects(checkins, objective, catalog), "galantamine")
    assert effect.verdict == "no_clear_effect"
    assert effect.ci95 is not None and effect.ci95[0] < 0 < effect.ci95[1]


def test_fewer_rem_minutes_likely_hurt(catalog: Catalog) -> None:
    checkins, objective = galantamine_journal(effect=-15.0)
    assert only(stage_effects(checkins, objective, catalog), "galantamine").verdict == (
        "likely_hurts"
    )


def test_the_share_of_sleep_moves_with_the_minutes(catalog: Catalog) -> None:
    checkins, objective = galantamine_journal(effect=12.0)
    effect = only(stage_effects(checkins, objective, catalog), "galantamine")
    assert effect.diff_min is not None
    assert effect.share_diff_pct == pytest.approx(100 * effect.diff_min / 420.0)


def latency_journal(change: float) -> tuple[list[Night], dict[dt.date, ObjectiveNight]]:
    """Melatonin (sleep onset) on the even nights, changing latency by ``change`` minutes."""
    checkins, objective = [], {}
    for index in range(20):
        taken = index % 2 == 0
        checkins.append(checkin(index, {"melatonin"} if taken else set()))
        latency = 20.0 + NOISE[index % 5] / 2 + (change if taken else 0.0)
        objective[START + dt.timedelta(days=index)] = tracked(index, latency_min=latency)
    return checkins, objective


@pytest.mark.parametrize(("change", "verdict"), [(-8.0, "likely_helps"), (8.0, "likely_hurts")])
def test_for_latency_fewer_minutes_helps(catalog: Catalog, change: float, verdict: str) -> None:
    checkins, objective = latency_journal(change)
    effect = only(stage_effects(checkins, objective, catalog), "melatonin")
    assert (effect.stage, effect.measure) == ("sleep_onset", "latency_min")
    assert effect.diff_min == pytest.approx(change, abs=1.0)
    assert effect.verdict == verdict
    assert effect.share_diff_pct is None  # latency is not part of the sleep


def test_for_waso_fewer_minutes_helps(catalog: Catalog) -> None:
    checkins, objective = [], {}
    for index in range(20):
        taken = index % 2 == 0
        checkins.append(checkin(index, {"ashwagandha-free"} if taken else set()))
        waso = 30.0 + NOISE[index % 5] - (10.0 if taken else 0.0)
        objective[START + dt.timedelta(days=index)] = tracked(index, waso_min=waso)
    # not in the catalog: judged on maintenance, as insights does
    effect = only(stage_effects(checkins, objective, catalog), "ashwagandha-free")
    assert (effect.stage, effect.measure) == ("maintenance", "waso_min")
    assert effect.verdict == "likely_helps"


def test_tracked_nights_without_a_check_in_are_left_out(catalog: Catalog) -> None:
    checkins, objective = galantamine_journal(effect=12.0)
    before = only(stage_effects(checkins, objective, catalog), "galantamine")
    for index in range(40, 60):  # tracked, but the doses of these nights are unknown
        objective[START + dt.timedelta(days=index)] = tracked(index, rem_min=500.0)
    after = only(stage_effects(checkins, objective, catalog), "galantamine")
    assert after == before


def test_check_ins_without_the_measure_count_for_neither_side(catalog: Catalog) -> None:
    checkins, objective = galantamine_journal(effect=12.0)
    untracked = [n.night for n in checkins if "galantamine" in n.taken][:6]
    for night in untracked[:3]:
        del objective[night]
    for night in untracked[3:]:  # an unstaged night: no REM minutes, never read as zero
        objective[night] = dataclasses.replace(objective[night], rem_min=None, deep_min=None)
    effect = only(stage_effects(checkins, objective, catalog), "galantamine")
    assert (effect.nights_with, effect.nights_without) == (14 - 6, 15)
    assert effect.verdict == "likely_helps"


def test_too_few_tracked_nights_say_how_many_more(catalog: Catalog) -> None:
    checkins, objective = galantamine_journal(effect=12.0, nights=29)
    kept = {night: o for night, o in objective.items() if (night - START).days < 4}
    effect = only(stage_effects(checkins, kept, catalog), "galantamine")
    assert (effect.nights_with, effect.nights_without) == (2, 2)
    assert effect.verdict == "not_enough_nights" and effect.diff_min is None
    assert effect.hint == (
        "1 more tracked night with it and 1 more tracked night without it would answer it"
    )


def test_naps_are_not_nights(catalog: Catalog) -> None:
    checkins, objective = galantamine_journal(effect=12.0)
    naps = {night: dataclasses.replace(o, nap=True) for night, o in objective.items()}
    assert stage_effects(checkins, naps, catalog) == []


def test_without_tracked_nights_there_is_nothing_to_say(catalog: Catalog) -> None:
    checkins, _ = galantamine_journal()
    assert stage_effects(checkins, {}, catalog) == []


def test_confounded_nights_can_be_left_out(catalog: Catalog) -> None:
    checkins, objective = galantamine_journal(effect=0.0)
    # six nights without it, confounded, with less REM: they make up an effect
    for index in (0, 2, 4, 6, 8, 10):
        checkins[index] = checkin(index, set(), confounded=True)
        objective[START + dt.timedelta(days=index)] = tracked(index, rem_min=70.0)
    included = only(stage_effects(checkins, objective, catalog), "galantamine")
    excluded = only(stage_effects(checkins, objective, catalog, True), "galantamine")
    assert included.verdict == "likely_helps"
    assert excluded.verdict == "no_clear_effect"
    assert excluded.nights_without == included.nights_without - 6


def test_a_compound_with_several_stages_has_a_row_each(catalog: Catalog) -> None:
    checkins, objective = [], {}
    for index in range(20):
        taken = index % 2 == 0
        checkins.append(checkin(index, {"5-htp"} if taken else set()))
        objective[START + dt.timedelta(days=index)] = tracked(
            index,
            rem_min=90.0 + NOISE[index % 5] + (10.0 if taken else 0.0),
            deep_min=70.0 + NOISE[index % 5],
        )
    rows = [e for e in stage_effects(checkins, objective, catalog) if e.compound == "5-htp"]
    assert [(e.stage, e.measure, e.verdict) for e in rows] == [
        ("rem", "rem_min", "likely_helps"),
        ("slow_wave", "deep_min", "no_clear_effect"),
    ]


def test_a_slow_wave_compound_is_judged_on_deep_minutes(catalog: Catalog) -> None:
    checkins, objective = [], {}
    for index in range(20):
        taken = index % 2 == 0
        checkins.append(checkin(index, {"glycine"} if taken else set()))
        deep = 70.0 + NOISE[index % 5] + (9.0 if taken else 0.0)
        objective[START + dt.timedelta(days=index)] = tracked(index, deep_min=deep)
    effect = only(stage_effects(checkins, objective, catalog), "glycine")
    assert (effect.stage, effect.measure, effect.verdict) == (
        "slow_wave",
        "deep_min",
        "likely_helps",
    )


def test_a_chronic_compound_is_judged_weeks_before_and_after(catalog: Catalog) -> None:
    """Ashwagandha from night 20: the 14 settling-in nights count for neither side."""
    checkins, objective = [], {}
    for index in range(20 + CHRONIC_LAG_DAYS + 20):
        on = index >= 20
        checkins.append(checkin(index, {"ashwagandha"} if on else set()))
        settled = index >= 20 + CHRONIC_LAG_DAYS
        waso = 30.0 + NOISE[index % 5] - (12.0 if settled else 0.0)
        objective[START + dt.timedelta(days=index)] = tracked(index, waso_min=waso)
    effect = only(stage_effects(checkins, objective, catalog), "ashwagandha")
    assert (effect.method, effect.measure) == ("before_after", "waso_min")
    assert (effect.nights_with, effect.nights_without) == (20, 20)
    assert effect.diff_min == pytest.approx(-12.0, abs=1.0)
    assert effect.verdict == "likely_helps"


def test_a_chronic_compound_since_the_first_night_needs_a_comparison(catalog: Catalog) -> None:
    checkins = [checkin(index, {"ashwagandha"}) for index in range(30)]
    objective = {START + dt.timedelta(days=i): tracked(i) for i in range(30)}
    effect = only(stage_effects(checkins, objective, catalog), "ashwagandha")
    assert effect.verdict == "needs_comparison"
    assert effect.hint is not None and effect.hint.startswith("taken since your first night")


def test_a_pause_is_read_from_every_check_in_even_untracked_ones(catalog: Catalog) -> None:
    """The tracker missed the pause's nights: they are still a pause, not nights off."""
    checkins, objective = [], {}
    for index in range(60):
        on = not 20 <= index < 40  # a pause of 20 nights
        checkins.append(checkin(index, {"ashwagandha"} if on else set()))
        if not 20 <= index < 40:
            objective[START + dt.timedelta(days=index)] = tracked(index)
    effect = only(stage_effects(checkins, objective, catalog), "ashwagandha")
    # settled on nights 14–19, then (settling in anew on 40–53) on 54–59: the pause is seen
    assert (effect.nights_with, effect.nights_without) == (6 + 6, 0)


def test_verdicts_follow_the_same_rules_as_insights(catalog: Catalog) -> None:
    """REM minutes put where insights reads a score give the same numbers and verdicts."""
    rng = random.Random(21)
    for _ in range(30):
        checkins, objective = [], {}
        for index in range(rng.randint(4, 70)):
            taken = {c for c in ("galantamine", "ashwagandha") if rng.random() < 0.5}
            rem = rng.gauss(90, 15) + (rng.choice((0, 10, 25)) if taken else 0)
            confounded = rng.random() < 0.1
            objective[START + dt.timedelta(days=index)] = tracked(index, rem_min=rem, waso_min=rem)
            night = checkin(index, taken, confounded)
            checkins.append(dataclasses.replace(night, scores={**night.scores, "maintenance": rem}))
        exclude = rng.random() < 0.5
        ours = stage_effects(checkins, objective, catalog, exclude)
        theirs = compound_effects(checkins, catalog, exclude)
        for effect in theirs:
            if effect.domain != "maintenance":
                continue
            mine = next(e for e in ours if e.compound == effect.compound)
            assert (mine.diff_min, mine.ci95) == (effect.mean_diff, effect.ci95)
            flipped = {"likely_helps": "likely_hurts", "likely_hurts": "likely_helps"}
            expected = (
                flipped.get(effect.verdict, effect.verdict)
                if mine.measure == "waso_min"
                else effect.verdict
            )
            assert mine.verdict == expected


def test_the_caveat_cites_its_source() -> None:
    assert "sleep lab" in TRACKER_CAVEAT and "10.3390/s24206532" in TRACKER_CAVEAT


# Through `sleepplan insights` and `sleepplan experiment` (the bundled catalog's galantamine)

JOURNAL_START = dt.date(2026, 10, 24)


def record(night: dt.date, taken: list[str]) -> dict[str, object]:
    return {
        "night": night.isoformat(),
        "kss": 3,
        "taken": [{"compound": c, "amount_mg": 4.0, "at": None} for c in taken],
        "confounders": [],
        "metrics": {"tst_min": 420, "se_pct": 90.0},
        "scores": {"morning": 60.0, "onset": 60.0, "maintenance": 55.0, "next_morning": 50.0},
        "flags": [],
    }


def seed_tracked_journal(home: Path, nights: int = 29, tracked_too: bool = True) -> None:
    """Galantamine on the odd nights of 29, with 12 more REM minutes on them."""
    ensure_home(home)
    records, objective = [], []
    for index in range(nights):
        night = JOURNAL_START + dt.timedelta(days=index)
        taken = index % 2 == 1
        records.append(record(night, ["galantamine"] if taken else []))
        rem = 90.0 + NOISE[index % 5] + (12.0 if taken else 0.0)
        objective.append(
            ObjectiveNight(
                night=night,
                source="oura",
                record_id=night.isoformat(),
                asleep_min=420.0,
                rem_min=rem,
                deep_min=70.0,
                latency_min=20.0,
                waso_min=30.0,
            )
        )
    with Journal(paths.journal_path(home)) as journal:
        journal.save_many("example", records, "t")
        if tracked_too:
            journal.save_objective("example", objective, "t")


def test_insights_json_gains_the_stage_effects(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_tracked_journal(home)
    assert cli.main(["--home", str(home), "insights", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [row["compound"] for row in data["compounds"]] == ["galantamine"]  # kept as it was
    (row,) = data["stage_effects"]
    assert set(row) == {
        "compound",
        "stage",
        "measure",
        "diff_min",
        "ci95",
        "share_diff_pct",
        "nights_with",
        "nights_without",
        "verdict",
        "hint",
    }
    assert (row["compound"], row["stage"], row["measure"]) == ("galantamine", "rem", "rem_min")
    assert (row["nights_with"], row["nights_without"], row["verdict"]) == (14, 15, "likely_helps")
    assert row["diff_min"] == pytest.approx(12.0, abs=1.5)
    assert row["ci95"][0] > 0


def test_insights_text_has_an_objective_section_with_the_caveat(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_tracked_journal(home)
    assert cli.main(["--home", str(home), "insights"]) == 0
    text = capsys.readouterr().out
    subjective, objective = text.split("Objective (your tracker)\n")
    assert "Galantamine" in subjective
    line = objective.splitlines()[0]
    assert re.fullmatch(
        r"  Galantamine: REM \+12 min \(95% CI \d+ to \d+\) on 14 nights with vs 15 without"
        r"; share of sleep \+2\.\d points — likely helps",
        line,
    ), line
    assert TRACKER_CAVEAT in objective


def test_insights_without_tracked_nights_say_how_to_bring_them_in(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_tracked_journal(home, tracked_too=False)
    assert cli.main(["--home", str(home), "insights", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stage_effects"] == []
    assert cli.main(["--home", str(home), "insights"]) == 0
    assert "`sleepplan tracker import FILE`" in capsys.readouterr().out


def new_rem_experiment(home: Path, mid: str) -> int:
    return cli.main(
        [
            "--home",
            str(home),
            *("experiment", "new", "--compound", "galantamine", "--dose-b", "4mg"),
            *("--primary", "rem_min", "--mid", mid, "--seed", "5", "--blocks", "3"),
            *("--block-nights", "2", "--baseline", "1", "--start", "2026-11-23"),
        ]
    )


def test_an_experiment_on_rem_minutes_takes_its_mid_in_minutes(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ensure_home(home)
    profile = home / "profiles" / "example.toml"
    before = profile.read_bytes()
    assert new_rem_experiment(home, "90") == 2
    error = capsys.readouterr().err
    assert "--mid" in error and "at least 1 and at most 60 minutes" in error
    assert profile.read_bytes() == before
    assert new_rem_experiment(home, "0.5") == 2
    assert new_rem_experiment(home, "55") == 0  # above the 50 points a score allows
    (plan,) = load_profile(profile).profile.experiments
    assert (plan.primary, plan.mid) == ("rem_min", 55.0)


def seed_rem_experiment(home: Path) -> ExperimentPlan:
    """A completed REM-minutes experiment whose effect (+15 min on B) is in the tracker only."""
    ensure_home(home)
    assert new_rem_experiment(home, "10") == 0
    (registration,) = load_profile(home / "profiles" / "example.toml").profile.experiments
    plan = sealed.unseal(home, registration)
    records, objective = [], []
    for item in plan.schedule:
        arm_b = item.arm == "B"
        records.append(record(item.night, ["galantamine"] if arm_b else []))
        index = (item.night - plan.first_night).days
        rem = 90.0 + NOISE[index % 5] / 3 + (15.0 if arm_b else 0.0)
        # the check-in's own scores say nothing: only the tracker's minutes carry the effect
        objective.append(
            ObjectiveNight(night=item.night, source="oura", record_id=str(item.night), rem_min=rem)
        )
    with Journal(paths.journal_path(home)) as journal:
        journal.save_many("example", records, "t")
        journal.save_objective("example", objective, "t")
    return plan


def test_an_experiment_on_rem_minutes_is_analysed_on_the_tracker(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_rem_experiment(home)
    capsys.readouterr()
    monkeypatch.setenv("SLEEPPLAN_NOW", "2027-01-10T09:00:00+01:00")
    assert cli.main(["--home", str(home), "experiment", "report"]) == 0
    text = capsys.readouterr().out
    assert "- **Primary outcome:** rem_min (your tracker's estimate); minimal important " in text
    mean = re.search(r"Mean difference: \*\*\+(\d+\.\d) minutes\*\*", text)
    assert mean is not None and float(mean.group(1)) == pytest.approx(15.0, abs=4.0)  # ± noise
    assert "Probability the effect exceeds 10 minutes (normal prior, sd 50 minutes)" in text
    assert TRACKER_CAVEAT in text


def test_fewer_minutes_to_fall_asleep_is_the_better_way() -> None:
    from sleepplan.core.experiment_analysis import analyse
    from sleepplan.core.experiments import make_plan

    plan = make_plan(
        catalog=factories.catalog(factories.compound("melatonin", mechanism="melatonergic")),
        compound="melatonin",
        dose_a_mg=0,
        dose_b_mg=1,
        primary="latency_min",
        mid=5,
        start=START,
        created_at=dt.datetime(2025, 12, 30),
        seed=3,
        blocks=4,
        baseline_nights=0,
    )
    records = {item.night: record(item.night, []) for item in plan.schedule}
    faster = {
        item.night: tracked(
            (item.night - START).days,
            latency_min=(10.0 if item.arm == "B" else 25.0) + NOISE[item.night.day % 5] / 3,
        )
        for item in plan.schedule
    }
    result = analyse(plan, records, faster)
    assert result.mean_diff == pytest.approx(-15.0, abs=1.0)
    assert result.p_exceeds_mid is not None and result.p_exceeds_mid > 0.95
    # without the tracker's nights there is nothing to analyse, never a score read instead
    assert analyse(plan, records).mean_diff is None


async def test_the_wizard_offers_tracker_outcomes_in_minutes(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, ExperimentWizard)
        wizard.query_one("#wizard-primary", Select).value = "rem_min"
        await settle(pilot)
        hint = str(wizard.query_one("#wizard-mid-hint", Static).render())
        assert "minutes of REM" in hint and "not score points" in hint
        for widget_id, value in {"compound": "galantamine", "dose-b": "4mg", "mid": "90"}.items():
            wizard.query_one(f"#wizard-{widget_id}", Input).value = value
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "at most 60 minutes" in str(wizard.query_one("#wizard-problem").render())
        wizard.query_one("#wizard-mid", Input).value = "10"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert wizard.plan is not None and wizard.plan.primary == "rem_min"
        assert wizard.query_one("#experiment-wizard").region.right <= 80


def test_names_in_the_objective_section_are_shown_visibly() -> None:
    from sleepplan.output.report import objective_lines

    effect = StageEffect(
        "evil", "rem", "rem_min", "nightly", 2, 1, None, None, None, "not_enough_nights", "hint"
    )
    (_, line, *_) = objective_lines([effect], {"evil": "Evil\x1b[2J\u202e"})
    assert "\x1b" not in line and "\u202e" not in line
    assert line.startswith("  Evil␛[2J\\u202e: REM, on 2 nights with vs 1 without — too few")


async def test_the_app_reads_a_tracker_experiment_on_the_tracker_too(home: Path) -> None:
    """History's line and the app's report take the minutes from the tracker, as the CLI."""
    from sleepplan.tui.app import SleepPlanApp
    from sleepplan.tui.screens.experiment_wizard import ExperimentReportScreen, show_report
    from tests.tui_helpers import settle

    plan = seed_rem_experiment(home)
    now = dt.datetime.fromisoformat("2027-01-10T09:00:00+01:00")
    app = SleepPlanApp(home=home, now=now, zone="Europe/Berlin")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        line = str(app.screen.query_one("#experiments").render())
        found = re.search(r"complete: B − A \+(\d+\.\d) min ", line)
        assert found is not None and float(found.group(1)) == pytest.approx(15.0, abs=4.0), line
        show_report(app, plan.id)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert isinstance(app.screen, ExperimentReportScreen)
        report = str(app.screen.query_one("#experiment-report-text").render())
    assert re.search(r"Mean difference: \*\*\+\d+\.\d minutes\*\*", report)
