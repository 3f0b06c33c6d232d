"""store/trackers/withings.py: Withings Health Mate's ``sleep.csv`` (design §15)."""

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
from sleepplan.core.objective import ObjectiveNight, Skipped, night_json
from sleepplan.store import trackers
from sleepplan.store.trackers import withings

FIXTURES = Path(__file__).parent / "fixtures" / "trackers"
ENGLISH = FIXTURES / "withings_sleep_en.csv"
GERMAN = FIXTURES / "withings_sleep_de.csv"
OTHER_LANGUAGE = FIXTURES / "withings_sleep_other-language.csv"  # made-up names, same shape
EPOCHS = FIXTURES / "withings_raw_sleep-monitor_sleep-state.csv"
SHARED = Path(__file__).parents[2] / "shared" / "trackers"


def read(path: Path, zone: str = "Europe/Berlin") -> list[ObjectiveNight | Skipped]:
    return list(withings.read(path, zone, None, ()))


def nights(path: Path, zone: str = "Europe/Berlin") -> list[ObjectiveNight]:
    return [n for n in read(path, zone) if isinstance(n, ObjectiveNight)]


def test_sniff_recognises_every_header_language_and_the_epoch_file() -> None:
    for path in (ENGLISH, GERMAN, OTHER_LANGUAGE, EPOCHS):
        assert withings.sniff(path.read_bytes()), path.name
        assert trackers.detect(path) is withings
    assert not withings.sniff(b"Cycle start time,Cycle end time\n")
    assert not withings.sniff(b"a,b,c\n1,2,3\n")


def test_english_row_gives_the_whole_night() -> None:
    night = nights(ENGLISH)[0]
    data = night_json(night)
    assert data["night"] == "2023-03-20" and data["source"] == "withings"
    assert data["in_bed"] == "2023-03-20T23:10:00+01:00"
    assert data["sleep_onset"] == "2023-03-20T23:25:00+01:00"  # + 900 s to fall asleep
    assert data["final_wake"] == "2023-03-21T06:55:00+01:00"  # - 300 s to get up
    assert data["out_of_bed"] == "2023-03-21T07:00:00+01:00"
    assert (night.light_min, night.deep_min, night.rem_min, night.awake_min) == (240, 90, 100, 40)
    assert night.asleep_min == 430 and night.latency_min == 15 and night.awakenings == 2
    # WASO: the awake time less falling asleep and getting up.
    assert night.waso_min == 40 - 15 - 5
    assert not night.nap


def test_headers_in_german_and_an_unknown_language_read_the_same() -> None:
    english = nights(ENGLISH)[0]
    assert nights(GERMAN) == [english]
    assert nights(OTHER_LANGUAGE) == [english]


def test_a_short_daytime_row_is_a_nap() -> None:
    nap = nights(ENGLISH)[1]
    assert nap.nap and nap.night == dt.date(2023, 3, 21)
    assert nap.asleep_min == 40 and nap.waso_min == 0


def test_night_of_after_midnight_and_missing_latency() -> None:
    night = nights(ENGLISH)[2]
    assert night.night == dt.date(2023, 3, 21)  # in bed at 00:20: the night before
    assert night.latency_min is None and night.sleep_onset is None and night.waso_min is None
    assert night.final_wake is None and night.awakenings is None
    assert night.asleep_min == 200 + 80 + 70


def test_night_across_the_fall_back_change_measures_real_time() -> None:
    night = nights(ENGLISH)[3]
    assert night.night == dt.date(2023, 10, 28)
    data = night_json(night)
    assert data["in_bed"] == "2023-10-28T23:30:00+02:00"
    assert data["final_wake"] == "2023-10-29T07:20:00+01:00"
    # 23:30 CEST to 07:30 CET is nine real hours: onset 20 min in, wake 10 min before the end.
    assert data["sleep_onset"] == "2023-10-28T23:50:00+02:00"


def test_the_epoch_file_is_skipped_with_the_reason() -> None:
    (skipped,) = read(EPOCHS)
    assert isinstance(skipped, Skipped)
    assert "import sleep.csv" in skipped.reason


def test_record_ids_are_stable_instants() -> None:
    assert [n.record_id for n in nights(GERMAN)] == ["2023-03-20T22:10:00+00:00"]


