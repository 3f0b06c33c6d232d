"""store/trackers/whoop.py: WHOOP's ``sleeps.csv``, both schemas (design §15)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight, Skipped, chosen_nights, night_json
from sleepplan.store import trackers
from sleepplan.store.trackers import whoop

FIXTURES = Path(__file__).parent / "fixtures" / "trackers"
CURRENT = FIXTURES / "whoop_sleeps.csv"
OLDER = FIXTURES / "whoop_sleeps_2023-schema.csv"
REORDERED = FIXTURES / "whoop_sleeps_reordered.csv"
SHARED = Path(__file__).parents[2] / "shared" / "trackers"


def read(path: Path, zone: str = "America/New_York") -> list[ObjectiveNight | Skipped]:
    return list(whoop.read(path, zone, None, ()))


def nights(path: Path, zone: str = "America/New_York") -> list[ObjectiveNight]:
    return [n for n in read(path, zone) if isinstance(n, ObjectiveNight)]


def on(path: Path, night: str, zone: str = "America/New_York") -> list[ObjectiveNight]:
    return [n for n in nights(path, zone) if n.night.isoformat() == night]


def test_sniff_recognises_both_schemas_by_header_names() -> None:
    for path in (CURRENT, OLDER, REORDERED):
        assert whoop.sniff(path.read_bytes()), path.name
        assert trackers.detect(path) is whoop
    assert not whoop.sniff(b"Cycle start time,Recovery score %\n")


def test_a_scored_night() -> None:
    (night,) = on(CURRENT, "2024-03-09")
    data = night_json(night)
    assert data["sleep_onset"] == data["in_bed"] == "2024-03-09T23:00:00-05:00"
    assert data["final_wake"] == data["out_of_bed"] == "2024-03-10T07:00:00-05:00"
    assert (night.asleep_min, night.light_min, night.deep_min, night.rem_min) == (
        440,
        230,
        100,
        110,
    )
    assert night.awake_min == 40 and night.waso_min == 40
    assert night.latency_min is None and night.awakenings is None


def test_the_row_offset_makes_instants_across_the_dst_change() -> None:
    # The night of 9 March 2024 started in EST (-05:00); WHOOP writes its wake in the same
    # offset although New York was on EDT by then: 07:00 EST is 08:00 EDT, the same instant.
    (night,) = on(CURRENT, "2024-03-09")
    assert night.final_wake is not None
    assert night.final_wake.astimezone(dt.UTC) == dt.datetime(2024, 3, 10, 12, 0, tzinfo=dt.UTC)
    # The next night's row is written in -04:00.
    (after,) = [n for n in on(CURRENT, "2024-03-11") if not n.nap]
    assert night_json(after)["in_bed"] == "2024-03-11T22:00:00-04:00"


def test_utcz_is_utc_and_nights_are_read_in_the_profiles_zone() -> None:
    (night,) = on(OLDER, "2023-03-25", "Europe/London")
    assert night_json(night)["sleep_onset"] == "2023-03-25T23:40:00+00:00"
    # In London the night after the spring change is written in +01:00.
    (after,) = on(OLDER, "2023-03-26", "Europe/London")
    assert night_json(after)["sleep_onset"] == "2023-03-26T22:30:00+01:00"


def test_columns_are_found_by_name_not_position() -> None:
    (night,) = nights(REORDERED, "Europe/London")
    assert (night.asleep_min, night.light_min, night.deep_min, night.rem_min) == (440, 250, 90, 100)
    assert night_json(night)["final_wake"] == "2023-05-02T07:00:00+01:00"


def test_an_unscored_row_is_skipped_with_the_reason() -> None:
    skipped = [r for r in read(CURRENT) if isinstance(r, Skipped)]
    assert len(skipped) == 1
    assert skipped[0].record == "2024-03-10 23:30:00"
    assert "not scored" in skipped[0].reason


def test_nap_is_decided_by_length_and_time_of_day_not_by_the_flag() -> None:
    naps = [n for n in nights(CURRENT) if n.nap]
    # The 13:00 sleep of 70 minutes is a nap (flag true); the 02:00-07:00 block flagged Nap is
    # the main part of a night.
    assert [night_json(n)["sleep_onset"] for n in naps] == ["2024-03-11T13:00:00-04:00"]


def test_a_night_split_into_two_main_blocks_is_one_night() -> None:
    (night,) = on(CURRENT, "2024-03-08")
    assert not night.nap
    data = night_json(night)
    assert data["sleep_onset"] == "2024-03-08T22:10:00-05:00"
    assert data["final_wake"] == "2024-03-09T07:00:00-05:00"
    assert night.asleep_min == 60 + 270
    assert night.rem_min == 10 + 50 and night.deep_min == 10 + 50
    # 23:20 to 02:00 awake between the blocks is wake after sleep onset.
    assert night.waso_min == 10 + 30 + 160 and night.awake_min == 10 + 30 + 160
    assert chosen_nights(nights(CURRENT))[dt.date(2024, 3, 8)] == night


@pytest.mark.parametrize(
    ("content", "place"),
    [
        ("", "line 1"),
        ("Cycle start time,Sleep onset\n", "line 1"),
        (
            CURRENT.read_text().splitlines()[0]
            + "\n2024-03-09 23:00:00,,UTC+5,2024-03-09 23:00:00,"
            "2024-03-10 07:00:00,1,1,440,1,1,1,1,1,1,1,1,1,false\n",
            "line 2",
        ),
        (
            CURRENT.read_text().splitlines()[0]
            + "\n2024-03-09 23:00:00,,UTC+15:00,2024-03-09 23:00:00,"
            "2024-03-10 07:00:00,1,1,440,1,1,1,1,1,1,1,1,1,false\n",
            "line 2",
        ),
        (
            CURRENT.read_text().splitlines()[0] + "\n\n2024-03-09 23:00:00,,UTCZ,2024-03-09T23:00,"
            "2024-03-10 07:00:00,1,1,440,1,1,1,1,1,1,1,1,1,false\n",
            "line 3",
        ),
        (
            CURRENT.read_text().splitlines()[0] + "\n2024-03-09 23:00:00,,UTCZ,2024-03-09 23:00:00,"
            "2024-03-10 07:00:00,1,1,-440,1,1,1,1,1,1,1,1,1,false\n",
            "line 2",
        ),
    ],
)
def test_wrong_files_name_the_file_and_the_line(tmp_path: Path, content: str, place: str) -> None:
    path = tmp_path / "sleeps.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read(path)
    assert caught.value.source == str(path)
    assert caught.value.problems[0][0] == place


CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "2024-03-09 23:00:00",
            "2024-03-10 07:00:00",
            "UTCZ",
            "UTC-04:00",
            "UTC+14:00",
            "440",
            "-1",
            "nan",
            "1e999",
            "",
            "true",
            "false",
        ]
    ),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(CELLS, max_size=20), max_size=5), tail=st.binary(max_size=8))
def test_hostile_csv_shapes_give_an_input_error_or_records(
    tmp_path: Path, rows: list[list[str]], tail: bytes
) -> None:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path = tmp_path / "sleeps.csv"
    header = CURRENT.read_text().splitlines()[0]
    path.write_bytes((header + "\n" + out.getvalue()).encode() + tail)
    try:
        result = read(path)
    except InputError as error:
        assert error.source == str(path)
        return
    for item in result:
        assert isinstance(item, ObjectiveNight | Skipped)
        if isinstance(item, ObjectiveNight):
            json.dumps(night_json(item))


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared tracker samples are not here")
def test_conformance_with_the_real_samples() -> None:
    current = SHARED / "sleeps.csv"
    assert trackers.detect(current) is whoop
    records = read(current, "Europe/London")
    assert sum(isinstance(r, Skipped) for r in records) == 1  # the unscored row
    found = [r for r in records if isinstance(r, ObjectiveNight)]
    naps = sorted(night_json(n)["sleep_onset"] for n in found if n.nap)
    assert naps == [
        "2024-03-11T11:49:18-04:00",
        "2024-06-08T11:28:15+01:00",
        "2024-06-10T13:40:04+01:00",
        "2024-06-11T11:19:59+01:00",
    ]
    older = SHARED / "sleeps_2023-schema.csv"
    assert trackers.detect(older) is whoop
    kept = nights(older, "Europe/London")
    assert not any(n.nap for n in kept)  # the block flagged Nap is the main part of a night
    (split,) = [n for n in kept if n.night == dt.date(2023, 5, 16)]
    assert night_json(split)["final_wake"] == "2023-05-17T06:58:36+01:00"
    utcz = [n for n in kept if night_json(n)["sleep_onset"].endswith("+00:00")]
    assert len(utcz) == 3
