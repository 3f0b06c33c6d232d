"""Opening the journal file safely: created private, checked, a damaged file set aside.

A journal that fails SQLite's ``quick_check`` (or that SQLite calls corrupt) is moved aside whole
with its WAL files, and a report of what was found and how to recover is written to the logs.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sqlite3
import time
from contextlib import suppress
from pathlib import Path

from sleepplan.core.errors import InputError
from sleepplan.store import faults, paths


class JournalDamaged(InputError):
    """The journal file failed its integrity check and was moved aside."""


def _integrity_problems(db: sqlite3.Connection) -> list[str]:
    """What ``quick_check`` found wrong (nothing for a healthy journal)."""
    # quick_check finds damaged pages and records like integrity_check, in a third of the time
    # on a ten-year journal, because it skips comparing each index with its table.
    rows = [str(row[0]) for row in db.execute("PRAGMA quick_check")]
    return [] if rows == ["ok"] else rows


def set_aside(path: Path) -> Path:
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


def open_checked(path: Path, timeout_ms: int) -> tuple[sqlite3.Connection | None, list[str]]:
    """Open the journal in WAL mode and check it: the connection, or ``None`` and the damage.

    Only damage returns ``None``: what ``quick_check`` found, or SQLite calling the file
    corrupt or not a database. Another running copy may hold a lock for a moment (SQLite can
    refuse the switch to WAL without waiting): that is retried until ``timeout_ms``, then
    ``JournalBusy``. A refused permission, a full disk, a file-size limit or an I/O error is a
    ``MachineFault``. Neither is damage, and the file is left as it is.
    """
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


def damage_report(path: Path, aside: Path, problems: list[str]) -> str:
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


def create_private(path: Path) -> bool:
    """Create the empty journal file; ``False`` when another copy created it first.

    It is made 0600 before SQLite opens it, and its -wal and -shm files copy the mode.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, paths.PRIVATE_FILE))
    except FileExistsError:
        return False
    return True


def remove_if_empty(path: Path) -> None:
    """Remove the journal file if it is still empty: one we created and could not use."""
    with suppress(OSError):
        if path.stat().st_size == 0:
            path.unlink()
