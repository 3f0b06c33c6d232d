"""Export and import of the user's data (design §9).

JSON and CSV of the journal, TOML of a profile with its journal, and an iCalendar file of a
night's doses. Imports validate every check-in like a check-in file and land in one
transaction: all or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from sleepplan.core import timing
from sleepplan.core.checkin import (
    COMPARISONS,
    TIME_KEYS,
    CheckinAnswers,
    checkin_record,
    evaluate,
)
from sleepplan.core.errors import InputError, from_validation_error
from sleepplan.core.planner import Plan
from sleepplan.core.profile import Profile, profile_to_data
from sleepplan.core.tomldoc import parse_toml, toml_ready
from sleepplan.output import DISCLAIMER
from sleepplan.store.files import atomic_write, read_user_file

MAX_IMPORT_BYTES = 64 * 1024 * 1024
"""Ten years of nights are a few MiB; more than this is not an export of ours."""
DERIVED = ("metrics", "scores", "flags")
ANSWER_KEYS = (
    "night",
    *TIME_KEYS,
    "sol_min",
    "awakenings",
    "waso_min",
    "quality",
    *COMPARISONS,
    "kss",
    "effects",
    "confounders",
    "taken",
    "notes",
    "guess",
)
METRIC_KEYS = ("tib_min", "tst_min", "sol_min", "waso_min", "se_pct")
SCORE_KEYS = (
    "morning",
    "diary",
    "leeds",
    "alertness",
    "quality",
    "onset",
    "maintenance",
    "next_morning",
)
CSV_COLUMNS = [
    *ANSWER_KEYS,
    *(f"metrics.{key}" for key in METRIC_KEYS),
    *(f"scores.{key}" for key in SCORE_KEYS),
    "flags",
]
LIST_SEPARATOR = ";"


# -- export -------------------------------------------------------------------------------------


def export_json(profile_name: str, records: list[dict[str, Any]]) -> str:
    """``{"profile": NAME, "checkins": [...]}`` (design §9)."""
    return (
        json.dumps({"profile": profile_name, "checkins": records}, indent=2, ensure_ascii=False)
        + "\n"
    )


def export_csv(records: list[dict[str, Any]]) -> str:
    """One row per check-in; lists joined by ";", doses as ``compound:amount@time``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        row: dict[str, Any] = {}
        for key in ANSWER_KEYS:
            value = record.get(key)
            if key in ("effects", "confounders"):
                value = LIST_SEPARATOR.join(value or [])
            elif key == "taken":
                value = LIST_SEPARATOR.join(
                    f"{d['compound']}:{d['amount_mg']:g}@{d.get('at') or ''}" for d in value or []
                )
            row[key] = "" if value is None else value
        for key in METRIC_KEYS:
            value = record["metrics"].get(key)
            row[f"metrics.{key}"] = "" if value is None else value
        for key in SCORE_KEYS:
            value = record["scores"].get(key)
            row[f"scores.{key}"] = "" if value is None else value
        row["flags"] = LIST_SEPARATOR.join(record.get("flags") or [])
        writer.writerow(row)
    return out.getvalue()


def export_toml(profile: Profile, records: list[dict[str, Any]]) -> str:
    """The profile's own keys, then every check-in as ``[[checkins]]``."""
    data = profile_to_data(profile)
    data["checkins"] = [toml_ready(record) for record in records]
    return "# sleepplan export: a profile with its journal. Not medical advice.\n" + tomli_w.dumps(
        data
    )


