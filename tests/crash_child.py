"""A writer for the crash-safety test: saves a profile and records check-ins until killed.

Prints each night only after its save returned, so the parent knows what must survive.
Usage: python -m tests.crash_child HOME FIRST_NIGHT_INDEX
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sleepplan.core import editing
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import load_profile, save_profile

BEDTIMES = (dt.time(22, 0), dt.time(23, 30))
FIRST_NIGHT = dt.date(2020, 1, 1)


def record(night: dt.date, index: int) -> dict[str, object]:
    return {
        "night": night.isoformat(),
        "kss": 1 + index % 9,
        "taken": [{"compound": "melatonin", "amount_mg": 0.5, "at": None}] * (1 + index % 3),
        "metrics": {"tst_min": 400 + index % 60},
        "scores": {"morning": float(index % 100)},
        "flags": [],
        "notes": "x" * (index % 500),
    }


def main() -> None:
    home, index = Path(sys.argv[1]), int(sys.argv[2])
    path = home / "profiles" / "example.toml"
    loaded = load_profile(path)
    profile, fingerprint = loaded.profile, loaded.fingerprint
    with Journal(home / "journal.sqlite3") as journal:
        while True:
            profile = editing.set_times(profile, bedtime=BEDTIMES[index % 2])
            fingerprint = save_profile(path, profile, fingerprint)
            night = FIRST_NIGHT + dt.timedelta(days=index)
            journal.save("example", record(night, index), "t", replace=True)
            print(night.isoformat(), flush=True)
            index += 1


if __name__ == "__main__":
    from tests.offline import block_network

    block_network()
    main()
