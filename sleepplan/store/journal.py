"""The journal: one SQLite file of check-ins, WAL mode, versioned with ``PRAGMA user_version``.

Each check-in is stored once per profile and night, with its answers, metrics and scores as JSON
(the export shape) and every dose taken as a row of its own, so per-compound questions are fast.
A check-in replaced (a correction) or deleted is kept whole in ``versions``: undo restores it.
Here are the opening, the migrations and every write; the read-only questions are in
``journal_queries``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight
from sleepplan.store import faults, paths
from sleepplan.store.checkin_rows import StoredCheckin as StoredCheckin
from sleepplan.store.checkin_rows import StoredVersion as StoredVersion
from sleepplan.store.checkin_rows import insert_taken, keep_version
from sleepplan.store.day_log_rows import DAY_LOG_COLUMNS, logged_day
from sleepplan.store.day_log_rows import LoggedDay as LoggedDay  # the journal's API
from sleepplan.store.journal_opening import JournalDamaged as JournalDamaged
from sleepplan.store.journal_opening import (
    create_private,
    damage_report,
    open_checked,
    remove_if_empty,
    set_aside,
)
from sleepplan.store.journal_queries import JournalQueries, nights_taken_in
from sleepplan.store.journal_schema import MIGRATIONS
from sleepplan.store.journal_schema import SCHEMA_VERSION as SCHEMA_VERSION
from sleepplan.store.objective_rows import ObjectiveImport as ObjectiveImport
from sleepplan.store.objective_rows import read_objective_night as read_objective_night
from sleepplan.store.objective_rows import recorded_night as recorded_night
from sleepplan.store.objective_rows import save_objective

if TYPE_CHECKING:
    from sleepplan.core.day import DayEntry
    from sleepplan.core.safety import CyclingLookback

BUSY_TIMEOUT_MS = 5000


class CheckinExists(InputError):
    """The night has a check-in already and replacing was not asked for."""


class Journal(JournalQueries):
    """An open journal file; use as a context manager or call ``close``.

    Its read-only questions are in ``JournalQueries``; the opening and every write are here.
    """

    def __init__(self, path: Path, upgrade: bool = True) -> None:
        """Open (creating it if need be) and check the journal at ``path``.

        Raises:
            JournalDamaged: it failed its integrity check; it was moved aside, and what was
                found was written to a report in the logs.
            faults.MachineFault: the machine refused it (permission, space, a size limit, I/O,
                a lock held too long); every file was left as it was.
        """
        self.path = path
        created = False
        try:
            paths.make_private_dir(path.parent)
            created = not path.exists() and create_private(path)
            faults.check_writable(path)
            old_umask = os.umask(0o077)
            try:
                db, problems = open_checked(path, BUSY_TIMEOUT_MS)
            finally:
                os.umask(old_umask)
        except (OSError, faults.MachineFault) as error:
            fault = faults.fault_of(error, path)
            if created and not isinstance(fault, faults.JournalBusy):
                # ours and never used (a copy holding a lock on it may be filling it in)
                remove_if_empty(path)
            if fault is None:
                raise
            raise fault from None
        if db is None:
            aside = set_aside(path)
            report = damage_report(path, aside, problems)
            raise JournalDamaged.single(
                str(path),
                "",
                f"the journal failed its integrity check and was moved to {aside} (nothing was "
                "deleted); a new, empty journal starts next time.\n"
                f"What was found, and how to get your check-ins back: {report}",
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
        """One write transaction: all or nothing.

        A lock held too long, a full disk, a refused write or an I/O error rolls it back and
        is raised as a ``faults.MachineFault`` naming the journal.
        """
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                self.db.execute("COMMIT")
            except BaseException:
                # SQLite may have rolled back already (a full disk can end a transaction)
                if self.db.in_transaction:
                    with suppress(sqlite3.Error):  # the error that got here is the one to tell
                        self.db.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as error:
            fault = faults.from_sqlite_error(error, self.path, BUSY_TIMEOUT_MS)
            if fault is None:
                raise
            raise fault from None

    def save(
        self, profile: str, record: dict[str, Any], recorded_at: str, replace: bool = False
    ) -> None:
        """Store a check-in record; an existing night needs ``replace``."""
        self.save_many(profile, [record], recorded_at, replace)

    def save_many(
        self,
        profile: str,
        records: list[dict[str, Any]],
        recorded_at: str,
        replace: bool = False,
        objective: Iterable[ObjectiveNight] = (),
    ) -> None:
        """Store check-ins in one transaction: all or nothing; existing nights need ``replace``.

        ``objective``: tracker nights that come with them (an import of an export), stored in
        the same transaction as ``save_objective`` would.
        """
        with self.transaction() as db:
            save_objective(db, profile, objective, recorded_at)
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
                keep_version(db, profile, night, recorded_at, "replaced")
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
                insert_taken(db, profile, night, record.get("taken") or [])

    def rename_profile(self, old: str, new: str) -> int:
        """Move every check-in of profile ``old`` to ``new`` in one transaction; how many.

        A profile renamed keeps its history: the journal is keyed by the profile's name. A name
        that has check-ins already is refused (``CheckinExists``), so no two histories mix.
        """
        with self.transaction() as db:
            if old == new:
                return 0
            taken = db.execute("SELECT COUNT(*) FROM checkins WHERE profile = ?", (new,))
            if taken.fetchone()[0]:
                raise CheckinExists.single(
                    str(self.path),
                    "",
                    f"check-ins are recorded under the name {new!r} already; a profile renamed "
                    "to it would mix two histories. Choose another name; nothing was changed",
                )
            tracked = db.execute("SELECT COUNT(*) FROM objective_nights WHERE profile = ?", (new,))
            if tracked.fetchone()[0]:
                raise CheckinExists.single(
                    str(self.path),
                    "",
                    f"tracker nights are recorded under the name {new!r} already; a profile "
                    "renamed to it would mix two histories. Choose another name; nothing was "
                    "changed",
                )
            db.execute("PRAGMA defer_foreign_keys = ON")  # the doses follow within this step
            moved = db.execute("UPDATE checkins SET profile = ? WHERE profile = ?", (new, old))
            db.execute("UPDATE taken SET profile = ? WHERE profile = ?", (new, old))
            db.execute("UPDATE versions SET profile = ? WHERE profile = ?", (new, old))
            db.execute("UPDATE objective_nights SET profile = ? WHERE profile = ?", (new, old))
            db.execute("UPDATE day_log SET profile = ? WHERE profile = ?", (new, old))
            return int(moved.rowcount)

    def save_objective(
        self, profile: str, nights: Iterable[ObjectiveNight], imported_at: str
    ) -> ObjectiveImport:
        """Store a tracker's nights in one transaction; check-ins are never touched.

        A record is known by its source and ``record_id``: the same values again change nothing
        (re-importing a file is safe), other values (a later, corrected export) replace it.
        """
        with self.transaction() as db:
            return save_objective(db, profile, nights, imported_at)

    def log_day(self, profile: str, night: dt.date, entry: DayEntry, logged_at: str) -> int:
        """Keep a quick daytime entry for a night; its id."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO day_log (profile, night, compound, amount_mg, at, amount_text, "
                "logged_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    profile,
                    night.isoformat(),
                    entry.compound,
                    entry.amount_mg,
                    entry.at.isoformat(),
                    entry.amount_text,
                    logged_at,
                ),
            )
            return int(cursor.lastrowid or 0)

    def unlog_day(self, profile: str, entry_id: int) -> LoggedDay | None:
        """Remove a quick daytime entry; what was removed, ``None`` if there was none."""
        with self.transaction() as db:
            row = db.execute(
                f"SELECT {DAY_LOG_COLUMNS} FROM day_log WHERE profile = ? AND id = ?",
                (profile, entry_id),
            ).fetchone()
            if row is None:
                return None
            db.execute("DELETE FROM day_log WHERE id = ?", (entry_id,))
            return logged_day(tuple(row))

    def delete(self, profile: str, night: str, deleted_at: str) -> int | None:
        """Delete a night's check-in, keeping it in the versions; its version id for ``restore``.

        ``None`` when the night has no check-in (nothing is changed).
        """
        with self.transaction() as db:
            version = keep_version(db, profile, night, deleted_at, "deleted")
            if version is not None:  # its doses go with it (ON DELETE CASCADE)
                db.execute("DELETE FROM checkins WHERE profile = ? AND night = ?", (profile, night))
            return version

    def restore(self, version_id: int) -> StoredCheckin:
        """Put a deleted check-in back as it was (undo); the night must have none meanwhile.

        Raises:
            KeyError: no deleted check-in has that id (restored already, or never deleted).
            CheckinExists: the night has a check-in again; nothing was changed.
        """
        with self.transaction() as db:
            row = db.execute(
                "SELECT profile, night, record, recorded_at FROM versions "
                "WHERE id = ? AND reason = 'deleted'",
                (version_id,),
            ).fetchone()
            if row is None:
                raise KeyError(version_id)
            profile, night, record, recorded_at = row
            if self.has(profile, night):
                raise CheckinExists.single(
                    str(self.path),
                    "night",
                    f"the night of {night} has a check-in again; the deleted one was not "
                    "restored (it stays in the journal's versions)",
                )
            db.execute(
                "INSERT INTO checkins (profile, night, record, morning, recorded_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    profile,
                    night,
                    record,
                    json.loads(record).get("scores", {}).get("morning"),
                    recorded_at,
                ),
            )
            insert_taken(db, profile, night, json.loads(record).get("taken") or [])
            db.execute("DELETE FROM versions WHERE id = ?", (version_id,))  # undone: not deleted
            return StoredCheckin(profile, night, json.loads(record), recorded_at)


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
                return nights_taken_in(db, profile, lookback)
    except sqlite3.DatabaseError:
        pass  # damaged, or not a database: the full open below says what is wrong
    with Journal(path) as journal:
        return journal.nights_taken(profile, lookback)
