"""The Fitbit importer: Takeout and Web API sleep logs (design §15)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight, Skipped
from sleepplan.store.trackers import fitbit

FIXTURES = Path(__file__).parent / "fixtures" / "trackers"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "trackers"
BERLIN = "Europe/Berlin"


def nights(path: Path, zone: str = BERLIN) -> list[ObjectiveNight]:
    found = list(fitbit.read(path, zone))
    assert all(isinstance(item, ObjectiveNight) for item in found), found
    return [item for item in found if isinstance(item, ObjectiveNight)]


def by_id(path: Path, zone: str = BERLIN) -> dict[str, ObjectiveNight]:
    return {night.record_id: night for night in nights(path, zone)}


def write(tmp_path: Path, document: Any, name: str = "sleep.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def at(text: str, zone: str = BERLIN) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def log(start: str, end: str, data: list[tuple[str, str, int]], **extra: Any) -> dict[str, Any]:
    """A Web API sleep log with these ``(dateTime, level, seconds)`` data runs."""
    return {
        "logId": extra.pop("logId", 1),
        "startTime": start,
        "endTime": end,
        "isMainSleep": True,
        "type": "stages",
        "levels": {
            "data": [{"dateTime": t, "level": level, "seconds": s} for t, level, s in data],
            **extra.pop("levels", {}),
        },
        **extra,
    }


# --- the project's own fixtures -----------------------------------------------------------------


def test_a_stages_night_has_short_wakes_cut_into_its_light_sleep() -> None:
    night = by_id(FIXTURES / "fitbit_takeout_sleep.json")["1001"]
    assert night.source == "fitbit" and not night.nap
    assert night.night == dt.date(2024, 3, 11)  # dateOfSleep says 2024-03-12: the wake date
    assert night.in_bed == at("2024-03-11T23:00") and night.out_of_bed == at("2024-03-12T07:00")
    assert night.sleep_onset == at("2024-03-11T23:10")
    assert night.final_wake == at("2024-03-12T06:50")
    assert night.latency_min == 10
    # shortData's 2-minute and 1-minute wakes replace light sleep: 360 - 3 light minutes,
    # and two more awakenings inside the night
    assert (night.light_min, night.deep_min, night.rem_min) == (357, 60, 30)
    assert night.asleep_min == 447 and night.awake_min == 33
    assert night.waso_min == 13 and night.awakenings == 3
    assert night.epochs and night.epochs[0].stage == "awake"


def test_restless_minutes_of_a_classic_log_count_as_awake() -> None:
    night = by_id(FIXTURES / "fitbit_takeout_sleep.json")["1002"]
    assert night.asleep_min == 390  # Fitbit's own minutesAsleep for this log
    assert night.waso_min == 10 and night.awakenings == 1
    assert night.latency_min == 15 and night.awake_min == 30
    assert (night.light_min, night.deep_min, night.rem_min) == (None, None, None)


def test_a_log_that_is_not_the_main_sleep_is_a_nap() -> None:
    takeout = by_id(FIXTURES / "fitbit_takeout_sleep.json")
    api = by_id(FIXTURES / "fitbit_api_sleep.json")
    assert takeout["1003"].nap and api["2002"].nap
    assert takeout["1003"].night == dt.date(2024, 3, 13)
    assert not takeout["1001"].nap and not api["2001"].nap


def test_a_log_without_level_data_uses_its_summary_and_leaves_waso_unknown() -> None:
    night = by_id(FIXTURES / "fitbit_takeout_sleep.json")["1004"]
    assert night.night == dt.date(2024, 3, 14)
    assert night.asleep_min == 430
    assert (night.light_min, night.deep_min, night.rem_min, night.awake_min) == (250, 80, 100, 50)
    # minutesAwake (50) includes the minutes before sleep and after the final wake
    assert night.waso_min is None and night.awakenings is None
    assert night.final_wake == at("2024-03-15T06:20")  # endTime less minutesAfterWakeup
    assert night.epochs == ()


def test_an_unknown_level_is_neither_asleep_nor_awake() -> None:
    night = by_id(FIXTURES / "fitbit_api_sleep.json")["2001"]
    # 30 unknown minutes between light and deep: not asleep, not a wake
    assert night.asleep_min == 344.5
    assert night.waso_min == 0.5 and night.awakenings == 1  # the 30-second shortData wake
    assert night.awake_min == 15.5
    assert [e.stage for e in night.epochs].count("unknown") == 1


def test_a_night_begun_after_midnight_belongs_to_the_evening_before() -> None:
    night = by_id(FIXTURES / "fitbit_api_sleep.json")["2001"]
    assert night.in_bed == at("2024-03-16T01:30")
    assert night.night == dt.date(2024, 3, 15)


def test_the_night_of_rule_holds_on_both_sides_of_midnight(tmp_path: Path) -> None:
    logs = [
        log("2024-03-20T23:50:00.000", "2024-03-21T06:00:00.000", [], logId=1),
        log("2024-03-21T00:10:00.000", "2024-03-21T06:00:00.000", [], logId=2),
        log("2024-03-21T12:00:00.000", "2024-03-21T12:40:00.000", [], logId=3),
    ]
    found = by_id(write(tmp_path, logs))
    assert found["1"].night == found["2"].night == dt.date(2024, 3, 20)
    assert found["3"].night == dt.date(2024, 3, 21)


def test_a_repeated_hour_is_read_in_the_order_the_levels_run(tmp_path: Path) -> None:
    # 2024-11-03 in New York: 01:00-02:00 happens twice; the second "01:00" run follows the first
    data = [
        ("2024-11-02T23:00:00.000", "light", 7200),
        ("2024-11-03T01:00:00.000", "deep", 3600),
        ("2024-11-03T01:00:00.000", "rem", 3600),
        ("2024-11-03T02:00:00.000", "light", 14400),
    ]
    entry = log("2024-11-02T23:00:00.000", "2024-11-03T06:00:00.000", data, duration=28800000)
    night = nights(write(tmp_path, {"sleep": [entry]}), "America/New_York")[0]
    assert (night.light_min, night.deep_min, night.rem_min) == (360, 60, 60)
    assert night.asleep_min == 480  # eight real hours, though the wall clock shows seven
    assert night.final_wake is not None and night.final_wake.utcoffset() == dt.timedelta(hours=-5)


def test_a_spring_forward_night_counts_real_minutes(tmp_path: Path) -> None:
    # 2024-03-31 in Berlin: 02:00-03:00 does not exist; a start inside it moves past the gap
    data = [("2024-03-30T23:00:00.000", "light", 7 * 3600)]
    night_log = log("2024-03-30T23:00:00.000", "2024-03-31T07:00:00.000", data)
    gap_log = log("2024-03-31T02:30:00.000", "2024-03-31T04:00:00.000", [], logId=2)
    found = by_id(write(tmp_path, [night_log, gap_log]))
    night, gap = found["1"], found["2"]
    assert night.asleep_min == 420  # seven real hours from 23:00 to 07:00 this night
    assert night.final_wake == night.out_of_bed == at("2024-03-31T07:00")
    assert night.out_of_bed is not None and night.out_of_bed.utcoffset() == dt.timedelta(hours=2)
    assert gap.in_bed == at("2024-03-31T03:30")  # RFC 5545: the offset before the gap
    assert gap.night == dt.date(2024, 3, 30)


def test_short_data_outside_the_data_runs_is_a_wake_of_its_own(tmp_path: Path) -> None:
    data = [("2024-03-20T23:00:00.000", "light", 3600), ("2024-03-21T00:10:00.000", "deep", 600)]
    short = {
        "shortData": [{"dateTime": "2024-03-21T00:00:00.000", "level": "wake", "seconds": 600}]
    }
    entry = log("2024-03-20T23:00:00.000", "2024-03-21T00:20:00.000", data, levels=short)
    night = nights(write(tmp_path, [entry]))[0]
    assert (night.waso_min, night.awakenings, night.asleep_min) == (10, 1, 70)


def test_a_log_that_ends_before_it_starts_is_skipped(tmp_path: Path) -> None:
    entry = log("2024-03-21T06:00:00.000", "2024-03-20T23:00:00.000", [])
    found = list(fitbit.read(write(tmp_path, [entry]), BERLIN))
    assert found == [Skipped("log 1 (2024-03-21T06:00:00.000)", "it ends before it starts")]


def test_a_log_at_the_end_of_the_calendar_is_skipped(tmp_path: Path) -> None:
    entry = log("9999-12-31T20:00:00.000", "9999-12-31T23:00:00.000", [], minutesToFallAsleep=1000)
    found = list(fitbit.read(write(tmp_path, [entry]), "UTC"))
    assert found == [Skipped("[0]", "its times fall outside the calendar")]


# --- detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fitbit_takeout_sleep.json", "fitbit_api_sleep.json"])
def test_sniff_knows_fitbit_from_its_content_with_or_without_a_bom(name: str) -> None:
    content = (FIXTURES / name).read_bytes()
    assert fitbit.sniff(content[: 64 * 1024])
    assert fitbit.sniff(b"\xef\xbb\xbf\n  " + content)


def test_sniff_refuses_other_sources_and_other_json() -> None:
    others = [p for p in FIXTURES.iterdir() if not p.name.startswith("fitbit_")]
    assert others
    for path in others:
        assert not fitbit.sniff(path.read_bytes()[: 64 * 1024]), path.name
    assert not fitbit.sniff(b'{"sleep": [{"bedtime_start": "2024-05-01T23:00:00+02:00"}]}')
    assert not fitbit.sniff(b"logId,dateOfSleep\n1,2024-01-01\n")


def test_reading_reports_progress(tmp_path: Path) -> None:
    path = write(tmp_path, [log("2024-03-20T23:00:00.000", "2024-03-21T06:00:00.000", [])])
    told: list[tuple[int, int]] = []
    list(fitbit.read(path, BERLIN, lambda done, total: told.append((done, total))))
    size = path.stat().st_size
    assert told and told[-1] == (size, size)


@pytest.mark.parametrize("name", ["fitbit_takeout_sleep.json", "fitbit_api_sleep.json"])
def test_an_export_is_detected_and_read_by_the_shared_entry_point(name: str) -> None:
    from sleepplan.store import trackers

    path = FIXTURES / name
    assert trackers.detect(path).SOURCE == "fitbit"
    found = list(trackers.read_export(path, BERLIN))
    assert found == list(fitbit.read(path, BERLIN))
    assert any(isinstance(item, ObjectiveNight) for item in found)


# --- hostile files ------------------------------------------------------------------------------


def refusal(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        list(fitbit.read(path, BERLIN))
    assert str(path) in caught.value.render()
    return caught.value


def test_a_wrong_value_deep_in_a_log_is_named_by_its_place(tmp_path: Path) -> None:
    document = json.loads((FIXTURES / "fitbit_api_sleep.json").read_text(encoding="utf-8"))
    document["sleep"][0]["levels"]["data"][3]["dateTime"] = 12
    error = refusal(write(tmp_path, document))
    assert error.problems == [("sleep[0].levels.data[3].dateTime", "expected text, got a number")]
    document["sleep"][0]["levels"]["data"][3]["dateTime"] = "the small hours" * 10
    error = refusal(write(tmp_path, document))
    assert error.problems[0][0] == "sleep[0].levels.data[3].dateTime"
    assert len(error.problems[0][1]) < 100  # the value is quoted shortened


@pytest.mark.parametrize(
    ("content", "place"),
    [
        (b"42", ""),
        (b'{"sleep": 3}', ""),
        (b'[{"logId": 1, "startTime": "2024-03-20T23:00"', "line 1, column 46"),
        (b'[{"logId": NaN}]', ""),
        (b'[{"logId": ' + b"9" * 5000 + b"}]", ""),
        (b"[" * 100_000 + b"]" * 100_000, ""),
        (b'[{"logId": true}]', "[0].logId"),
        (b'[{"logId": 1, "startTime": "2024-03-20T23:00", "endTime": "x"}]', "[0].endTime"),
        (b'[{"logId": 1, "startTime": "0001-01-01T00:30"}]', "[0].startTime"),
    ],
)
def test_broken_json_is_refused_naming_the_file_and_place(
    tmp_path: Path, content: bytes, place: str
) -> None:
    path = tmp_path / "sleep.json"
    path.write_bytes(content)
    assert refusal(path).problems[0][0] == place


def test_text_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "sleep.json"
    path.write_bytes(b'[\n{"logId": "\xff"}]')
    assert refusal(path).problems[0][0] == "line 2, column 12"


def test_a_file_over_the_size_cap_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fitbit, "MAX_JSON_BYTES", 100)
    path = write(tmp_path, [log("2024-03-20T23:00:00.000", "2024-03-21T06:00:00.000", [])])
    assert "larger than" in refusal(path).problems[0][1]


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["2024-03-21T00:10:00.000", "wake", "unknown", "9999-12-31T23:59:59"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["data", "level", "seconds", "dateTime", "x"]), children)
    ),
    max_leaves=12,
)
PATHS = [
    (),
    ("sleep",),
    ("sleep", 0),
    ("sleep", 0, "logId"),
    ("sleep", 0, "startTime"),
    ("sleep", 0, "endTime"),
    ("sleep", 0, "duration"),
    ("sleep", 0, "isMainSleep"),
    ("sleep", 0, "minutesAsleep"),
    ("sleep", 0, "levels"),
    ("sleep", 0, "levels", "data"),
    ("sleep", 0, "levels", "data", 2),
    ("sleep", 0, "levels", "data", 2, "seconds"),
    ("sleep", 0, "levels", "data", 2, "level"),
    ("sleep", 0, "levels", "data", 2, "dateTime"),
    ("sleep", 0, "levels", "shortData"),
    ("sleep", 0, "levels", "shortData", 0),
    ("sleep", 0, "levels", "summary"),
    ("sleep", 0, "levels", "summary", "deep"),
    ("sleep", 1, "levels", "summary", "light", "minutes"),
]


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(where=st.sampled_from(PATHS), value=JSON_VALUES)
def test_any_json_value_anywhere_is_a_refusal_or_a_skip_never_a_crash(
    tmp_path: Path, where: tuple[str | int, ...], value: Any
) -> None:
    document = json.loads((FIXTURES / "fitbit_api_sleep.json").read_text(encoding="utf-8"))
    document["sleep"][1]["levels"].pop("data")  # a summary-only log
    if where:
        parent = document
        for key in where[:-1]:
            parent = parent[key]
        parent[where[-1]] = value
    else:
        document = value
    path = write(tmp_path, document)
    try:
        found = list(fitbit.read(path, BERLIN))
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


def test_the_real_web_api_sample_matches_fitbits_own_summary() -> None:
    path = shared("fitbit-api-sleep-date-2025-03-30.json")
    assert fitbit.sniff(path.read_bytes()[: 64 * 1024])
    document = json.loads(path.read_text(encoding="utf-8"))
    summary = document["sleep"][0]["levels"]["summary"]
    (night,) = nights(path, "America/New_York")
    assert night.night == dt.date(2025, 3, 29) and not night.nap
    # Fitbit rounds each run to whole minutes; ours are exact to the half minute
    assert night.light_min == pytest.approx(summary["light"]["minutes"], abs=1)
    assert night.deep_min == pytest.approx(summary["deep"]["minutes"], abs=1)
    assert night.rem_min == pytest.approx(summary["rem"]["minutes"], abs=1)
    assert night.awake_min == pytest.approx(summary["wake"]["minutes"], abs=1)
    assert night.asleep_min == pytest.approx(document["sleep"][0]["minutesAsleep"], abs=1)


def test_the_real_takeout_sample_reads_both_its_nights() -> None:
    path = shared("sleep-2018-02-02.json")
    assert fitbit.sniff(path.read_bytes()[: 64 * 1024])
    found = by_id(path, "America/New_York")
    stages, classic = found["17386918523"], found["17243952890"]
    assert stages.night == dt.date(2018, 2, 1) and classic.night == dt.date(2018, 2, 2)
    assert (stages.deep_min, stages.rem_min, stages.asleep_min) == (137, 106, 452)
    assert classic.light_min is None and classic.asleep_min == 312
    assert stages.waso_min is None and classic.waso_min is None


def test_no_other_real_sample_looks_like_fitbit() -> None:
    shared("sleep-2018-02-02.json")
    for path in SHARED.iterdir():
        looks = fitbit.sniff(path.read_bytes()[: 64 * 1024])
        assert looks == (
            path.name in ("sleep-2018-02-02.json", "fitbit-api-sleep-date-2025-03-30.json")
        ), path.name
