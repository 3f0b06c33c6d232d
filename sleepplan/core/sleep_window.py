"""The sleep window (CBT-I sleep restriction/compression, design §16): time in bed, week by week.

Week 1 starts on the profile's ``[sleep_window].start`` night with the profile's bedtime and
wake. At the start of each later week, the average sleep efficiency (SE) of the previous week's
7 nights decides the window: ≥ 90 % adds 15 minutes, 85–90 % keeps it, < 85 % takes 15 minutes
off (never below 5 hours in bed). The wake time stays fixed; the bedtime moves. Pure: the
caller passes the diary and tonight's night.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

STEP_MIN = 15
FLOOR_MIN = 5 * 60
CEILING_MIN = 12 * 60  # a window never grows past 12 h: beyond that nothing is restricted
GROW_AT_PCT = 90
KEEP_AT_PCT = 85
WEEK_NIGHTS = 7
MIN_NIGHTS = 5
SLEEPY_KSS = 7
SLEEPY_MORNINGS = 3


@dataclass(frozen=True, slots=True)
class DiaryNight:
    """What the window needs of one check-in."""

    night: dt.date
    se_pct: float | None
    kss: int | None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> DiaryNight:
        """From a stored check-in record (``checkin.checkin_record``)."""
        metrics = record.get("metrics") or {}
        se = metrics.get("se_pct")
        kss = record.get("kss")
        return cls(
            night=dt.date.fromisoformat(str(record["night"])),
            se_pct=float(se) if se is not None else None,
            kss=int(kss) if kss is not None else None,
        )


@dataclass(frozen=True, slots=True)
class WeekStep:
    """One week's window and why it is what it is."""

    week: int
    """1 for the first week."""
    first_night: dt.date
    in_bed_min: int
    bedtime: dt.time
    wake: dt.time
    se_pct: float | None
    """The previous week's average SE (whole percent) that decided this window, if any."""
    change_min: int
    """+15, 0 or -15 from the week before."""
    reason: str


def in_bed_minutes(bedtime: dt.time, wake: dt.time) -> int:
    """Minutes from bedtime to wake, across midnight when wake is earlier on the clock."""
    minutes = (_clock_minutes(wake) - _clock_minutes(bedtime)) % (24 * 60)
    return minutes or 24 * 60


