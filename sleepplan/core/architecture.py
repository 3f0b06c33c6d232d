"""The predicted night: sleep onset, ~90-minute cycles, and a time window for each stage.

A deliberately simple textbook picture (design §5): sleep begins a typical latency after
lights-out; the night runs in cycles of about 90 minutes; slow-wave sleep is concentrated in the
first third of the night and REM grows into the last third. Each stage gets a window, and a plan
says whether each dose peaks inside the window of the stage it targets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sleepplan.core.timing import seconds_between, shift, utc
from sleepplan.core.vocabulary import Stage

TYPICAL_LATENCY_MIN = 15
"""Minutes from lights-out to sleep in a good sleeper (a typical value, not a norm)."""
CYCLE_MIN = 90
"""Approximate length of one NREM-REM cycle."""
SETTLING_MIN = 30
"""How long before lights-out and after sleep onset still counts as "falling asleep"."""


@dataclass(frozen=True, slots=True)
class Window:
    """A stretch of the night."""

    start: dt.datetime
    end: dt.datetime

    def contains(self, instant: dt.datetime) -> bool:
        """Whether the instant lies within the window (ends included)."""
        return utc(self.start) <= utc(instant) <= utc(self.end)


@dataclass(frozen=True, slots=True)
class PredictedNight:
    """Bedtime, predicted onset, wake, the cycles and each stage's window."""

    bedtime: dt.datetime
    onset: dt.datetime
    wake: dt.datetime
    cycles: tuple[Window, ...]
    windows: dict[Stage, Window]

    def stage_at(self, instant: dt.datetime) -> Stage | None:
        """The stage the night is dominated by at an instant (``None`` while awake)."""
        at = utc(instant)
        if at < utc(self.windows[Stage.SLEEP_ONSET].start) or at >= utc(self.wake):
            return None
        if at < utc(self.onset):
            return Stage.SLEEP_ONSET
        if at < utc(self.windows[Stage.SLOW_WAVE].end):
            return Stage.SLOW_WAVE
        if at < utc(self.windows[Stage.REM].start):
            return Stage.MAINTENANCE
        return Stage.REM


def predict_night(bedtime: dt.datetime, wake: dt.datetime) -> PredictedNight:
    """The predicted night between bedtime and wake (wake must be after bedtime)."""
    if utc(wake) <= utc(bedtime):
        raise ValueError("wake must come after bedtime")
    in_bed_min = seconds_between(bedtime, wake) / 60
    latency = min(TYPICAL_LATENCY_MIN, in_bed_min / 4)
    onset = shift(bedtime, seconds=round(latency * 60))
    third = seconds_between(onset, wake) / 3
    cycles = []
    start = onset
    while utc(start) < utc(wake):
        end = min(shift(start, minutes=CYCLE_MIN), wake, key=utc)
        cycles.append(Window(start, end))
        start = end
    windows = {
        Stage.SLEEP_ONSET: Window(
            shift(bedtime, minutes=-SETTLING_MIN), shift(onset, minutes=SETTLING_MIN)
        ),
        Stage.SLOW_WAVE: Window(onset, shift(onset, seconds=third)),
        Stage.MAINTENANCE: Window(shift(onset, seconds=third), wake),
        Stage.REM: Window(shift(wake, seconds=-third), wake),
    }
    return PredictedNight(bedtime, onset, wake, tuple(cycles), windows)
