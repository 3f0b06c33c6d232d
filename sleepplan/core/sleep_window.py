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
from typing import TYPE_CHECKING, Any, Literal

from sleepplan.core import timing

if TYPE_CHECKING:
    from sleepplan.core.profile import SleepWindowSettings

STEP_MIN = 15
FLOOR_MIN = 5 * 60
CEILING_MIN = 12 * 60  # a window never grows past 12 h: beyond that nothing is restricted
GROW_AT_PCT = 90
KEEP_AT_PCT = 85
WEEK_NIGHTS = 7
MIN_NIGHTS = 5
SLEEPY_KSS = 7
SLEEPY_MORNINGS = 3

Decision = Literal["start", "longer", "kept", "shorter", "paused", "floor", "ceiling", "too_few"]
"""What decided a week's window: week 1's start, or the step the week before earned."""


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
    decision: Decision = "start"
    """The rule that applied, for a short summary (``reason`` says it in full)."""


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
) -> tuple[int, float | None, str, Decision]:
    """The next week's time in bed from the week just ended: (minutes, SE, reason, decision)."""
    efficiencies = [n.se_pct for n in week_nights if n.se_pct is not None]
    if len(efficiencies) < MIN_NIGHTS:
        return (
            in_bed,
            None,
            f"only {len(efficiencies)} of week {week}'s nights have a sleep efficiency "
            f"({MIN_NIGHTS} needed): window kept",
            "too_few",
        )
    # Rounded first, so the percent shown is the one that decided.
    se = float(round(sum(efficiencies) / len(efficiencies)))
    said = f"week {week}'s sleep efficiency {se:.0f} %"
    if se >= GROW_AT_PCT:
        if in_bed >= CEILING_MIN:
            said += f" (≥ {GROW_AT_PCT} %), already {_hours(CEILING_MIN)}: kept"
            return in_bed, se, said, "ceiling"
        grown = min(in_bed + STEP_MIN, CEILING_MIN)
        return grown, se, f"{said} (≥ {GROW_AT_PCT} %): {grown - in_bed} min longer", "longer"
    if se >= KEEP_AT_PCT:
        return in_bed, se, f"{said} ({KEEP_AT_PCT}–{GROW_AT_PCT} %): window kept", "kept"
    sleepy = sum(1 for n in week_nights if n.kss is not None and n.kss >= SLEEPY_KSS)
    if sleepy >= SLEEPY_MORNINGS:
        return (
            in_bed,
            se,
            f"{said} (< {KEEP_AT_PCT} %), but sleepiness (KSS ≥ {SLEEPY_KSS}) on {sleepy} "
            "mornings pauses the shortening: window kept",
            "paused",
        )
    if in_bed <= FLOOR_MIN:
        return (
            in_bed,
            se,
            f"{said} (< {KEEP_AT_PCT} %), but the window is at the {_hours(FLOOR_MIN)} floor: kept",
            "floor",
        )
    shrunk = max(in_bed - STEP_MIN, FLOOR_MIN)
    return shrunk, se, f"{said} (< {KEEP_AT_PCT} %): {in_bed - shrunk} min shorter", "shorter"


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
        new_in_bed, se, reason, decision = _next_window(in_bed, previous, week - 1)
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
                decision=decision,
            )
        )
        in_bed = new_in_bed
    return tuple(steps)


def is_on(settings: SleepWindowSettings | None) -> bool:
    """Whether the profile follows a window (opted in, with its first night)."""
    return settings is not None and settings.followed


def profile_window(
    settings: SleepWindowSettings | None,
    records: Iterable[Mapping[str, Any]],
    bedtime: dt.time,
    wake: dt.time,
    tonight: dt.date,
) -> tuple[WeekStep, ...]:
    """The profile's window week by week from its check-in records; none while it is off."""
    if settings is None or not settings.enabled or settings.start is None:
        return ()
    nights = [DiaryNight.from_record(record) for record in records]
    return sleep_window(nights, bedtime, wake, settings.start, tonight)


def first_night(now: dt.datetime, bedtime: dt.time, wake: dt.time, zone_name: str) -> dt.date:
    """The first night not begun at ``now``: tonight, or the next one once its bedtime passed.

    A window switched on starts there, so no night is counted that was not planned with it.
    """
    night = timing.tonight(timing.in_zone(now, zone_name), wake)
    begins, _ = timing.night_bounds(night, bedtime, wake, zone_name)
    if timing.utc(now) >= timing.utc(begins):
        night += dt.timedelta(days=1)
    return night


