from __future__ import annotations

import pendulum
import pytest

from sleepplan.core.architecture import predict_night
from sleepplan.core.vocabulary import Stage


def _night(hours: float = 8) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    bed = pendulum.datetime(2026, 11, 23, 23, 0, tz="Europe/Berlin")
    return bed, bed.add(minutes=round(hours * 60))


def test_onset_after_typical_latency_and_ninety_minute_cycles() -> None:
    bed, wake = _night()
    night = predict_night(bed, wake)
    assert night.onset == bed.add(minutes=15)
    assert night.cycles[0].start == night.onset
    assert night.cycles[0].end == night.onset.add(minutes=90)
    assert night.cycles[-1].end == wake
    assert len(night.cycles) == 6  # 465 minutes of sleep: five full cycles and a part


def test_slow_wave_first_third_rem_last_third() -> None:
    bed, wake = _night()
    night = predict_night(bed, wake)
    third = (wake - night.onset).total_seconds() / 3
    sws = night.windows[Stage.SLOW_WAVE]
    rem = night.windows[Stage.REM]
    assert sws.start == night.onset
    assert (sws.end - sws.start).total_seconds() == pytest.approx(third)
    assert rem.end == wake
    assert (rem.end - rem.start).total_seconds() == pytest.approx(third)
    assert night.windows[Stage.SLEEP_ONSET].contains(bed)


def test_stage_at_walks_the_night_in_order() -> None:
    bed, wake = _night()
    night = predict_night(bed, wake)
    assert night.stage_at(bed.subtract(hours=2)) is None
    assert night.stage_at(bed.add(minutes=5)) is Stage.SLEEP_ONSET
    assert night.stage_at(bed.add(hours=1)) is Stage.SLOW_WAVE
    assert night.stage_at(bed.add(hours=4)) is Stage.MAINTENANCE
    assert night.stage_at(wake.subtract(minutes=30)) is Stage.REM
    assert night.stage_at(wake) is None


def test_short_night_keeps_latency_inside_it() -> None:
    bed, wake = _night(hours=0.5)
    night = predict_night(bed, wake)
    assert bed < night.onset < wake


def test_wake_must_follow_bedtime() -> None:
    bed, _ = _night()
    with pytest.raises(ValueError):
        predict_night(bed, bed)
