"""Today's quick daytime entries as the journal keeps them: rows of its ``day_log`` table (§16).

Shared by the ``Journal`` (which writes and reads them) and the quick read of ``day_log``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sleepplan.core.day import DayEntry
from sleepplan.core.errors import InputError

DAY_LOG_COLUMNS = "id, compound, amount_mg, at, amount_text"


@dataclass(frozen=True, slots=True)
class LoggedDay:
    """A quick daytime entry as kept: its id (to remove it) and the entry."""

    id: int
    entry: DayEntry


def logged_day(row: tuple[Any, ...]) -> LoggedDay:
    """A ``day_log`` row (``DAY_LOG_COLUMNS``) as an entry; ``ValueError`` if it is not one."""
    entry_id, compound, amount_mg, at, amount_text = row
    instant = dt.datetime.fromisoformat(str(at))
    if instant.tzinfo is None:
        raise ValueError("a logged time without its offset")
    entry = DayEntry(str(compound), float(amount_mg), instant, str(amount_text), logged=True)
    return LoggedDay(int(entry_id), entry)


def day_log_rows(
    db: sqlite3.Connection, profile: str, night: dt.date, path: Path
) -> list[LoggedDay]:
    """A night's entries in time order; a row another tool wrote is reported, not skipped."""
    rows = db.execute(
        f"SELECT {DAY_LOG_COLUMNS} FROM day_log WHERE profile = ? AND night = ?",
        (profile, night.isoformat()),
    ).fetchall()
    try:
        logged = [logged_day(tuple(row)) for row in rows]
    except (ValueError, TypeError) as error:  # reported, and the file left as it is
        raise InputError.single(
            str(path), f"day_log ({night.isoformat()})", f"a row cannot be read: {error}"
        ) from None
    return sorted(logged, key=lambda item: (item.entry.at.astimezone(dt.UTC), item.id))
