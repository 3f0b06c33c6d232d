"""Import of the user's data (design §9): JSON, TOML or CSV of check-ins, read and validated.

Every check-in is validated like a check-in file, within caps on nights, bytes and nesting so
a hostile file is refused before it fills memory; the caller saves them in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sleepplan.core.checkin import CheckinAnswers, checkin_record, evaluate
from sleepplan.core.errors import InputError, from_validation_error
from sleepplan.core.objective import ObjectiveNight
from sleepplan.core.tomldoc import parse_toml
from sleepplan.store.csv_shape import (
    ANSWER_KEYS,
    CSV_COLUMNS,
    DOSE_COLUMN,
    DOSE_FIELDS,
    LIST_SEPARATOR,
    TRACKER_COLUMNS,
    restored,
)
from sleepplan.store.files import decode_user_bytes, read_user_bytes
from sleepplan.store.import_limits import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_CONTAINERS,
    MAX_IMPORT_NIGHTS,
    too_many_nights,
)
from sleepplan.store.import_nights import tracker_nights

DERIVED = ("metrics", "scores", "flags")
BYTE_ORDER_MARK = "\ufeff"
"""Some editors (and Excel) start UTF-8 files with it; it is not part of the text."""


@dataclass(frozen=True, slots=True)
class ImportBundle:
    """What an import file holds: a profile name, maybe a profile, and check-in answers."""

    profile_name: str | None
    profile_data: dict[str, Any] | None
    answers: tuple[CheckinAnswers, ...]
    objective: tuple[ObjectiveNight, ...] = ()
    """The tracker nights of a JSON or TOML export."""


def read_import(path: Path) -> ImportBundle:
    """Read a JSON, TOML or CSV export; every problem names the file and the place.

    A byte-order mark is allowed. The size of the file, the number of check-ins and (for the
    formats parsed whole) of objects and lists are capped, so memory stays bounded.
    """
    source = str(path)
    data = read_user_bytes(path, MAX_IMPORT_BYTES)
    if len(data) > MAX_IMPORT_BYTES:
        raise InputError.single(
            source,
            "",
            f"is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB, more than an export of "
            f"the {MAX_IMPORT_NIGHTS:,} nights one import takes; import it in parts",
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _bundle_from_csv(data, source)
    text = decode_user_bytes(data, source, MAX_IMPORT_BYTES).removeprefix(BYTE_ORDER_MARK)
    del data  # the text is all that is needed now: half the memory while parsing
    containers = text.count("{") + text.count("[")
    if containers > MAX_IMPORT_CONTAINERS:
        raise InputError.single(
            source,
            "",
            f"holds {containers:,} objects and lists; an export of {MAX_IMPORT_NIGHTS:,} "
            f"nights, the most one import takes, has fewer than {MAX_IMPORT_CONTAINERS:,}",
        )
    if suffix == ".json" or (suffix != ".toml" and text.lstrip().startswith("{")):
        return _bundle_from_json(text, source)
    return _bundle_from_toml(text, source)


def _bundle_from_json(text: str, source: str) -> ImportBundle:
    data = parse_json(text, source)
    if not isinstance(data, dict):
        raise InputError.single(
            source, "", 'expected an object {"profile": ..., "checkins": [...]}'
        )
    extra = sorted(set(data) - {"profile", "checkins", "objective"})
    if extra:
        raise InputError.single(source, extra[0], "unknown key")
    name = data.get("profile")
    if name is not None and not isinstance(name, str):
        raise InputError.single(source, "profile", "must be the profile's name (text)")
    objective = tracker_nights(data.pop("objective", []), source)
    return ImportBundle(name, None, _answers(data.pop("checkins", []), source), objective)


def _bundle_from_toml(text: str, source: str) -> ImportBundle:
    data = parse_toml(text, source)
    checkins = data.pop("checkins", [])
    objective = tracker_nights(data.pop("objective", []), source)
    name = data.get("name")
    return ImportBundle(
        name if isinstance(name, str) else None,
        data or None,
        _answers(checkins, source),
        objective,
    )


def _bundle_from_csv(data: bytes, source: str) -> ImportBundle:
    """Check-ins from CSV bytes, decoded and validated a row at a time (memory stays flat)."""
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.DictReader(lines)
    answers: list[CheckinAnswers] = []
    try:
        columns = reader.fieldnames or []
        if "night" not in columns:
            raise InputError.single(source, "line 1", "the header has no 'night' column")
        dose_groups = _dose_groups(columns, source)
        for index, row in enumerate(reader):
            if index == MAX_IMPORT_NIGHTS:
                raise too_many_nights(source, f"line {reader.line_num}")
            record = _row_to_record(row, dose_groups, source, reader.line_num)
            answers.append(_answer(record, source, index))
    except csv.Error as error:
        raise InputError.single(source, f"line {reader.line_num}", f"CSV error: {error}") from None
    except UnicodeDecodeError:
        decode_user_bytes(data, source, MAX_IMPORT_BYTES)  # raises, naming line and column
        raise
    return ImportBundle(None, None, _no_night_twice(answers, source))


def _dose_groups(columns: Sequence[str], source: str) -> list[int]:
    """The numbers N of the header's ``taken_N_*`` columns, checking every column is known.

    An export before the dose columns had one ``taken`` column of ``compound:amount@time``
    items joined by ";"; it is still read, but not mixed with dose columns.
    """
    groups: set[int] = set()
    for column in columns:
        match = DOSE_COLUMN.fullmatch(column)
        if match:
            groups.add(int(match.group(1)))
        elif column not in CSV_COLUMNS and column not in TRACKER_COLUMNS:
            raise InputError.single(source, "line 1", f"unknown column {column!r}")
    if groups and "taken" in columns:
        raise InputError.single(
            source,
            "line 1",
            "has both a 'taken' column and taken_N_ columns; keep one way of listing doses",
        )
    return sorted(groups)


def _row_to_record(
    row: dict[str, Any], dose_groups: list[int], source: str, line: int
) -> dict[str, Any]:
    if None in row:  # more cells than the header has columns
        raise InputError.single(source, f"line {line}", "more cells than columns")
    record: dict[str, Any] = {}
    for key in ANSWER_KEYS:
        raw = restored(row.get(key) or "")
        cell = raw.strip()
        if key in ("effects", "confounders"):
            record[key] = [item for item in cell.split(LIST_SEPARATOR) if item]
        elif key == "taken" and dose_groups:
            record[key] = _dose_columns(row, dose_groups, source, line)
        elif key == "taken":  # the packed layout of older exports
            record[key] = [
                _dose_cell(item, source, line) for item in cell.split(LIST_SEPARATOR) if item
            ]
        elif key == "notes":
            record[key] = raw
        elif cell:
            record[key] = cell
    return record


def _dose_columns(
    row: dict[str, Any], dose_groups: list[int], source: str, line: int
) -> list[dict[str, Any]]:
    """The doses of a row's ``taken_N_*`` columns; a group left empty is no dose."""
    doses = []
    for n in dose_groups:
        cells = {
            field: restored(row.get(f"taken_{n}_{field}") or "").strip() for field in DOSE_FIELDS
        }
        if not any(cells.values()):
            continue
        place = f"line {line}, taken_{n}_amount_mg"
        if not cells["amount_mg"]:
            raise InputError.single(source, place, "the amount is missing")
        try:
            amount = float(cells["amount_mg"])
        except ValueError:
            raise InputError.single(
                source, place, f"{cells['amount_mg']!r} is not an amount in mg"
            ) from None
        doses.append(
            {"compound": cells["compound"], "amount_mg": amount, "at": cells["at"] or None}
        )
    return doses


