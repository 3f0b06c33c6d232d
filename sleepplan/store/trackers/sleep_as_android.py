"""Sleep as Android's ``sleep-export.csv`` (its backup) read into objective nights.

Every record is a header line (``Id,Tz,From,To,Sched,Hours,…``, then one column per actigraphy
time and one ``Event`` column per event) followed by its value line, and sometimes a noise
line that starts with empty cells. Pitfalls (format notes: sleepdiary/core,
``src/SleepAsAndroid/README.md``):

- ``Id`` is the start in epoch milliseconds and ``Tz`` an IANA zone; ``From``/``To`` are wall
  clocks that are ambiguous around DST, so the start is ``Id`` and the end ``Id`` + ``Hours``.
- ``-1`` / ``-1.0`` / ``-2.0`` mean "no data" (``Cycles``, ``DeepSleep``, ``LenAdjust``).
- Stages are events (``LIGHT_START-<ms>``, ``DEEP_END-<ms>``, ``REM_START``…, ``AWAKE_START``…):
  REM spans sit inside DEEP spans (``flatten`` gives REM the overlap) and AWAKE spans inside
  LIGHT ones (cut out here, since being awake wins over any sleep stage).
- Test recordings (started and stopped to try the app, often a minute long) are not nights:
  a recording shorter than ``SHORTEST_H`` is skipped with the reason.
- Manual entries have no events: the night is kept with its times and stage minutes ``None``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

from sleepplan.core import timing
from sleepplan.core.errors import InputError
from sleepplan.core.objective import (
    Epoch,
    ObjectiveNight,
    Skipped,
    Stage,
    looks_like_nap,
    night_of,
    summarise,
)
from sleepplan.store.trackers.common import Progress, csv_rows

SOURCE = "sleep-as-android"
SHORTEST_H = 1.0
"""A recording shorter than this (hours) is a test, not a night or a nap."""
STAGES: dict[str, Stage] = {"LIGHT": "light", "DEEP": "deep", "REM": "rem", "AWAKE": "awake"}
"""Event labels (before ``_START``/``_END``) and the stage they mark."""
_HEADER = b"Id,Tz,From,To,Sched,Hours"
LATEST_MILLIS = 7_258_118_400_000
"""2200-01-01 in epoch milliseconds: a later time is not one the app wrote."""


def sniff(head: bytes) -> bool:
    """Whether the file starts with a Sleep as Android record header."""
    return head.removeprefix(b"\xef\xbb\xbf").startswith(_HEADER)


def read(
    path: Path, zone: str, progress: Progress | None = None, priority: Sequence[str] = ()
) -> Iterator[ObjectiveNight | Skipped]:
    """Every night and nap of a ``sleep-export.csv`` (see the module docstring)."""
    header: list[str] | None = None
    for line, row in csv_rows(path, progress):
        if row and row[0] == "Id":
            header = row
        elif header is not None:
            yield _record(path, f"line {line}", header, row, zone)
            header = None
        elif not row or not row[0]:
            continue  # a noise line after a record, or a blank line
        else:
            raise InputError.single(
                str(path), f"line {line}", "is not a record header (Id,Tz,From,To,…)"
            )
    if header is not None:
        raise InputError.single(str(path), "the end", "a record header has no values after it")


def _record(
    path: Path, place: str, header: list[str], row: list[str], zone: str
) -> ObjectiveNight | Skipped:
    """One record (its header and value lines) as a night or nap."""
    cells: dict[str, str] = {}
    events: list[str] = []
    for name, value in zip(header, row, strict=False):
        if name == "Event":
            events.append(value)
        else:
            cells.setdefault(name, value.strip())
    record_id = cells.get("Id", "")
    if not (record_id.isascii() and record_id.isdigit()) or len(record_id) > 15:
        raise InputError.single(
            str(path), place, f"Id is not a time in milliseconds: {record_id!r}"
        )
    tz = cells.get("Tz", "")
    try:
        timing.zone(tz)
    except ValueError:
        raise InputError.single(
            str(path), place, f"Tz is not an IANA time zone: {tz[:40]!r}"
        ) from None
    start = _instant(path, place, int(record_id), tz)
    hours = _number(path, place, "Hours", cells.get("Hours", ""))
    if not 0 <= hours <= 48:
        raise InputError.single(str(path), place, f"Hours is not a length of sleep: {hours}")
    label = cells.get("From") or record_id
    if hours < SHORTEST_H:
        return Skipped(label, f"a recording of {round(hours * 60)} min: a test, not a night")
    end = timing.shift(start, hours=hours)
    epochs = _epochs(path, place, events, end, tz)
    if epochs:
        # ``Hours`` is rounded: the last event can fall a few seconds after it.
        end = max([end, *(epoch.end for epoch in epochs)], key=timing.utc)
        fields = summarise(epochs, in_bed=start, out_of_bed=end)
    else:
        # A manual entry or a recording without a hypnogram: only its length is known.
        adjust = cells.get("LenAdjust", "")
        minutes = hours * 60
        if adjust not in ("", "-1.0"):  # "-1.0" marks a manual entry, "-1" is a minute
            minutes += _number(path, place, "LenAdjust", adjust)
        fields = {"in_bed": start, "out_of_bed": end, "asleep_min": round(max(0.0, minutes), 1)}
    return ObjectiveNight(
        night=night_of(start, zone),
        source=SOURCE,
        record_id=record_id,
        nap=looks_like_nap(start, end, zone),
        **fields,
    )


def _epochs(path: Path, place: str, events: list[str], end: dt.datetime, tz: str) -> list[Epoch]:
    """The stage spans the events mark, awake ones cut out of the others."""
    opened: dict[str, dt.datetime] = {}
    spans: list[Epoch] = []
    for event in events:
        label, _, rest = event.strip().partition("-")
        kind, _, edge = label.rpartition("_")
        if kind not in STAGES or edge not in ("START", "END"):
            continue
        millis = rest.partition("-")[0]
        if not (millis.isascii() and millis.isdigit()) or len(millis) > 15:
            raise InputError.single(str(path), place, f"event {event[:40]!r} has no time")
        at = _instant(path, place, int(millis), tz)
        if edge == "START":
            opened.setdefault(kind, at)
        elif kind in opened:
            spans.append(Epoch(opened.pop(kind), at, STAGES[kind]))
    # A span still open at the end of the events runs to the end of the recording.
    spans.extend(Epoch(start, end, STAGES[kind]) for kind, start in opened.items())
    return _carve_awake(spans)


def _carve_awake(spans: list[Epoch]) -> list[Epoch]:
    """The spans with every awake span cut out of the sleep spans it lies in."""
    awake = [span for span in spans if span.stage == "awake"]
    result = list(awake)
    for span in spans:
        if span.stage == "awake":
            continue
        pieces = [span]
        for cut in awake:
            pieces = [part for piece in pieces for part in _without(piece, cut)]
        result.extend(pieces)
    return result


def _without(span: Epoch, cut: Epoch) -> list[Epoch]:
    """The parts of ``span`` outside ``cut``."""
    s, e = timing.utc(span.start), timing.utc(span.end)
    cs, ce = timing.utc(cut.start), timing.utc(cut.end)
    if ce <= s or cs >= e:
        return [span]
    parts = []
    if cs > s:
        parts.append(Epoch(span.start, cut.start, span.stage))
    if ce < e:
        parts.append(Epoch(cut.end, span.end, span.stage))
    return parts


def _instant(path: Path, place: str, millis: int, tz: str) -> dt.datetime:
    """Epoch milliseconds as an instant in the record's zone."""
    if not 0 <= millis < LATEST_MILLIS:
        raise InputError.single(str(path), place, f"{millis} is not a time the app wrote")
    # Whole seconds: what a night needs, and its times print plainly.
    return timing.in_zone(dt.datetime.fromtimestamp(millis // 1000, dt.UTC), tz)


def _number(path: Path, place: str, name: str, text: str) -> float:
    """A numeric cell."""
    try:
        value = float(text)
    except ValueError:
        raise InputError.single(
            str(path), place, f"{name} is not a number: {text[:40]!r}"
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InputError.single(str(path), place, f"{name} is not a number: {text[:40]!r}")
    return value
