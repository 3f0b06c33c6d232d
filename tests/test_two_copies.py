"""Two running copies: one profile saved by both never loses an update; check-ins both kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sleepplan.store.journal import Journal
from sleepplan.store.profiles import ensure_home, load_profile

ROOT = Path(__file__).parents[1]


def _child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.concurrent_child", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_saving_one_profile(home: Path, tmp_path: Path) -> None:
    ensure_home(home)
    for round_ in range(10):
        go = tmp_path / f"go{round_}"
        mine, theirs = f"21:{round_:02d}", f"00:{round_:02d}"  # each save is a real change
        first = _child("profile", str(home), mine, str(go))
        second = _child("profile", str(home), theirs, str(go))
        for child in (first, second):  # both have loaded the same version
            assert child.stdout is not None and child.stdout.readline().strip() == "loaded"
        go.touch()
        outcomes = [child.communicate()[0].strip() for child in (first, second)]
        assert sorted(outcomes) == ["conflict", "saved"], outcomes
        winner = mine if outcomes[0] == "saved" else theirs
        bedtime = load_profile(home / "profiles" / "example.toml").profile.bedtime
        assert bedtime.strftime("%H:%M") == winner  # the loser's update was refused, not lost


def test_two_processes_writing_checkins_keep_both(home: Path) -> None:
    ensure_home(home)
    count = 150
    writers = [_child("checkins", str(home), str(parity), str(count)) for parity in (0, 1)]
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert out.strip() == "done"
    with Journal(home / "journal.sqlite3") as journal:
        assert len(journal.history("example")) == 2 * count
