"""The journal: one SQLite file of check-ins, WAL mode, versioned with ``PRAGMA user_version``.

Each check-in is stored once per profile and night, with its answers, metrics and scores as JSON
(the export shape) and every dose taken as a row of its own, so per-compound questions are fast.
A check-in replaced (a correction) or deleted is kept whole in ``versions``: undo restores it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sleepplan.core.errors import InputError
from sleepplan.core.objective import Epoch, ObjectiveNight, chosen_nights, night_json
from sleepplan.store import faults, paths
from sleepplan.store.day_log import DAY_LOG_COLUMNS, day_log_rows, logged_day
from sleepplan.store.day_log import LoggedDay as LoggedDay  # the journal's API, re-exported
from sleepplan.store.day_log import read_day_log as read_day_log

if TYPE_CHECKING:
    from sleepplan.core.day import DayEntry
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


def _create_versions(db: sqlite3.Connection) -> None:
    # the check-ins a correction replaced or a delete removed, whole, so a mistake can be undone
    db.execute(
        """
        CREATE TABLE versions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            profile TEXT NOT NULL,
            night TEXT NOT NULL,
            record TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            ended_at TEXT NOT NULL,
            reason TEXT NOT NULL CHECK (reason IN ('replaced', 'deleted'))
        )
        """
    )
    db.execute("CREATE INDEX versions_by_night ON versions (profile, night)")


def _create_objective_nights(db: sqlite3.Connection) -> None:
    # what a sleep tracker recorded (design §15), beside the check-ins and never mixed with them
    db.execute(
        """
        CREATE TABLE objective_nights (
            profile TEXT NOT NULL,
            night TEXT NOT NULL,
            source TEXT NOT NULL,
            record_id TEXT NOT NULL,
            device TEXT,
            nap INTEGER NOT NULL,
            in_bed TEXT,
            sleep_onset TEXT,
            final_wake TEXT,
            out_of_bed TEXT,
            asleep_min REAL,
            latency_min REAL,
            waso_min REAL,
            awakenings INTEGER,
            light_min REAL,
            deep_min REAL,
            rem_min REAL,
            awake_min REAL,
            epochs TEXT NOT NULL,
            raw TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            UNIQUE (profile, source, record_id)
        )
        """
    )
    db.execute("CREATE INDEX objective_by_night ON objective_nights (profile, night)")


def _create_day_log(db: sqlite3.Connection) -> None:
    # today's quick entries (design §16): "a coffee at 15:00", kept with the night they precede
    db.execute(
        """
        CREATE TABLE day_log (
            id INTEGER PRIMARY KEY,
            profile TEXT NOT NULL,
            night TEXT NOT NULL,
            compound TEXT NOT NULL,
            amount_mg REAL NOT NULL,
            at TEXT NOT NULL,
            amount_text TEXT NOT NULL,
            logged_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX day_log_by_night ON day_log (profile, night)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _create_checkins,
    _create_taken,
    _create_versions,
    _create_objective_nights,
    _create_day_log,
]
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


def _objective_row(night: ObjectiveNight) -> tuple[Any, ...]:
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


def _objective_night(row: tuple[Any, ...]) -> ObjectiveNight:
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


def _first_instant(night: ObjectiveNight) -> float:
    """When a night began, for ordering nights of one date (unknown: first)."""
    start = night.in_bed or night.sleep_onset
    return start.timestamp() if start is not None else float("-inf")


class CheckinExists(InputError):
    """The night has a check-in already and replacing was not asked for."""


class JournalDamaged(InputError):
    """The journal file failed its integrity check and was moved aside."""


def _integrity_problems(db: sqlite3.Connection) -> list[str]:
    """What ``quick_check`` found wrong (nothing for a healthy journal)."""
    # quick_check finds damaged pages and records like integrity_check, in a third of the time
    # on a ten-year journal, because it skips comparing each index with its table.
    rows = [str(row[0]) for row in db.execute("PRAGMA quick_check")]
    return [] if rows == ["ok"] else rows


