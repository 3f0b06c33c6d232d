"""Saving a morning check-in durably (design §12: ≤ 20 ms).

``python benchmarks/save.py [SAVES]``: builds a home with ten years of check-ins
(benchmarks/ten_years.py, through the real import path), then saves SAVES new nights the way
``sleepplan checkin`` does — a record from ``evaluate``/``checkin_record``, ``Journal.save`` in
WAL mode with synchronous FULL, so a save that returned is on disk — and prints the median,
min–max and the ratio to the budget. Beside it, as a reference from the same run: a small
write and fsync of a plain file in the same folder, the floor any durable save stands on.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from common import runs_from_argv, summary, time_calls
from ten_years import build_home

from sleepplan.core.checkin import CheckinAnswers, checkin_record, evaluate
from sleepplan.store.journal import Journal

BUDGET_MS = 20
FIRST_NIGHT = dt.date(2026, 12, 1)  # after the ten generated years


def record_for(night: dt.date) -> dict[str, object]:
    """A usual morning's record, as ``sleepplan checkin`` builds it."""
    answers = CheckinAnswers(
        night=night,
        in_bed="22:50",
        tried_sleep="23:05",
        sol_min=20,
        awakenings=1,
        waso_min=10,
        final_wake="06:55",
        out_of_bed="07:10",
        quality=4,
        kss=4,
        taken=[{"compound": "melatonin", "amount_mg": 0.5, "at": "22:00"}],
    )
    return checkin_record(evaluate(answers, "Europe/Berlin", 480, "benchmark"))


def main() -> None:
    saves = runs_from_argv(200)
    home = Path(tempfile.mkdtemp()) / "home"
    print(f"built a home with ten years of check-ins in {build_home(home):.1f} s")
    records = iter([record_for(FIRST_NIGHT + dt.timedelta(days=i)) for i in range(saves + 3)])
    stamp = "2026-12-02T07:15:00+01:00"
    with Journal(home / "journal.sqlite3") as journal:
        times = time_calls(lambda: journal.save("example", next(records), stamp), saves)
    print(summary("durable check-in save", times, BUDGET_MS))

    probe = home / "fsync-probe"

    def write_and_fsync() -> None:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, b"x" * 512)
            os.fsync(fd)
        finally:
            os.close(fd)

    print(summary("reference: 512 bytes written and fsynced", time_calls(write_and_fsync, saves)))
    started = time.perf_counter()
    with Journal(home / "journal.sqlite3") as journal:
        assert len(journal.records("example")) == 3650 + saves + 3
    print(f"all {3650 + saves + 3} nights read back in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