def bedtime_for(wake: dt.time, in_bed_min: int) -> dt.time:
    """The bedtime that gives ``in_bed_min`` minutes in bed before ``wake``."""
    minutes = (_clock_minutes(wake) - in_bed_min) % (24 * 60)
    return dt.time(minutes // 60, minutes % 60)


def _clock_minutes(clock: dt.time) -> int:
    return clock.hour * 60 + clock.minute


def _hours(minutes: int) -> str:
    return f"{minutes // 60} h {minutes % 60:02d}"


def _next_window(
    in_bed: int, week_nights: list[DiaryNight], week: int
) -> tuple[int, float | None, str]:
    """The next week's time in bed from the week just ended: (minutes, SE, reason)."""
    efficiencies = [n.se_pct for n in week_nights if n.se_pct is not None]
    if len(efficiencies) < MIN_NIGHTS:
        return (
            in_bed,
            None,
            f"only {len(efficiencies)} of week {week}'s nights have a sleep efficiency "
            f"({MIN_NIGHTS} needed): window kept",
        )
    # Rounded first, so the percent shown is the one that decided.
    se = float(round(sum(efficiencies) / len(efficiencies)))
    said = f"week {week}'s sleep efficiency {se:.0f} %"
    if se >= GROW_AT_PCT:
        if in_bed >= CEILING_MIN:
            return in_bed, se, f"{said} (≥ {GROW_AT_PCT} %), already {_hours(CEILING_MIN)}: kept"
        grown = min(in_bed + STEP_MIN, CEILING_MIN)
        return grown, se, f"{said} (≥ {GROW_AT_PCT} %): {grown - in_bed} min longer"
    if se >= KEEP_AT_PCT:
        return in_bed, se, f"{said} ({KEEP_AT_PCT}–{GROW_AT_PCT} %): window kept"
    sleepy = sum(1 for n in week_nights if n.kss is not None and n.kss >= SLEEPY_KSS)
    if sleepy >= SLEEPY_MORNINGS:
        return (
            in_bed,
            se,
            f"{said} (< {KEEP_AT_PCT} %), but sleepiness (KSS ≥ {SLEEPY_KSS}) on {sleepy} "
            "mornings pauses the shortening: window kept",
        )
    if in_bed <= FLOOR_MIN:
        return (
            in_bed,
            se,
            f"{said} (< {KEEP_AT_PCT} %), but the window is at the {_hours(FLOOR_MIN)} floor: kept",
        )
    shrunk = max(in_bed - STEP_MIN, FLOOR_MIN)
    return shrunk, se, f"{said} (< {KEEP_AT_PCT} %): {in_bed - shrunk} min shorter"


def sleep_window(
    nights: Iterable[DiaryNight],
    bedtime: dt.time,
    wake: dt.time,
    start: dt.date,
    tonight: dt.date,
) -> tuple[WeekStep, ...]:
    """Every week's window from ``start`` up to the week holding ``tonight`` (none before start).

    Week ``k`` covers the nights ``start + 7(k-1)`` to ``start + 7k - 1``; its window is decided
    by week ``k-1``'s check-ins only, so a week's window never changes as its nights are logged.
    """
    if tonight < start:
        return ()
    by_night = {n.night: n for n in nights}
    in_bed = in_bed_minutes(bedtime, wake)
    steps = [
        WeekStep(
            week=1,
            first_night=start,
            in_bed_min=in_bed,
            bedtime=bedtime,
            wake=wake,
            se_pct=None,
            change_min=0,
            reason="week 1: the profile's bedtime and wake",
        )
    ]
    weeks = (tonight - start).days // WEEK_NIGHTS + 1
    for week in range(2, weeks + 1):
        first = start + dt.timedelta(days=WEEK_NIGHTS * (week - 1))
        previous = [
            by_night[night]
            for night in (first - dt.timedelta(days=d) for d in range(WEEK_NIGHTS, 0, -1))
            if night in by_night
        ]
        new_in_bed, se, reason = _next_window(in_bed, previous, week - 1)
        steps.append(
            WeekStep(
                week=week,
                first_night=first,
                in_bed_min=new_in_bed,
                bedtime=bedtime_for(wake, new_in_bed),
                wake=wake,
                se_pct=se,
                change_min=new_in_bed - in_bed,
                reason=reason,
            )
        )
        in_bed = new_in_bed
    return tuple(steps)


CONTRAINDICATIONS = (
    "bipolar disorder",
    "seizures (epilepsy)",
    "untreated sleep apnoea",
    "parasomnias (sleepwalking, night terrors, REM sleep behaviour disorder)",
    "a job or driving where drowsiness is dangerous",
)
SOURCE = (
    "Source (occupations where drowsiness is dangerous): Chawla J, Medscape, 'What is "
    "sleep-restriction therapy for insomnia?' (2018); daytime sleepiness: Kyle SD et al., "
    "Sleep 2014, doi:10.5665/sleep.3386. See docs/sleep-window.md."
)
OPT_IN = (
    "The sleep window is off. To opt in, add to your profile:\n"
    "  [sleep_window]\n  enabled = true\n  start = YYYY-MM-DD   # the first night of the window"
)


def window_json(enabled: bool, steps: tuple[WeekStep, ...]) -> dict[str, Any]:
    """``sleepplan window --json``: the current week's window and every week's step."""
    current = steps[-1] if steps else None
    return {
        "enabled": enabled,
        "se_7d": current.se_pct if current else None,
        "in_bed_min": current.in_bed_min if current else None,
        "bedtime": current.bedtime.strftime("%H:%M") if current else None,
        "wake": current.wake.strftime("%H:%M") if current else None,
        "reason": current.reason if current else None,
        "steps": [
            {
                "week": s.week,
                "first_night": s.first_night.isoformat(),
                "in_bed_min": s.in_bed_min,
                "bedtime": s.bedtime.strftime("%H:%M"),
                "wake": s.wake.strftime("%H:%M"),
                "se_pct": s.se_pct,
                "change_min": s.change_min,
                "reason": s.reason,
            }
            for s in steps
        ],
    }


def summary_line(step: WeekStep) -> str:
    """One line: "Sleep window: in bed 23:45–07:00 (week 3: …)"."""
    return (
        f"Sleep window: in bed {step.bedtime:%H:%M}–{step.wake:%H:%M} "
        f"({_hours(step.in_bed_min)}; {step.reason})"
    )


def window_text(enabled: bool, steps: tuple[WeekStep, ...], start: dt.date | None) -> str:
    """``sleepplan window``: the window, this week's reason, the contraindications, the source."""
    lines: list[str] = []
    if not enabled:
        lines.append(OPT_IN)
    elif not steps:
        lines.append(f"The sleep window starts on the night of {start}.")
    else:
        lines.append(summary_line(steps[-1]))
        lines.append("Week by week:")
        lines.extend(
            f"  week {s.week} from {s.first_night}: {s.bedtime:%H:%M}–{s.wake:%H:%M} "
            f"({_hours(s.in_bed_min)}) — {s.reason}"
            for s in steps
        )
    lines.append("Do not restrict your time in bed if you have any of these; ask a clinician:")
    lines.extend(f"  - {item}" for item in CONTRAINDICATIONS)
    lines.append("Not medical advice.")
    lines.append(SOURCE)
    return "\n".join(lines)
