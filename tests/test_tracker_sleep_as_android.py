"""store/trackers/sleep_as_android.py: Sleep as Android's ``sleep-export.csv`` (design §15)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight, Skipped, night_json
from sleepplan.store import trackers
from sleepplan.store.trackers import sleep_as_android as saa

FIXTURES = Path(__file__).parent / "fixtures" / "trackers"
EXPORT = FIXTURES / "saa_sleep-export.csv"
SHARED = Path(__file__).parents[2] / "shared" / "trackers"
HEADER = (
    "Id,Tz,From,To,Sched,Hours,Rating,Comment,Framerate,Snore,Noise,Cycles,DeepSleep,LenAdjust,Geo"
)


def read(path: Path, zone: str = "Europe/London") -> list[ObjectiveNight | Skipped]:
    return list(saa.read(path, zone, None, ()))


def by_id(path: Path, zone: str = "Europe/London") -> dict[str, ObjectiveNight]:
    return {n.record_id: n for n in read(path, zone) if isinstance(n, ObjectiveNight)}


def record(values: list[str], times: int = 1, events: Sequence[str] = ()) -> str:
    """A record as the app writes it: its header line and its value line, every value quoted."""
    head = HEADER + "".join(f',"{i}:00"' for i in range(times)) + ',"Event"' * len(events)
    cells = [*values, *["0.0"] * times, *events]
    return head + "\n" + ",".join(f'"{v}"' for v in cells) + "\n"


def test_sniff_recognises_the_export() -> None:
    assert saa.sniff(EXPORT.read_bytes())
    assert trackers.detect(EXPORT) is saa
    assert not saa.sniff(b"Id,Name\n1,2\n")


def test_staged_night_from_events_with_rem_inside_deep_and_awake_inside_light() -> None:
    night = by_id(EXPORT)["1603576800000"]
    data = night_json(night)
    # Id is 22:00 UTC: 23:00 BST; eight real hours later the clocks have gone back (06:00 GMT).
    assert data["in_bed"] == "2020-10-24T23:00:00+01:00"
    assert data["out_of_bed"] == "2020-10-25T06:00:00+00:00"
    assert night.night == dt.date(2020, 10, 24) and not night.nap
    assert night.rem_min == 30  # REM_START..REM_END inside DEEP_START..DEEP_END
    assert night.deep_min == 90 - 30
    assert night.light_min == 30 + 360 - 20  # the awake span is cut out of the light one
    assert night.awake_min == 20 and night.waso_min == 20 and night.awakenings == 1
    assert night.asleep_min == 460 and night.latency_min == 0
    assert night.epochs and night.epochs[0].stage == "light"


def test_test_recording_is_skipped_with_the_reason() -> None:
    skipped = [r for r in read(EXPORT) if isinstance(r, Skipped)]
    assert skipped == [Skipped("25. 10. 2020 11:00", "a recording of 2 min: a test, not a night")]


def test_manual_entry_has_no_stage_minutes() -> None:
    night = by_id(EXPORT)["1603661400000"]
    assert night.light_min is None and night.deep_min is None and night.rem_min is None
    assert night.awake_min is None and night.sleep_onset is None
    assert night.asleep_min == 9 * 60
    assert night_json(night)["in_bed"] == "2020-10-25T21:30:00+00:00"


def test_recording_without_hypnogram_uses_hours_and_len_adjust_and_its_own_zone() -> None:
    # Tz Europe/Berlin, 00:40 CET: the night before in a Berlin profile, and the night
    # before in a London one too (23:40 GMT starts that evening).
    night = by_id(EXPORT)["1603755600000"]
    assert night_json(night)["in_bed"] == "2020-10-27T00:40:00+01:00"
    assert night.night == dt.date(2020, 10, 26)
    assert by_id(EXPORT, "Europe/Berlin")["1603755600000"].night == dt.date(2020, 10, 26)
    assert night.asleep_min == 6.5 * 60 - 20
    assert night.rem_min is None


def test_noise_line_after_a_record_is_passed_over() -> None:
    assert len(read(EXPORT)) == 4


@pytest.mark.parametrize(
    ("content", "place"),
    [
        ("1,2,3\n", "line 1"),
        (HEADER + "\n", "the end"),
        (
            record(
                [
                    "x",
                    "Europe/London",
                    "",
                    "",
                    "",
                    "8.0",
                    "0",
                    "",
                    "",
                    "-1",
                    "-1",
                    "-1",
                    "-1",
                    "0",
                    "",
                ]
            ),
            "line 2",
        ),
        (
            record(
                [
                    "1603576800000",
                    "Mars/Olympus",
                    "",
                    "",
                    "",
                    "8.0",
                    "0",
                    "",
                    "",
                    "-1",
                    "-1",
                    "-1",
                    "-1",
                    "0",
                    "",
                ]
            ),
            "line 2",
        ),
        (
            record(
                [
                    "1603576800000",
                    "Europe/London",
                    "",
                    "",
                    "",
                    "lots",
                    "0",
                    "",
                    "",
                    "-1",
                    "-1",
                    "-1",
                    "-1",
                    "0",
                    "",
                ]
            ),
            "line 2",
        ),
        (
            record(
                [
                    "1603576800000",
                    "Europe/London",
                    "",
                    "",
                    "",
                    "99",
                    "0",
                    "",
                    "",
                    "-1",
                    "-1",
                    "-1",
                    "-1",
                    "0",
                    "",
                ]
            ),
            "line 2",
        ),
        (
            record(
                [
                    "1603576800000",
                    "Europe/London",
                    "",
                    "",
                    "",
                    "8",
                    "0",
                    "",
                    "",
                    "-1",
                    "-1",
                    "-1",
                    "-1",
                    "0",
                    "",
                ],
                events=["DEEP_START-soon"],
            ),
            "line 2",
        ),
        (
            record(
                [
                    "1603576800000",
                    "Europe/London",
                    "",
                    "",
                    "",
                    "8",
                    "0",
                    "",
                    "",
                    "-1",
                    "-1",
                    "-1",
                    "-1",
                    "0",
                    "",
                ],
                events=["DEEP_START-99999999999999"],
            ),
            "line 2",
        ),
    ],
)
def test_wrong_files_name_the_file_and_the_line(tmp_path: Path, content: str, place: str) -> None:
    path = tmp_path / "sleep-export.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read(path)
    assert caught.value.source == str(path)
    assert caught.value.problems[0][0] == place


def test_an_unclosed_stage_runs_to_the_end_and_a_stray_end_is_ignored(tmp_path: Path) -> None:
    start = 1603576800000
    values = [
        str(start),
        "Europe/London",
        "",
        "",
        "",
        "2.0",
        "0",
        "",
        "",
        "-1",
        "-1",
        "2",
        "0.5",
        "0",
        "",
    ]
    events = [f"DEEP_END-{start}", f"LIGHT_START-{start + 600_000}"]
    path = tmp_path / "sleep-export.csv"
    path.write_text(record(values, events=events), encoding="utf-8")
    (night,) = read(path)
    assert isinstance(night, ObjectiveNight)
    assert night.light_min == 110 and night.deep_min == 0 and night.latency_min == 10


CELLS = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        [
            "1603576800000",
            "Europe/London",
            "8.000",
            "-1",
            "-2.0",
            "-1.0",
            "Event",
            "Id",
            "DEEP_START-1603576800000",
            "REM_END-1603580400000",
            "AWAKE_START-1",
            "LIGHT_END-",
        ]
    ),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(CELLS, max_size=22), max_size=5), tail=st.binary(max_size=8))
def test_hostile_csv_shapes_give_an_input_error_or_records(
    tmp_path: Path, rows: list[list[str]], tail: bytes
) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(HEADER.split(",") + ["Event"] * 4)
        writer.writerow(row)
    path = tmp_path / "sleep-export.csv"
    path.write_bytes(out.getvalue().encode() + tail)
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
    path = SHARED / "sleep-export.csv"
    assert trackers.detect(path) is saa
    found = by_id(path, "Europe/Berlin")
    assert len(found) == 3
    night = found["1497482376805"]
    assert night.night == dt.date(2017, 6, 14)
    assert night_json(night)["in_bed"] == "2017-06-15T01:19:36+02:00"
    assert night.rem_min == 40 and night.deep_min is not None and night.light_min is not None
    examples = read(SHARED / "sleep-export_sleepdiary-examples.csv", "Europe/London")
    kept = [r for r in examples if isinstance(r, ObjectiveNight)]
    assert sum(isinstance(r, Skipped) for r in examples) == 9  # the test recordings
    assert {n.record_id for n in kept} == {"1606467277729", "1606420800000"}
    assert all(n.rem_min is None for n in kept)