def _set_aside(path: Path) -> Path:
    """Move a damaged journal (and its WAL files) out of the way, keeping every byte."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    count = 1
    while target.exists():  # set aside twice in a second: never replace the first one
        count += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{count}")
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, target.with_name(target.name + suffix))
    os.replace(path, target)
    return target


def _open_checked(path: Path) -> tuple[sqlite3.Connection | None, list[str]]:
    """Open the journal in WAL mode and check it: the connection, or ``None`` and the damage.

    Only damage returns ``None``: what ``quick_check`` found, or SQLite calling the file
    corrupt or not a database. Another running copy may hold a lock for a moment (SQLite can
    refuse the switch to WAL without waiting): that is retried until the busy timeout, then
    ``JournalBusy``. A refused permission, a full disk, a file-size limit or an I/O error is a
    ``MachineFault``. Neither is damage, and the file is left as it is.
    """
    timeout_ms = BUSY_TIMEOUT_MS
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        db: sqlite3.Connection | None = None
        try:
            db = sqlite3.connect(path, timeout=timeout_ms / 1000, isolation_level=None)
            db.execute(f"PRAGMA busy_timeout = {timeout_ms}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")  # a returned save survives a power cut
            db.execute("PRAGMA foreign_keys = ON")
            problems = _integrity_problems(db)
            if not problems:
                return db, []
            db.close()
            return None, problems
        except sqlite3.Error as error:
            if db is not None:
                db.close()
            if faults.is_damage(error):
                return None, [str(error)]
            if faults.is_busy(error) and time.monotonic() < deadline:
                time.sleep(0.02)
                continue
            fault = faults.from_sqlite_error(error, path, timeout_ms)
            if fault is None:
                raise  # neither damage nor the machine's fault: a bug, reported as one
            raise fault from None


def _damage_report(path: Path, aside: Path, problems: list[str]) -> str:
    """Write what ``quick_check`` found and how to recover to the logs; returns where."""
    recovered = shlex.quote(str(path.with_name("journal-recovered.sqlite3")))
    text = "\n".join(
        [
            "sleepplan: the journal failed its integrity check",
            "",
            f"Journal:  {path}",
            f"Moved to: {aside} (with its -wal and -shm files, if any; nothing was deleted)",
            f"When:     {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}",
            "",
            "What SQLite's quick_check found:",
            *(f"  {line}" for problem in problems for line in problem.splitlines()),
            "",
            "How to get your check-ins back:",
            "1. Close every copy of sleepplan.",
            "2. Let SQLite's command-line tool (sqlite3) recover what it can still read:",
            f"     sqlite3 {shlex.quote(str(aside))} .recover | sqlite3 {recovered}",
            "3. Any check-ins recorded since are in the new journal: export them first",
            "   (sleepplan export --format json --out FILE, for each profile).",
            "4. Put the recovered file in place of the new journal, and import the exports:",
            f"     mv {recovered} {shlex.quote(str(path))}",
            "     sleepplan import FILE",
            "",
        ]
    )
    stamp = aside.name.removeprefix(path.name + ".")
    return faults.write_report(paths.logs_dir(path.parent), f"journal-{stamp}.txt", text)


def _create_private(path: Path) -> bool:
    """Create the empty journal file; ``False`` when another copy created it first.

    It is made 0600 before SQLite opens it, and its -wal and -shm files copy the mode.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, paths.PRIVATE_FILE))
    except FileExistsError:
        return False
    return True


def _remove_if_empty(path: Path) -> None:
    with suppress(OSError):
        if path.stat().st_size == 0:
            path.unlink()


class Journal:
    """An open journal file; use as a context manager or call ``close``."""

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
            created = not path.exists() and _create_private(path)
            faults.check_writable(path)
            old_umask = os.umask(0o077)
            try:
                db, problems = _open_checked(path)
            finally:
                os.umask(old_umask)
        except (OSError, faults.MachineFault) as error:
            fault = faults.fault_of(error, path)
            if created and not isinstance(fault, faults.JournalBusy):
                # ours and never used (a copy holding a lock on it may be filling it in)
                _remove_if_empty(path)
            if fault is None:
                raise
            raise fault from None
        if db is None:
            aside = _set_aside(path)
            report = _damage_report(path, aside, problems)
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
            _save_objective(db, profile, objective, recorded_at)
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
                _keep_version(db, profile, night, recorded_at, "replaced")
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
            return _save_objective(db, profile, nights, imported_at)

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

    def day_log(self, profile: str, night: dt.date) -> list[LoggedDay]:
        """A night's quick daytime entries, in time order."""
        return day_log_rows(self.db, profile, night, self.path)

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
        nights = [_objective_night(tuple(row)) for row in rows]
        return sorted(nights, key=lambda n: (n.night, _first_instant(n), n.source, n.record_id))

    def delete(self, profile: str, night: str, deleted_at: str) -> int | None:
        """Delete a night's check-in, keeping it in the versions; its version id for ``restore``.

        ``None`` when the night has no check-in (nothing is changed).
        """
        with self.transaction() as db:
            version = _keep_version(db, profile, night, deleted_at, "deleted")
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
            _insert_taken(db, profile, night, json.loads(record).get("taken") or [])
            db.execute("DELETE FROM versions WHERE id = ?", (version_id,))  # undone: not deleted
            return StoredCheckin(profile, night, json.loads(record), recorded_at)

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
        return [_objective_night(tuple(row)) for row in rows]
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


def _save_objective(
    db: sqlite3.Connection, profile: str, nights: Iterable[ObjectiveNight], imported_at: str
) -> ObjectiveImport:
    """Store tracker nights within the caller's transaction (see ``Journal.save_objective``)."""
    added = replaced = unchanged = 0
    marks = ", ".join("?" * (len(OBJECTIVE_COLUMNS) + 2))
    for night in nights:
        row = _objective_row(night)
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


def _keep_version(
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


def _stored(row: tuple[str, str, str, str]) -> StoredCheckin:
    profile, night, record, recorded_at = row
    return StoredCheckin(profile, night, json.loads(record), recorded_at)
