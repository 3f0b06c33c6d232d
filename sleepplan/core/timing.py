"""Clock times on real nights: the night-of rule, DST gaps and folds, absolute arithmetic.

Design §4. Local times follow RFC 5545: a time inside a spring-forward gap is read with the
offset before the gap (so 02:30 becomes 03:30), and a time that occurs twice is the first one.
Python's ``zoneinfo`` with ``fold=0`` has exactly these semantics (PEP 495).

Instants are aware ``datetime`` objects in the night's zone, so they print as the wall clock the
user sees. Beware: for two datetimes with the same ``tzinfo``, Python's operators work on the
wall clock and ignore ``fold`` and any DST change between them. On a fall-back night 01:45 EDT
and 01:20 EST compare as 01:45 > 01:20, though 01:20 EST comes 35 minutes later. So instants
are never compared, sorted, subtracted or added to with the operators. One rule, everywhere:

- compare ``utc(a)`` with ``utc(b)``; sort and take ``min``/``max`` with ``key=utc``;
- measure with ``seconds_between``/``minutes_between`` and move with ``shift``.

All of them go through UTC, which keeps "60 minutes before bedtime" 60 real minutes and the
order of two instants their real order on every night of the year.

The calendar ends at years 1 and 9999, and a night reaches past its date (the morning after, a
year of cycling budgets before it, the zone's offset): nights are planned from ``FIRST_NIGHT``
to ``LAST_NIGHT``, and ``parse_date``/``check_night`` refuse others with a plain message.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import lru_cache

NOON = dt.time(12, 0)
FIRST_NIGHT = dt.date(2, 1, 1)
"""The first night sleepplan plans: a year of cycling budgets before it still fits the calendar."""
LAST_NIGHT = dt.date(9998, 12, 31)
"""The last night sleepplan plans: its morning and any zone's offset still fit the calendar."""
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_clock(value: object) -> dt.time:
    """Read ``"HH:MM"`` (or a TOML local time) as a clock time; raise ``ValueError`` if invalid."""
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            raise ValueError('a clock time has no offset; write it as "HH:MM"')
        return value.replace(second=0, microsecond=0)
    if not isinstance(value, str):
        raise ValueError('expected a time as "HH:MM"')
    match = _CLOCK.match(value.strip())
    if not match:
        raise ValueError(f'expected a time as "HH:MM", got {value!r}')
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"{value!r} is not a time of day (00:00 to 23:59)")
    return dt.time(hour, minute)


def format_clock(value: dt.time) -> str:
    """Write a clock time as ``"HH:MM"``."""
    return f"{value.hour:02d}:{value.minute:02d}"


@lru_cache(maxsize=64)
def zone(name: str) -> zoneinfo.ZoneInfo:
    """The IANA zone with this name; ``ValueError`` if there is none."""
    if not name or name.startswith(("/", ".")) or ".." in name:
        raise ValueError(f"{name!r} is not an IANA time zone")
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)"
        ) from None


def resolve_local(day: dt.date, clock: dt.time, zone_name: str) -> dt.datetime:
    """The instant a local date and clock time denote in a zone, per RFC 5545.

    The result is normalised into the zone, so a time in a spring-forward gap reads as the
    wall clock after the gap (02:30 becomes 03:30).
    """
    tz = zone(zone_name)
    naive = dt.datetime.combine(day, clock).replace(fold=0)
    # The round trip through UTC turns a gap time (which zoneinfo reads with the offset before
    # the gap) into the real wall clock, and sets fold for the second of a repeated hour.
    return naive.replace(tzinfo=tz).astimezone(dt.UTC).astimezone(tz)


def in_zone(instant: dt.datetime, zone_name: str) -> dt.datetime:
    """The same instant on the wall clock of another zone; ``ValueError`` past the calendar."""
    try:
        return instant.astimezone(zone(zone_name))
    except OverflowError:
        # Near 0001-01-01 or 9999-12-31 the other wall clock falls off the calendar.
        raise ValueError(
            f"{instant.isoformat()} falls outside the calendar (years 1 to 9999) in {zone_name}"
        ) from None


def utc(instant: dt.datetime) -> dt.datetime:
    """The instant in UTC: what to compare, sort by and take ``min``/``max`` of (see above)."""
    return instant.astimezone(dt.UTC)


