"""Tracker nights inside a JSON or TOML export of ours, read back and checked field by field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sleepplan.core.errors import InputError
from sleepplan.core.objective import NIGHT_KEYS, PRECEDENCE, SOURCES, Epoch, ObjectiveNight
from sleepplan.store.import_limits import MAX_IMPORT_NIGHTS, too_many_nights

_INSTANT_KEYS = ("in_bed", "sleep_onset", "final_wake", "out_of_bed")
_MINUTE_KEYS = (
    "asleep_min", "latency_min", "waso_min", "light_min", "deep_min", "rem_min", "awake_min",
)  # fmt: skip


_OBJECTIVE_KEYS = frozenset(NIGHT_KEYS) | {"record_id", "epochs"}


def tracker_nights(items: object, source: str) -> tuple[ObjectiveNight, ...]:
    """The tracker nights of an export (its ``objective`` list), checked field by field."""
    if not isinstance(items, list):
        raise InputError.single(source, "objective", "must be a list of tracker nights")
    if len(items) > MAX_IMPORT_NIGHTS:
        raise too_many_nights(source, "objective")
    return tuple(_objective_night(item, source, f"objective[{i}]") for i, item in enumerate(items))


def _objective_night(item: object, source: str, place: str) -> ObjectiveNight:
    def bad(key: str, message: str) -> InputError:
        return InputError.single(source, f"{place}.{key}" if key else place, message)

    def bad_in(key: str) -> Callable[[str], InputError]:
        return lambda message: bad(key, message)

    if not isinstance(item, dict):
        raise bad("", "must be a table of a tracker's night")
    for key in item:
        if key not in _OBJECTIVE_KEYS:
            raise bad(key, "unknown key")
    for key in ("night", "source", "record_id"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise bad(key, "is required (text)")
    if item["source"] not in SOURCES:
        raise bad("source", f"{item['source']!r} is no tracker source ({', '.join(SOURCES)})")
    values: dict[str, Any] = {"source": item["source"], "record_id": item["record_id"]}
    try:
        values["night"] = dt.date.fromisoformat(item["night"])
    except ValueError:
        raise bad("night", "must be a date YYYY-MM-DD") from None
    device = item.get("device")
    if device is not None and not isinstance(device, str):
        raise bad("device", "must be text")
    values["device"] = device
    nap = item.get("nap", False)
    if not isinstance(nap, bool):
        raise bad("nap", "must be true or false")
    values["nap"] = nap
    for key in _INSTANT_KEYS:
        values[key] = _instant(item.get(key), bad_in(key))
    for key in (*_MINUTE_KEYS, "awakenings"):
        value = item.get(key)
        whole = key == "awakenings"
        number = int if whole else (int, float)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, number) or not 0 <= value <= 100_000
        ):
            kind = "a whole number" if whole else "a number of minutes"
            raise bad(key, f"must be {kind} from 0, or left out")
        values[key] = None if value is None else (value if whole else float(value))
    epochs = item.get("epochs", [])
    if not isinstance(epochs, list):
        raise bad("epochs", "must be a list of [start, end, stage]")
    values["epochs"] = tuple(
        _epoch(epoch, bad_in(f"epochs[{i}]")) for i, epoch in enumerate(epochs)
    )
    return ObjectiveNight(**values)


def _instant(value: object, bad: Callable[[str], InputError]) -> dt.datetime | None:
    if value is None:
        return None
    try:
        instant = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        instant = None
    if instant is None or instant.utcoffset() is None:
        raise bad("must be a date and time with its offset (ISO 8601), or left out")
    return instant


def _epoch(value: object, bad: Callable[[str], InputError]) -> Epoch:
    if not isinstance(value, list) or len(value) != 3 or value[2] not in PRECEDENCE:
        raise bad(f"must be [start, end, stage], the stage one of {', '.join(PRECEDENCE)}")
    start, end = _instant(value[0], bad), _instant(value[1], bad)
    if start is None or end is None:
        raise bad("must have a start and an end")
    return Epoch(start, end, value[2])
