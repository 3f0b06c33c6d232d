from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sleepplan.core import timing


@pytest.mark.parametrize(
    ("text", "expected"),
    [("23:00", dt.time(23, 0)), ("7:05", dt.time(7, 5)), ("00:00", dt.time(0, 0))],
)
def test_parse_clock_accepts_hh_mm(text: str, expected: dt.time) -> None:
    assert timing.parse_clock(text) == expected


@pytest.mark.parametrize("text", ["24:00", "23:60", "11pm", "", "1:2", 2300])
def test_parse_clock_refuses_what_is_not_a_time(text: object) -> None:
    with pytest.raises(ValueError):
        timing.parse_clock(text)


def test_parse_clock_accepts_toml_local_time_and_drops_seconds() -> None:
    assert timing.parse_clock(dt.time(22, 15, 30)) == dt.time(22, 15)


@pytest.mark.parametrize(
    ("bedtime", "expected_date"),
    [
        (dt.time(23, 0), dt.date(2026, 11, 23)),
        (dt.time(12, 0), dt.date(2026, 11, 23)),
        (dt.time(0, 30), dt.date(2026, 11, 24)),
        (dt.time(11, 59), dt.date(2026, 11, 24)),
    ],
)
def test_night_of_rule(bedtime: dt.time, expected_date: dt.date) -> None:
    assert timing.bedtime_date(dt.date(2026, 11, 23), bedtime) == expected_date


# (zone, local date, local time, expected ISO instant) — RFC 5545: gap → later by the gap;
# fold → first occurrence.
DST_CASES = [
    ("Europe/Berlin", dt.date(2026, 3, 29), dt.time(2, 30), "2026-03-29T03:30:00+02:00"),
    ("Europe/Berlin", dt.date(2026, 10, 25), dt.time(2, 30), "2026-10-25T02:30:00+02:00"),
    ("America/New_York", dt.date(2026, 3, 8), dt.time(2, 15), "2026-03-08T03:15:00-04:00"),
    ("America/New_York", dt.date(2026, 11, 1), dt.time(1, 30), "2026-11-01T01:30:00-04:00"),
    # Lord Howe Island shifts by 30 minutes.
    ("Australia/Lord_Howe", dt.date(2026, 10, 4), dt.time(2, 10), "2026-10-04T02:40:00+11:00"),
    ("Australia/Lord_Howe", dt.date(2026, 4, 5), dt.time(1, 45), "2026-04-05T01:45:00+11:00"),
    ("Europe/London", dt.date(2026, 3, 29), dt.time(1, 30), "2026-03-29T02:30:00+01:00"),
    ("UTC", dt.date(2026, 3, 29), dt.time(2, 30), "2026-03-29T02:30:00+00:00"),
]


@pytest.mark.parametrize(("zone", "day", "clock", "expected"), DST_CASES)
def test_resolve_local_follows_rfc5545(
    zone: str, day: dt.date, clock: dt.time, expected: str
) -> None:
    assert timing.resolve_local(day, clock, zone).isoformat() == expected


@pytest.mark.parametrize(
    ("zone", "night", "bedtime", "wake", "hours_in_bed"),
    [
        ("Europe/Berlin", dt.date(2026, 3, 28), dt.time(23, 0), dt.time(7, 0), 7.0),
        ("Europe/Berlin", dt.date(2026, 10, 24), dt.time(23, 0), dt.time(7, 0), 9.0),
        ("America/New_York", dt.date(2026, 3, 7), dt.time(22, 30), dt.time(6, 30), 7.0),
        ("America/New_York", dt.date(2026, 10, 31), dt.time(22, 30), dt.time(6, 30), 9.0),
        ("Australia/Lord_Howe", dt.date(2026, 10, 3), dt.time(23, 0), dt.time(7, 0), 7.5),
        ("Australia/Lord_Howe", dt.date(2026, 4, 4), dt.time(23, 0), dt.time(7, 0), 8.5),
        ("Europe/Berlin", dt.date(2026, 11, 23), dt.time(23, 0), dt.time(7, 0), 8.0),
        # A bedtime after midnight belongs to the night before.
        ("Europe/Berlin", dt.date(2026, 11, 23), dt.time(1, 30), dt.time(9, 0), 7.5),
        # A night shift: sleep in the day.
        ("Europe/Berlin", dt.date(2026, 11, 23), dt.time(8, 0), dt.time(15, 0), 7.0),
    ],
)
def test_night_bounds_are_real_elapsed_time(
    zone: str, night: dt.date, bedtime: dt.time, wake: dt.time, hours_in_bed: float
) -> None:
    start, end = timing.night_bounds(night, bedtime, wake, zone)
    assert timing.seconds_between(start, end) / 3600 == hours_in_bed
    assert start.time().replace(second=0) == bedtime or start.date() != night


