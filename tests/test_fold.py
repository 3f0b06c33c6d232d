"""Fall-back and spring-forward nights: wall times are ordered and measured as real instants.

Python compares two datetimes that share a ``tzinfo`` by their wall clocks and ignores ``fold``
(PEP 495): on a fall-back night 01:45 EDT "comes after" 01:20 EST, though it is 35 minutes
earlier. Each case below runs on four nights: New York (one hour) and Lord Howe Island (half an
hour) falling back and springing forward. The fall-back nights are the ones the wall clock gets
wrong; the spring-forward nights, where no wall time repeats, keep the same code honest there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from sleepplan.core import timing
from sleepplan.core.checkin import CheckinAnswers, evaluate
from sleepplan.core.errors import InputError
from sleepplan.core.planner import Plan, build_plan
from sleepplan.core.timeline import build_timeline
from sleepplan.core.vocabulary import Stage
from tests.factories import catalog, compound, routine, settings

NEW_YORK = "America/New_York"
LORD_HOWE = "Australia/Lord_Howe"

# One hour from dose to peak: a sleep-onset compound (GABAergic) by the factory's defaults.
CALM = catalog(compound("calm", tmax_h=[1.0, 1.0], half_life_h=[2.0, 2.0]))


@dataclass(frozen=True)
class Night:
    """A DST night and times on it, chosen so that a window or a check-in straddles the change."""

    zone: str
    night: dt.date
    in_bed: str
    tried_sleep: str
    tib_min: int
    """Real minutes from in_bed to out_of_bed ("08:10")."""
    asleep_min: int
    """Real minutes from tried_sleep to final_wake ("08:00")."""
    bedtime: dt.time
    """A bedtime whose sleep-onset window straddles the change."""
    dose_min: int
    """Minutes before bedtime of a dose that peaks an hour later, inside that window."""
    window: tuple[str, str]
    """That window as the wall clock shows it, with offsets."""
    short_wake: dt.time
    """A wake time just after the change's first hour, for a short night (22:55 to it)."""


FALL_BACK = [
    # 2026-11-01 02:00 EDT falls back to 01:00 EST: 01:00-02:00 happens twice.
    Night(
        NEW_YORK,
        dt.date(2026, 10, 31),
        in_bed="2026-11-01T01:45:00-04:00",
        tried_sleep="2026-11-01T01:20:00-05:00",  # 35 minutes later, in the repeated hour
        tib_min=445,
        asleep_min=400,
        bedtime=dt.time(1, 30),
        dose_min=-56,  # 00:34 EDT, peak 01:34 EDT
        window=("01:00-0400", "01:15-0500"),
        short_wake=dt.time(1, 45),
    ),
    # 2026-04-05 02:00 +11:00 falls back to 01:30 +10:30: 01:30-02:00 happens twice.
    Night(
        LORD_HOWE,
        dt.date(2026, 4, 4),
        in_bed="2026-04-05T01:50:00+11:00",
        tried_sleep="2026-04-05T01:35:00+10:30",  # 15 minutes later, in the repeated half hour
        tib_min=410,
        asleep_min=385,
        bedtime=dt.time(1, 40),
        dose_min=-42,  # 00:58 +11:00, peak 01:58 +11:00
        window=("01:10+1100", "01:55+1030"),
        short_wake=dt.time(1, 50),
    ),
]
SPRING_FORWARD = [
    # 2026-03-08 02:00 EST springs to 03:00 EDT.
    Night(
        NEW_YORK,
        dt.date(2026, 3, 7),
        in_bed="2026-03-08T01:45:00-05:00",
        tried_sleep="03:05",  # 20 minutes later
        tib_min=325,
        asleep_min=295,
        bedtime=dt.time(1, 30),
        dose_min=-56,
        window=("01:00-0500", "03:15-0400"),
        short_wake=dt.time(3, 45),
    ),
    # 2026-10-04 02:00 +10:30 springs to 02:30 +11:00.
    Night(
        LORD_HOWE,
        dt.date(2026, 10, 3),
        in_bed="2026-10-04T01:50:00+10:30",
        tried_sleep="02:35",  # 15 minutes later
        tib_min=350,
        asleep_min=325,
        bedtime=dt.time(1, 40),
        dose_min=-42,
        window=("01:10+1030", "02:55+1100"),
        short_wake=dt.time(2, 50),
    ),
]
NIGHTS = [
    pytest.param(night, id=f"{night.zone.split('/')[1]}-{kind}")
    for kind, nights in (("fall-back", FALL_BACK), ("spring-forward", SPRING_FORWARD))
    for night in nights
]


def _checkin(night: Night, **times: str) -> CheckinAnswers:
    return CheckinAnswers.model_validate(
        {"night": night.night, "sol_min": 10, "waso_min": 0, "awakenings": 0, **times}
    )


