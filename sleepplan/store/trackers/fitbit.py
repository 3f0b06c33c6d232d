"""Fitbit sleep logs: the data export (Google Takeout ``sleep-*.json``) and the Web API's JSON.

Takeout writes a list of sleep logs; the Web API v1.2 (``/1.2/user/-/sleep/date/...``) writes
``{"sleep": [...], "summary": {...}}``. Each log has ``logId``, ``startTime``/``endTime`` and, when
Fitbit kept them, ``levels.data`` (runs of one level) with ``levels.shortData`` over them.

The pitfalls this module handles (see ``../shared/trackers/README.md``):

- Times are local wall clock without an offset. They are read in the profile's zone by RFC 5545
  (``timing.resolve_local``: a time in a spring-forward gap moves past the gap, a repeated time
  is its first occurrence) — except that a level entry whose first reading would fall before the
  entry it follows is its second occurrence, so a fall-back night's second 01:30 comes after 01:50.
- ``dateOfSleep`` is the date the log *ended*; the night is ``night_of`` its start instead.
- ``shortData`` holds wakes of three minutes or less that cut into the ``data`` runs: they replace
  what ``data`` says over their span before the night is summarised.
- ``classic`` logs (older devices) have levels asleep / restless / awake. Fitbit counts restless
  minutes as awake: its v1 documentation gives ``timeInBed = minutesToFallAsleep + minutesAsleep
  + minutesAwake + minutesAfterWakeup`` and a classic log's ``minutesAsleep`` is its ``asleep``
  minutes alone (the Takeout sample: 312 asleep, ``minutesAwake`` 198 = restless 195 + awake 3).
  So restless is read as awake here too.
- ``unknown`` (the tracker lost contact) is neither asleep nor awake.
- ``mainSleep`` (Takeout) / ``isMainSleep`` (API) false is a nap.
- Without ``levels.data`` (Takeout files often lack it) the log's summary minutes are used.
  ``minutesAwake`` then includes time before sleep and after the final wake, so it is not WASO:
  ``waso_min`` and ``awakenings`` stay ``None``.

The export is read whole within ``json_export.MAX_JSON_BYTES`` (a Takeout ``sleep-*.json``
covers a month and weighs well under 1 MiB).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sleepplan.core import timing
from sleepplan.core.objective import Epoch, ObjectiveNight, Skipped, Stage, night_of, summarise
from sleepplan.store.trackers.common import Progress
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

SOURCE = "fitbit"
MAX_NIGHT = dt.timedelta(hours=24)
"""A log longer than this is not a night or a nap: it is skipped."""
MAX_LEVEL_ENTRIES = 2880
"""Fitbit's levels come in 30-second steps, so a day holds at most this many entries."""
LEVELS: dict[str, Stage] = {
    "wake": "awake",
    "light": "light",
    "deep": "deep",
    "rem": "rem",
    "asleep": "asleep",
    "restless": "awake",  # see the module docstring: Fitbit counts restless minutes as awake
    "awake": "awake",
    "unknown": "unknown",
}
"""Fitbit's levels (``stages`` and ``classic`` logs) as stages; any other level is unknown."""
_FITBIT_KEY = re.compile(rb'"(dateOfSleep|logId)"\s*:')


def sniff(head: bytes) -> bool:
    """Whether ``head`` starts a Fitbit sleep export (a list of logs or ``{"sleep": [...]}``)."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text[:1] in (b"[", b"{") and _FITBIT_KEY.search(text) is not None


def read(
    path: Path, zone: str, progress: Progress | None = None, priority: Sequence[str] = ()
) -> Iterator[ObjectiveNight | Skipped]:
    """Every night and nap of a Fitbit export, and every log left out with its reason."""
    source = str(path)
    document = load_json(path, progress, MAX_JSON_BYTES)  # read here: a test lowers it
    if isinstance(document, list):
        logs, prefix = document, ""
    elif isinstance(document, dict) and isinstance(document.get("sleep"), list):
        logs, prefix = document["sleep"], "sleep"
    else:
        fail(source, "", 'expected a list of Fitbit sleep logs or {"sleep": [...]}')
    for index, log in enumerate(logs):
        place = f"{prefix}[{index}]"
        try:
            yield read_log(source, place, log, zone)
        except (OverflowError, ValueError):  # a log at the very ends of the calendar
            yield Skipped(place, "its times fall outside the calendar")


def read_log(source: str, place: str, value: Any, zone: str) -> ObjectiveNight | Skipped:
    """One sleep log as a night (or nap), or why it is left out."""
    log = as_object(source, place, value)
    record_id = log.get("logId")
    if isinstance(record_id, bool) or not isinstance(record_id, int | str) or record_id == "":
        fail(source, f"{place}.logId", "expected the log's id (a number)")
    start_text = text(source, log, "startTime", place)
    record = f"log {shown(str(record_id))} ({shown(start_text)})"
    start = local_instant(source, f"{place}.startTime", start_text, zone)
    # the log's length (``duration``, in ms) says which reading of a repeated end time is meant
    duration = number(source, log, "duration", place, high=MAX_NIGHT.total_seconds() * 1000)
    near = None if duration is None else timing.shift(start, seconds=duration / 1000)
    end_text = text(source, log, "endTime", place)
    end = local_instant(source, f"{place}.endTime", end_text, zone, after=start, near=near)
    length = timing.seconds_between(start, end)
    if length <= 0:
        return Skipped(record, "it ends before it starts")
    if length > MAX_NIGHT.total_seconds():
        return Skipped(record, "it lasts more than 24 hours")
    try:
        night = night_of(start, zone)
    except ValueError:
        return Skipped(record, "its times fall outside the calendar")
    main_key = "mainSleep" if "mainSleep" in log else "isMainSleep"  # Takeout / Web API
    main = log.get(main_key, True)
    if not isinstance(main, bool):
        fail(source, f"{place}.{main_key}", "expected true or false")
    levels = log.get("levels")
    levels = {} if levels is None else as_object(source, f"{place}.levels", levels)
    common: dict[str, Any] = {
        "night": night,
        "source": SOURCE,
        "record_id": str(record_id),
        "nap": not main,
    }
    data = levels.get("data")
    if data:
        epochs = level_epochs(source, f"{place}.levels", levels, zone, start)
        fields = summarise(epochs, in_bed=start, out_of_bed=end)
        return ObjectiveNight(**common, **{**fields, "in_bed": start, "out_of_bed": end})
    return ObjectiveNight(**common, **summary_fields(source, place, log, levels, start, end))


def level_epochs(
    source: str, place: str, levels: dict[str, Any], zone: str, start: dt.datetime
) -> list[Epoch]:
    """The log's ``data`` runs with its ``shortData`` wakes cut into them."""
    data = entries(source, f"{place}.data", levels.get("data"), zone, start)
    short_value = levels.get("shortData")
    short = (
        []
        if short_value is None
        else entries(source, f"{place}.shortData", short_value, zone, start)
    )
    return overlay(data, short)


