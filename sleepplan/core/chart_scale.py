"""The score chart's numbers: the rolling average, a y-axis fitted to the data, date ticks.

Pure: the chart widget hands in the nights and the room it has, and draws what comes back.
The dots and their average share one x position per night, so the line sits among its dots.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

SCORE_STEPS = (5, 10, 20, 25, 50)
"""Round tick steps of a 0–100 score, finest first; each divides 100, so the axis stays in it."""

POINTS_PER_ROW = (2.5, 5, 10)
"""How many score points one row of the chart may stand for, finest first: ranges where every
row is a round value and every tick falls on a row. A finer row would magnify noise."""

DAY_STEPS = (1, 2, 7, 14)
"""Date tick steps in days, before the ticks move to the first of a month."""

MONTH_STEPS = (1, 2, 3, 6, 12)
"""Date tick steps in months, for long spans."""

LABEL_SPACING = 10
"""Columns per date label: "12 Nov" plus room on both sides."""


@dataclass(frozen=True, slots=True)
class Axis:
    """An axis range and the round values where its ticks go."""

    low: float
    high: float
    ticks: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class DateTicks:
    """Where the date labels go (days after the first night) and what they say."""

    positions: tuple[float, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScoreChartData:
    """Everything the score chart draws, one x position per night for dots and average alike."""

    xs: tuple[float, ...]
    """Days after the first night: a missed night leaves a gap."""
    scores: tuple[float, ...]
    averages: tuple[float, ...]
    x_range: tuple[float, float]
    y_axis: Axis
    x_ticks: DateTicks


def rolling_mean(values: Sequence[float], window: int = 7) -> list[float]:
    """Each value's trailing mean: it and up to ``window - 1`` values before it."""
    if window < 1:
        raise ValueError("a rolling mean needs a window of at least one value")
    return [fmean(values[max(0, index - window + 1) : index + 1]) for index in range(len(values))]


