"""Garmin Connect's ``*_sleepData.json`` (the account data export) read into objective nights.

The file is a JSON array, one object per night. Its pitfalls:

- Times are GMT without an offset (``sleepStartTimestampGMT``): read as UTC, shown in the
  profile's zone.
- ``calendarDate`` is the morning's date and identifies the night: export files cover
  overlapping date ranges, so the same night can come twice; the last one read wins, once.
- ``UNCONFIRMED`` rows (the watch guessed the window, the user never confirmed it) have no
  stage seconds: the night is kept with its window and stage minutes ``None``. A row with no
  start or end time has nothing to keep and is skipped.
- Stage seconds: ``deepSleepSeconds``, ``lightSleepSeconds``, ``remSleepSeconds``,
  ``awakeSleepSeconds`` (awake inside the window, so they are WASO too).

The window is Garmin's sleep window, not time in bed: it gives sleep onset and final wake;
in bed, out of bed and latency stay ``None``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sleepplan.core import timing
from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight, Skipped, night_of
from sleepplan.store.trackers.common import Progress, written_time

SOURCE = "garmin"
LARGEST_FILE = 64 * 1024 * 1024
"""A real ``sleepData.json`` covers about 100 nights (well under 1 MiB); it is read whole, so a
larger file is refused rather than loaded."""
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STAGES = ("lightSleepSeconds", "deepSleepSeconds", "remSleepSeconds", "awakeSleepSeconds")


def sniff(head: bytes) -> bool:
    """Whether the file starts like Garmin's ``sleepData.json``."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith((b"[", b"{")) and b'"sleepStartTimestampGMT"' in head


def read(
    path: Path, zone: str, progress: Progress | None = None, priority: Sequence[str] = ()
) -> Iterator[ObjectiveNight | Skipped]:
    """Every night of a Garmin ``sleepData.json`` (see the module docstring)."""
    records = _load(path)
    nights: dict[str, ObjectiveNight | Skipped] = {}
    for index, record in enumerate(records):
        place = f"record {index + 1}"
        if not isinstance(record, dict):
            raise InputError.single(str(path), place, "is not a sleep record (a JSON object)")
        nights.update([_night(path, place, record, zone)])
    if progress is not None:
        size = path.stat().st_size
        progress(size, size)
    yield from nights.values()


def _load(path: Path) -> list[Any]:
    """The file's array of records; ``InputError`` when it is too large or not one."""
    with path.open("rb") as handle:
        data = handle.read(LARGEST_FILE + 1)
    if len(data) > LARGEST_FILE:
        raise InputError.single(str(path), "", "is too large for a Garmin sleepData.json")
    try:
        records = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError.single(str(path), "", "is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        place = f"line {error.lineno}, column {error.colno}"
        raise InputError.single(str(path), place, f"is not JSON ({error.msg})") from None
    except RecursionError:
        raise InputError.single(str(path), "", "is nested too deeply to be an export") from None
    if not isinstance(records, list):
        raise InputError.single(str(path), "", "is not a list of Garmin sleep records")
    return records


def _night(
    path: Path, place: str, record: dict[str, Any], zone: str
) -> tuple[str, ObjectiveNight | Skipped]:
    """One record as ``(calendarDate, night or skipped)``."""
    day = record.get("calendarDate")
    if not isinstance(day, str) or not _DATE.match(day):
        raise InputError.single(str(path), f"{place}.calendarDate", "is not a date (YYYY-MM-DD)")
    start = _gmt(path, f"{place}.sleepStartTimestampGMT", record.get("sleepStartTimestampGMT"))
    end = _gmt(path, f"{place}.sleepEndTimestampGMT", record.get("sleepEndTimestampGMT"))
    if start is None or end is None:
        return day, Skipped(day, "no sleep times (Garmin recorded no sleep window)")
    if timing.utc(end) <= timing.utc(start):
        return day, Skipped(day, "the sleep window ends before it starts")
    window = timing.seconds_between(start, end) / 60
    if window > 24 * 60:
        return day, Skipped(day, "the sleep window is longer than a day")
    light, deep, rem, awake = (_minutes(path, place, record, name) for name in _STAGES)
    if light is None and deep is None and rem is None:
        # Unconfirmed or unstaged: the window is Garmin's only estimate of the sleep.
        asleep = round(window - (awake or 0.0), 1)
    else:
        asleep = round((light or 0.0) + (deep or 0.0) + (rem or 0.0), 1)
    night = ObjectiveNight(
        night=night_of(start, zone),
        source=SOURCE,
        record_id=day,
        sleep_onset=timing.in_zone(start, zone),
        final_wake=timing.in_zone(end, zone),
        asleep_min=asleep,
        waso_min=awake,
        light_min=light,
        deep_min=deep,
        rem_min=rem,
        awake_min=awake,
    )
    return day, night


def _gmt(path: Path, place: str, value: object) -> dt.datetime | None:
    """A ``…GMT`` timestamp as an aware UTC instant; ``None`` when absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError.single(str(path), place, "is not a time")
    parsed = written_time(path, place, value, "a watch")
    # The export writes GMT without saying so; an explicit offset is honoured.
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed


def _minutes(path: Path, place: str, record: dict[str, Any], name: str) -> float | None:
    """A field of seconds as minutes; ``None`` when absent."""
    value = record.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 86400:
        raise InputError.single(str(path), f"{place}.{name}", "is not a number of seconds")
    return round(value / 60, 1)