def _dose_cell(text: str, source: str, line: int) -> dict[str, Any]:
    compound, _, rest = text.partition(":")
    amount, _, at = rest.partition("@")
    try:
        value = float(amount)
    except ValueError:
        raise InputError.single(
            source, f"line {line}", f"taken: {text!r} is not compound:amount@time"
        ) from None
    return {"compound": compound, "amount_mg": value, "at": at or None}


def _answers(items: object, source: str) -> tuple[CheckinAnswers, ...]:
    """Validate parsed check-ins, letting go of each parsed table once it is validated."""
    if not isinstance(items, list):
        raise InputError.single(source, "checkins", "must be a list of check-ins")
    if len(items) > MAX_IMPORT_NIGHTS:
        raise too_many_nights(source, "checkins")
    answers = []
    for index, item in enumerate(items):
        answers.append(_answer(item, source, index))
        items[index] = None  # not needed again: the parsed tables go as the answers come
    return _no_night_twice(answers, source)


def _answer(item: object, source: str, index: int) -> CheckinAnswers:
    if not isinstance(item, dict):
        raise InputError.single(source, f"checkins[{index}]", "must be a table of answers")
    data = {key: value for key, value in item.items() if key not in DERIVED}
    try:
        return CheckinAnswers.model_validate(data)
    except ValidationError as error:
        raise from_validation_error(source, error, prefix=f"checkins[{index}]") from None


def _no_night_twice(answers: list[CheckinAnswers], source: str) -> tuple[CheckinAnswers, ...]:
    seen: set[dt.date] = set()
    repeated: set[dt.date] = set()
    for answer in answers:
        (repeated if answer.night in seen else seen).add(answer.night)
    if repeated:
        raise InputError.single(source, "checkins", f"the night of {min(repeated)} appears twice")
    return tuple(answers)


def evaluate_all(
    bundle: ImportBundle,
    source: str,
    zone: str,
    sleep_need_min: int,
    known_compound: Callable[[str], bool],
) -> list[dict[str, Any]]:
    """Check and score every imported check-in, as a check-in file would be."""
    records = []
    for index, answers in enumerate(bundle.answers):
        for position, dose in enumerate(answers.taken or ()):
            if not known_compound(dose.compound):
                raise InputError.single(
                    source,
                    f"checkins[{index}].taken[{position}].compound",
                    f"unknown compound {dose.compound!r}",
                )
        try:
            checkin = evaluate(answers, zone, sleep_need_min, source)
        except InputError as error:
            raise InputError(
                source,
                [
                    (f"checkins[{index}].{place}" if place else f"checkins[{index}]", message)
                    for place, message in error.problems
                ],
            ) from None
        records.append(checkin_record(checkin))
    return records


def parse_json(text: str, source: str) -> Any:
    """Parse JSON refusing duplicate keys; errors name line and column."""

    def no_duplicates(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise _DuplicateKey(key)
            result[key] = value
        return result

    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as error:
        raise InputError.single(
            source, f"line {error.lineno}, column {error.colno}", f"JSON syntax error: {error.msg}"
        ) from None
    except _DuplicateKey as error:
        raise InputError.single(source, str(error.args[0]), "duplicate key") from None
    except ValueError:  # Python refuses to read an integer of more than 4300 digits
        limit = sys.get_int_max_str_digits()
        raise InputError.single(source, "", f"a number with more than {limit} digits") from None
    except RecursionError:
        raise InputError.single(source, "", "nested too deeply to be a sleepplan export") from None


class _DuplicateKey(Exception):
    pass