@pytest.mark.parametrize("night", NIGHTS)
def test_a_checkin_across_the_change_is_accepted_in_real_minutes(night: Night) -> None:
    answers = _checkin(
        night,
        in_bed=night.in_bed,
        tried_sleep=night.tried_sleep,
        final_wake="08:00",
        out_of_bed="08:10",
    )
    checkin = evaluate(answers, night.zone)
    assert checkin.metrics.tib_min == night.tib_min
    assert checkin.metrics.tst_min == night.asleep_min - 10


@pytest.mark.parametrize("night", [pytest.param(n, id=n.zone) for n in FALL_BACK])
def test_a_checkin_really_out_of_order_in_the_repeated_hour_is_refused(night: Night) -> None:
    # The same two instants, swapped: now tried_sleep really is before in_bed, though its wall
    # clock reads later. The message shows the offsets, since the clocks alone would mislead.
    answers = _checkin(night, in_bed=night.tried_sleep, tried_sleep=night.in_bed)
    with pytest.raises(InputError) as refused:
        evaluate(answers, night.zone)
    [(place, message)] = refused.value.problems
    assert place == "tried_sleep"
    assert message.startswith("tried_sleep (") and "is before in_bed" in message
    assert night.in_bed[11:16] in message and night.tried_sleep[11:16] in message
    assert night.in_bed[-6:].replace(":", "") in message


def _plan(night: Night, bedtime: dt.time, wake: dt.time, minutes: int | None) -> Plan:
    doses = routine(("calm", 2, minutes)) if minutes is not None else routine(("calm", 2))
    return build_plan(
        doses, CALM, settings(night=night.night, bedtime=bedtime, wake=wake, zone=night.zone)
    )


@pytest.mark.parametrize("night", NIGHTS)
def test_a_dose_peaking_inside_a_window_across_the_change_is_inside(night: Night) -> None:
    plan = _plan(night, night.bedtime, dt.time(8, 0), night.dose_min)
    window = plan.night.windows[Stage.SLEEP_ONSET]
    assert (f"{window.start:%H:%M%z}", f"{window.end:%H:%M%z}") == night.window
    [dose] = plan.doses
    assert dose.peak_at is not None
    assert timing.seconds_between(dose.at, dose.peak_at) == 3600
    assert timing.seconds_between(window.start, dose.peak_at) > 0
    assert timing.seconds_between(dose.peak_at, window.end) > 0
    assert window.contains(dose.peak_at)
    assert dose.peak_in_window is True
    assert "inside the sleep onset window" in dose.why


@pytest.mark.parametrize("night", NIGHTS)
def test_stages_follow_each_other_in_real_time_across_the_change(night: Night) -> None:
    plan = _plan(night, night.bedtime, dt.time(8, 0), night.dose_min)
    # Every minute from the window's start to wake, in real time: the stage never goes back.
    start = plan.night.windows[Stage.SLEEP_ONSET].start
    minutes = timing.minutes_between(start, plan.wake)
    during = [plan.night.stage_at(timing.shift(start, minutes=m)) for m in range(minutes)]
    stages = [stage for stage in during if stage is not None]
    assert len(stages) == len(during)  # asleep or settling all along: never "awake"
    order = [Stage.SLEEP_ONSET, Stage.SLOW_WAVE, Stage.MAINTENANCE, Stage.REM]
    assert stages == sorted(stages, key=order.index)
    assert set(stages) == set(order)
    band = [stage for stage in build_timeline(plan, 120).band if stage is not None]
    assert band == sorted(band, key=order.index)


@pytest.mark.parametrize("night", NIGHTS)
def test_the_nights_cycles_tile_it_in_real_minutes(night: Night) -> None:
    plan = _plan(night, dt.time(22, 55), night.short_wake, None)
    cycles = plan.night.cycles
    lengths = [timing.minutes_between(cycle.start, cycle.end) for cycle in cycles]
    assert all(0 < length <= 90 for length in lengths)
    assert all(a.end == b.start for a, b in zip(cycles, cycles[1:], strict=False))
    assert cycles[0].start == plan.night.onset and cycles[-1].end == plan.wake
    assert sum(lengths) == timing.minutes_between(plan.night.onset, plan.wake)
    [dose] = plan.doses
    assert dose.minutes_from_bedtime == -60
    assert timing.minutes_between(plan.bedtime, plan.wake) == timing.minutes_between(
        timing.resolve_local(plan.bedtime.date(), dt.time(22, 55), night.zone),
        timing.resolve_local(plan.wake.date(), night.short_wake, night.zone),
    )


@pytest.mark.parametrize("night", [pytest.param(n, id=n.zone) for n in FALL_BACK])
def test_sorting_by_utc_puts_the_second_occurrence_last(night: Night) -> None:
    first = timing.in_zone(dt.datetime.fromisoformat(night.in_bed), night.zone)
    later = timing.in_zone(dt.datetime.fromisoformat(night.tried_sleep), night.zone)
    assert later < first  # the trap: same tzinfo, so Python compares the wall clocks
    assert sorted([later, first], key=timing.utc) == [first, later]
    assert min(later, first, key=timing.utc) is first
