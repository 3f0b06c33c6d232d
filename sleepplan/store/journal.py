"""The journal: one SQLite file of check-ins, WAL mode, versioned with ``PRAGMA user_version``.

Each check-in is stored once per profile and night, with its answers, metrics and scores as JSON
(the export shape) and every dose taken as a row of its own, so per-compound questions are fast.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sleepplan.core.errors import InputError
from sleepplan.store import paths

if TYPE_CHECKING:
    from sleepplan.core.safety import CyclingLookback

BUSY_TIMEOUT_MS = 5000


def _create_checkins(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE checkins (
            profile TEXT NOT NULL,
            night TEXT NOT NULL,
            record TEXT NOT NULL,
            morning REAL,
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (profile, night)
        )
        """
    )


def _create_taken(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE taken (
            profile TEXT NOT NULL,
            night TEXT NOT NULL,
            position INTEGER NOT NULL,
            compound TEXT NOT NULL,
            amount_mg REAL NOT NULL,
            at TEXT,
            PRIMARY KEY (profile, night, position),
            FOREIGN KEY (profile, night) REFERENCES checkins (profile, night) ON DELETE CASCADE
        )
        """
    )
    db.execute("CREATE INDEX taken_by_compound ON taken (profile, compound, night)")
    # backfill: earlier versions kept the doses only inside the record
    for profile, night, record in db.execute("SELECT profile, night, record FROM checkins"):
        _insert_taken(db, profile, night, json.loads(record).get("taken") or [])


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_create_checkins, _create_taken]
"""Migration ``i`` takes the journal from version ``i`` to ``i + 1``."""
SCHEMA_VERSION = len(MIGRATIONS)


def _insert_taken(db: sqlite3.Connection, profile: str, night: str, taken: list[Any]) -> None:
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


class CheckinExists(InputError):
    """The night has a check-in already and replacing was not asked for."""


class JournalDamaged(InputError):
    """The journal file failed its integrity check and was moved aside."""


def _integrity_problem(db: sqlite3.Connection) -> str | None:
    # quick_check finds damaged pages and records like integrity_check, in a third of the time
    # on a ten-year journal, because it skips comparing each index with its table.
    rows = [str(row[0]) for row in db.execute("PRAGMA quick_check")]
    return None if rows == ["ok"] else "; ".join(rows[:3])


def _set_aside(path: Path) -> Path:
    """Move a damaged journal (and its WAL files) out of the way, keeping every byte."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, target.with_name(target.name + suffix))
    os.replace(path, target)
    return target


def _open_checked(path: Path) -> tuple[sqlite3.Connection | None, str | None]:
    """Open the journal in WAL mode and check it: the connection, or ``None`` and the damage.

    Another running copy may hold a lock for a moment (SQLite can refuse the switch to WAL
    without waiting): that is retried until the busy timeout, and never taken for damage.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")  # a returned save survives a power cut
            db.execute("PRAGMA foreign_keys = ON")
            problem = _integrity_problem(db)
            if problem is None:
                return db, None
            db.close()
            return None, problem
        except sqlite3.OperationalError as error:
            db.close()
            if not _is_busy(error):
                return None, f"not a readable SQLite database ({error})"
            if time.monotonic() > deadline:
                raise InputError.single(
                    str(path),
                    "",
                    "the journal is busy (another copy of sleepplan is writing); "
                    "nothing was changed, try again",
                ) from None
            time.sleep(0.02)
        except sqlite3.DatabaseError as error:
            db.close()
            return None, f"not a readable SQLite database ({error})"


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


class Journal:
    """An open journal file; use as a context manager or call ``close``."""

    def __init__(self, path: Path, upgrade: bool = True) -> None:
        self.path = path
        paths.make_private_dir(path.parent)
        if not path.exists():
            # created 0600 before SQLite opens it; its -wal and -shm files copy the mode
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, paths.PRIVATE_FILE))
        old_umask = os.umask(0o077)
        try:
            db, problem = _open_checked(path)
        finally:
            os.umask(old_umask)
        if db is None:
            raise JournalDamaged.single(
                str(path),
                "",
                f"the journal failed its integrity check ({problem}). It was moved to "
                f"{_set_aside(path)} and nothing was deleted; a new, empty journal starts "
                "next time. The sqlite3 tool's .recover command may get your check-ins back.",
            )
        self.db = db
        if upgrade:
            self.migrate()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self.db.close()

    @property
    def version(self) -> int:
        """The schema version on disk."""
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, target: int = SCHEMA_VERSION) -> None:
        """Bring the schema up to ``target``, one transaction per step."""
        current = self.version
        if current > SCHEMA_VERSION:
            raise InputError.single(
                str(self.path),
                "",
                f"journal schema version {current} is newer than this sleepplan understands "
                f"({SCHEMA_VERSION}); update sleepplan",
            )
        for version in range(current, target):
            with self.transaction():
                if self.version > version:
                    continue  # another running copy took this step while we waited for the lock
                MIGRATIONS[version](self.db)
                self.db.execute(f"PRAGMA user_version = {version + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all or nothing."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def has(self, profile: str, night: str) -> bool:
        """Whether a night has a check-in."""
        row = self.db.execute(
            "SELECT 1 FROM checkins WHERE profile = ? AND night = ?", (profile, night)
        ).fetchone()
        return row is not None

    def save(
        self, profile: str, record: dict[str, Any], recorded_at: str, replace: bool = False
    ) -> None:
        """Store a check-in record; an existing night needs ``replace``."""
        self.save_many(profile, [record], recorded_at, replace)

    def save_many(
        self, profile: str, records: list[dict[str, Any]], recorded_at: str, replace: bool = False
    ) -> None:
        """Store check-ins in one transaction: all or nothing; existing nights need ``replace``."""
        with self.transaction() as db:
            if not replace:
                existing = [r["night"] for r in records if self.has(profile, r["night"])]
                if existing:
                    shown = ", ".join(existing[:5]) + (" …" if len(existing) > 5 else "")
                    what = (
                        f"a check-in exists already for the night of {shown}"
                        if len(existing) == 1
                        else f"check-ins exist already for the nights of {shown}"
                    )
                    raise CheckinExists.single(
                        str(self.path),
                        "night",
                        f"{what} (replace with --replace, or in the app by confirming); "
                        "nothing was written",
                    )
            for record in records:
                night = record["night"]
                db.execute("DELETE FROM checkins WHERE profile = ? AND night = ?", (profile, night))
                db.execute(
                    "INSERT INTO checkins (profile, night, record, morning, recorded_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        profile,
                        night,
                        json.dumps(record, ensure_ascii=False),
                        record.get("scores", {}).get("morning"),
                        recorded_at,
                    ),
                )
                _insert_taken(db, profile, night, record.get("taken") or [])

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
        return _stored(row) if row else None

    def history(self, profile: str, last: int | None = None) -> list[StoredCheckin]:
        """Check-ins newest first (the last ``last`` nights when given)."""
        query = (
            "SELECT profile, night, record, recorded_at FROM checkins WHERE profile = ? "
            "ORDER BY night DESC"
        )
        rows = self.db.execute(
            query + (" LIMIT ?" if last else ""), (profile, last) if last else (profile,)
        )
        return [_stored(row) for row in rows]

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
        return _nights_taken(self.db, profile, lookback)

    def taken_rows(self, profile: str) -> list[tuple[str, str, float]]:
        """(night, compound, amount_mg) for every dose taken, oldest first."""
        rows = self.db.execute(
            "SELECT night, compound, amount_mg FROM taken WHERE profile = ? "
            "ORDER BY night, position",
            (profile,),
        )
        return [(str(n), str(c), float(a)) for n, c, a in rows]


def _nights_taken(
    db: sqlite3.Connection, profile: str, lookback: CyclingLookback | None
) -> dict[str, list[dt.date]]:
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


def read_nights_taken(
    path: Path, profile: str, lookback: CyclingLookback | None
) -> dict[str, list[dt.date]]:
    """The few past nights a plan's cycling budgets need, read quickly at start-up.

    Opening the journal for writing checks every page of it (``quick_check``) and migrates it,
    which on a ten-year journal costs more than the rest of ``sleepplan plan``. Reading a week
    of rows needs neither: SQLite checks each page it reads. So this opens the file without
    the full check. A missing journal means nothing was taken yet; one of another schema
    version, or one that can't be read, takes the full path, which migrates it, or checks it
    and sets a damaged file aside and says so, as any other open would.
    """
    if lookback is None or not path.exists():
        return {}
    try:
        with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)) as db:
            if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
                return _nights_taken(db, profile, lookback)
    except sqlite3.DatabaseError:
        pass  # damaged, or not a database: the full open below says what is wrong
    with Journal(path) as journal:
        return journal.nights_taken(profile, lookback)


def _stored(row: tuple[str, str, str, str]) -> StoredCheckin:
    profile, night, record, recorded_at = row
    return StoredCheckin(profile, night, json.loads(record), recorded_at)
