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
import sys
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
from sleepplan.store.files import atomic_write, decode_user_bytes, read_user_bytes

MAX_IMPORT_NIGHTS = 20_000
"""The most check-ins one import takes: 55 years of nights, five times the ten years sleepplan
is measured with. Checked as a CSV is read (and before any JSON or TOML check-in is), so a
million-row file is refused at once instead of filling memory; a longer journal imports in
parts."""
MAX_IMPORT_BYTES = 40 * 1024 * 1024
"""An export of ``MAX_IMPORT_NIGHTS`` nights in JSON, the largest format, is about 26 MiB with
every question answered and doses taken (1.3 KiB a night); this leaves 2 KiB a night."""
MAX_IMPORT_CONTAINERS = 32 * MAX_IMPORT_NIGHTS
"""The most ``{`` and ``[`` a JSON or TOML import may hold. A check-in of ours opens about ten
objects and lists (two more per dose); this refuses, before parsing, files of millions of tiny
empty ones, which take 25 bytes of memory for each byte of the file."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A CSV cell that starts with one of these is a formula to a spreadsheet (OWASP's list)."""
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
BYTE_ORDER_MARK = "\ufeff"
"""Some editors (and Excel) start UTF-8 files with it; it is not part of the text."""


# -- export -------------------------------------------------------------------------------------


def export_json(profile_name: str, records: list[dict[str, Any]]) -> str:
    """``{"profile": NAME, "checkins": [...]}`` (design §9)."""
    return (
        json.dumps({"profile": profile_name, "checkins": records}, indent=2, ensure_ascii=False)
        + "\n"
    )


def export_csv(records: list[dict[str, Any]]) -> str:
    """One row per check-in; lists joined by ";", doses as ``compound:amount@time``.

    A cell a spreadsheet would take for a formula gets a leading ``'`` (see ``neutralised``).
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    # The csv module quotes a cell holding "\n" (its line end) but not a lone "\r", which
    # every reader takes for a line end too: a row with one has all its cells quoted.
    quoting = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n", quoting=csv.QUOTE_ALL)
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
        cells = {key: neutralised(str(value)) for key, value in row.items()}
        (quoting if any("\r" in cell for cell in cells.values()) else writer).writerow(cells)
    return out.getvalue()


def neutralised(cell: str) -> str:
    """A CSV cell no spreadsheet runs as a formula; ``restored`` gives back the very text.

    A cell that starts with a formula character gets a ``'`` in front (OWASP's rule). So
    that the ``'`` can be told from one the text really starts with, a cell that starts with
    ``'`` followed by a formula character or another ``'`` gets one too.
    """
    if cell.startswith(FORMULA_STARTS) or (
        cell.startswith("'") and cell[1:].startswith((*FORMULA_STARTS, "'"))
    ):
        return "'" + cell
    return cell


def restored(cell: str) -> str:
    """The text ``neutralised`` was given: one leading ``'`` less where it added one."""
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_STARTS, "'")):
        return cell[1:]
    return cell


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
    extra = sorted(set(data) - {"profile", "checkins"})
    if extra:
        raise InputError.single(source, extra[0], "unknown key")
    name = data.get("profile")
    if name is not None and not isinstance(name, str):
        raise InputError.single(source, "profile", "must be the profile's name (text)")
    return ImportBundle(name, None, _answers(data.pop("checkins", []), source))


def _bundle_from_toml(text: str, source: str) -> ImportBundle:
    data = parse_toml(text, source)
    checkins = data.pop("checkins", [])
    name = data.get("name")
    return ImportBundle(
        name if isinstance(name, str) else None, data or None, _answers(checkins, source)
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
        unknown = sorted(set(columns) - set(CSV_COLUMNS))
        if unknown:
            raise InputError.single(source, "line 1", f"unknown column {unknown[0]!r}")
        for index, row in enumerate(reader):
            if index == MAX_IMPORT_NIGHTS:
                raise _too_many_nights(source, f"line {reader.line_num}")
            record = _row_to_record(row, source, reader.line_num)
            answers.append(_answer(record, source, index))
    except csv.Error as error:
        raise InputError.single(source, f"line {reader.line_num}", f"CSV error: {error}") from None
    except UnicodeDecodeError:
        decode_user_bytes(data, source, MAX_IMPORT_BYTES)  # raises, naming line and column
        raise
    return ImportBundle(None, None, _no_night_twice(answers, source))


def _too_many_nights(source: str, place: str) -> InputError:
    return InputError.single(
        source,
        place,
        f"more than {MAX_IMPORT_NIGHTS:,} check-ins, the most one import takes (about "
        f"{MAX_IMPORT_NIGHTS / 365.25:.0f} years of nights); nothing was imported: import the "
        "file in parts",
    )


def _row_to_record(row: dict[str, Any], source: str, line: int) -> dict[str, Any]:
    if None in row:  # more cells than the header has columns
        raise InputError.single(source, f"line {line}", "more cells than columns")
    record: dict[str, Any] = {}
    for key in ANSWER_KEYS:
        raw = restored(row.get(key) or "")
        cell = raw.strip()
        if key in ("effects", "confounders"):
            record[key] = [item for item in cell.split(LIST_SEPARATOR) if item]
        elif key == "taken":
            record[key] = [
                _dose_cell(item, source, line) for item in cell.split(LIST_SEPARATOR) if item
            ]
        elif key == "notes":
            record[key] = raw
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
    """Validate parsed check-ins, letting go of each parsed table once it is validated."""
    if not isinstance(items, list):
        raise InputError.single(source, "checkins", "must be a list of check-ins")
    if len(items) > MAX_IMPORT_NIGHTS:
        raise _too_many_nights(source, "checkins")
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
