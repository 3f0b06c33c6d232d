"""Tracker nights as the journal keeps them (its ``objective_nights`` table, design §15).

Each source's record of a night is one row, its raw values kept as JSON so that re-importing
the same export changes nothing and a corrected export replaces the record it corrects.
Tonight's overlay reads one night quickly (``recorded_night``), without opening the journal.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sleepplan.core.objective import Epoch, ObjectiveNight, chosen_nights, night_json
from sleepplan.store.journal_schema import SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class ObjectiveImport:
    """What saving a tracker's nights did: how many were new, corrected, or known already."""

    added: int = 0
    replaced: int = 0
    """Records imported before whose values (or epochs) the new export corrects."""
    unchanged: int = 0
    """Records imported before with the same values: re-importing a file changes nothing."""


OBJECTIVE_COLUMNS = (
    "night", "source", "record_id", "device", "nap", "in_bed", "sleep_onset", "final_wake",
    "out_of_bed", "asleep_min", "latency_min", "waso_min", "awakenings", "light_min",
    "deep_min", "rem_min", "awake_min", "epochs", "raw",
)  # fmt: skip
"""The columns of ``objective_nights`` that hold a night (besides profile and imported_at)."""


def objective_row(night: ObjectiveNight) -> tuple[Any, ...]:
    """A night as the values of ``OBJECTIVE_COLUMNS``."""
    data = night_json(night)
    epochs = [[e.start.isoformat(), e.end.isoformat(), e.stage] for e in night.epochs]
    values = {
        **data,
        "record_id": night.record_id,
        "nap": int(night.nap),
        "epochs": json.dumps(epochs),
        "raw": json.dumps({**data, "record_id": night.record_id}, ensure_ascii=False),
    }
    return tuple(values[column] for column in OBJECTIVE_COLUMNS)


def objective_night(row: tuple[Any, ...]) -> ObjectiveNight:
    """A row of ``OBJECTIVE_COLUMNS`` back as a night."""
    values = dict(zip(OBJECTIVE_COLUMNS, row, strict=True))
    instant = dt.datetime.fromisoformat
    for key in ("in_bed", "sleep_onset", "final_wake", "out_of_bed"):
        values[key] = instant(values[key]) if values[key] is not None else None
    values["night"] = dt.date.fromisoformat(values["night"])
    values["nap"] = bool(values["nap"])
    values["epochs"] = tuple(
        Epoch(instant(start), instant(end), stage)
        for start, end, stage in json.loads(values.pop("epochs"))
    )
    del values["raw"]
    return ObjectiveNight(**values)


def first_instant(night: ObjectiveNight) -> float:
    """When a night began, for ordering nights of one date (unknown: first)."""
    start = night.in_bed or night.sleep_onset
    return start.timestamp() if start is not None else float("-inf")


def save_objective(
    db: sqlite3.Connection, profile: str, nights: Iterable[ObjectiveNight], imported_at: str
) -> ObjectiveImport:
    """Store tracker nights within the caller's transaction (see ``Journal.save_objective``)."""
    added = replaced = unchanged = 0
    marks = ", ".join("?" * (len(OBJECTIVE_COLUMNS) + 2))
    for night in nights:
        row = objective_row(night)
        stored = db.execute(
            "SELECT raw, epochs FROM objective_nights "
            "WHERE profile = ? AND source = ? AND record_id = ?",
            (profile, night.source, night.record_id),
        ).fetchone()
        values = dict(zip(OBJECTIVE_COLUMNS, row, strict=True))
        if stored is not None and tuple(stored) == (values["raw"], values["epochs"]):
            unchanged += 1
            continue
        if stored is None:
            added += 1
        else:
            replaced += 1
            db.execute(
                "DELETE FROM objective_nights WHERE profile = ? AND source = ? AND record_id = ?",
                (profile, night.source, night.record_id),
            )
        db.execute(
            f"INSERT INTO objective_nights (profile, {', '.join(OBJECTIVE_COLUMNS)}, "
            f"imported_at) VALUES ({marks})",
            (profile, *row, imported_at),
        )
    return ObjectiveImport(added, replaced, unchanged)


def read_objective_night(path: Path, profile: str, night: dt.date) -> list[ObjectiveNight]:
    """Every source's record of one night, read quickly for Tonight's overlay.

    Read like ``read_nights_taken``: read-only, on the night's index, without the full check
    that opening the journal for writing does. No journal, another schema version, an
    unreadable file or a row another tool wrote give ``[]``: the overlay is left out, and
    History and the check-in report a damaged journal when they open it.
    """
    if not path.exists():
        return []
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                return []
            rows = db.execute(
                f"SELECT {', '.join(OBJECTIVE_COLUMNS)} FROM objective_nights "
                "WHERE profile = ? AND night = ?",
                (profile, night.isoformat()),
            ).fetchall()
        return [objective_night(tuple(row)) for row in rows]
    except (sqlite3.Error, ValueError, TypeError):
        return []


def recorded_night(
    path: Path, profile: str, night: dt.date, priority: Sequence[str] = ()
) -> ObjectiveNight | None:
    """The tracker's main sleep of one night with its epochs, for Tonight's timeline.

    ``priority`` is the profile's ``[trackers]`` priority, where several recorded the night.
    ``None`` when there is nothing to draw (see ``read_objective_night``).
    """
    chosen = chosen_nights(read_objective_night(path, profile, night), priority).get(night)
    return chosen if chosen is not None and chosen.epochs else None
