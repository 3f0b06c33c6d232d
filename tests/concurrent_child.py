"""Writers for the two-process tests. Usage:

python -m tests.concurrent_child profile HOME BEDTIME GO_FILE   load, wait for GO_FILE, save
python -m tests.concurrent_child checkins HOME PARITY COUNT     write COUNT nights of a parity
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from sleepplan.core import editing, timing
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ProfileChanged, load_profile, save_profile


def save_after_go(home: Path, bedtime: str, go: Path) -> None:
    path = home / "profiles" / "example.toml"
    loaded = load_profile(path)
    print("loaded", flush=True)
    while not go.exists():
        time.sleep(0.005)
    changed = editing.set_times(loaded.profile, bedtime=timing.parse_clock(bedtime))
    try:
        save_profile(path, changed, loaded.fingerprint)
        print("saved", flush=True)
    except ProfileChanged:
        print("conflict", flush=True)


def write_checkins(home: Path, parity: int, count: int) -> None:
    with Journal(home / "journal.sqlite3") as journal:
        for index in range(count):
            night = dt.date(2021, 1, 1) + dt.timedelta(days=2 * index + parity)
            record = {
                "night": night.isoformat(),
                "taken": [],
                "scores": {"morning": 50.0},
                "metrics": {},
                "flags": [],
            }
            journal.save("example", record, "t")
    print("done", flush=True)


if __name__ == "__main__":
    from tests.offline import block_network

    block_network()
    mode, home = sys.argv[1], Path(sys.argv[2])
    if mode == "profile":
        save_after_go(home, sys.argv[3], Path(sys.argv[4]))
    else:
        write_checkins(home, int(sys.argv[3]), int(sys.argv[4]))
