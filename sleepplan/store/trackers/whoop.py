"""WHOOP's ``sleeps.csv`` (the app's data export) read into objective nights.

One row per sleep (main sleeps and naps), its times local in the row's ``Cycle timezone``,
durations in minutes. Pitfalls:

- Columns differ between export versions (the 2024 one adds ``Sleep consistency %``), so the
  file is read by header name, never by position.
- ``Cycle timezone`` is ``UTC±HH:MM``, or the literal ``UTCZ`` for UTC.
- Across a DST change a row keeps the offset its cycle started in (the cycle end of the row
  before the change is an hour off the next row's start on the wall clock): every time is made
  an instant with the row's own offset, so onset, wake and durations stay right.
- ``Nap`` can be true on a main block (a night split in two) and false on a daytime sleep:
  the flag is not trusted; ``looks_like_nap`` decides by length and time of day.
- Unscored and in-progress rows have empty sleep values: skipped with the reason.

WHOOP's ``Sleep onset`` and ``Wake onset`` bound the whole sleep period (its ``In bed
duration``): they are in bed and out of bed as well as onset and final wake, latency is
unknown, and ``Awake duration`` (awake between them) is the WASO WHOOP measured.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from sleepplan.core import timing
from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight, Skipped, looks_like_nap, night_of
from sleepplan.store.trackers.common import Progress, csv_rows, written_time

SOURCE = "whoop"
REQUIRED = ("Cycle timezone", "Sleep onset", "Wake onset", "Asleep duration (min)")
MINUTES = {
    "asleep_min": "Asleep duration (min)",
    "light_min": "Light sleep duration (min)",
    "deep_min": "Deep (SWS) duration (min)",
    "rem_min": "REM duration (min)",
    "awake_min": "Awake duration (min)",
}
_OFFSET = re.compile(r"^UTC(?:Z|([+-])(\d{2}):(\d{2}))$")


def sniff(head: bytes) -> bool:
    """Whether the file starts with the header of WHOOP's ``sleeps.csv``."""
    first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    return all(name.encode() in first for name in ("Cycle start time", *REQUIRED))


def read(
    path: Path, zone: str, progress: Progress | None = None, priority: Sequence[str] = ()
) -> Iterator[ObjectiveNight | Skipped]:
    """Every night and nap of a WHOOP ``sleeps.csv`` (see the module docstring)."""
    rows = csv_rows(path, progress)
    first = next(rows, None)
    header = [name.strip() for name in first[1]] if first else []
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InputError.single(
            str(path), "line 1", f"is not WHOOP's sleeps.csv header (no {', '.join(missing)})"
        )
    columns = {name: index for index, name in reversed(list(enumerate(header)))}
    mains: dict[dt.date, list[ObjectiveNight]] = {}
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row: list[str] = row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        record = _night(path, f"line {line}", cell, zone)
        if isinstance(record, ObjectiveNight) and not record.nap:
            mains.setdefault(record.night, []).append(record)
        else:
            yield record
    for blocks in mains.values():
        yield _joined(blocks)


def _night(
    path: Path, place: str, cell: Callable[[str], str], zone: str
) -> ObjectiveNight | Skipped:
    """One row as a night or nap; skipped when WHOOP has not scored it."""
    record = cell("Sleep onset") or cell("Cycle start time") or place
    if not cell("Sleep onset") or not cell("Wake onset") or not cell("Asleep duration (min)"):
        return Skipped(record, "not scored by WHOOP (no sleep values: unscored or in progress)")
    offset = _offset(path, place, cell("Cycle timezone"))
    onset = _local(path, place, cell("Sleep onset"), offset)
    wake = _local(path, place, cell("Wake onset"), offset)
    if timing.utc(wake) <= timing.utc(onset):
        return Skipped(record, "it ends before it starts")
    if timing.seconds_between(onset, wake) > 24 * 3600:
        return Skipped(record, "it lasts longer than a day")
    minutes = {key: _minutes(path, place, cell(name)) for key, name in MINUTES.items()}
    staged = any(minutes[key] is not None for key in ("light_min", "deep_min", "rem_min"))
    return ObjectiveNight(
        night=night_of(onset, zone),
        source=SOURCE,
        record_id=timing.utc(onset).isoformat(),
        nap=looks_like_nap(onset, wake, zone),
        in_bed=onset,
        sleep_onset=onset,
        final_wake=wake,
        out_of_bed=wake,
        asleep_min=minutes["asleep_min"],
        waso_min=minutes["awake_min"],
        light_min=(minutes["light_min"] or 0.0) if staged else None,
        deep_min=(minutes["deep_min"] or 0.0) if staged else None,
        rem_min=(minutes["rem_min"] or 0.0) if staged else None,
        awake_min=minutes["awake_min"],
    )


def _joined(blocks: list[ObjectiveNight]) -> ObjectiveNight:
    """A night WHOOP split into several main blocks, as one night.

    The time awake between blocks is wake after sleep onset, so it counts in WASO and awake
    minutes; the record keeps the first block's id.
    """
    if len(blocks) == 1:
        return blocks[0]
    blocks = sorted(blocks, key=lambda block: block.record_id)  # UTC onsets: sorted in time
    first, last = blocks[0], blocks[-1]
    gaps = sum(
        max(0.0, timing.seconds_between(a.final_wake, b.sleep_onset) / 60)
        for a, b in zip(blocks, blocks[1:], strict=False)
        if a.final_wake is not None and b.sleep_onset is not None
    )

    def total(field: str, extra: float = 0.0) -> float | None:
        values = [getattr(block, field) for block in blocks]
        return None if None in values else round(sum(values) + extra, 1)

    return replace(
        first,
        final_wake=last.final_wake,
        out_of_bed=last.out_of_bed,
        asleep_min=total("asleep_min"),
        waso_min=total("waso_min", gaps),
        light_min=total("light_min"),
        deep_min=total("deep_min"),
        rem_min=total("rem_min"),
        awake_min=total("awake_min", gaps),
    )


def _offset(path: Path, place: str, text: str) -> dt.timezone:
    """``UTC+01:00``, ``UTC-04:00`` or ``UTCZ`` as a fixed offset."""
    match = _OFFSET.match(text)
    if match is None:
        raise InputError.single(
            str(path), place, f"Cycle timezone is not UTC±HH:MM or UTCZ: {text[:40]!r}"
        )
    if match.group(1) is None:
        return dt.UTC
    hours, minutes = int(match.group(2)), int(match.group(3))
    if hours > 14 or minutes > 59:
        raise InputError.single(str(path), place, f"Cycle timezone is not an offset: {text!r}")
    sign = -1 if match.group(1) == "-" else 1
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _local(path: Path, place: str, text: str, offset: dt.timezone) -> dt.datetime:
    """A ``YYYY-MM-DD HH:MM:SS`` time in the row's offset."""
    value = written_time(path, place, text, "WHOOP", parse=_wall_clock)
    return value.replace(tzinfo=offset)


def _wall_clock(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def _minutes(path: Path, place: str, text: str) -> float | None:
    """A cell of minutes; ``None`` when empty."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 24 * 60:
        raise InputError.single(str(path), place, f"is not a number of minutes: {text[:40]!r}")
    return value