_SAID = {
    "longer": "{se} → {change} min longer",
    "kept": "{se} → kept",
    "shorter": "{se} → {change} min shorter",
    "paused": "{se}, sleepy → kept",
    "floor": f"{{se}} → kept ({FLOOR_MIN // 60} h floor)",
    "ceiling": f"{{se}} → kept ({CEILING_MIN // 60} h ceiling)",
}


def summary_line(step: WeekStep) -> str:
    """This week's window and what last week did to it, in one line that fits 80 columns.

    "Sleep window 23:45–06:30 (6 h 45) · last week SE 87 % → kept"; the reason in full is
    ``step.reason``.
    """
    window = f"Sleep window {step.bedtime:%H:%M}–{step.wake:%H:%M} ({_hours(step.in_bed_min)})"
    if step.decision == "start":
        return f"{window} · week 1: your usual times"
    if step.decision == "too_few" or step.se_pct is None:
        return f"{window} · last week too few nights logged → kept"
    said = _SAID[step.decision].format(se=f"SE {step.se_pct:.0f} %", change=abs(step.change_min))
    return f"{window} · last week {said}"


@dataclass(frozen=True, slots=True)
class Contraindication:
    """Who should not restrict their time in bed without a clinician, why, and the source."""

    who: str
    why: str
    cite: str
    """The source in short, for the app (authors, journal, year, PMID or DOI)."""
    source: str
    """The source read for it in full (title, journal, PMID or DOI or URL)."""


CONTRAINDICATIONS = (
    Contraindication(
        "bipolar disorder",
        "sleep loss can bring on hypomanic or manic symptoms",
        "Kaplan & Harvey, Am J Psychiatry 2013, PMID 23820830",
        "Kaplan KA, Harvey AG. Behavioral treatment of insomnia in bipolar disorder. "
        "Am J Psychiatry 2013;170(7):716-720. PMID 23820830",
    ),
    Contraindication(
        "seizures (epilepsy)",
        "sleep loss is a possible seizure trigger",
        "Malow, Epilepsy Curr 2004, PMID 16059497",
        "Malow BA. Sleep deprivation and epilepsy. Epilepsy Curr 2004;4(5):193-195. PMID 16059497",
    ),
    Contraindication(
        "untreated sleep apnoea",
        "less time in bed may worsen the daytime sleepiness apnoea brings",
        "Sweetman et al., Sleep 2020;43(7):zsaa002",
        "Sweetman A et al. CBT for insomnia and week-to-week sleepiness in comorbid insomnia "
        "and sleep apnea: a randomized controlled trial. Sleep 2020;43(7):zsaa002. "
        "https://digital.library.adelaide.edu.au/dspace/handle/2440/131577",
    ),
    Contraindication(
        "parasomnias (such as sleepwalking)",
        "sleep loss brings on sleepwalking in people prone to it",
        "Zadra et al., Ann Neurol 2008, PMID 18351640",
        "Zadra A, Pilon M, Montplaisir J. Polysomnographic diagnosis of sleepwalking: effects "
        "of sleep deprivation. Ann Neurol 2008;63(4):513-519. PMID 18351640",
    ),
    Contraindication(
        "a job or driving where drowsiness is dangerous",
        "the first weeks make you sleepier and less vigilant by day",
        "Chawla, Medscape 2018; Kyle et al., Sleep 2014, doi:10.5665/sleep.3386",
        "Chawla J. What is sleep-restriction therapy for insomnia? Medscape (2018), "
        "https://www.medscape.com/answers/1187829-70570/what-is-sleep-restriction-therapy-for-"
        "insomnia; Kyle SD et al. Sleep 2014, doi:10.5665/sleep.3386",
    ),
)
"""Shown before the window starts (design §16); docs/sleep-window.md says what each backs."""

SLEEPINESS_CHECK = (
    f"Very sleepy mornings (KSS {SLEEPY_KSS} or more) on {SLEEPY_MORNINGS} or more days of a "
    "week pause any shortening of the window."
)
SLEEPINESS_CITE = "Kyle et al., Sleep 2014, doi:10.5665/sleep.3386"
SLEEPINESS_SOURCE = (
    "Kyle SD et al. Sleep restriction therapy for insomnia is associated with reduced objective "
    "total sleep time, increased daytime somnolence, and objectively impaired vigilance. "
    "Sleep 2014. doi:10.5665/sleep.3386"
)