@pytest.mark.parametrize(
    ("content", "place"),
    [
        ("", "line 1"),
        ("a,b,c\n1,2,3\n", "line 1"),
        (
            "from,to,light (s),deep (s),rem (s),awake (s),wake up,Duration to sleep (s),"
            "Duration to wake up (s)\nyesterday,2023-03-21T07:00:00+01:00,1,1,1,1,1,1,1\n",
            "line 2",
        ),
        (
            "from,to,light (s),deep (s),rem (s),awake (s),wake up,Duration to sleep (s),"
            "Duration to wake up (s)\n\n2023-03-20T23:00:00+01:00,2023-03-21T07:00:00+01:00,"
            "-5,1,1,1,1,1,1\n",
            "line 3",
        ),
        (
            "from,to,light (s),deep (s),rem (s),awake (s),wake up,Duration to sleep (s),"
            "Duration to wake up (s)\n2023-03-20T23:00:00+01:00,2023-03-21T07:00:00+01:00,"
            "1,1,1,1,²,1,1\n",
            "line 2",
        ),
        (
            "from,to,light (s),deep (s),rem (s),awake (s),wake up,Duration to sleep (s),"
            "Duration to wake up (s)\n0001-01-01T00:00:00+14:00,2023-03-21T07:00:00+01:00,"
            "1,1,1,1,1,1,1\n",
            "line 2",
        ),
    ],
)
def test_wrong_files_name_the_file_and_the_line(tmp_path: Path, content: str, place: str) -> None:
    path = tmp_path / "sleep.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read(path)
    assert caught.value.source == str(path)
    assert caught.value.problems[0][0] == place


def test_bytes_that_are_not_utf8_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "sleep.csv"
    path.write_bytes(ENGLISH.read_bytes() + b"\xff\xfe,\n")
    with pytest.raises(InputError, match="not UTF-8") as caught:
        read(path)
    assert "line" in caught.value.problems[0][0]


def test_a_line_too_long_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sleepplan.store.trackers.common.CSV_LINE_LIMIT", 300)
    path = tmp_path / "sleep.csv"
    path.write_text(ENGLISH.read_text() + "x" * 400 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="too long") as caught:
        read(path)
    assert caught.value.problems[0][0] == "line 6"


def test_ends_before_it_starts_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "sleep.csv"
    path.write_text(
        GERMAN.read_text().splitlines()[0]
        + "\n2023-03-21T07:00:00+01:00,2023-03-20T23:00:00+01:00,1,1,1,1,1,1,1,0,0,1,1,1\n"
    )
    (skipped,) = read(path)
    assert isinstance(skipped, Skipped) and skipped.record == "line 2"


CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["2023-03-20T23:10:00+01:00", "2023-03-21T07:00:00", "900", "-1", "1e400", "nan", ""]
    ),
    st.integers(-(10**9), 10**9).map(str),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(CELLS, max_size=16), max_size=5),
    header=st.sampled_from(["en", "de", "junk"]),
    tail=st.binary(max_size=8),
)
def test_hostile_csv_shapes_give_an_input_error_or_records(
    tmp_path: Path, rows: list[list[str]], header: str, tail: bytes
) -> None:
    first = {
        "en": ENGLISH.read_text().splitlines()[0],
        "de": GERMAN.read_text().splitlines()[0],
        "junk": "x,y",
    }[header]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path = tmp_path / "sleep.csv"
    path.write_bytes((first + "\n" + out.getvalue()).encode() + tail)
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
def test_conformance_with_the_real_samples() -> None:
    path = SHARED / "sleep.csv"
    assert trackers.detect(path) is withings
    found = nights(path, "Europe/Berlin")
    assert len(found) == 8
    first = found[0]
    assert first.night == dt.date(2020, 10, 10)
    assert (first.light_min, first.deep_min, first.rem_min) == (263, 89, 82)
    assert first.latency_min == 22 and first.awakenings == 1
    naps = [n for n in found if n.nap]
    assert [night_json(n)["in_bed"] for n in naps] == ["2020-10-22T07:42:00+02:00"]
    epochs = SHARED / "raw_sleep-monitor_sleep-state.csv"
    assert trackers.detect(epochs) is withings
    assert [type(r) for r in read(epochs)] == [Skipped]


def test_progress_is_told_the_whole_file_at_the_end() -> None:
    told: list[tuple[int, int]] = []
    list(withings.read(ENGLISH, "Europe/Berlin", lambda done, total: told.append((done, total))))
    size = ENGLISH.stat().st_size
    assert told[-1] == (size, size)


def test_other_csv_exports_are_not_taken_for_withings() -> None:
    for name in ("saa_sleep-export.csv", "whoop_sleeps.csv", "whoop_sleeps_reordered.csv"):
        assert not withings.sniff((FIXTURES / name).read_bytes()), name
