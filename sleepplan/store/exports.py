"""Export of the user's data (design §9): JSON and CSV of the journal, TOML of a profile with it.

Beside it: ``csv_shape`` (the CSV columns, both ways), ``calendar_export`` (iCalendar files of
a night's doses or daily reminders), ``data_import`` (reading an export back, with the caps in
``import_limits``). Their public names stay importable from here, where callers and tests
have always found them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import tomli_w

from sleepplan.core.objective import ObjectiveNight
from sleepplan.core.profile import Profile, profile_to_data
from sleepplan.core.tomldoc import toml_ready
from sleepplan.output.jsonview import objective_json
from sleepplan.store.calendar_export import experiment_nights as experiment_nights
from sleepplan.store.calendar_export import export_ics as export_ics
from sleepplan.store.calendar_export import export_ics_daily as export_ics_daily
from sleepplan.store.csv_shape import (
    ANSWER_KEYS,
    LIST_SEPARATOR,
    METRIC_KEYS,
    SCORE_KEYS,
    TRACKER_COLUMNS,
    TRACKER_FIELDS,
)
from sleepplan.store.csv_shape import FORMULA_STARTS as FORMULA_STARTS
from sleepplan.store.csv_shape import csv_columns as csv_columns
from sleepplan.store.csv_shape import neutralised as neutralised
from sleepplan.store.csv_shape import restored as restored
from sleepplan.store.data_import import ImportBundle as ImportBundle
from sleepplan.store.data_import import evaluate_all as evaluate_all
from sleepplan.store.data_import import read_import as read_import
from sleepplan.store.files import atomic_write
from sleepplan.store.import_limits import MAX_IMPORT_BYTES as MAX_IMPORT_BYTES
from sleepplan.store.import_limits import MAX_IMPORT_CONTAINERS as MAX_IMPORT_CONTAINERS
from sleepplan.store.import_limits import MAX_IMPORT_NIGHTS as MAX_IMPORT_NIGHTS


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


def write_private(path: Path, data: bytes) -> None:
    """Write an export atomically and durably, readable only by the user (health data)."""
    atomic_write(path, data)