def entries(source: str, place: str, value: Any, zone: str, start: dt.datetime) -> list[Epoch]:
    """A ``levels.data`` or ``levels.shortData`` list as epochs, in the order written."""
    items = as_list(source, place, value)
    if len(items) > MAX_LEVEL_ENTRIES:
        fail(source, place, f"more than {MAX_LEVEL_ENTRIES} entries (a day of 30-second steps)")
    epochs: list[Epoch] = []
    previous: Epoch | None = None
    for index, item in enumerate(items):
        where = f"{place}[{index}]"
        entry = as_object(source, where, item)
        begin = local_instant(
            source,
            f"{where}.dateTime",
            text(source, entry, "dateTime", where),
            zone,
            after=None if previous is None else previous.start,
            near=start if previous is None else previous.end,
        )
        seconds = number(source, entry, "seconds", where, high=MAX_NIGHT.total_seconds())
        if seconds is None:
            fail(source, f"{where}.seconds", "required key is missing")
        level = text(source, entry, "level", where)
        previous = Epoch(begin, timing.shift(begin, seconds=seconds), LEVELS.get(level, "unknown"))
        epochs.append(previous)
    return epochs


def overlay(data: list[Epoch], short: list[Epoch]) -> list[Epoch]:
    """``data`` with every ``short`` span cut out of it, and the ``short`` spans added.

    ``core.objective.flatten`` lets the more specific stage win an overlap, which would keep
    ``light`` over a short wake; Fitbit means the short wake to replace it.
    """
    cut: list[Epoch] = []
    for epoch in data:
        zone = epoch.start.tzinfo
        parts = [(timing.utc(epoch.start), timing.utc(epoch.end))]
        for wake in short:
            wake_start, wake_end = timing.utc(wake.start), timing.utc(wake.end)
            kept = []
            for left, right in parts:
                if wake_end <= left or wake_start >= right:
                    kept.append((left, right))
                    continue
                if left < wake_start:
                    kept.append((left, wake_start))
                if wake_end < right:
                    kept.append((wake_end, right))
            parts = kept
        cut += [Epoch(a.astimezone(zone), b.astimezone(zone), epoch.stage) for a, b in parts]
    return cut + short


def summary_fields(
    source: str,
    place: str,
    log: dict[str, Any],
    levels: dict[str, Any],
    start: dt.datetime,
    end: dt.datetime,
) -> dict[str, Any]:
    """A log without level data, from its summary minutes (WASO unknown: see the docstring)."""
    latency = number(source, log, "minutesToFallAsleep", place)
    after_wake = number(source, log, "minutesAfterWakeup", place)
    fields: dict[str, Any] = {
        "in_bed": start,
        "out_of_bed": end,
        "sleep_onset": None if latency is None else timing.shift(start, minutes=latency),
        "final_wake": None if after_wake is None else timing.shift(end, minutes=-after_wake),
        "asleep_min": number(source, log, "minutesAsleep", place),
        "latency_min": latency,
        "awake_min": number(source, log, "minutesAwake", place),
    }
    summary_value = levels.get("summary")
    if summary_value is None:
        return fields
    summary = as_object(source, f"{place}.levels.summary", summary_value)
    stage_minutes = {}
    for level in ("light", "deep", "rem", "wake"):
        if level in summary:
            where = f"{place}.levels.summary.{level}"
            stage_minutes[level] = number(
                source, as_object(source, where, summary[level]), "minutes", where
            )
    if {"light", "deep", "rem"} <= stage_minutes.keys():  # a stages log; classic has none
        fields.update(
            light_min=stage_minutes["light"],
            deep_min=stage_minutes["deep"],
            rem_min=stage_minutes["rem"],
        )
    if stage_minutes.get("wake") is not None:
        fields["awake_min"] = stage_minutes["wake"]
    return fields
