"""The daily .ics: recurring reminders that keep their wall time across a change of the clocks.

Each file is parsed back with icalendar and its RRULE expanded with python-dateutil, using the
offsets of the file's own VTIMEZONE (not the system's zone data).
"""

from __future__ import annotations

import datetime as dt
from itertools import islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rruleset, rrulestr  # type: ignore[import-untyped]
from icalendar import Calendar

from sleepplan.core.planner import NightSettings, Plan, build_plan
from sleepplan.store.exports import export_ics_daily
from tests import factories
from tests.conftest import run_cli

NOW = dt.datetime(2026, 11, 23, 17, 30, tzinfo=dt.UTC)
CATALOG = factories.catalog(factories.compound("melatonin"), factories.compound("glycine"))
ROUTINE = factories.routine(("melatonin", 0.5, -60), ("glycine", 3000, -30), ("melatonin", 1, 0))

# (zone, the night two days before the clocks go forward there in spring 2027)
SPRING = [("Europe/Berlin", dt.date(2027, 3, 26)), ("America/New_York", dt.date(2027, 3, 12))]


def plan_in(zone: str, night: dt.date) -> Plan:
    settings = NightSettings(night, dt.time(23, 0), dt.time(7, 0), dt.time(19, 0), zone)
    return build_plan(ROUTINE, CATALOG, settings)


def occurrences(calendar: Calendar, event: Any, count: int) -> list[dt.datetime]:
    """The event's first ``count`` starts, in the offsets its file's VTIMEZONE gives."""
    tzid = event["dtstart"].params["TZID"]
    [zone] = [tz for tz in calendar.timezones if tz["TZID"] == tzid]
    offsets = zone.to_tz(lookup_tzid=False)  # from the file's VTIMEZONE, not the system's data
    start = event.decoded("dtstart").replace(tzinfo=offsets)
    series = rruleset()
    series.rrule(rrulestr(event["rrule"].to_ical().decode(), dtstart=start))
    exdates = event.get("exdate", [])
    for exdate in exdates if isinstance(exdates, list) else [exdates]:
        for skipped in exdate.dts:
            series.exdate(skipped.dt.replace(tzinfo=offsets))
    return list(islice(series, count))


@pytest.mark.parametrize(("zone", "first_night"), SPRING)
def test_reminders_keep_their_wall_time_across_a_clock_change(
    zone: str, first_night: dt.date
) -> None:
    calendar = Calendar.from_ical(export_ics_daily(plan_in(zone, first_night), "ana", NOW))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(ROUTINE.doses) + 1  # every dose and the morning check-in
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == [zone]
    for event in events:
        assert event["dtstart"].params["TZID"] == zone
        assert event.decoded("rrule")["FREQ"] == ["DAILY"]
        [alarm] = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY"
        starts = occurrences(calendar, event, 4)
        assert len({start.time() for start in starts}) == 1, starts  # one wall time every day
        utc = [start.astimezone(dt.UTC) for start in starts]
        # the clocks go forward on the third night: one day of the four is 23 hours long
        gaps = sorted(later - earlier for earlier, later in zip(utc, utc[1:], strict=False))
        assert gaps == [dt.timedelta(hours=23), dt.timedelta(hours=24), dt.timedelta(hours=24)]
        for start in starts:  # the file's VTIMEZONE agrees with the zone's rules
            assert start.utcoffset() == start.replace(tzinfo=ZoneInfo(zone)).utcoffset()


def test_doses_and_check_in_start_at_their_planned_local_times() -> None:
    plan = plan_in("Europe/Berlin", dt.date(2026, 11, 23))
    calendar = Calendar.from_ical(export_ics_daily(plan, "ana", NOW))
    starts = {str(e["summary"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert starts["Take Melatonin 0.5 mg"].strftime("%H:%M") == "22:00"
    assert starts["Take Glycine 3000 mg"].strftime("%H:%M") == "22:30"
    assert starts["Take Melatonin 1 mg"].strftime("%H:%M") == "23:00"
    checkin = starts["Morning check-in: how did you sleep?"]
    assert (checkin.date(), checkin.strftime("%H:%M")) == (dt.date(2026, 11, 24), "07:00")


def test_uids_are_stable_and_unique_per_profile_and_dose() -> None:
    def uids(profile: str, night: dt.date, now: dt.datetime) -> list[str]:
        data = export_ics_daily(plan_in("Europe/Berlin", night), profile, now)
        return [str(e["uid"]) for e in Calendar.from_ical(data).walk("VEVENT")]

    first = uids("ana", dt.date(2026, 11, 23), NOW)
    # exported again a week later: the same reminders, so the calendar updates them
    later = uids("ana", dt.date(2026, 11, 30), NOW + dt.timedelta(days=7))
    assert first == later
    assert len(set(first)) == len(first) == 4  # melatonin twice: two reminders
    assert not set(first) & set(uids("ben", dt.date(2026, 11, 23), NOW))


def test_skipped_nights_are_left_out_of_that_compound_only() -> None:
    night = dt.date(2026, 11, 23)
    data = export_ics_daily(
        plan_in("Europe/Berlin", night),
        "ana",
        NOW,
        skip_nights={"melatonin": [night.replace(day=25)]},
    )
    calendar = Calendar.from_ical(data)
    for event in calendar.walk("VEVENT"):
        days = [start.day for start in occurrences(calendar, event, 3)]
        melatonin = str(event["summary"]).startswith("Take Melatonin")
        if melatonin:
            assert days == [23, 24, 26]
        elif "check-in" in str(event["summary"]):
            assert days == [24, 25, 26]
        else:
            assert days == [23, 24, 25]


def test_cli_daily_export_and_tonight_without_it(home: Path, tmp_path: Path) -> None:
    daily = tmp_path / "daily.ics"
    result = run_cli(
        "--home", str(home), "export", "--format", "ics", "--daily", "--out", str(daily)
    )
    assert result.returncode == 0, result.stderr
    assert "daily reminders for 3 doses and the morning check-in" in result.stderr
    calendar = Calendar.from_ical(daily.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 4 and all("rrule" in event for event in events)
    # the test environment's system zone (the example profile names none)
    assert {e["dtstart"].params["TZID"] for e in events} == {"Europe/Berlin"}
    tonight = run_cli("--home", str(home), "export", "--format", "ics").stdout
    assert "RRULE" not in tonight and "BEGIN:VEVENT" in tonight


def test_daily_is_only_for_ics(home: Path) -> None:
    result = run_cli("--home", str(home), "export", "--format", "csv", "--daily")
    assert result.returncode == 2
    assert "--daily" in result.stderr and "Traceback" not in result.stderr