def test_bedtime_after_midnight_falls_on_the_next_date() -> None:
    start, end = timing.night_bounds(
        dt.date(2026, 11, 23), dt.time(0, 30), dt.time(8, 0), "Europe/Berlin"
    )
    assert start.isoformat() == "2026-11-24T00:30:00+01:00"
    assert end.isoformat() == "2026-11-24T08:00:00+01:00"


def test_bedtime_in_the_spring_gap_moves_later() -> None:
    start, _ = timing.night_bounds(
        dt.date(2026, 3, 28), dt.time(2, 30), dt.time(9, 0), "Europe/Berlin"
    )
    assert start.isoformat() == "2026-03-29T03:30:00+02:00"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-11-23T21:00:00+01:00", dt.date(2026, 11, 23)),
        ("2026-11-23T09:00:00+01:00", dt.date(2026, 11, 23)),
        ("2026-11-24T02:00:00+01:00", dt.date(2026, 11, 23)),
    ],
)
def test_tonight(now: str, expected: dt.date) -> None:
    assert timing.tonight(dt.datetime.fromisoformat(now), dt.time(7, 0)) == expected


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "/etc/localtime"])
def test_unknown_zone_is_a_value_error(name: str) -> None:
    with pytest.raises(ValueError):
        timing.zone(name)


@given(
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2037, 12, 31)),
    bed=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    wake=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]),
)
def test_wake_is_always_after_bedtime_and_within_a_day(
    day: dt.date, bed: dt.time, wake: dt.time, zone: str
) -> None:
    start, end = timing.night_bounds(day, bed, wake, zone)
    hours = timing.seconds_between(start, end) / 3600
    assert 0 < hours <= 25


BERLIN = "Europe/Berlin"


def test_shift_and_seconds_between_are_real_time_across_spring_forward() -> None:
    # 2026-03-29 in Berlin: 02:00 +01:00 jumps to 03:00 +02:00.
    start = timing.resolve_local(dt.date(2026, 3, 29), dt.time(1, 30), BERLIN)
    later = timing.shift(start, minutes=60)
    assert later.isoformat() == "2026-03-29T03:30:00+02:00"
    assert later.tzinfo is timing.zone(BERLIN)
    assert timing.seconds_between(start, later) == 3600
    assert timing.minutes_between(start, later) == 60
    assert timing.shift(later, hours=-1).isoformat() == start.isoformat()
    assert timing.seconds_between(later, start) == -3600


def test_shift_and_seconds_between_are_real_time_across_fall_back() -> None:
    # 2026-10-25 in Berlin: 03:00 +02:00 falls back to 02:00 +01:00, so 02:30 happens twice.
    start = timing.resolve_local(dt.date(2026, 10, 25), dt.time(1, 30), BERLIN)
    first = timing.shift(start, minutes=60)
    second = timing.shift(start, minutes=120)
    assert first.isoformat() == "2026-10-25T02:30:00+02:00"
    assert second.isoformat() == "2026-10-25T02:30:00+01:00"
    assert timing.seconds_between(first, second) == 3600
    assert timing.seconds_between(start, second) == 7200
    assert timing.shift(second, minutes=30).isoformat() == "2026-10-25T03:00:00+01:00"
    # The trap the helpers avoid: Python subtracts two times in one zone by their wall clocks.
    assert second - first == dt.timedelta(0)


def test_in_zone_keeps_the_instant() -> None:
    utc = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    local = timing.in_zone(utc, BERLIN)
    assert local.isoformat() == "2026-03-29T03:30:00+02:00"
    assert local.tzinfo is timing.zone(BERLIN)
    assert timing.seconds_between(utc, local) == 0


def test_resolve_local_shows_the_wall_clock_after_a_gap() -> None:
    instant = timing.resolve_local(dt.date(2026, 3, 29), dt.time(2, 30), BERLIN)
    assert (instant.hour, instant.minute) == (3, 30)
    assert instant.tzinfo is timing.zone(BERLIN)


@given(
    start=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2037, 12, 31)),
    seconds=st.integers(min_value=-3 * 86400, max_value=3 * 86400),
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]),
)
def test_shift_then_seconds_between_round_trips(
    start: dt.datetime, seconds: int, zone: str
) -> None:
    instant = timing.in_zone(start.replace(tzinfo=dt.UTC), zone)
    moved = timing.shift(instant, seconds=seconds)
    assert timing.seconds_between(instant, moved) == seconds
    assert moved.tzinfo is instant.tzinfo