def score_axis(values: Sequence[float], rows: int) -> Axis:
    """The y-axis of a 0–100 score fitted to ``values`` for a plot ``rows`` cells tall.

    When it can, each row stands for a round number of points (:data:`POINTS_PER_ROW`), the
    data centred, and the ticks (a round step, two rows apart at least) fall exactly on rows.
    Data too spread for that gets the whole 0–100 with round ticks.
    """
    intervals = max(1, rows - 1)
    lowest = max(0.0, min(values, default=0.0))
    highest = min(100.0, max(values, default=100.0))
    for per_row in POINTS_PER_ROW:
        span = per_row * intervals
        if span > 100:
            break
        middle = (lowest + highest) / 2
        low = min(max(0.0, math.floor((middle - span / 2) / per_row) * per_row), 100 - span)
        if low <= lowest and highest <= low + span:
            step = next(s for s in SCORE_STEPS if s % per_row == 0 and s / per_row >= 2)
            return Axis(low, low + span, _ticks(low, low + span, step))
    max_ticks = max(2, rows // 2 + 1)
    step = next((s for s in SCORE_STEPS if 100 // s + 1 <= max_ticks), SCORE_STEPS[-1])
    return Axis(0.0, 100.0, _ticks(0.0, 100.0, step))


def _ticks(low: float, high: float, step: int) -> tuple[float, ...]:
    first = math.ceil(low / step) * step
    return tuple(float(tick) for tick in range(first, math.floor(high) + 1, step))


def date_ticks(first: dt.date, last: dt.date, max_labels: int) -> DateTicks:
    """At most ``max_labels`` dates between ``first`` and ``last``, a round step apart.

    Every day, two days, week or fortnight from the first night; over longer spans the first
    of every month (or two, three, six, twelve). Positions are days after ``first``.
    """
    max_labels = max(1, max_labels)
    span = (last - first).days
    for step in DAY_STEPS:
        if span // step + 1 <= max_labels:
            dates = [first + dt.timedelta(days=days) for days in range(0, span + 1, step)]
            labels = [f"{day.day} {day:%b}" for day in dates]
            return DateTicks(_days_after(first, dates), tuple(labels))
    months = (last.year - first.year) * 12 + last.month - first.month
    step = next((s for s in MONTH_STEPS if months // s + 1 <= max_labels), months + 1)
    dates = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        if dt.date(year, month, 1) >= first:
            dates.append(dt.date(year, month, 1))
        year, month = divmod(year * 12 + month - 1 + step, 12)
        month += 1
    label = "%b %Y" if first.year != last.year else "%b"
    return DateTicks(_days_after(first, dates), tuple(f"{day:{label}}" for day in dates))


def score_chart(
    nights: Sequence[tuple[dt.date, float]],
    width: int,
    rows: int,
    window: int = 7,
    limit: int | None = None,
) -> ScoreChartData:
    """The chart of ``nights`` (date, score; oldest first) for a plot ``width`` x ``rows`` cells.

    The average is over the last ``window`` scored nights (counted before the chart keeps only
    the last ``limit``); the x-axis gets a date label every :data:`LABEL_SPACING` columns at
    most.
    """
    averages = rolling_mean([score for _, score in nights], window)
    if limit is not None:
        nights, averages = nights[-limit:], averages[-limit:]
    scores = tuple(score for _, score in nights)
    y_axis = score_axis(scores, rows)
    if not nights:
        return ScoreChartData((), (), (), (0.0, 1.0), y_axis, DateTicks((), ()))
    first, last = nights[0][0], nights[-1][0]
    xs = _days_after(first, [night for night, _ in nights])
    x_ticks = date_ticks(first, last, max(1, width // LABEL_SPACING))
    x_range = (0.0, float(max(1, (last - first).days)))
    return ScoreChartData(xs, scores, tuple(averages), x_range, y_axis, x_ticks)


def _days_after(first: dt.date, dates: Sequence[dt.date]) -> tuple[float, ...]:
    return tuple(float((day - first).days) for day in dates)


def last_and_range(values: Sequence[float]) -> str:
    """A sparkline's caption: its newest value and the lowest and highest it shows."""
    if not values:
        return "no nights yet"
    return f"last {values[-1]:.0f} · {min(values):.0f}–{max(values):.0f}"


MINUTES_PER_ROW = (15, 30, 60)
"""How many minutes in bed one row of the window chart may stand for, finest first: at 15 a
week's 15-minute step is exactly one row."""

IN_BED_TICKS_MIN = (30, 60, 120, 180)
"""Round tick steps of a time in bed, in minutes, finest first."""


@dataclass(frozen=True, slots=True)
class WindowChartData:
    """The sleep window's weekly step chart: time in bed (hours) per week, each week's SE."""

    xs: tuple[float, ...]
    """The step line's corners: each week spans from its index to the next (weeks after the
    first week shown)."""
    hours: tuple[float, ...]
    labels: tuple[tuple[float, float, str], ...]
    """Each measured week's sleep efficiency: (x, y, "87%"), a row over the middle of its
    step."""
    x_range: tuple[float, float]
    y_axis: Axis
    """In hours; tick values in hours too."""
    x_ticks: DateTicks


def in_bed_axis(minutes: Sequence[float], rows: int) -> Axis:
    """A y-axis in hours for times in bed, for a plot ``rows`` cells tall.

    When it can, each row stands for a round number of minutes (:data:`MINUTES_PER_ROW`), the
    data centred with a row free above and below it (the SE labels go a row over the steps),
    and the ticks (a round step, two rows apart at least) fall exactly on rows. Data too spread
    for that gets whole hours around it.
    """
    intervals = max(1, rows - 1)
    lowest = min(minutes, default=420)
    highest = max(minutes, default=420)
    for per_row in MINUTES_PER_ROW:
        span = per_row * intervals
        middle = (lowest + highest) / 2
        low = math.floor((middle - span / 2) / per_row) * per_row
        if low + per_row <= lowest and highest + per_row <= low + span:
            step = next(s for s in IN_BED_TICKS_MIN if s % per_row == 0 and s >= 2 * per_row)
            first = low + (-low) % step
            ticks = tuple(tick / 60 for tick in range(first, low + span + 1, step))
            return Axis(low / 60, (low + span) / 60, ticks)
    low = math.floor((lowest - 15) / 60) * 60
    high = math.ceil((highest + 15) / 60) * 60
    max_ticks = max(2, rows // 2 + 1)
    step = next((s for s in IN_BED_TICKS_MIN if (high - low) // s + 1 <= max_ticks), 180)
    ticks = tuple(tick / 60 for tick in range(low + (-low) % step, high + 1, step))
    return Axis(low / 60, high / 60, ticks)


def in_bed_label(hours: float) -> str:
    """A tick label: ``7h`` or ``7h30``."""
    minutes = round(hours * 60)
    return f"{minutes // 60}h{minutes % 60:02d}" if minutes % 60 else f"{minutes // 60}h"


def window_chart(
    weeks: Sequence[tuple[dt.date, int, float | None]], width: int, rows: int
) -> WindowChartData:
    """The step chart of ``weeks`` (first night, minutes in bed, that week's SE or ``None``).

    A week's SE is labelled over its step when each week has room for the label (5 columns);
    the date of a week's first night labels its start, at most one every
    :data:`LABEL_SPACING` columns.
    """
    if not weeks:
        return WindowChartData((), (), (), (0.0, 1.0), in_bed_axis([], rows), DateTicks((), ()))
    xs: list[float] = []
    hours: list[float] = []
    for index, (_, minutes, _) in enumerate(weeks):
        xs += [float(index), float(index + 1)]
        hours += [minutes / 60, minutes / 60]
    y_axis = in_bed_axis([minutes for _, minutes, _ in weeks], rows)
    room = width / len(weeks)
    above = (y_axis.high - y_axis.low) / max(1, rows - 1)  # a row over the step, not on it
    labels = tuple(
        (index + 0.5, minutes / 60 + above, f"{se:.0f}%")
        for index, (_, minutes, se) in enumerate(weeks)
        if se is not None and room >= 5
    )
    every = max(1, math.ceil(len(weeks) / max(1, width // LABEL_SPACING)))
    shown = range(0, len(weeks), every)
    x_ticks = DateTicks(
        tuple(float(index) for index in shown),
        tuple(f"{weeks[index][0].day} {weeks[index][0]:%b}" for index in shown),
    )
    return WindowChartData(
        tuple(xs), tuple(hours), labels, (0.0, float(len(weeks))), y_axis, x_ticks
    )
