"""Withings Health Mate's ``sleep.csv`` (the account data export) read into objective nights.

One row per sleep: in bed (``from``/``to``, ISO 8601 with offset), seconds of light, deep, REM
and awake, the number of wake-ups, and the seconds to fall asleep and to get up. Pitfalls:

- The headers are translated into the user's language (``von``, ``bis``, ``leicht (s)``… in a
  German export) while the column order stays. Known names are matched first; a header of the
  same shape in another language (two time columns, then columns of seconds) is read by
  position. The English names are those read by qcri/tasrif
  (``tasrif/data_readers/withings_dataset.py``: ``from``, ``to``, ``light (s)``, ``deep (s)``,
  ``rem (s)``, ``awake (s)``, ``Duration to sleep (s)``, ``Duration to wake up (s)``) and
  ``wake up`` for the count, as other public importers of this file read it.
- Naps are just short rows: ``looks_like_nap`` decides (under 4 h, starting in the daytime).

WASO is the awake seconds less the time to fall asleep and the time to get up (the awake
time counts both), as BioPsyKit computes it (``biopsykit/io/sleep_analyzer.py``).

``raw_sleep-monitor_sleep-state.csv`` (60-second stage epochs, rows out of order) is
recognised but not imported: it has no in-bed times and no link to a row of ``sleep.csv``
other than overlapping times, and it repeats the totals ``sleep.csv`` already gives; the user
is told to import ``sleep.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from sleepplan.core import timing
from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight, Skipped, looks_like_nap, night_of
from sleepplan.store.trackers.common import Progress, csv_rows, written_time

SOURCE = "withings"
FIELDS = ("from", "to", "light", "deep", "rem", "awake", "wakeups", "to_sleep", "to_wake")
"""The columns read, in the order every language's export writes them."""
KNOWN_NAMES: dict[str, frozenset[str]] = {
    "from": frozenset({"from", "von"}),
    "to": frozenset({"to", "bis"}),
    "light": frozenset({"light (s)", "leicht (s)"}),
    "deep": frozenset({"deep (s)", "tief (s)"}),
    "rem": frozenset({"rem (s)"}),
    "awake": frozenset({"awake (s)", "wach (s)"}),
    "wakeups": frozenset({"wake up", "aufwachen"}),
    "to_sleep": frozenset({"duration to sleep (s)"}),
    "to_wake": frozenset({"duration to wake up (s)"}),
}
"""Header names by language (lower case): English and German."""
EPOCH_HEADER = ["start", "duration", "value"]
_SECONDS = (2, 3, 4, 5, 7, 8)
"""Positions of the columns of seconds, which end in ``(s)`` in every language."""


def sniff(head: bytes) -> bool:
    """Whether the file starts like Withings' ``sleep.csv`` or its sleep-state epochs."""
    header = _first_row(head)
    return header == EPOCH_HEADER or (header is not None and _columns(header) is not None)


def read(
    path: Path, zone: str, progress: Progress | None = None, priority: Sequence[str] = ()
) -> Iterator[ObjectiveNight | Skipped]:
    """Every night and nap of a Withings ``sleep.csv`` (see the module docstring)."""
    rows = csv_rows(path, progress)
    header = next(rows, None)
    if header is None:
        raise InputError.single(str(path), "line 1", "is empty, not Withings' sleep.csv")
    if [name.strip().lower() for name in header[1]] == EPOCH_HEADER:
        yield Skipped(
            path.name,
            "Withings' minute-by-minute files (start, duration, value) are not imported: "
            "they have no in-bed times; import sleep.csv from the same export",
        )
        return
    columns = _columns(header[1])
    if columns is None:
        raise InputError.single(
            str(path), "line 1", "is not the header of Withings' sleep.csv (from, to, light (s)…)"
        )
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        yield _night(path, f"line {line}", row, columns, zone)


def _first_row(head: bytes) -> list[str] | None:
    """The first CSV row of ``head``, lower-cased; ``None`` when it is not text."""
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = head[: error.start].decode("utf-8-sig", errors="ignore")
    first = text.split("\n", 1)[0]
    try:
        row = next(csv.reader(io.StringIO(first)), None)
    except csv.Error:
        return None
    return [name.strip().lower() for name in row] if row else None


def _columns(header: Sequence[str]) -> dict[str, int] | None:
    """Where each of ``FIELDS`` is: by known name, else by position; ``None`` if not Withings."""
    names = [name.strip().lower() for name in header]
    found = {}
    for field, known in KNOWN_NAMES.items():
        for index, name in enumerate(names):
            if name in known:
                found[field] = index
                break
    if len(found) == len(FIELDS):
        return found
    # Another language: the same shape (two times, then columns of seconds) read by position.
    shaped = len(names) >= len(FIELDS) and all(names[i].endswith("(s)") for i in _SECONDS)
    if shaped and not any(names[i].endswith("(s)") for i in (0, 1, 6)):
        return {field: index for index, field in enumerate(FIELDS)}
    return None


def _night(
    path: Path, place: str, row: list[str], columns: dict[str, int], zone: str
) -> ObjectiveNight | Skipped:
    """One row as a night (or nap)."""

    def cell(field: str) -> str:
        index = columns[field]
        return row[index].strip() if index < len(row) else ""

    start = _instant(path, place, cell("from"), zone)
    end = _instant(path, place, cell("to"), zone)
    if start is None or end is None:
        return Skipped(place, "no in-bed times")
    if timing.utc(end) <= timing.utc(start):
        return Skipped(place, "it ends before it starts")
    light, deep, rem, awake = (_minutes(path, place, cell(f)) for f in FIELDS[2:6])
    latency = _minutes(path, place, cell("to_sleep"))
    getting_up = _minutes(path, place, cell("to_wake"))
    staged = not (light is None and deep is None and rem is None)
    asleep = round((light or 0) + (deep or 0) + (rem or 0), 1) if staged else None
    waso = None
    if awake is not None and latency is not None and getting_up is not None:
        waso = round(max(0.0, awake - latency - getting_up), 1)
    return ObjectiveNight(
        night=night_of(start, zone),
        source=SOURCE,
        record_id=timing.utc(start).isoformat(),
        nap=looks_like_nap(start, end, zone),
        in_bed=start,
        sleep_onset=timing.shift(start, minutes=latency) if latency is not None else None,
        final_wake=timing.shift(end, minutes=-getting_up) if getting_up is not None else None,
        out_of_bed=end,
        asleep_min=asleep,
        latency_min=latency,
        waso_min=waso,
        awakenings=_count(path, place, cell("wakeups")),
        light_min=light,
        deep_min=deep,
        rem_min=rem,
        awake_min=awake,
    )


def _instant(path: Path, place: str, text: str, zone: str) -> dt.datetime | None:
    """An ISO 8601 time; one without an offset is read in the profile's zone."""
    if not text:
        return None
    value = written_time(path, place, text, "a tracker")
    if value.tzinfo is None:
        return timing.resolve_local(value.date(), value.time(), zone)
    return value


def _minutes(path: Path, place: str, text: str) -> float | None:
    """A cell of seconds as minutes; ``None`` when empty."""
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 86400:
        raise InputError.single(str(path), place, f"is not a number of seconds: {text[:40]!r}")
    return round(seconds / 60, 1)


def _count(path: Path, place: str, text: str) -> int | None:
    """The count of wake-ups; ``None`` when empty."""
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        raise InputError.single(str(path), place, f"is not a count of wake-ups: {text[:40]!r}")
    return int(text)
