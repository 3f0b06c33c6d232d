"""Oura sleep: API v2 and v1 JSON, and the CSV of the membership (cloud.ouraring.com) export.

- **API v2** (``/v2/usercollection/sleep``): ``{"data": [...]}``, one document per sleep period
  with ``id`` (the record id; the start where it is missing, as in Oura's documentation
  example), ``day`` (the wake date), ``type``, ``bedtime_start``/``bedtime_end`` (ISO 8601 with
  an offset), durations in seconds and ``sleep_phase_5_min`` (a digit per 5 minutes from
  ``bedtime_start``: 1 deep, 2 light, 3 REM, 4 awake). ``total_sleep_duration`` may be null: the
  sum of the stage durations then. One ``day`` may hold several documents: ``long_sleep`` is the
  night (or, with none, the longest ``sleep`` of that night); ``late_nap`` and any other ``sleep``
  are naps; ``rest`` and ``deleted`` are skipped with their reason.
- **API v1** (``/v1/sleep``): ``{"sleep": [...]}`` with ``summary_date`` (the evening),
  ``is_longest``, durations in seconds (``total``, ``awake``, ``light``, ``rem``, ``deep``,
  ``onset_latency``) and ``hypnogram_5min`` (the same digits). Its record id is its start.
- **Membership CSV** (one row per day): the header found in JoshShearer/CGMAnalysis, README.md
  ("OuraSleepData.csv ... a .csv export from Oura.com", header and an example row): ``date`` (the
  wake date), ``Total Bedtime``, ``Total Sleep Time``, ``Awake Time``, ``REM Sleep Time``, ``Light
  Sleep Time``, ``Deep Sleep Time``, ``Sleep Latency`` (all seconds), ``Bedtime Start``, ``Bedtime
  End`` (ISO 8601 with offset); ``Sleep Timing`` appears twice, so columns are found by name and
  the first of a name is used. A day without a bedtime recorded nothing and is skipped.

Oura's own durations (at 30-second resolution) give the stage minutes; the 5-minute hypnogram
gives onset, final wake, WASO and awakenings. Every night is dated by ``night_of`` its start in
the profile's zone, never by ``day``. JSON is read whole within ``json_export``'s size cap.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sleepplan.core import timing
from sleepplan.core.objective import Epoch, ObjectiveNight, Skipped, Stage, night_of, summarise
from sleepplan.store.trackers.common import Progress
from sleepplan.store.trackers.fitbit import MAX_NIGHT
from sleepplan.store.trackers.json_export import (
    MAX_JSON_BYTES,
    as_list,
    as_object,
    fail,
    load_json,
    local_instant,
    number,
    shown,
    text,
)

SOURCE = "oura"
PHASES: dict[str, Stage] = {"1": "deep", "2": "light", "3": "rem", "4": "awake"}
"""The digits of ``sleep_phase_5_min`` / ``hypnogram_5min``; any other is unknown."""
EPOCH_MINUTES = 5
MAIN_RANK = {"long_sleep": 2, "sleep": 1}
"""Which v2 types can be a night's main sleep, the higher first; the rest are naps."""
CSV_COLUMNS = {
    "start": "Bedtime Start",
    "end": "Bedtime End",
    "asleep": "Total Sleep Time",
    "awake": "Awake Time",
    "rem": "REM Sleep Time",
    "light": "Light Sleep Time",
    "deep": "Deep Sleep Time",
    "latency": "Sleep Latency",
}
_JSON_KEY = re.compile(rb'"bedtime_start"\s*:')
_SECONDS_A_DAY = MAX_NIGHT.total_seconds()
_PROGRESS_ROWS = 1000


def sniff(head: bytes) -> bool:
    """Whether ``head`` starts an Oura export: v1/v2 JSON or the membership CSV."""
    content = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if content[:1] == b"{":
        return _JSON_KEY.search(content) is not None and b'"dateOfSleep"' not in content
    first_line = content.split(b"\n", 1)[0]
    return b"Bedtime Start" in first_line and b"Total Sleep Time" in first_line


