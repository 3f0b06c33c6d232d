"""store/trackers/garmin.py: Garmin Connect's ``*_sleepData.json`` (design §15)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight, Skipped, night_json
from sleepplan.store import trackers
from sleepplan.store.trackers import garmin

FIXTURES = Path(__file__).parent / "fixtures" / "trackers"
FIRST = FIXTURES / "garmin_2023-03-20_2023-03-27_sleepData.json"
SECOND = FIXTURES / "garmin_2023-03-25_2023-04-02_sleepData.json"
SHARED = Path(__file__).parents[2] / "shared" / "trackers"


def read(path: Path, zone: str = "Europe/Berlin") -> list[ObjectiveNight | Skipped]:
    return list(garmin.read(path, zone, None, ()))


def nights(path: Path, zone: str = "Europe/Berlin") -> dict[str, ObjectiveNight]:
    return {n.record_id: n for n in read(path, zone) if isinstance(n, ObjectiveNight)}


def test_sniff_recognises_the_export_by_content() -> None:
    assert garmin.sniff(FIRST.read_bytes())
    assert trackers.detect(FIRST) is garmin
    assert not garmin.sniff(b'[{"calendarDate": "2023-03-21"}]')
    assert not garmin.sniff(b"Id,Tz,From,To")


def test_staged_night_gmt_times_shown_in_the_profiles_zone() -> None:
    night = nights(FIRST)["2023-03-21"]
    assert night.source == "garmin" and not night.nap
    assert night.night == dt.date(2023, 3, 20)
    assert night_json(night)["sleep_onset"] == "2023-03-20T23:10:00+01:00"
    assert night_json(night)["final_wake"] == "2023-03-21T06:40:00+01:00"
    assert (night.light_min, night.deep_min, night.rem_min, night.awake_min) == (240, 90, 100, 20)
    assert night.asleep_min == 430 and night.waso_min == 20
    # The window is Garmin's sleep, not time in bed.
    assert night.in_bed is None and night.out_of_bed is None and night.latency_min is None


def test_unconfirmed_night_is_kept_without_stage_minutes() -> None:
    night = nights(FIRST)["2023-03-22"]
    assert night.light_min is None and night.deep_min is None and night.rem_min is None
    assert night.awake_min is None
    assert night.asleep_min == 8 * 60  # the window, Garmin's only estimate
    assert night.night == dt.date(2023, 3, 21)


def test_record_without_times_is_skipped_with_its_date() -> None:
    skipped = [r for r in read(FIRST) if isinstance(r, Skipped)]
    assert skipped == [Skipped("2023-03-23", "no sleep times (Garmin recorded no sleep window)")]


def test_night_of_across_midnight_and_the_dst_change() -> None:
    # 23:30 GMT on 25 March 2023 is 00:30 CET in Berlin: the night of the 25th; the end,
    # 06:00 GMT on the 26th, is 08:00 CEST after the clocks went forward.
    night = nights(FIRST)["2023-03-26"]
    assert night.night == dt.date(2023, 3, 25)
    assert night_json(night)["sleep_onset"] == "2023-03-26T00:30:00+01:00"
    assert night_json(night)["final_wake"] == "2023-03-26T08:00:00+02:00"
    # In New York the same sleep starts at 19:30 on the 25th: still that night.
    assert nights(FIRST, "America/New_York")["2023-03-26"].night == dt.date(2023, 3, 25)


def test_overlapping_files_give_one_record_per_calendar_date() -> None:
    first, second = nights(FIRST), nights(SECOND)
    # The night both files cover has the same id (and values), so the journal keeps it once.
    assert first["2023-03-26"] == second["2023-03-26"]
    # A date repeated inside one file is read once: the last record wins.
    assert [r.record_id for r in read(SECOND) if isinstance(r, ObjectiveNight)] == [
        "2023-03-26",
        "2023-03-27",
    ]
    assert len(read(SECOND)) == 2
    assert second["2023-03-27"].deep_min == 80


@pytest.mark.parametrize(
    ("content", "place"),
    [
        (b'{"calendarDate": "2023-03-21"}', ""),
        (b"[1, 2]", "record 1"),
        (b'[{"calendarDate": "21.03.2023"}]', "record 1.calendarDate"),
        (
            b'[{"calendarDate": "2023-03-21", "sleepStartTimestampGMT": "soon", '
            b'"sleepEndTimestampGMT": "2023-03-21T05:00:00.0"}]',
            "record 1.sleepStartTimestampGMT",
        ),
        (
            b'[{"calendarDate": "2023-03-21", "sleepStartTimestampGMT": "2023-03-20T22:00:00.0",'
            b' "sleepEndTimestampGMT": "2023-03-21T05:00:00.0", "remSleepSeconds": -5}]',
            "record 1.remSleepSeconds",
        ),
        (b'[{"calendarDate": "2023-03-21",', "line 1, column 32"),
        (b"\xff\xfe[]", ""),
    ],
)
def test_wrong_files_name_the_file_and_the_place(
    tmp_path: Path, content: bytes, place: str
) -> None:
    path = tmp_path / "x_sleepData.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read(path)
    assert caught.value.source == str(path)
    assert caught.value.problems[0][0] == place


def test_a_file_too_large_is_refused_before_it_is_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(garmin, "LARGEST_FILE", 100)
    path = tmp_path / "big_sleepData.json"
    path.write_text("[" + ",".join(["{}"] * 100) + "]")
    with pytest.raises(InputError, match="too large"):
        read(path)


RECORD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["2023-03-21", "2023-03-20T22:10:00.0", "9999-12-31T23:59:59", "UNCONFIRMED"]),
    st.lists(st.integers(), max_size=2),
)
RECORD = st.dictionaries(
    st.sampled_from(
        [
            "calendarDate",
            "sleepStartTimestampGMT",
            "sleepEndTimestampGMT",
            "deepSleepSeconds",
            "lightSleepSeconds",
            "remSleepSeconds",
            "awakeSleepSeconds",
            "sleepWindowConfirmationType",
        ]
    ),
    RECORD_VALUES,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=st.lists(st.one_of(RECORD, RECORD_VALUES), max_size=4), cut=st.integers(0, 400))
def test_hostile_json_shapes_give_an_input_error_or_records(
    tmp_path: Path, records: list[Any], cut: int
) -> None:
    path = tmp_path / "hostile_sleepData.json"
    text = json.dumps(records)
    path.write_text(text[: cut or None])
    try:
        result = read(path)
    except InputError as error:
        assert error.source == str(path)
        return
    for record in result:
        assert isinstance(record, ObjectiveNight | Skipped)
        if isinstance(record, ObjectiveNight):
            json.dumps(night_json(record))


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared tracker samples are not here")
def test_conformance_with_the_real_sample() -> None:
    path = SHARED / "2019-06-29_2019-10-07_123456789_sleepData.json"
    assert trackers.detect(path) is garmin
    found = nights(path, "Europe/Berlin")
    assert set(found) == {"2019-08-04", "2019-08-05"}
    unconfirmed, confirmed = found["2019-08-04"], found["2019-08-05"]
    assert unconfirmed.rem_min is None and unconfirmed.asleep_min == 480
    assert (confirmed.deep_min, confirmed.light_min, confirmed.rem_min) == (10, 324, 141)
    assert confirmed.night == dt.date(2019, 8, 4)
    assert night_json(confirmed)["sleep_onset"] == "2019-08-04T22:28:00+02:00"
