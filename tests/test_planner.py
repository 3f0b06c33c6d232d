from __future__ import annotations

import datetime as dt

import pytest

from sleepplan.core import timing
from sleepplan.core.planner import build_plan
from sleepplan.core.timeline import build_timeline
from sleepplan.core.vocabulary import Stage
from tests.factories import catalog, compound, routine, settings

CAT = catalog(
    compound("calm", mechanism="gabaergic"),
    compound("deep", mechanism="glycinergic", timing={"anchor": "bedtime", "minutes": 30}),
    compound(
        "dreamer",
        mechanism="cholinergic",
        targets=["rem"],
        timing={"anchor": "after_bedtime", "minutes": 270},
    ),
    compound("dinnertime", mechanism="other", timing={"anchor": "dinner", "minutes": 0}),
    compound("mystery", mechanism="gabaergic", tmax_h=None, half_life_h=None),
    compound(
        "heavy",
        mechanism="gabaergic",
        sedating=True,
        half_life_h=[10.0, 14.0],
    ),
    compound("zippy", mechanism="other", wake_promoting=True),
)


def test_doses_sit_at_anchor_plus_minutes() -> None:
    plan = build_plan(routine(("calm", 2), ("deep", 2), ("dreamer", 2)), CAT, settings())
    at = {dose.compound.id: dose.at.isoformat() for dose in plan.doses}
    assert at == {
        "calm": "2026-11-23T22:00:00+01:00",
        "deep": "2026-11-23T22:30:00+01:00",
        "dreamer": "2026-11-24T03:30:00+01:00",
    }
    minutes = {dose.compound.id: dose.minutes_from_bedtime for dose in plan.doses}
    assert minutes == {"calm": -60, "deep": -30, "dreamer": 270}


def test_dinner_anchor_uses_the_profiles_dinner_time() -> None:
    plan = build_plan(routine(("dinnertime", 2)), CAT, settings(dinner=dt.time(18, 30)))
    assert plan.doses[0].at.isoformat() == "2026-11-23T18:30:00+01:00"
    assert plan.doses[0].minutes_from_bedtime == -270


def test_dinner_before_a_bedtime_after_midnight_is_the_evening_before() -> None:
    plan = build_plan(
        routine(("dinnertime", 2)), CAT, settings(bedtime=dt.time(0, 30), dinner=dt.time(20, 0))
    )
    assert plan.doses[0].at.isoformat() == "2026-11-23T20:00:00+01:00"


def test_routine_minutes_override_the_catalog_from_the_same_anchor() -> None:
    plan = build_plan(routine(("calm", 2, -45), ("dreamer", 2, 240)), CAT, settings())
    at = {dose.compound.id: dose for dose in plan.doses}
    assert at["calm"].at.isoformat() == "2026-11-23T22:15:00+01:00"
    assert at["calm"].overridden
    assert at["dreamer"].at.isoformat() == "2026-11-24T03:00:00+01:00"
    assert "your routine" in at["calm"].why


def test_grouped_by_stage_in_night_order_then_by_time() -> None:
    plan = build_plan(
        routine(("dreamer", 2), ("deep", 2), ("calm", 2, -30), ("heavy", 2)), CAT, settings()
    )
    groups = [(stage, [dose.compound.id for dose in doses]) for stage, doses in plan.by_stage()]
    assert groups == [
        (Stage.SLEEP_ONSET, ["heavy", "calm"]),
        (Stage.SLOW_WAVE, ["deep"]),
        (Stage.REM, ["dreamer"]),
    ]
    assert [dose.compound.id for dose in plan.doses] == ["heavy", "calm", "deep", "dreamer"]


def test_peak_residual_and_window() -> None:
    plan = build_plan(routine(("calm", 2)), CAT, settings())
    dose = plan.doses[0]
    assert dose.peak_at is not None
    assert dose.peak_at.isoformat() == "2026-11-23T23:00:00+01:00"  # tmax 1 h after 22:00
    assert dose.peak_in_window is True
    assert dose.residual_at_wake is not None
    assert dose.residual_at_wake == pytest.approx(dose.curve.relative(9.0))  # type: ignore[union-attr]
    assert dose.residual_at_wake < 0.1


def test_missing_kinetics_mean_no_curve_not_a_guess() -> None:
    plan = build_plan(routine(("mystery", 2)), CAT, settings())
    dose = plan.doses[0]
    assert dose.curve is None and dose.peak_at is None and dose.residual_at_wake is None
    assert dose.peak_in_window is None
    assert "no sourced kinetics" in dose.why


def test_sixty_minutes_before_bedtime_is_sixty_real_minutes_across_dst() -> None:
    # Bedtime 03:30 on the spring-forward night in Berlin: 60 min before is 01:30 +01:00.
    plan = build_plan(
        routine(("calm", 2)),
        CAT,
        settings(night=dt.date(2026, 3, 28), bedtime=dt.time(3, 30), wake=dt.time(11, 0)),
    )
    dose = plan.doses[0]
    assert timing.seconds_between(dose.at, plan.bedtime) == 3600
    assert dose.at.isoformat() == "2026-03-29T01:30:00+01:00"


def test_wake_back_to_bed_dose_across_fall_back() -> None:
    plan = build_plan(routine(("dreamer", 2)), CAT, settings(night=dt.date(2026, 10, 24)))
    dose = plan.doses[0]
    assert timing.seconds_between(plan.bedtime, dose.at) == 270 * 60
    assert dose.at.isoformat() == "2026-10-25T02:30:00+01:00"  # the second 02:30 that night


@pytest.mark.parametrize(
    ("night", "bedtime", "bedtime_iso", "dose_iso"),
    [
        # Spring forward (02:00 → 03:00): the hour before 03:30 starts at 01:30 +01:00.
        (
            dt.date(2026, 3, 28),
            dt.time(3, 30),
            "2026-03-29T03:30:00+02:00",
            "2026-03-29T01:30:00+01:00",
        ),
        # Fall back (03:00 → 02:00): the hour before 03:00 +01:00 starts at the second 02:00.
        (
            dt.date(2026, 10, 24),
            dt.time(3, 0),
            "2026-10-25T03:00:00+01:00",
            "2026-10-25T02:00:00+01:00",
        ),
    ],
)
def test_sixty_minutes_before_bedtime_on_both_dst_nights(
    night: dt.date, bedtime: dt.time, bedtime_iso: str, dose_iso: str
) -> None:
    plan = build_plan(
        routine(("calm", 2)), CAT, settings(night=night, bedtime=bedtime, wake=dt.time(11, 0))
    )
    dose = plan.doses[0]
    assert plan.bedtime.isoformat() == bedtime_iso
    assert dose.at.isoformat() == dose_iso
    assert timing.seconds_between(dose.at, plan.bedtime) == 3600
    assert dose.minutes_from_bedtime == -60
    assert dose.why.startswith("1 h before bedtime")


def test_timeline_samples_band_and_curves() -> None:
    plan = build_plan(routine(("calm", 2), ("mystery", 2)), CAT, settings())
    line = build_timeline(plan, 60)
    assert line.start == plan.doses[0].at or line.start < plan.bedtime
    assert line.end == plan.wake
    assert len(line.band) == 60
    assert Stage.SLOW_WAVE in line.band and Stage.REM in line.band
    calm, mystery = line.rows
    assert mystery.levels is None
    assert calm.levels is not None and max(calm.levels) > 0.9
    assert line.band.index(Stage.SLOW_WAVE) < line.band.index(Stage.REM)
