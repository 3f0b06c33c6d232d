"""Check-ins as the journal keeps them: the record as JSON, its doses, its earlier versions.

Every dose taken is a row of its own in ``taken`` (per-compound questions are fast), and a
check-in replaced or deleted is copied whole into ``versions`` first, so undo can restore it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any


def insert_taken(db: sqlite3.Connection, profile: str, night: str, taken: list[Any]) -> None:
    """Store a check-in's doses, one ``taken`` row each, in the order they were entered."""
    db.executemany(
        "INSERT INTO taken (profile, night, position, compound, amount_mg, at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (profile, night, position, dose["compound"], dose["amount_mg"], dose.get("at"))
            for position, dose in enumerate(taken)
        ],
    )


@dataclass(frozen=True, slots=True)
class StoredCheckin:
    """A check-in as the journal holds it."""

    profile: str
    night: str
    record: dict[str, Any]
    recorded_at: str

    @property
    def morning(self) -> float | None:
        """The morning score."""
        value = self.record.get("scores", {}).get("morning")
        return float(value) if value is not None else None


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """A check-in a correction replaced or a delete removed, as it was."""

    id: int
    profile: str
    night: str
    record: dict[str, Any]
    recorded_at: str
    ended_at: str
    """When it was replaced or deleted."""
    reason: str
    """``replaced`` or ``deleted``."""


def keep_version(
    db: sqlite3.Connection, profile: str, night: str, ended_at: str, reason: str
) -> int | None:
    """Copy a night's check-in, if any, into the versions before it is replaced or deleted."""
    cursor = db.execute(
        "INSERT INTO versions (profile, night, record, recorded_at, ended_at, reason) "
        "SELECT profile, night, record, recorded_at, ?, ? FROM checkins "
        "WHERE profile = ? AND night = ?",
        (ended_at, reason, profile, night),
    )
    return cursor.lastrowid if cursor.rowcount else None


def stored_checkin(row: tuple[str, str, str, str]) -> StoredCheckin:
    """A ``checkins`` row (profile, night, record, recorded_at) as a check-in."""
    profile, night, record, recorded_at = row
    return StoredCheckin(profile, night, json.loads(record), recorded_at)
