"""Crash safety: a writer killed with SIGKILL at random moments, 200 times.

Afterwards the profile always parses as the old or the new version, the journal passes
integrity_check, and no check-in whose save returned is missing.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sleepplan.store.profiles import ensure_home, load_profile
from tests.crash_child import BEDTIMES

KILLS = 200
WORKERS = 2  # two homes killed in parallel, 100 kills each
ROOT = Path(__file__).parents[1]


def _kill_loop(home: Path, kills: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    ensure_home(home)
    saved: list[str] = []
    mid_write = 0
    for _ in range(kills):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.crash_child", str(home), str(len(saved))],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(rng.uniform(0.35, 0.7))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err
        lines = out.split()
        saved += lines
        mid_write += bool(lines)
        _check(home, saved)
    return {"kills": kills, "with_saves": mid_write, "nights": len(saved)}


def _check(home: Path, saved: list[str]) -> None:
    profile = load_profile(home / "profiles" / "example.toml").profile
    assert profile.bedtime in (*BEDTIMES, dt.time(23, 0))
    backup = home / "profiles" / "example.toml.bak"
    if backup.exists():
        load_profile(backup)
    db = sqlite3.connect(home / "journal.sqlite3")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        # killed before the first migration committed: an empty journal, nothing was saved
        stored = (
            {row[0] for row in db.execute("SELECT night FROM checkins")}
            if "checkins" in tables
            else set()
        )
    finally:
        db.close()
    missing = set(saved) - stored
    assert not missing, f"check-ins whose save returned are missing: {sorted(missing)[:5]}"


def test_two_hundred_sigkills_lose_nothing(tmp_path: Path) -> None:
    per_worker = KILLS // WORKERS
    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(
            pool.map(
                lambda n: _kill_loop(tmp_path / f"home{n}", per_worker, seed=n), range(WORKERS)
            )
        )
    kills = sum(r["kills"] for r in results)
    with_saves = sum(r["with_saves"] for r in results)
    nights = sum(r["nights"] for r in results)
    print(
        f"\ncrash safety: {kills} SIGKILLs, {with_saves} during the write loop, "
        f"{nights} check-ins saved, 0 lost, profile always old or new, journal always ok"
    )
    assert kills >= 200
    assert with_saves >= kills // 2  # most kills landed while writing, not during start-up
    assert os.environ.get("SLEEPPLAN_HOME")  # the test never touched the user's home
