from __future__ import annotations

import datetime as dt

import pytest

from sleepplan.core import timing
from sleepplan.core.architecture import predict_night
from sleepplan.core.timing import seconds_between, shift
from sleepplan.core.vocabulary import Stage


def _night(hours: float = 8) -> tuple[dt.datetime, dt.datetime]:
    bed = timing.resolve_local(dt.date(2026, 11, 23), dt.time(23, 0), "Europe/Berlin")
    return bed, shift(bed, minutes=round(hours * 60))


def test_onset_after_typical_latency_and_ninety_minute_cycles() -> None:
    bed, wake = _night()
    night = predict_night(bed, wake)
    assert night.onset == shift(bed, minutes=15)
    assert night.cycles[0].start == night.onset
    assert night.cycles[0].end == shift(night.onset, minutes=90)
    assert night.cycles[-1].end == wake
    assert len(night.cycles) == 6  # 465 minutes of sleep: five full cycles and a part


def test_slow_wave_first_third_rem_last_third() -> None:
    bed, wake = _night()
    night = predict_night(bed, wake)
    third = seconds_between(night.onset, wake) / 3
    sws = night.windows[Stage.SLOW_WAVE]
    rem = night.windows[Stage.REM]
    assert sws.start == night.onset
    assert seconds_between(sws.start, sws.end) == pytest.approx(third)
    assert rem.end == wake
    assert seconds_between(rem.start, rem.end) == pytest.approx(third)
    assert night.windows[Stage.SLEEP_ONSET].contains(bed)


def test_stage_at_walks_the_night_in_order() -> None:
    bed, wake = _night()
    night = predict_night(bed, wake)
    assert night.stage_at(shift(bed, hours=-2)) is None
    assert night.stage_at(shift(bed, minutes=5)) is Stage.SLEEP_ONSET
    assert night.stage_at(shift(bed, hours=1)) is Stage.SLOW_WAVE
    assert night.stage_at(shift(bed, hours=4)) is Stage.MAINTENANCE
    assert night.stage_at(shift(wake, minutes=-30)) is Stage.REM
    assert night.stage_at(wake) is None


def test_short_night_keeps_latency_inside_it() -> None:
    bed, wake = _night(hours=0.5)
    night = predict_night(bed, wake)
    assert bed < night.onset < wake


def test_wake_must_follow_bedtime() -> None:
    bed, _ = _night()
    with pytest.raises(ValueError):
        predict_night(bed, bed)
