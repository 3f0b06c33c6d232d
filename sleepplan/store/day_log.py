"""The quick read of a night's daytime entries (the journal's ``day_log`` table, design §16).

Apart from ``journal`` so that ``sleepplan plan`` can read a night's entries with ``sqlite3``
alone: the journal module and its migrations are more than a plan needs (design §12). This
module imports the journal (only to migrate or report a journal it cannot read); the journal
never imports it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

from sleepplan.store.day_log_rows import LoggedDay as LoggedDay
from sleepplan.store.day_log_rows import day_log_rows


def read_day_log(path: Path, profile: str, night: dt.date) -> list[LoggedDay]:
    """A night's quick daytime entries, read quickly for a plan (like ``read_nights_taken``).

    No journal means none were logged. A journal without the table (an older version), or one
    that cannot be read, takes the journal's full open, which migrates it or reports it.
    """
    if not path.exists():
        return []
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            return day_log_rows(db, profile, night, path)
    except sqlite3.DatabaseError:
        pass  # no such table yet, damaged, or not a database: the full open says which
    from sleepplan.store.journal import Journal  # only for a journal to migrate or report

    with Journal(path) as journal:
        return journal.day_log(profile, night)
