"""The journal's read-only questions: check-ins, their versions, doses, day entries, tracker nights.

A mixin of ``Journal``: none of these writes, so none needs a transaction; ``journal.py`` keeps
the opening, the migrations and every write. ``nights_taken_in`` also answers the quick read of
``read_nights_taken``, on a connection of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sleepplan.core.objective import ObjectiveNight
from sleepplan.store.checkin_rows import StoredCheckin, StoredVersion, stored_checkin
from sleepplan.store.day_log_rows import LoggedDay, day_log_rows
from sleepplan.store.objective_rows import OBJECTIVE_COLUMNS, first_instant, objective_night

if TYPE_CHECKING:
    from sleepplan.core.safety import CyclingLookback


class JournalQueries:
    """What an open journal answers without writing; ``Journal`` sets ``db`` and ``path``."""

    db: sqlite3.Connection
    path: Path

    def has(self, profile: str, night: str) -> bool:
        """Whether a night has a check-in."""
        row = self.db.execute(
            "SELECT 1 FROM checkins WHERE profile = ? AND night = ?", (profile, night)
        ).fetchone()
        return row is not None

    def day_log(self, profile: str, night: dt.date) -> list[LoggedDay]:
        """A night's quick daytime entries, in time order."""
        return day_log_rows(self.db, profile, night, self.path)

    def objective_nights(self, profile: str, night: dt.date | None = None) -> list[ObjectiveNight]:
        """Every tracker night and nap of a profile, of every source, with epochs; oldest first.

        ``night`` keeps only that night's records (what the morning form needs).
        """
        query = f"SELECT {', '.join(OBJECTIVE_COLUMNS)} FROM objective_nights WHERE profile = ?"
        params = [profile]
        if night is not None:
            query += " AND night = ?"
            params.append(night.isoformat())
        rows = self.db.execute(query, params)
        nights = [objective_night(tuple(row)) for row in rows]
        return sorted(nights, key=lambda n: (n.night, first_instant(n), n.source, n.record_id))

    def versions(self, profile: str, night: str) -> list[StoredVersion]:
        """The earlier versions of a night's check-in (replaced or deleted), newest first."""
        rows = self.db.execute(
            "SELECT id, profile, night, record, recorded_at, ended_at, reason FROM versions "
            "WHERE profile = ? AND night = ? ORDER BY id DESC",
            (profile, night),
        )
        return [
            StoredVersion(int(i), str(p), str(n), json.loads(r), str(at), str(end), str(why))
            for i, p, n, r, at, end, why in rows
        ]

    def records(self, profile: str) -> list[dict[str, Any]]:
        """Every check-in record of a profile, oldest first (for exports)."""
        rows = self.db.execute(
            "SELECT record FROM checkins WHERE profile = ? ORDER BY night", (profile,)
        )
        return [json.loads(row[0]) for row in rows]

    def get(self, profile: str, night: str) -> StoredCheckin | None:
        """One night's check-in."""
        row = self.db.execute(
            "SELECT profile, night, record, recorded_at FROM checkins "
            "WHERE profile = ? AND night = ?",
            (profile, night),
        ).fetchone()
        return stored_checkin(row) if row else None

    def history(self, profile: str, last: int | None = None) -> list[StoredCheckin]:
        """Check-ins newest first (the last ``last`` nights when given)."""
        query = (
            "SELECT profile, night, record, recorded_at FROM checkins WHERE profile = ? "
            "ORDER BY night DESC"
        )
        rows = self.db.execute(
            query + (" LIMIT ?" if last else ""), (profile, last) if last else (profile,)
        )
        return [stored_checkin(row) for row in rows]

    def recent_mornings(self, profile: str, before: str, count: int = 7) -> list[float]:
        """Morning scores of up to ``count`` nights before ``before``, newest first."""
        rows = self.db.execute(
            "SELECT morning FROM checkins WHERE profile = ? AND night < ? AND morning IS NOT "
            "NULL ORDER BY night DESC LIMIT ?",
            (profile, before, count),
        )
        return [float(row[0]) for row in rows]

    def nights_taken(
        self, profile: str, lookback: CyclingLookback | None = None
    ) -> dict[str, list[dt.date]]:
        """The nights each compound was taken, for cycling budgets (all, or ``lookback``'s)."""
        return nights_taken_in(self.db, profile, lookback)

    def taken_rows(self, profile: str) -> list[tuple[str, str, float]]:
        """(night, compound, amount_mg) for every dose taken, oldest first."""
        rows = self.db.execute(
            "SELECT night, compound, amount_mg FROM taken WHERE profile = ? "
            "ORDER BY night, position",
            (profile,),
        )
        return [(str(n), str(c), float(a)) for n, c, a in rows]


def nights_taken_in(
    db: sqlite3.Connection, profile: str, lookback: CyclingLookback | None
) -> dict[str, list[dt.date]]:
    """The nights each compound was taken, read on ``db`` (all, or ``lookback``'s)."""
    query = "SELECT DISTINCT night, compound FROM taken WHERE profile = ?"
    params: list[str] = [profile]
    if lookback is not None:  # the (profile, compound, night) index answers this directly
        marks = ", ".join("?" * len(lookback.compounds))
        query += f" AND compound IN ({marks}) AND night >= ?"
        params += [*sorted(lookback.compounds), lookback.since.isoformat()]
    nights: dict[str, list[dt.date]] = {}
    for night, compound in db.execute(query, params):
        nights.setdefault(str(compound), []).append(dt.date.fromisoformat(str(night)))
    return nights
