"""A month at a glance: its weeks, and weekly and monthly summaries of the nights logged.

Pure: the caller gives the check-in records by night and the latest night that is over (the
night before tonight), so nights still to come never count as missed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sleepplan.core import timing

MOST_TAKEN = 3
"""How many of the compounds taken most a summary names."""


@dataclass(frozen=True, slots=True)
class Summary:
    """The nights from ``first`` to ``last``: how many were logged, their score, what was taken."""

    first: dt.date
    last: dt.date
    nights_logged: int
    nights_over: int
    """Nights in the span that are over, so could have a check-in (not those still to come)."""
    average: float | None
    """The mean morning score of the nights logged (``None`` when none has one)."""
    most_taken: tuple[tuple[str, int], ...]
    """Compound ids and on how many nights each was taken, most first (ties by id)."""


def summarise(
    records: Mapping[dt.date, Mapping[str, Any]], first: dt.date, last: dt.date, latest: dt.date
) -> Summary:
    """Summarise the nights ``first`` to ``last``; nights after ``latest`` are not over yet."""
    nights = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    logged = [records[night] for night in nights if night in records]
    scores = [
        float(score)
        for record in logged
        if (score := (record.get("scores") or {}).get("morning")) is not None
    ]
    taken: Counter[str] = Counter()
    for record in logged:
        taken.update({str(dose["compound"]) for dose in record.get("taken") or []})
    most = sorted(taken.items(), key=lambda item: (-item[1], item[0]))[:MOST_TAKEN]
    return Summary(
        first=first,
        last=last,
        nights_logged=len(logged),
        nights_over=sum(1 for night in nights if night <= latest),
        average=sum(scores) / len(scores) if scores else None,
        most_taken=tuple(most),
    )


def month_grid(year: int, month: int) -> list[list[dt.date | None]]:
    """The month's weeks, Monday first; days of the months around it are ``None``."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[day if day.month == month else None for day in week] for week in weeks]


def week_spans(year: int, month: int) -> list[tuple[dt.date, dt.date]]:
    """Each week of the month (Monday to Sunday) as its first and last night in the month."""
    spans = []
    for week in month_grid(year, month):
        days = [day for day in week if day is not None]
        spans.append((days[0], days[-1]))
    return spans


def month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The month's first and last night."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    """The month ``by`` months later (earlier when negative), kept to the nights sleepplan plans."""
    index = year * 12 + (month - 1) + by
    lowest = timing.FIRST_NIGHT.year * 12 + timing.FIRST_NIGHT.month - 1
    highest = timing.LAST_NIGHT.year * 12 + timing.LAST_NIGHT.month - 1
    index = max(lowest, min(highest, index))
    return index // 12, index % 12 + 1