def read(
    path: Path, zone: str, progress: Progress | None = None, priority: Sequence[str] = ()
) -> Iterator[ObjectiveNight | Skipped]:
    """Every night and nap of an Oura export, and every record left out with its reason."""
    if not _starts_json(path):
        yield from read_csv(path, zone, progress)
        return
    source = str(path)
    document = as_object(source, "", load_json(path, progress))
    if "data" in document:
        yield from read_v2(source, as_list(source, "data", document["data"]), zone)
    elif "sleep" in document:
        yield from read_v1(source, as_list(source, "sleep", document["sleep"]), zone)
    else:
        fail(source, "", 'expected Oura\'s {"data": [...]} (API v2) or {"sleep": [...]} (API v1)')


def read_v2(source: str, documents: list[Any], zone: str) -> Iterator[ObjectiveNight | Skipped]:
    """API v2 sleep documents: one night per night-of date, the other periods naps."""
    nights: list[ObjectiveNight] = []
    kinds: list[str] = []
    for index, value in enumerate(documents):
        place = f"data[{index}]"
        document = as_object(source, place, value)
        kind = document.get("type", "sleep")
        if not isinstance(kind, str):
            fail(source, f"{place}.type", "expected text")
        day = document.get("day")
        record = f"{place} (day {shown(day)})" if isinstance(day, str) else place
        if kind == "deleted":
            yield Skipped(record, "deleted in Oura")
            continue
        if kind == "rest":
            yield Skipped(record, "a rest period Oura recorded, not sleep")
            continue
        record_id = document.get("id")  # Oura's documentation example has none: the start then
        if record_id is not None and (not isinstance(record_id, str) or not record_id):
            fail(source, f"{place}.id", "expected the document's id (text)")
        durations = {
            key: number(source, document, key, place, high=_SECONDS_A_DAY)
            for key in (
                "deep_sleep_duration",
                "light_sleep_duration",
                "rem_sleep_duration",
                "awake_time",
                "latency",
                "total_sleep_duration",
            )
        }
        stages = [durations[f"{stage}_sleep_duration"] for stage in ("deep", "light", "rem")]
        total = durations["total_sleep_duration"]
        if total is None and None not in stages:
            total = sum(s for s in stages if s is not None)
        night = period(
            source,
            record,
            bedtimes(source, place, document, zone),
            zone,
            record_id=record_id,
            phases=(f"{place}.sleep_phase_5_min", document.get("sleep_phase_5_min")),
            seconds={
                "asleep_min": total,
                "deep_min": stages[0],
                "light_min": stages[1],
                "rem_min": stages[2],
                "awake_min": durations["awake_time"],
                "latency_min": durations["latency"],
            },
        )
        if isinstance(night, Skipped):
            yield night
            continue
        nights.append(night)
        kinds.append(kind)
    yield from choose_main(nights, kinds)


def choose_main(nights: list[ObjectiveNight], kinds: list[str]) -> list[ObjectiveNight]:
    """The nights with one main sleep per night-of date, every other period a nap.

    The main sleep is the longest ``long_sleep``, else the longest ``sleep``; ``late_nap`` (and
    any other type) is always a nap.
    """
    best: dict[dt.date, tuple[int, float, int]] = {}  # night → (rank, time in bed, index)
    for index, (night, kind) in enumerate(zip(nights, kinds, strict=True)):
        rank = MAIN_RANK.get(kind)
        if rank is None:
            continue
        candidate = (rank, _in_bed_seconds(night), index)
        if night.night not in best or candidate[:2] > best[night.night][:2]:
            best[night.night] = candidate
    chosen = {index for _, _, index in best.values()}
    return [replace(night, nap=index not in chosen) for index, night in enumerate(nights)]


