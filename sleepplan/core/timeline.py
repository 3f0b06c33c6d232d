"""The night as columns of time: the stage band and each dose's curve, sampled for drawing.

Both the text timeline (CLI) and the timeline widget (TUI) draw from this one sampling.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sleepplan.core.planner import Plan, PlannedDose
from sleepplan.core.timing import seconds_between, shift, utc
from sleepplan.core.vocabulary import Stage


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One dose's relative concentration per column (``None`` where it has no kinetics)."""

    dose: PlannedDose
    levels: tuple[float, ...] | None


@dataclass(frozen=True, slots=True)
class Timeline:
    """The night from the first dose (or bedtime) to wake, in equal columns."""

    start: dt.datetime
    end: dt.datetime
    columns: int
    band: tuple[Stage | None, ...]
    """The stage the night is dominated by in each column (``None``: awake)."""
    rows: tuple[TimelineRow, ...]

    def column_of(self, instant: dt.datetime) -> int:
        """The column an instant falls in, clamped to the timeline."""
        span = seconds_between(self.start, self.end)
        position = seconds_between(self.start, instant) / span * self.columns
        return max(0, min(self.columns - 1, int(position)))

    def instant_of(self, column: int) -> dt.datetime:
        """The instant at the middle of a column."""
        span = seconds_between(self.start, self.end)
        return shift(self.start, seconds=span * (column + 0.5) / self.columns)


def build_timeline(plan: Plan, columns: int) -> Timeline:
    """Sample the plan's night into ``columns`` equal steps."""
    if columns < 2:
        raise ValueError("a timeline needs at least two columns")
    before_bed = [dose.at for dose in plan.doses if utc(dose.at) < utc(plan.bedtime)]
    first = min(before_bed, key=utc, default=plan.bedtime)
    start = min(first, plan.night.windows[Stage.SLEEP_ONSET].start, key=utc)
    end = plan.wake
    span = seconds_between(start, end)
    instants = [shift(start, seconds=span * (i + 0.5) / columns) for i in range(columns)]
    band = tuple(plan.night.stage_at(instant) for instant in instants)
    rows = []
    for dose in plan.doses:
        if dose.curve is None:
            rows.append(TimelineRow(dose, None))
            continue
        levels = tuple(dose.level_at(instant) or 0.0 for instant in instants)
        rows.append(TimelineRow(dose, levels))
    return Timeline(start, end, columns, band, tuple(rows))
