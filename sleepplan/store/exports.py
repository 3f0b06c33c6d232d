"""Export and import of the user's data (design §9).

JSON and CSV of the journal, TOML of a profile with its journal, and an iCalendar file of a
night's doses or of daily reminders. Imports validate every check-in like a check-in file and
land in one transaction: all or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from sleepplan.core.objective import NIGHT_KEYS, PRECEDENCE, SOURCES, Epoch, ObjectiveNight
from sleepplan.core.planner import Plan, PlannedDose, plan_for
from sleepplan.core.profile import Profile, profile_to_data
from sleepplan.core.tomldoc import parse_toml, toml_ready
from sleepplan.output import DISCLAIMER
from sleepplan.output.jsonview import objective_json
from sleepplan.store.files import atomic_write, decode_user_bytes, read_user_bytes

if TYPE_CHECKING:
    from icalendar import Event

    from sleepplan.core.catalog import Catalog
    from sleepplan.core.experiments import ExperimentPlan

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
"""The columns of the CSV export, with ``taken`` standing for its dose columns."""
TRACKER_FIELDS = (
    "source", "device", "asleep_min", "latency_min", "waso_min", "awakenings", "light_min",
    "deep_min", "rem_min", "awake_min",
)  # fmt: skip
"""The tracker's night beside each check-in (``tracker.rem_min`` …), in exports of a journal
that has tracker nights: derived like the metrics, so an import reads past them (the JSON and
TOML exports carry the tracker's nights whole)."""
TRACKER_COLUMNS = tuple(f"tracker.{field}" for field in TRACKER_FIELDS)
DOSE_FIELDS = ("compound", "amount_mg", "at")
"""Each dose taken gets one column of each: ``taken_1_compound``, ``taken_1_amount_mg``, ..."""
DOSE_COLUMN = re.compile(r"taken_([1-9][0-9]{0,3})_(compound|amount_mg|at)")
LIST_SEPARATOR = ";"
BYTE_ORDER_MARK = "\ufeff"
"""Some editors (and Excel) start UTF-8 files with it; it is not part of the text."""


# -- export -------------------------------------------------------------------------------------


def export_json(
    profile_name: str, records: list[dict[str, Any]], objective: Sequence[ObjectiveNight] = ()
) -> str:
    """``{"profile": NAME, "checkins": [...]}`` (design §9).

    With tracker nights, an ``"objective"`` list follows: each night with its ``record_id``
    and ``epochs``, so ``import`` brings it back.
    """
    data: dict[str, Any] = {"profile": profile_name, "checkins": records}
    if objective:
        data["objective"] = [objective_json(night, full=True) for night in objective]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def export_csv(
    records: list[dict[str, Any]],
    columns: list[str] | None = None,
    tracked: Mapping[dt.date, ObjectiveNight] | None = None,
) -> str:
    """One row per check-in; lists joined by ";", each dose taken in its own columns.

    Dose N of a night is in ``taken_N_compound``, ``taken_N_amount_mg`` and ``taken_N_at``,
    with as many groups as the night with most doses needs (``columns``, from ``csv_columns``,
    when several exports must share a header). ``tracked`` (the tracker's night chosen for each
    night) adds the ``tracker.*`` columns. A cell a spreadsheet would take for a formula gets a
    leading ``'`` (see ``neutralised``).
    """
    columns = columns or csv_columns(records, bool(tracked))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    # The csv module quotes a cell holding "\n" (its line end) but not a lone "\r", which
    # every reader takes for a line end too: a row with one has all its cells quoted.
    quoting = csv.DictWriter(out, columns, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    for record in records:
        row = _csv_row(record)
        if "tracker.source" in columns:
            row |= _tracker_cells((tracked or {}).get(dt.date.fromisoformat(record["night"])))
        cells = {key: neutralised(str(value)) for key, value in row.items()}
        (quoting if any("\r" in cell for cell in cells.values()) else writer).writerow(cells)
    return out.getvalue()


def csv_columns(records: Iterable[dict[str, Any]], tracked: bool = False) -> list[str]:
    """The CSV header for these check-ins.

    ``taken`` becomes a group of columns per dose, and the ``tracker.*`` columns follow when the
    journal has tracker nights (``tracked``).
    """
    most = max((len(record.get("taken") or ()) for record in records), default=0)
    doses = [f"taken_{n}_{field}" for n in range(1, most + 1) for field in DOSE_FIELDS]
    at = CSV_COLUMNS.index("taken")
    tracker = list(TRACKER_COLUMNS) if tracked else []
    return [*CSV_COLUMNS[:at], *doses, *CSV_COLUMNS[at + 1 :], *tracker]


def _tracker_cells(night: ObjectiveNight | None) -> dict[str, Any]:
    """The ``tracker.*`` cells of one check-in's row (empty without a tracker night)."""
    values = [None if night is None else getattr(night, field) for field in TRACKER_FIELDS]
    return {
        column: "" if value is None else value
        for column, value in zip(TRACKER_COLUMNS, values, strict=True)
    }


def _csv_row(record: dict[str, Any]) -> dict[str, Any]:
    """A check-in's cells by column, before neutralising; an empty cell is ``""``."""
    row: dict[str, Any] = {}
    for key in ANSWER_KEYS:
        value = record.get(key)
        if key in ("effects", "confounders"):
            row[key] = LIST_SEPARATOR.join(value or [])
        elif key == "taken":
            for n, dose in enumerate(value or (), start=1):
                row[f"taken_{n}_compound"] = dose["compound"]
                row[f"taken_{n}_amount_mg"] = _amount_text(dose["amount_mg"])
                row[f"taken_{n}_at"] = dose.get("at") or ""
        else:
            row[key] = "" if value is None else value
    for key in METRIC_KEYS:
        value = record["metrics"].get(key)
        row[f"metrics.{key}"] = "" if value is None else value
    for key in SCORE_KEYS:
        value = record["scores"].get(key)
        row[f"scores.{key}"] = "" if value is None else value
    row["flags"] = LIST_SEPARATOR.join(record.get("flags") or [])
    return row


def _amount_text(amount_mg: float) -> str:
    """An amount as people write it (``200``, ``0.5``), but never rounded."""
    short = f"{amount_mg:g}"
    return short if float(short) == amount_mg else repr(float(amount_mg))


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


def export_toml(
    profile: Profile, records: list[dict[str, Any]], objective: Sequence[ObjectiveNight] = ()
) -> str:
    """The profile's own keys, then every check-in as ``[[checkins]]``.

    Tracker nights follow as ``[[objective]]``, as in the JSON export.
    """
    data = profile_to_data(profile)
    data["checkins"] = [toml_ready(record) for record in records]
    if objective:
        data["objective"] = [toml_ready(objective_json(n, full=True)) for n in objective]
    return "# sleepplan export: a profile with its journal. Not medical advice.\n" + tomli_w.dumps(
        data
    )


def export_ics(plan: Plan, profile_name: str, now: dt.datetime) -> bytes:
    """A night's doses as calendar events, each with an alarm at its time."""
    from icalendar import Calendar  # only this export needs it

    calendar = Calendar()
    calendar.add("prodid", "-//sleepplan//sleep-support routine//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"sleepplan: {profile_name}, night of {plan.settings.night}")
    for index, dose in enumerate(plan.rows):
        calendar.add_component(dose_event(dose, plan.settings.night, index, now))
    return bytes(calendar.to_ical())


def dose_event(dose: PlannedDose, night: dt.date, index: int, now: dt.datetime) -> Event:
    """One night's dose as an event with an alarm at its time.

    On an experiment night the night's instruction stands in place of the amount ("Melatonin:
    envelope 7", "Melatonin: none tonight — baseline"): a blinded night never says its arm.
    """
    from icalendar import Event

    what = (
        f"{dose.compound.name}: {dose.experiment.instruction}"
        if dose.experiment is not None
        else f"{dose.compound.name} {dose.amount_mg:g} mg"
    )
    event = Event()
    event.add("uid", f"{night}-{index}-{dose.compound.id}@sleepplan")
    start = dose.at.astimezone(dt.UTC)
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", timing.shift(start, minutes=5))
    event.add("summary", what if dose.experiment is not None else f"Take {what}")
    event.add("description", f"{dose.why}. {DISCLAIMER}")
    return _with_alarm(event, what)


def export_ics_daily(
    plan: Plan,
    profile_name: str,
    now: dt.datetime,
    skip_nights: Mapping[str, Collection[dt.date]] | None = None,
    one_off_events: Iterable[Event] = (),
) -> bytes:
    """The routine's doses and a morning check-in, every day, as recurring calendar events.

    ``plan`` is the first night's, planned with the profile's usual times. Each reminder
    repeats daily (RRULE) at the same local wall time: its start carries the zone's TZID,
    described by a VTIMEZONE the icalendar library builds from the zone's rules, so 22:15 stays
    22:15 when the clocks change. UIDs are stable per profile and dose, so importing a newer
    export into a calendar updates the reminders instead of adding a second set.

    Args:
        plan: The first night's plan.
        profile_name: Whose reminders these are (part of every UID).
        now: The export's instant (DTSTAMP).
        skip_nights: Nights left out of a compound's daily series (EXDATE), by compound id,
            for nights planned differently; their events go in ``one_off_events``.
        one_off_events: Events added as they are, e.g. one night's instruction.
    """
    from icalendar import Calendar  # only this export needs it

    calendar = Calendar()
    calendar.add("prodid", "-//sleepplan//sleep-support routine//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"sleepplan: {profile_name}, daily reminders")
    for event in daily_events(plan, profile_name, now, skip_nights):
        calendar.add_component(event)
    for event in one_off_events:
        calendar.add_component(event)
    first = plan.settings.night
    # the library writes each change of offset in a range: from the first night to 20 years on
    calendar.add_missing_timezones(
        first_date=first - dt.timedelta(days=1), last_date=dt.date(first.year + 20, 1, 1)
    )
    return bytes(calendar.to_ical())


def experiment_nights(
    profile: Profile,
    catalog: Catalog,
    experiments: Iterable[ExperimentPlan],
    first: dt.date,
    zone: str,
    now: dt.datetime,
) -> tuple[dict[str, list[dt.date]], list[Event]]:
    """Experiment nights from ``first`` on, for the daily .ics.

    Returns the nights each compound's daily series leaves out (EXDATE) and a one-off event
    per such night carrying its instruction ("envelope 7", "none tonight — baseline").
    ``experiments`` are full plans (their sealed schedules read by the caller).
    """
    skip: dict[str, list[dt.date]] = {}
    events = []
    for full in experiments:
        for item in full.schedule:
            if item.night < first:
                continue
            plan = plan_for(profile, catalog, item.night, zone, experiments=[full])
            for index, dose in enumerate(plan.rows if plan else ()):
                if dose.experiment is not None and dose.compound.id == full.compound:
                    skip.setdefault(full.compound, []).append(item.night)
                    events.append(dose_event(dose, item.night, index, now))
    return skip, events


def daily_events(
    plan: Plan,
    profile_name: str,
    now: dt.datetime,
    skip_nights: Mapping[str, Collection[dt.date]] | None = None,
) -> list[Event]:
    """One daily event per dose of ``plan`` and one for the morning check-in, each alarmed."""
    zone = timing.zone(plan.settings.zone)
    events = []
    seen: dict[str, int] = {}
    for dose in sorted(plan.doses, key=lambda item: item.routine_index):
        compound = dose.compound.id
        # a compound twice in a routine: numbered in routine order, so each keeps its UID
        seen[compound] = seen.get(compound, 0) + 1
        start = dose.at.astimezone(zone)
        event = _daily_event(
            _stable_uid("dose", profile_name, compound, str(seen[compound])),
            start,
            now,
            f"Take {dose.compound.name} {dose.amount_mg:g} mg",
            f"Every day, from the sleepplan routine {plan.routine_name}: {dose.why}. {DISCLAIMER}",
        )
        skipped = sorted((skip_nights or {}).get(compound, ()))
        if skipped:
            # the occurrence of a night: same wall time, the same days after the night's date
            event.add(
                "exdate",
                [start + (night - plan.settings.night) for night in skipped],
            )
        events.append(event)
    wake = plan.wake.astimezone(zone)
    events.append(
        _daily_event(
            _stable_uid("checkin", profile_name),
            wake,
            now,
            "Morning check-in: how did you sleep?",
            f"Every morning at your usual wake time: record last night in sleepplan "
            f"(Morning check-in, key m). {DISCLAIMER}",
        )
    )
    return events


def _daily_event(
    uid: str, start: dt.datetime, now: dt.datetime, summary: str, description: str
) -> Event:
    """An event repeating every day from ``start`` (local wall time), alarmed at its start."""
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=5))  # wall-clock arithmetic: same zone
    event.add("rrule", {"freq": "daily"})
    event.add("summary", summary)
    event.add("description", description)
    return _with_alarm(event, summary)


def _with_alarm(event: Event, text: str) -> Event:
    """The event with an alarm that shows ``text`` when it starts."""
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", dt.timedelta(minutes=0))
    event.add_component(alarm)
    return event


def _stable_uid(kind: str, profile_name: str, *parts: str) -> str:
    """A UID the same in every export of this profile's ``kind`` of reminder, and no other's.

    Hashed: a profile name or compound id may hold any character, a UID should not.
    """
    digest = hashlib.sha256("\0".join((profile_name, *parts)).encode("utf-8")).hexdigest()
    return f"sleepplan-{kind}-{digest[:32]}@sleepplan"


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
    objective = _objective_nights(data.pop("objective", []), source)
    return ImportBundle(name, None, _answers(data.pop("checkins", []), source), objective)


def _bundle_from_toml(text: str, source: str) -> ImportBundle:
    data = parse_toml(text, source)
    checkins = data.pop("checkins", [])
    objective = _objective_nights(data.pop("objective", []), source)
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
                raise _too_many_nights(source, f"line {reader.line_num}")
            record = _row_to_record(row, dose_groups, source, reader.line_num)
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


# -- tracker nights in an export ----------------------------------------------------------------

_INSTANT_KEYS = ("in_bed", "sleep_onset", "final_wake", "out_of_bed")
_MINUTE_KEYS = (
    "asleep_min", "latency_min", "waso_min", "light_min", "deep_min", "rem_min", "awake_min",
)  # fmt: skip
_OBJECTIVE_KEYS = frozenset(NIGHT_KEYS) | {"record_id", "epochs"}


def _objective_nights(items: object, source: str) -> tuple[ObjectiveNight, ...]:
    """The tracker nights of an export (its ``objective`` list), checked field by field."""
    if not isinstance(items, list):
        raise InputError.single(source, "objective", "must be a list of tracker nights")
    if len(items) > MAX_IMPORT_NIGHTS:
        raise _too_many_nights(source, "objective")
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