def read_v1(source: str, records: list[Any], zone: str) -> Iterator[ObjectiveNight | Skipped]:
    """API v1 sleep periods; ``is_longest`` 0 is a nap."""
    for index, value in enumerate(records):
        place = f"sleep[{index}]"
        record = as_object(source, place, value)
        seconds = {
            field: number(source, record, key, place, high=_SECONDS_A_DAY)
            for field, key in (
                ("asleep_min", "total"),
                ("deep_min", "deep"),
                ("light_min", "light"),
                ("rem_min", "rem"),
                ("awake_min", "awake"),
                ("latency_min", "onset_latency"),
            )
        }
        longest = record.get("is_longest", 1)
        if isinstance(longest, bool):
            longest = int(longest)
        if longest not in (0, 1):
            fail(source, f"{place}.is_longest", "expected 0 or 1")
        summary_date = record.get("summary_date")
        name = f"{place} ({shown(summary_date)})" if isinstance(summary_date, str) else place
        night = period(
            source,
            name,
            bedtimes(source, place, record, zone),
            zone,
            record_id=None,
            phases=(f"{place}.hypnogram_5min", record.get("hypnogram_5min")),
            seconds=seconds,
        )
        yield night if isinstance(night, Skipped) else replace(night, nap=longest == 0)


def bedtimes(
    source: str, place: str, document: dict[str, Any], zone: str
) -> tuple[dt.datetime, dt.datetime]:
    """A JSON period's ``bedtime_start`` and ``bedtime_end``."""
    start_text = text(source, document, "bedtime_start", place)
    start = local_instant(source, f"{place}.bedtime_start", start_text, zone)
    end_text = text(source, document, "bedtime_end", place)
    return start, local_instant(source, f"{place}.bedtime_end", end_text, zone, after=start)


def period(
    source: str,
    record: str,
    times: tuple[dt.datetime, dt.datetime],
    zone: str,
    *,
    record_id: str | None,
    phases: tuple[str, Any] | None,
    seconds: dict[str, float | None],
) -> ObjectiveNight | Skipped:
    """One sleep period as a night: Oura's durations, the hypnogram's timings.

    ``seconds`` maps night fields to Oura's durations in seconds (``None`` where absent);
    ``phases`` is the hypnogram's place and value, if the format has one; ``record_id``
    ``None`` means the start instant identifies the record (v1 and the CSV).
    """
    try:
        return _period(source, record, times, zone, record_id, phases, seconds)
    except (OverflowError, ValueError):  # a period at the very ends of the calendar
        return Skipped(record, "its times fall outside the calendar")


def _period(
    source: str,
    record: str,
    times: tuple[dt.datetime, dt.datetime],
    zone: str,
    record_id: str | None,
    phases: tuple[str, Any] | None,
    seconds: dict[str, float | None],
) -> ObjectiveNight | Skipped:
    start, end = times
    length = timing.seconds_between(start, end)
    if length <= 0:
        return Skipped(record, "it ends before it starts")
    if length > _SECONDS_A_DAY:
        return Skipped(record, "it lasts more than 24 hours")
    try:
        night = night_of(start, zone)
    except ValueError:
        return Skipped(record, "its times fall outside the calendar")
    fields: dict[str, Any] = {"in_bed": start, "out_of_bed": end}
    phases_place, hypnogram = phases or ("", None)
    if hypnogram is not None:
        if not isinstance(hypnogram, str):
            fail(source, phases_place, "expected text (a digit per 5 minutes)")
        if len(hypnogram) * EPOCH_MINUTES > length / 60 + EPOCH_MINUTES:
            fail(source, phases_place, "is longer than the time in bed")
        fields = summarise(phase_epochs(hypnogram, start), in_bed=start, out_of_bed=end)
    latency = seconds.get("latency_min")
    if hypnogram is None and latency is not None:
        fields["sleep_onset"] = timing.shift(start, seconds=latency)
    for field, value in seconds.items():
        if value is not None:
            fields[field] = round(value / 60, 1)
    return ObjectiveNight(
        night=night, source=SOURCE, record_id=record_id or start.isoformat(), **fields
    )


def phase_epochs(phases: str, start: dt.datetime) -> list[Epoch]:
    """A hypnogram string as epochs, one per run of a digit."""
    epochs: list[Epoch] = []
    run = 0
    for index in range(1, len(phases) + 1):
        if index < len(phases) and phases[index] == phases[run]:
            continue
        begin = timing.shift(start, minutes=run * EPOCH_MINUTES)
        end = timing.shift(start, minutes=index * EPOCH_MINUTES)
        epochs.append(Epoch(begin, end, PHASES.get(phases[run], "unknown")))
        run = index
    return epochs


