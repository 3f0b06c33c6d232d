"""The Oura importer: API v2 and v1 JSON and the membership export's CSV (design §15)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight, Skipped
from sleepplan.store.trackers import oura

FIXTURES = Path(__file__).parent / "fixtures" / "trackers"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "trackers"
BERLIN = "Europe/Berlin"


def read(path: Path, zone: str = BERLIN) -> tuple[dict[str, ObjectiveNight], list[Skipped]]:
    found = list(oura.read(path, zone))
    nights = {item.record_id: item for item in found if isinstance(item, ObjectiveNight)}
    return nights, [item for item in found if isinstance(item, Skipped)]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "oura.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def v2(**fields: Any) -> dict[str, Any]:
    """A v2 sleep document of two hours from 23:00 Berlin time, with these fields changed."""
    document = {
        "id": "x",
        "type": "long_sleep",
        "day": "2024-06-02",
        "bedtime_start": "2024-06-01T23:00:00+02:00",
        "bedtime_end": "2024-06-02T01:00:00+02:00",
        "deep_sleep_duration": 1800,
        "light_sleep_duration": 3600,
        "rem_sleep_duration": 900,
        "awake_time": 900,
        "latency": 300,
        "total_sleep_duration": 6300,
        "sleep_phase_5_min": "4" + "2" * 11 + "1" * 6 + "3" * 3 + "444",
    }
    return {**document, **fields}


# --- API v2 -------------------------------------------------------------------------------------


def test_v2_long_sleep_takes_stage_minutes_from_oura_and_timings_from_the_hypnogram() -> None:
    nights, _ = read(FIXTURES / "oura_v2_sleep.json")
    night = nights["a1"]
    assert night.source == "oura" and not night.nap
    assert night.night == dt.date(2024, 5, 1)  # "day" is the wake date, 2024-05-02
    assert night.in_bed == at("2024-05-01T23:00:00+02:00")
    assert night.out_of_bed == at("2024-05-02T07:00:00+02:00")
    assert night.sleep_onset == at("2024-05-01T23:10:00+02:00")
    assert night.final_wake == at("2024-05-02T05:50:00+02:00")
    assert (night.light_min, night.deep_min, night.rem_min, night.awake_min) == (240, 60, 90, 90)
    assert (night.latency_min, night.waso_min, night.awakenings) == (10, 10, 1)
    assert len(night.epochs) == 7  # one per run of a digit


def test_v2_null_total_sleep_is_the_sum_of_the_stages(tmp_path: Path) -> None:
    nights, _ = read(FIXTURES / "oura_v2_sleep.json")
    assert nights["a1"].asleep_min == 240 + 60 + 90
    document = v2(total_sleep_duration=None, sleep_phase_5_min=None)  # nothing else to go by
    nights, _ = read(write(tmp_path, {"data": [document]}))
    assert nights["x"].asleep_min == (1800 + 3600 + 900) / 60


def test_v2_several_documents_of_one_night_give_one_main_sleep_and_naps() -> None:
    nights, _ = read(FIXTURES / "oura_v2_sleep.json")
    first = [n for n in nights.values() if n.night == dt.date(2024, 5, 1)]
    assert sorted(n.record_id for n in first) == ["a1", "a2", "a3"]
    assert [n.record_id for n in first if not n.nap] == ["a1"]  # the long_sleep
    # no long_sleep on the next night: the longest "sleep" is the night, the other a nap
    assert not nights["b1"].nap and nights["b2"].nap
    assert nights["b1"].night == nights["b2"].night == dt.date(2024, 5, 2)


def test_v2_rest_and_deleted_periods_are_skipped_with_their_reason() -> None:
    nights, skipped = read(FIXTURES / "oura_v2_sleep.json")
    assert "a4" not in nights and "a5" not in nights
    assert [s.reason for s in skipped] == [
        "a rest period Oura recorded, not sleep",
        "deleted in Oura",
    ]
    assert skipped[0].record == "data[3] (day 2024-05-02)"


def test_v2_without_a_hypnogram_keeps_the_durations_and_leaves_waso_unknown() -> None:
    nights, _ = read(FIXTURES / "oura_v2_sleep.json")
    night = nights["b1"]
    assert night.asleep_min == 140 and night.latency_min == 5
    assert night.sleep_onset == at("2024-05-02T23:35:00+02:00")
    assert night.final_wake is None and night.waso_min is None and night.epochs == ()


def test_v2_a_night_over_the_autumn_change_has_its_real_length(tmp_path: Path) -> None:
    # 2024-10-27 in Berlin: 23:00 CEST to 07:00 CET is nine real hours, 108 five-minute epochs
    phases = "44" + "2" * 100 + "444444"
    document = v2(
        bedtime_start="2024-10-26T23:00:00+02:00",
        bedtime_end="2024-10-27T07:00:00+01:00",
        sleep_phase_5_min=phases,
        total_sleep_duration=None,
        light_sleep_duration=30000,
        deep_sleep_duration=0,
        rem_sleep_duration=0,
    )
    nights, _ = read(write(tmp_path, {"data": [document]}))
    night = nights["x"]
    assert night.night == dt.date(2024, 10, 26)
    final_wake = night.final_wake
    assert final_wake is not None
    assert final_wake.astimezone(ZoneInfo(BERLIN)) == at("2024-10-27T06:30:00+01:00")
    assert night.waso_min == 0 and night.asleep_min == 500


def test_the_night_of_rule_holds_on_both_sides_of_midnight(tmp_path: Path) -> None:
    documents = [
        v2(id="late", bedtime_start="2024-06-01T23:50:00+02:00", sleep_phase_5_min=None),
        v2(
            id="after",
            type="sleep",
            bedtime_start="2024-06-02T00:10:00+02:00",
            bedtime_end="2024-06-02T02:10:00+02:00",
        ),
        v2(
            id="noon",
            type="late_nap",
            bedtime_start="2024-06-02T12:00:00+02:00",
            bedtime_end="2024-06-02T12:30:00+02:00",
            sleep_phase_5_min=None,
        ),
    ]
    nights, _ = read(write(tmp_path, {"data": documents}))
    assert nights["late"].night == nights["after"].night == dt.date(2024, 6, 1)
    assert nights["noon"].night == dt.date(2024, 6, 2)
    # read in the profile's zone: in New York the 23:50 Berlin start is 17:50, the same evening
    nights_ny, _ = read(write(tmp_path, {"data": documents[:1]}), "America/New_York")
    assert nights_ny["late"].night == dt.date(2024, 6, 1)


# --- API v1 -------------------------------------------------------------------------------------


def test_v1_periods_are_dated_by_their_evening_and_naps_kept_apart() -> None:
    nights, skipped = read(FIXTURES / "oura_v1_sleep.json")
    assert skipped == []
    main = nights["2024-05-01T23:00:00+02:00"]
    nap = nights["2024-05-02T15:00:00+02:00"]
    assert main.night == dt.date(2024, 5, 1) and not main.nap
    assert (main.asleep_min, main.light_min, main.deep_min, main.rem_min) == (390, 240, 60, 90)
    assert (main.latency_min, main.waso_min, main.awakenings) == (10, 10, 1)
    assert nap.nap and nap.night == dt.date(2024, 5, 2) and nap.asleep_min == 25


# --- the membership export's CSV ----------------------------------------------------------------


def test_csv_rows_are_nights_and_a_day_without_sleep_is_skipped() -> None:
    nights, skipped = read(FIXTURES / "oura_trends.csv")
    first = nights["2024-05-01T23:00:00+02:00"]
    assert first.night == dt.date(2024, 5, 1) and not first.nap
    assert (first.asleep_min, first.light_min, first.deep_min, first.rem_min) == (390, 240, 60, 90)
    assert first.awake_min == 90 and first.latency_min == 10
    assert first.sleep_onset == at("2024-05-01T23:10:00+02:00")
    assert first.waso_min is None and first.final_wake is None
    after_midnight = nights["2024-05-04T00:30:00+02:00"]
    assert after_midnight.night == dt.date(2024, 5, 3)
    assert skipped == [Skipped("line 3 (2024-05-03)", "no sleep recorded that day")]


def test_csv_with_a_bom_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "oura.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "oura_trends.csv").read_bytes())
    assert oura.sniff(path.read_bytes())
    assert read(path) == read(FIXTURES / "oura_trends.csv")


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (("23400", "23 400"), "line 2, column 'Total Sleep Time'"),
        (("23400", "nan"), "line 2, column 'Total Sleep Time'"),
        (("23400", "-5"), "line 2, column 'Total Sleep Time'"),
        (("2024-05-01T23:00:00+02:00", "yesterday"), "line 2, column 'Bedtime Start'"),
        (("Bedtime Start", "Bedtime"), "line 1"),
        (("2024-05-02,80,", '2024-05-02,"80'), "line 2"),
    ],
)
def test_a_broken_csv_is_refused_naming_the_line_and_column(
    tmp_path: Path, change: tuple[str, str], place: str
) -> None:
    path = tmp_path / "oura.csv"
    content = (FIXTURES / "oura_trends.csv").read_text(encoding="utf-8")
    path.write_text(content.replace(*change, 1), encoding="utf-8", newline="")
    with pytest.raises(InputError) as caught:
        list(oura.read(path, BERLIN))
    assert caught.value.source == str(path)
    assert caught.value.problems[0][0] == place


def test_a_csv_byte_that_is_not_utf8_is_placed_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "oura.csv"
    content = (FIXTURES / "oura_trends.csv").read_bytes()
    path.write_bytes(content.replace(b"2024-05-03,", b"2024-05-03,\xff", 1))
    with pytest.raises(InputError) as caught:
        list(oura.read(path, BERLIN))
    assert caught.value.problems == [("line 3", "the file is not UTF-8 text")]


# --- detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["oura_v2_sleep.json", "oura_v1_sleep.json", "oura_trends.csv"])
def test_sniff_knows_oura_from_its_content_with_or_without_a_bom(name: str) -> None:
    content = (FIXTURES / name).read_bytes()
    assert oura.sniff(content[: 64 * 1024])
    assert oura.sniff(b"\xef\xbb\xbf" + content)


def test_sniff_refuses_other_sources() -> None:
    others = [p for p in FIXTURES.iterdir() if not p.name.startswith("oura_")]
    assert others
    for path in others:
        assert not oura.sniff(path.read_bytes()[: 64 * 1024]), path.name


@pytest.mark.parametrize("name", ["oura_v2_sleep.json", "oura_v1_sleep.json", "oura_trends.csv"])
def test_an_export_is_detected_and_read_by_the_shared_entry_point(name: str) -> None:
    from sleepplan.store import trackers

    path = FIXTURES / name
    assert trackers.detect(path).SOURCE == "oura"
    found = list(trackers.read_export(path, BERLIN))
    assert found == list(oura.read(path, BERLIN))
    assert any(isinstance(item, ObjectiveNight) for item in found)


# --- hostile files ------------------------------------------------------------------------------


def test_a_hypnogram_longer_than_the_time_in_bed_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, {"data": [v2(sleep_phase_5_min="2" * 30)]})
    with pytest.raises(InputError) as caught:
        list(oura.read(path, BERLIN))
    assert caught.value.problems == [
        ("data[0].sleep_phase_5_min", "is longer than the time in bed")
    ]


def test_a_period_longer_than_a_day_or_backwards_is_skipped(tmp_path: Path) -> None:
    documents = [
        v2(id="long", bedtime_end="2024-06-03T01:00:00+02:00", sleep_phase_5_min=None),
        v2(id="back", bedtime_end="2024-06-01T22:00:00+02:00"),
    ]
    nights, skipped = read(write(tmp_path, {"data": documents}))
    assert nights == {}
    assert [s.reason for s in skipped] == [
        "it lasts more than 24 hours",
        "it ends before it starts",
    ]


def test_a_period_at_the_end_of_the_calendar_is_skipped(tmp_path: Path) -> None:
    document = v2(
        bedtime_start="9999-12-31T20:00:00+00:00",
        bedtime_end="9999-12-31T23:00:00+00:00",
        sleep_phase_5_min=None,
        latency=80000,
    )
    _, skipped = read(write(tmp_path, {"data": [document]}), "UTC")
    assert [s.reason for s in skipped] == ["its times fall outside the calendar"]


def test_a_wrong_top_level_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        list(oura.read(write(tmp_path, {"sleep_periods": []}), BERLIN))
    assert caught.value.source.endswith("oura.json")


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(
        ["2024-06-02T01:00:00+02:00", "0001-01-01T00:00:00+05:00", "1234", "long_sleep"]
    ),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["data", "sleep", "type", "bedtime_start", "x"]), children
        )
    ),
    max_leaves=12,
)
V2_KEYS = list(v2()) + ["extra"]
V1_KEYS = [
    "summary_date", "is_longest", "bedtime_start", "bedtime_end", "total", "awake", "light",
    "rem", "deep", "onset_latency", "hypnogram_5min",
]  # fmt: skip


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    version=st.sampled_from(["v1", "v2", "top", "record"]),
    key=st.sampled_from(sorted(set(V2_KEYS + V1_KEYS))),
    value=JSON_VALUES,
)
def test_any_json_value_anywhere_is_a_refusal_or_a_skip_never_a_crash(
    tmp_path: Path, version: str, key: str, value: Any
) -> None:
    if version == "v1":
        document: Any = json.loads((FIXTURES / "oura_v1_sleep.json").read_text(encoding="utf-8"))
        document["sleep"][0][key] = value
    elif version == "v2":
        document = {"data": [v2(), v2(id="y", type="sleep")]}
        document["data"][1][key] = value
    elif version == "top":
        document = value
    else:
        document = {"data": [value]}
    path = write(tmp_path, document)
    try:
        found = list(oura.read(path, BERLIN))
    except InputError as error:
        assert error.render().startswith(str(path))
        return
    assert all(isinstance(item, ObjectiveNight | Skipped) for item in found)


@settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cells=st.lists(st.text(max_size=12), min_size=0, max_size=60))
def test_any_csv_row_is_a_refusal_or_a_skip_never_a_crash(tmp_path: Path, cells: list[str]) -> None:
    header = (FIXTURES / "oura_trends.csv").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "oura.csv"
    row = ",".join(cell.replace("\n", " ").replace("\r", " ") for cell in cells)
    path.write_text(f"{header}\r\n{row}\r\n", encoding="utf-8", newline="")
    try:
        found = list(oura.read(path, BERLIN))
    except InputError as error:
        assert error.render().startswith(str(path))
        return
    assert all(isinstance(item, ObjectiveNight | Skipped) for item in found)


# --- conformance with real exports --------------------------------------------------------------


def shared(name: str) -> Path:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{SHARED} is not here")
    return path


def test_the_real_v2_sample_reads_with_its_null_total() -> None:
    path = shared("oura_sleep.json")
    assert oura.sniff(path.read_bytes()[: 64 * 1024])
    document = json.loads(path.read_text(encoding="utf-8"))["data"][0]
    nights, skipped = read(path, "America/Los_Angeles")
    (night,) = nights.values()
    assert skipped == [] and not night.nap
    assert night.night == dt.date(2022, 7, 11)  # began 01:05 on the 12th, Oura's "day"
    stages = sum(document[f"{s}_sleep_duration"] for s in ("deep", "light", "rem")) / 60
    assert night.asleep_min == stages
    assert night.awake_min == document["awake_time"] / 60
    assert len(document["sleep_phase_5_min"]) * 5 == sum(e.minutes for e in night.epochs)


def test_the_real_v1_sample_is_dated_like_its_summary_date() -> None:
    path = shared("oura_sleep_v1.json")
    assert oura.sniff(path.read_bytes()[: 64 * 1024])
    document = json.loads(path.read_text(encoding="utf-8"))["sleep"][0]
    nights, _ = read(path, "Europe/Helsinki")
    (night,) = nights.values()
    assert night.night.isoformat() == document["summary_date"]
    assert night.asleep_min == document["total"] / 60
    assert (night.rem_min, night.deep_min) == (document["rem"] / 60, document["deep"] / 60)


def test_no_other_real_sample_looks_like_oura() -> None:
    shared("oura_sleep.json")
    for path in SHARED.iterdir():
        looks = oura.sniff(path.read_bytes()[: 64 * 1024])
        assert looks == path.name.startswith("oura_"), path.name