def shift(
    instant: dt.datetime, *, hours: float = 0, minutes: float = 0, seconds: float = 0
) -> dt.datetime:
    """The instant this much real time later (earlier when negative), in the same zone."""
    delta = dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)
    # Through UTC: a bare ``instant + delta`` would move the wall clock instead.
    return (instant.astimezone(dt.UTC) + delta).astimezone(instant.tzinfo)


def seconds_between(start: dt.datetime, end: dt.datetime) -> float:
    """Real elapsed seconds from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    # Through UTC: with one tzinfo on both sides ``end - start`` is a wall-clock difference.
    return (utc(end) - utc(start)).total_seconds()


def bedtime_date(night: dt.date, bedtime: dt.time) -> dt.date:
    """The calendar date of a bedtime on the night of ``night``.

    A bedtime from 12:00 to 23:59 falls on the night's date, one from 00:00 to 11:59 on the next.
    """
    return night if bedtime >= NOON else night + dt.timedelta(days=1)


def night_bounds(
    night: dt.date, bedtime: dt.time, wake: dt.time, zone_name: str
) -> tuple[dt.datetime, dt.datetime]:
    """Bedtime and wake as instants; wake is the first wake clock time after bedtime."""
    start = resolve_local(bedtime_date(night, bedtime), bedtime, zone_name)
    day = start.date()
    end = resolve_local(day, wake, zone_name)
    while utc(end) <= utc(start):
        day = day + dt.timedelta(days=1)
        end = resolve_local(day, wake, zone_name)
    return start, end


def at_clock_on_night(
    night: dt.date, clock: dt.time, zone_name: str, bedtime: dt.datetime
) -> dt.datetime:
    """An evening clock time (such as dinner) on the night, the last one not after bedtime."""
    day = bedtime.date()
    instant = resolve_local(day, clock, zone_name)
    if utc(instant) > utc(bedtime):
        instant = resolve_local(day - dt.timedelta(days=1), clock, zone_name)
    return instant


def tonight(now: dt.datetime, wake: dt.time) -> dt.date:
    """The night a user means by "tonight" at ``now`` (already in their zone).

    In the small hours before their wake time they are still in last night; otherwise tonight
    is the night of today's date.
    """
    local = now.time()
    if local < NOON and local < wake:
        return now.date() - dt.timedelta(days=1)
    return now.date()


def minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    """Real elapsed whole minutes from ``start`` to ``end`` (rounded)."""
    return round(seconds_between(start, end) / 60)


def parse_date(value: str) -> dt.date:
    """Read a night's date ``YYYY-MM-DD``; ``ValueError`` with a plain message if it isn't one."""
    try:
        night = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}") from None
    return check_night(night)


def check_night(night: dt.date) -> dt.date:
    """The night itself if sleepplan can plan it; ``ValueError`` naming the range otherwise."""
    if not FIRST_NIGHT <= night <= LAST_NIGHT:
        raise ValueError(
            f"sleepplan plans nights from {FIRST_NIGHT.isoformat()} to {LAST_NIGHT.isoformat()}"
            f", not {night.isoformat()}"
        )
    return night


SHORTEST_NIGHT_MIN = 3 * 60
LONGEST_NIGHT_MIN = 16 * 60
"""A usual night lasts from 3 to 16 hours; bedtime and wake outside that are a typo."""


def night_minutes(bedtime: dt.time, wake: dt.time) -> int:
    """Minutes from bedtime to the next wake clock time (a whole day when they are equal)."""
    start = bedtime.hour * 60 + bedtime.minute
    end = wake.hour * 60 + wake.minute
    return (end - start) % (24 * 60) or 24 * 60


def night_problem(bedtime: dt.time, wake: dt.time) -> str | None:
    """Why a night from ``bedtime`` to ``wake`` is refused (under 3 h or over 16 h), or ``None``."""
    minutes = night_minutes(bedtime, wake)
    if SHORTEST_NIGHT_MIN <= minutes <= LONGEST_NIGHT_MIN:
        return None
    return (
        f"a night from {format_clock(bedtime)} to {format_clock(wake)} lasts "
        f"{minutes // 60} h {minutes % 60:02d}; a night lasts from 3 to 16 hours "
        "(change the wake time or the bedtime)"
    )