def export_ics(plan: Plan, profile_name: str, now: dt.datetime) -> bytes:
    """A night's doses as calendar events, each with an alarm at its time."""
    from icalendar import Alarm, Calendar, Event  # only this export needs it

    calendar = Calendar()
    calendar.add("prodid", "-//sleepplan//sleep-support routine//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"sleepplan: {profile_name}, night of {plan.settings.night}")
    for index, dose in enumerate(plan.doses):
        event = Event()
        event.add("uid", f"{plan.settings.night}-{index}-{dose.compound.id}@sleepplan")
        start = dose.at.astimezone(dt.UTC)
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", start)
        event.add("dtend", timing.shift(start, minutes=5))
        event.add("summary", f"Take {dose.compound.name} {dose.amount_mg:g} mg")
        event.add("description", f"{dose.why}. {DISCLAIMER}")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{dose.compound.name} {dose.amount_mg:g} mg")
        alarm.add("trigger", dt.timedelta(minutes=0))
        event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def write_private(path: Path, data: bytes) -> None:
    """Write an export atomically and durably, readable only by the user (health data)."""
    atomic_write(path, data)


# -- import -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportBundle:
    """What an import file holds: a profile name, maybe a profile, and check-in answers."""

    profile_name: str | None
    profile_data: dict[str, Any] | None
    answers: tuple[CheckinAnswers, ...]


def read_import(path: Path) -> ImportBundle:
    """Read a JSON, TOML or CSV export; every problem names the file and the place."""
    text = read_user_file(path, MAX_IMPORT_BYTES)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix == ".json" or (suffix not in (".toml", ".csv") and text.lstrip().startswith("{")):
        return _bundle_from_json(text, source)
    if suffix == ".csv":
        return _bundle_from_csv(text, source)
    return _bundle_from_toml(text, source)


def _bundle_from_json(text: str, source: str) -> ImportBundle:
    data = parse_json(text, source)
    if not isinstance(data, dict):
        raise InputError.single(
            source, "", 'expected an object {"profile": ..., "checkins": [...]}'
        )
    extra = sorted(set(data) - {"profile", "checkins"})
    if extra:
        raise InputError.single(source, extra[0], "unknown key")
    name = data.get("profile")
    if name is not None and not isinstance(name, str):
        raise InputError.single(source, "profile", "must be the profile's name (text)")
    return ImportBundle(name, None, _answers(data.get("checkins", []), source))


def _bundle_from_toml(text: str, source: str) -> ImportBundle:
    data = parse_toml(text, source)
    checkins = data.pop("checkins", [])
    name = data.get("name")
    return ImportBundle(
        name if isinstance(name, str) else None, data or None, _answers(checkins, source)
    )


def _bundle_from_csv(text: str, source: str) -> ImportBundle:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [column for column in ("night",) if column not in (reader.fieldnames or [])]
    if missing:
        raise InputError.single(source, "line 1", "the header has no 'night' column")
    unknown = sorted(set(reader.fieldnames or []) - set(CSV_COLUMNS))
    if unknown:
        raise InputError.single(source, "line 1", f"unknown column {unknown[0]!r}")
    rows: list[dict[str, Any]] = []
    try:
        for row in reader:
            rows.append(_row_to_record(row, source, reader.line_num))
    except csv.Error as error:
        raise InputError.single(source, f"line {reader.line_num}", f"CSV error: {error}") from None
    return ImportBundle(None, None, _answers(rows, source))


def _row_to_record(row: dict[str, Any], source: str, line: int) -> dict[str, Any]:
    if None in row:  # more cells than the header has columns
        raise InputError.single(source, f"line {line}", "more cells than columns")
    record: dict[str, Any] = {}
    for key in ANSWER_KEYS:
        cell = (row.get(key) or "").strip()
        if key in ("effects", "confounders"):
            record[key] = [item for item in cell.split(LIST_SEPARATOR) if item]
        elif key == "taken":
            record[key] = [
                _dose_cell(item, source, line) for item in cell.split(LIST_SEPARATOR) if item
            ]
        elif key == "notes":
            record[key] = row.get(key) or ""
        elif cell:
            record[key] = cell
    return record


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
    if not isinstance(items, list):
        raise InputError.single(source, "checkins", "must be a list of check-ins")
    answers = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError.single(source, f"checkins[{index}]", "must be a table of answers")
        data = {key: value for key, value in item.items() if key not in DERIVED}
        try:
            answers.append(CheckinAnswers.model_validate(data))
        except ValidationError as error:
            raise from_validation_error(source, error, prefix=f"checkins[{index}]") from None
    nights = [answer.night for answer in answers]
    for night in sorted({n for n in nights if nights.count(n) > 1}):
        raise InputError.single(source, "checkins", f"the night of {night} appears twice")
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
    except RecursionError:
        raise InputError.single(source, "", "nested too deeply to be a sleepplan export") from None


class _DuplicateKey(Exception):
    pass