def read_csv(
    path: Path, zone: str, progress: Progress | None
) -> Iterator[ObjectiveNight | Skipped]:
    """The membership export's CSV, streamed row by row."""
    source = str(path)
    with path.open("rb") as handle:
        total = os.fstat(handle.fileno()).st_size
        if total > MAX_JSON_BYTES:
            fail(source, "", f"is larger than {MAX_JSON_BYTES // (1024 * 1024)} MiB")
        physical = 0

        def lines() -> Iterator[str]:
            # decoded line by line, so a byte that is not UTF-8 is placed on its own line
            nonlocal physical
            for physical, raw in enumerate(handle, start=1):  # noqa: B007 (read after a failure)
                if physical == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                try:
                    yield raw.decode("utf-8")
                except UnicodeDecodeError:
                    fail(source, f"line {physical}", "the file is not UTF-8 text")

        rows = csv.reader(lines(), strict=True)  # an unclosed quote is an error, not a lost file
        started = 1

        def numbered() -> Iterator[tuple[int, list[str]]]:
            nonlocal started
            while True:
                started = rows.line_num + 1
                row = next(rows, None)
                if row is None:
                    return
                yield started, row

        try:
            yield from _csv_rows(source, numbered(), zone, progress, handle, total)
        except csv.Error as error:
            fail(source, f"line {started}", f"is not CSV as Oura writes it ({error})")


def _csv_rows(
    source: str,
    rows: Iterator[tuple[int, list[str]]],
    zone: str,
    progress: Progress | None,
    raw: Any,
    total: int,
) -> Iterator[ObjectiveNight | Skipped]:
    _, header = next(rows, (1, None))
    if header is None:
        fail(source, "", "is empty")
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        columns.setdefault(name.strip(), index)  # "Sleep Timing" appears twice: the first is kept
    missing = [name for name in CSV_COLUMNS.values() if name not in columns]
    if missing:
        fail(source, "line 1", f"missing Oura's column(s): {', '.join(missing)}")
    for count, (line, row) in enumerate(rows, start=1):
        if progress is not None and count % _PROGRESS_ROWS == 0:
            progress(min(raw.tell(), total), total)
        if not any(cell.strip() for cell in row):
            continue
        yield _csv_night(source, line, row, columns, zone)
    if progress is not None:
        progress(total, total)


def _csv_night(
    source: str, line: int, row: list[str], columns: dict[str, int], zone: str
) -> ObjectiveNight | Skipped:
    def cell(key: str) -> str:
        index = columns[CSV_COLUMNS[key]]
        return row[index].strip() if index < len(row) else ""

    day = row[columns["date"]].strip() if "date" in columns and columns["date"] < len(row) else ""
    record = f"line {line} ({shown(day)})" if day else f"line {line}"
    if not cell("start") or not cell("end"):
        return Skipped(record, "no sleep recorded that day")
    start_place = f"line {line}, column {CSV_COLUMNS['start']!r}"
    start = local_instant(source, start_place, cell("start"), zone)
    end_place = f"line {line}, column {CSV_COLUMNS['end']!r}"
    end = local_instant(source, end_place, cell("end"), zone, after=start)
    seconds: dict[str, float | None] = {}
    for field, key in (
        ("asleep_min", "asleep"),
        ("deep_min", "deep"),
        ("light_min", "light"),
        ("rem_min", "rem"),
        ("awake_min", "awake"),
        ("latency_min", "latency"),
    ):
        value = cell(key)
        place = f"line {line}, column {CSV_COLUMNS[key]!r}"
        try:
            parsed = float(value) if value else None
        except ValueError:
            fail(source, place, f"expected seconds, got {shown(repr(value))}")
        if parsed is not None and not 0 <= parsed <= _SECONDS_A_DAY:  # NaN fails this too
            fail(source, place, f"{shown(value)} is out of range (0 to {_SECONDS_A_DAY:g} s)")
        seconds[field] = parsed
    return period(source, record, (start, end), zone, record_id=None, phases=None, seconds=seconds)


def _starts_json(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{"


def _in_bed_seconds(night: ObjectiveNight) -> float:
    if night.in_bed is None or night.out_of_bed is None:
        return 0.0
    return timing.seconds_between(night.in_bed, night.out_of_bed)
