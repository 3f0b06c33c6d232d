"""Files and folders are private from the moment they are created, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from sleepplan.core import editing
from sleepplan.store.exports import write_private
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import create_profile, ensure_home, load_profile, save_profile


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    old = os.umask(0)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_everything_is_private_even_with_umask_zero(home: Path, permissive_umask: None) -> None:
    ensure_home(home)
    path = home / "profiles" / "example.toml"
    loaded = load_profile(path)
    save_profile(path, editing.rename(loaded.profile, "example"), loaded.fingerprint)
    create_profile(home, "second", path.read_text())
    with Journal(home / "journal.sqlite3") as journal:
        journal.save(
            "example",
            {"night": "2026-11-23", "taken": [], "scores": {}, "metrics": {}, "flags": []},
            "t",
        )
    write_private(home / "exports" / "out.json", b"{}")
    folders = [home, home / "profiles"]
    files = [
        path,
        path.with_name("example.toml.bak"),
        home / "profiles" / "second.toml",
        home / "journal.sqlite3",
        home / "exports" / "out.json",
    ]
    files += list(home.glob("journal.sqlite3-*"))
    assert all(_mode(folder) == 0o700 for folder in folders), [oct(_mode(f)) for f in folders]
    assert all(_mode(file) == 0o600 for file in files), {str(f): oct(_mode(f)) for f in files}
