"""core/objective.py: the night-of rule, flattening epochs, summarising a night, its JSON."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest

from sleepplan.core.objective import (
    NIGHT_KEYS,
    Epoch,
    ObjectiveNight,
    flatten,
    looks_like_nap,
    night_json,
    night_of,
    summarise,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def at(day: int, hour: int, minute: int = 0, month: int = 3, tz: dt.tzinfo = BERLIN) -> dt.datetime:
    return dt.datetime(2023, month, day, hour, minute, tzinfo=tz)


def minutes_after(start: dt.datetime, minutes: float) -> dt.datetime:
    return (start.astimezone(UTC) + dt.timedelta(minutes=minutes)).astimezone(start.tzinfo)


# night_of ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "night"),
    [
        (at(20, 23, 30), dt.date(2023, 3, 20)),  # before midnight: that evening
        (at(21, 0, 30), dt.date(2023, 3, 20)),  # after midnight: the evening before
        (at(21, 11, 59), dt.date(2023, 3, 20)),  # still the morning
        (at(21, 12, 0), dt.date(2023, 3, 21)),  # from noon: a new night
    ],
)
def test_night_of_across_midnight(start: dt.datetime, night: dt.date) -> None:
    assert night_of(start, "Europe/Berlin") == night


def test_night_of_is_taken_in_the_profiles_zone() -> None:
    # 23:30 UTC is 00:30 in Berlin (the night before) and 19:30 in New York (that evening).
    start = dt.datetime(2023, 3, 20, 23, 30, tzinfo=UTC)
    assert night_of(start, "Europe/Berlin") == dt.date(2023, 3, 20)
    assert night_of(start, "America/New_York") == dt.date(2023, 3, 20)
    assert night_of(dt.datetime(2023, 3, 21, 11, 30, tzinfo=UTC), "Asia/Tokyo") == dt.date(
        2023, 3, 21
    )


def test_night_of_across_dst_changes() -> None:
    # Spring forward in Berlin (26 March 2023, 02:00 -> 03:00): 00:30 UTC is 01:30 CET and
    # 01:30 UTC is 03:30 CEST, both the night of the 25th.
    assert night_of(dt.datetime(2023, 3, 26, 0, 30, tzinfo=UTC), "Europe/Berlin") == dt.date(
        2023, 3, 25
    )
    assert night_of(dt.datetime(2023, 3, 26, 1, 30, tzinfo=UTC), "Europe/Berlin") == dt.date(
        2023, 3, 25
    )
    # Fall back (29 October 2023): 10:30 UTC is 11:30 CET (morning); 11:00 UTC is noon.
    assert night_of(dt.datetime(2023, 10, 29, 10, 30, tzinfo=UTC), "Europe/Berlin") == dt.date(
        2023, 10, 28
    )
    assert night_of(dt.datetime(2023, 10, 29, 11, 0, tzinfo=UTC), "Europe/Berlin") == dt.date(
        2023, 10, 29
    )


# looks_like_nap ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "nap"),
    [
        (at(21, 13, 40), 2.0, True),  # an early-afternoon nap
        (at(21, 11, 20), 3.5, True),  # a long daytime nap
        (at(21, 7, 40), 0.9, True),  # a doze after getting up
        (at(21, 3, 40), 3.0, False),  # a short night after a late bedtime
        (at(20, 22, 10), 1.2, False),  # the first block of a split night
        (at(21, 13, 0), 5.0, False),  # a day sleep after a night shift
        (at(21, 20, 30), 1.0, False),  # an evening doze belongs to the night
    ],
)
def test_looks_like_nap_by_length_and_time_of_day(
    start: dt.datetime, hours: float, nap: bool
) -> None:
    assert looks_like_nap(start, minutes_after(start, hours * 60), "Europe/Berlin") is nap


def test_looks_like_nap_reads_the_clock_in_the_profiles_zone() -> None:
    start = dt.datetime(2023, 3, 21, 13, 0, tzinfo=UTC)  # 14:00 in Berlin, 02:00 in Auckland
    end = minutes_after(start, 60)
    assert looks_like_nap(start, end, "Europe/Berlin")
    assert not looks_like_nap(start, end, "Pacific/Auckland")


# flatten -----------------------------------------------------------------------------------


def test_flatten_gives_rem_nested_in_deep_its_own_span() -> None:
    start = at(20, 23, 0)
    deep = Epoch(start, minutes_after(start, 90), "deep")
    rem = Epoch(minutes_after(start, 30), minutes_after(start, 60), "rem")
    flat = flatten([deep, rem])
    assert [(e.stage, e.minutes) for e in flat] == [("deep", 30), ("rem", 30), ("deep", 30)]


def test_flatten_merges_touching_spans_of_one_stage_and_keeps_order() -> None:
    start = at(20, 23, 0)
    spans = [
        Epoch(minutes_after(start, 20), minutes_after(start, 40), "light"),
        Epoch(start, minutes_after(start, 20), "light"),
        Epoch(minutes_after(start, 40), minutes_after(start, 50), "awake"),
    ]
    flat = flatten(spans)
    assert [(e.stage, e.minutes) for e in flat] == [("light", 40), ("awake", 10)]
    assert flat[0].start == start


def test_flatten_drops_empty_and_backwards_spans() -> None:
    start = at(20, 23, 0)
    assert (
        flatten([Epoch(start, start, "light"), Epoch(minutes_after(start, 5), start, "rem")]) == []
    )


def test_flatten_across_the_fall_back_hour_measures_real_minutes() -> None:
    # 29 October 2023 in Berlin: 02:30 CEST, then an hour later 02:30 CET again.
    start = dt.datetime(2023, 10, 29, 0, 0, tzinfo=UTC).astimezone(BERLIN)  # 02:00 CEST
    end = minutes_after(start, 120)  # 03:00 CET
    flat = flatten([Epoch(start, end, "light")])
    assert flat[0].minutes == 120


# summarise ---------------------------------------------------------------------------------


def test_summarise_a_known_night() -> None:
    in_bed = at(20, 23, 0)

    def m(minutes: float) -> dt.datetime:
        return minutes_after(in_bed, minutes)

    epochs = [
        Epoch(m(0), m(20), "awake"),  # latency
        Epoch(m(20), m(80), "light"),
        Epoch(m(80), m(170), "deep"),
        Epoch(m(100), m(130), "rem"),  # nested in deep
        Epoch(m(170), m(185), "awake"),  # the one awakening
        Epoch(m(185), m(400), "light"),
        Epoch(m(400), m(460), "rem"),
        Epoch(m(460), m(470), "awake"),  # after the final wake
    ]
    result = summarise(epochs, in_bed=in_bed, out_of_bed=m(480))
    assert result["sleep_onset"] == m(20)
    assert result["final_wake"] == m(460)
    assert result["latency_min"] == 20
    assert result["waso_min"] == 15
    assert result["awakenings"] == 1
    assert result["light_min"] == 60 + 215
    assert result["deep_min"] == 90 - 30
    assert result["rem_min"] == 30 + 60
    assert result["awake_min"] == 20 + 15 + 10
    assert result["asleep_min"] == 275 + 60 + 90
    assert result["in_bed"] == in_bed and result["out_of_bed"] == m(480)


def test_summarise_counts_zero_minutes_as_floats() -> None:
    start = at(20, 23, 0)
    result = summarise([Epoch(start, minutes_after(start, 60), "light")])
    assert result["waso_min"] == 0.0 and isinstance(result["waso_min"], float)
    assert isinstance(result["awake_min"], float) and isinstance(result["rem_min"], float)


def test_unstaged_night_gives_none_stage_minutes() -> None:
    start = at(20, 23, 0)
    result = summarise(
        [
            Epoch(start, minutes_after(start, 200), "asleep"),
            Epoch(minutes_after(start, 200), minutes_after(start, 210), "awake"),
            Epoch(minutes_after(start, 210), minutes_after(start, 400), "asleep"),
        ]
    )
    assert result["asleep_min"] == 390
    assert result["light_min"] is None and result["deep_min"] is None
    assert result["rem_min"] is None
    assert result["awakenings"] == 1 and result["waso_min"] == 10


def test_summarise_without_sleep() -> None:
    start = at(20, 23, 0)
    assert summarise([])["asleep_min"] is None
    assert summarise([Epoch(start, minutes_after(start, 30), "awake")])["asleep_min"] == 0.0


# night_json --------------------------------------------------------------------------------


def test_night_json_keys_and_iso_format() -> None:
    night = ObjectiveNight(
        night=dt.date(2023, 3, 20),
        source="withings",
        record_id="x",
        in_bed=at(20, 23, 10),
        final_wake=at(21, 6, 55),
        asleep_min=420.5,
        awakenings=2,
    )
    data = night_json(night)
    assert tuple(data) == NIGHT_KEYS
    assert data["night"] == "2023-03-20"
    assert data["in_bed"] == "2023-03-20T23:10:00+01:00"
    assert data["final_wake"] == "2023-03-21T06:55:00+01:00"
    assert data["sleep_onset"] is None and data["rem_min"] is None
    assert data["nap"] is False and data["asleep_min"] == 420.5
    assert "record_id" not in data and "epochs" not in data
    assert json.loads(json.dumps(data)) == data
