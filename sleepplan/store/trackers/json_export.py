"""Reading a tracker's JSON export: parsed whole within a size cap, checked field by field.

JSON cannot be streamed with the standard library, so an export is read whole, up to
``MAX_JSON_BYTES`` (200 MiB: a month of Fitbit logs or a year of Oura documents weighs well under
1 MiB; a larger file is refused rather than risk the memory of the machine). Every refusal is an
``InputError`` naming the file and the place (``sleep[3].levels.data[12].dateTime``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from pathlib import Path
from typing import Any, NoReturn

from sleepplan.core import timing
from sleepplan.core.errors import InputError, from_decode_error
from sleepplan.store.trackers.common import Progress

MAX_JSON_BYTES = 200 * 1024 * 1024
"""The largest JSON export read (it is parsed whole)."""
_CHUNK = 1024 * 1024
_SHOWN = 40


def load_json(path: Path, progress: Progress | None = None, limit: int = MAX_JSON_BYTES) -> Any:
    """A JSON export parsed whole, at most ``limit`` bytes; a BOM is allowed.

    Bad JSON (syntax, not UTF-8, NaN, numbers of thousands of digits, too deep) is an
    ``InputError`` naming the file and the line; a refusal of the machine is an ``OSError``.
    """
    source = str(path)
    too_large = (
        f"is larger than {limit // (1024 * 1024)} MiB"
        if limit >= 1024 * 1024
        else (f"is larger than {limit} bytes")
    )
    with path.open("rb") as handle:
        total = _size(handle)
        if total > limit:
            fail(source, "", too_large)
        chunks: list[bytes] = []
        size = 0
        while chunk := handle.read(_CHUNK):  # the file may grow while it is read
            size += len(chunk)
            if size > limit:
                fail(source, "", too_large)
            chunks.append(chunk)
            if progress is not None:
                progress(size, max(total, size))
    data = b"".join(chunks).removeprefix(b"\xef\xbb\xbf")
    chunks.clear()
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise from_decode_error(source, data, error) from None
    del data
    try:
        return json.loads(content, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        fail(
            source, f"line {error.lineno}, column {error.colno}", f"JSON syntax error: {error.msg}"
        )
    except _Constant as error:
        fail(source, "", f"{error.args[0]} is not a number JSON allows")
    except ValueError:  # Python refuses integers of more than 4300 digits
        fail(source, "", "holds a number of thousands of digits")
    except RecursionError:
        fail(source, "", "is nested too deeply to be a tracker export")


def fail(source: str, place: str, message: str) -> NoReturn:
    """Refuse the file: an ``InputError`` naming it and the place."""
    raise InputError.single(source, place, message)


def shown(value: str) -> str:
    """A value short enough to quote in a message."""
    return value if len(value) <= _SHOWN else value[:_SHOWN] + "…"


def as_object(source: str, place: str, value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an ``InputError`` at ``place``."""
    if not isinstance(value, dict):
        fail(source, place or "the top level", f"expected an object, got {_kind(value)}")
    return value


def as_list(source: str, place: str, value: Any) -> list[Any]:
    """``value`` if it is a JSON list, else an ``InputError`` at ``place``."""
    if not isinstance(value, list):
        fail(source, place or "the top level", f"expected a list, got {_kind(value)}")
    return value


def text(source: str, record: dict[str, Any], key: str, place: str) -> str:
    """A required string field."""
    value = record.get(key)
    if value is None:
        fail(source, _join(place, key), "required key is missing")
    if not isinstance(value, str):
        fail(source, _join(place, key), f"expected text, got {_kind(value)}")
    return value


def number(
    source: str, record: dict[str, Any], key: str, place: str, high: float = 24 * 60
) -> float | None:
    """An optional number field from 0 to ``high`` (a day's minutes); ``None`` when absent."""
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        fail(source, _join(place, key), f"expected a number, got {_kind(value)}")
    if not (math.isfinite(value) and 0 <= value <= high):
        fail(source, _join(place, key), f"{shown(repr(value))} is out of range (0 to {high:g})")
    return float(value)


def local_instant(
    source: str,
    place: str,
    value: str,
    zone: str,
    *,
    after: dt.datetime | None = None,
    near: dt.datetime | None = None,
) -> dt.datetime:
    """An ISO 8601 date and time; one without an offset is the wall clock in ``zone``.

    RFC 5545 via ``timing.resolve_local`` (a gap time moves past the gap, a repeated time is
    its first occurrence), except where the time is repeated and the records say which one:
    never an occurrence before ``after`` (entries are written in order), else the one nearer
    ``near`` (where the previous entry ended).
    """
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError:
        fail(source, place, f"expected a date and time, got {shown(repr(value))}")
    try:
        if naive.tzinfo is not None:
            timing.utc(naive)  # the offset pushes it off the calendar
            return naive
        first = timing.resolve_local(naive.date(), naive.time(), zone)
        tz = timing.zone(zone)
        second = naive.replace(tzinfo=tz, fold=1).astimezone(dt.UTC).astimezone(tz)
        # only a repeated wall-clock time has a second reading that keeps its wall clock
        candidates = [first]
        if second.replace(tzinfo=None) == naive and timing.utc(second) != timing.utc(first):
            candidates.append(second)
        if after is not None:
            later = [c for c in candidates if timing.utc(c) >= timing.utc(after)]
            candidates = later or candidates
        if near is None:
            return candidates[0]
        return min(candidates, key=lambda c: abs(timing.seconds_between(near, c)))
    except (OverflowError, ValueError):
        fail(source, place, f"{shown(repr(value))} falls outside the calendar")


def _join(place: str, key: str) -> str:
    return f"{place}.{key}" if place else key


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


def _size(handle: Any) -> int:
    try:
        return os.fstat(handle.fileno()).st_size
    except (OSError, AttributeError, ValueError):
        return 0


class _Constant(ValueError):
    pass


def _no_constant(name: str) -> NoReturn:
    raise _Constant(name)
