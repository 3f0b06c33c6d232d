"""store/trackers/common.py: what the tracker readers share (here: reading a written time)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sleepplan.core.errors import InputError
from sleepplan.store.trackers.common import written_time

PATH = Path("/exports/sleep.csv")


def test_a_time_is_read_as_written() -> None:
    assert written_time(PATH, "line 2", "2023-03-20T23:00:00+01:00", "a tracker") == (
        dt.datetime(2023, 3, 20, 23, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    )
    naive = written_time(PATH, "line 2", "2023-03-20T23:00:00", "a tracker")
    assert naive.tzinfo is None  # the reader decides which zone a bare time is in


def test_a_reader_may_bring_its_own_format() -> None:
    def wall_clock(text: str) -> dt.datetime:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")

    value = written_time(PATH, "line 3", "2023-03-20 23:00:00", "WHOOP", parse=wall_clock)
    assert value == dt.datetime(2023, 3, 20, 23)
    with pytest.raises(InputError):
        written_time(PATH, "line 3", "2023-03-20T23:00:00", "WHOOP", parse=wall_clock)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("yesterday", "is not a time: 'yesterday'"),
        ("1900-01-01T00:00:00", "is not a time a watch wrote: '1900-01-01T00:00:00'"),
        ("2201-01-01T00:00:00", "is not a time a watch wrote: '2201-01-01T00:00:00'"),
        ("x" * 100, "is not a time: '" + "x" * 40 + "'"),  # a hostile cell is cut short
    ],
)
def test_a_time_no_tracker_wrote_names_the_file_and_the_place(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        written_time(PATH, "line 7", text, "a watch")
    assert caught.value.source == str(PATH)
    assert caught.value.problems == [("line 7", message)]
