"""The journal's tables, version by version: migration ``i`` takes a journal to ``i + 1``.

``PRAGMA user_version`` holds the version a journal file is at; ``SCHEMA_VERSION`` is the newest.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from sleepplan.store.checkin_rows import insert_taken


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
        insert_taken(db, profile, night, json.loads(record).get("taken") or [])


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
