"""The machine's faults are told from damage: reported as what they are, every file left alone.

Each fault is made real rather than mocked: a process without root's privileges meets a
read-only file, a read-only home or a ``-shm`` file another user owns; a tiny tmpfs fills up;
a file-size limit (``ulimit -f``) cuts a write short; another connection holds the lock. Each
run must exit 1 with one line naming the path and the OS error — never "damaged", never "a
bug" — and leave every file of the home byte for byte as it was, nothing moved aside.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sleepplan import cli
from sleepplan.store.journal import Journal
from sleepplan.store.profiles import load_profile, profile_toml
from tests.conftest import ROOT

NOBODY = 65534
"""Another user, to own a file the one running sleepplan may not open."""
CHECKIN = "night = 2026-11-22\nkss = 4\n"
NEXT_CHECKIN = "night = 2026-11-23\nkss = 3\n"
Snapshot = dict[str, tuple[bytes, int, int]]
AS_ROOT = os.geteuid() == 0


def _without_privileges() -> list[str] | None:
    """The command prefix that runs a program without root's power over files, if possible.

    Root ignores file modes (CAP_DAC_OVERRIDE), so a read-only file is no fault to it. The
    tests' Python lives in root's 0700 home here, out of another user's reach, so rather than
    switching user, root's capabilities are dropped (``setpriv``): the same uid, bound by
    modes. Not root: the user is bound already (``[]``). ``None``: it cannot be done here.
    """
    if not AS_ROOT:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--bounding-set=-all", "--inh-caps=-all", "--"]
    with tempfile.NamedTemporaryFile() as probe:
        os.chmod(probe.name, 0o400)
        tried = subprocess.run(
            [*prefix, sys.executable, "-c", f"open({probe.name!r}, 'ab')"],
            capture_output=True,
            check=False,
        )
    return prefix if b"PermissionError" in tried.stderr else None


UNPRIVILEGED = _without_privileges()
needs_unprivileged = pytest.mark.skipif(
    UNPRIVILEGED is None,
    reason="cannot run a process bound by file modes here (root, without setpriv to drop "
    "its capabilities)",
)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder out of pytest's temp folders (a tmpfs is mounted in it, files made read-only)."""
    folder = Path(tempfile.mkdtemp(prefix="sleepplan-faults-"))
    yield folder
    for path in [folder, *folder.rglob("*")]:  # read-only folders must open up to be removed
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


def _limit_file_size(file_size_limit: int | None) -> Callable[[], None] | None:
    if file_size_limit is None:
        return None

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return limit


def run_sleepplan(
    home: Path, *args: str, unprivileged: bool = False, file_size_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a child process, bound by file modes and/or under ``ulimit -f``."""
    prefix = (UNPRIVILEGED or []) if unprivileged else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "tests.offline", "--home", str(home), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ),
        preexec_fn=_limit_file_size(file_size_limit),
        timeout=60,
        check=False,
    )


def _snapshot(home: Path) -> Snapshot:
    """Every file and folder of the home but the derived cache: its bytes, mode and owner.

    The cache is derived and safe to delete (a run may fill it, whatever else fails); and
    whether the set-up above filled it depends on what this process had loaded before.
    """
    found: Snapshot = {}
    for path in sorted([home, *home.rglob("*")]):
        if path.relative_to(home).parts[:1] == ("cache",):
            continue
        info = path.lstat()
        data = path.read_bytes() if path.is_file() else b""
        found[str(path.relative_to(home))] = (data, info.st_mode, info.st_uid)
    return found


def _make_home(home: Path, tmp_path: Path) -> Path:
    """A home with a profile and a journal holding one check-in; returns the journal."""
    checkin = tmp_path / "checkin.toml"
    checkin.write_text(CHECKIN)
    assert cli.main(["--home", str(home), "checkin", "--from", str(checkin)]) == 0
    assert cli.main(["--home", str(home), "history"]) == 0  # the caches, as history reads them
    return home / "journal.sqlite3"


def _assert_fault(
    result: subprocess.CompletedProcess[str],
    home: Path,
    before: Snapshot,
    path: Path,
    os_error: str,
    sqlite_companions: bool = False,
) -> None:
    """Exit 1, one line naming the path and the OS error, nothing changed or moved aside.

    With ``sqlite_companions``, SQLite may have left its empty ``-wal`` and ``-shm`` files: a
    full disk or a tiny size limit stops it while it sets them up, before any data is written.
    """
    message = result.stderr.strip()
    assert result.returncode == 1, message
    assert len(message.splitlines()) == 1, message
    assert str(path) in message and os_error in message, message
    for word in ("damaged", "integrity", "bug", "Traceback"):
        assert word not in message, message
    after = _snapshot(home)
    if not sqlite_companions:
        assert after == before
        return
    # every file as it was; new ones only the empty -wal and -shm SQLite made before it failed
    assert {name: after[name] for name in before} == before
    added = {name: after[name][0] for name in set(after) - set(before)}
    assert set(added) <= {"journal.sqlite3-wal", "journal.sqlite3-shm"}, sorted(added)
    assert not any(data.strip(b"\0") for data in added.values())


@needs_unprivileged
def test_a_read_only_journal_is_reported_not_set_aside(shared_dir: Path, tmp_path: Path) -> None:
    home = shared_dir / "home"
    journal = _make_home(home, tmp_path)
    journal.chmod(0o400)
    checkin = tmp_path / "next.toml"
    checkin.write_text(NEXT_CHECKIN)
    before = _snapshot(home)
    result = run_sleepplan(home, "checkin", "--from", str(checkin), unprivileged=True)
    _assert_fault(result, home, before, journal, "Permission denied")


@needs_unprivileged
@pytest.mark.parametrize("with_journal", [False, True], ids=["first-use", "with-journal"])
def test_a_read_only_home_is_reported_not_a_bug(
    shared_dir: Path, tmp_path: Path, with_journal: bool
) -> None:
    home = shared_dir / "home"
    journal = _make_home(home, tmp_path)
    if not with_journal:
        journal.unlink()
    home.chmod(0o500)
    checkin = tmp_path / "next.toml"
    checkin.write_text(NEXT_CHECKIN)
    before = _snapshot(home)
    result = run_sleepplan(home, "checkin", "--from", str(checkin), unprivileged=True)
    # the journal cannot be created (first use), or its -wal beside it: that is the home's fault
    named = home if with_journal else journal
    _assert_fault(result, home, before, named, "Permission denied")


@needs_unprivileged
@pytest.mark.skipif(not AS_ROOT, reason="needs root, to give the -shm file to another user")
def test_a_shm_file_owned_by_another_user_is_reported_not_set_aside(
    shared_dir: Path, tmp_path: Path
) -> None:
    home = shared_dir / "home"
    journal = _make_home(home, tmp_path)
    # a copy killed while the journal was open leaves its -wal and -shm behind
    leave_open = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1])\n"
        "db.execute('SELECT count(*) FROM checkins').fetchone()\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", leave_open, str(journal)], check=True)
    shm = home / "journal.sqlite3-shm"
    assert shm.exists() and (home / "journal.sqlite3-wal").exists()
    os.chown(shm, NOBODY, NOBODY)  # say, left by a run as another user
    shm.chmod(0o600)
    before = _snapshot(home)
    result = run_sleepplan(home, "history", unprivileged=True)
    _assert_fault(result, home, before, shm, "Permission denied")


@pytest.fixture
def tiny_disk(shared_dir: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, mounted for the test (root only)."""
    mount_point = shared_dir / "disk"
    mount_point.mkdir()
    if not AS_ROOT or shutil.which("mount") is None:
        pytest.skip("mounting a tiny tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def _fill(disk: Path) -> None:
    """Use up every free byte of the disk."""
    with (disk / "filler").open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
    assert os.statvfs(disk).f_bavail == 0


def test_a_checkin_on_a_full_disk_is_reported_and_keeps_the_journal(
    tiny_disk: Path, tmp_path: Path
) -> None:
    home = tiny_disk / "home"
    journal = _make_home(home, tmp_path)
    _fill(tiny_disk)
    checkin = tmp_path / "next.toml"
    checkin.write_text(NEXT_CHECKIN)
    before = _snapshot(home)
    result = run_sleepplan(home, "checkin", "--from", str(checkin))
    _assert_fault(result, home, before, journal, "No space left on device", sqlite_companions=True)
    (tiny_disk / "filler").unlink()
    with Journal(journal) as opened:  # still there, still whole, still one night
        assert [stored.night for stored in opened.history("example")] == ["2026-11-22"]


def test_profile_new_on_a_full_disk_leaves_no_file(tiny_disk: Path, tmp_path: Path) -> None:
    home = tiny_disk / "home"
    _make_home(home, tmp_path)
    _fill(tiny_disk)
    before = _snapshot(home)
    result = run_sleepplan(home, "profile", "new", "second")
    _assert_fault(result, home, before, home / "profiles/second.toml", "No space left on device")


def test_profile_new_past_the_file_size_limit_leaves_no_partial_file(
    shared_dir: Path, tmp_path: Path
) -> None:
    home = shared_dir / "home"
    _make_home(home, tmp_path)
    before = _snapshot(home)
    result = run_sleepplan(home, "profile", "new", "second", file_size_limit=256)
    _assert_fault(result, home, before, home / "profiles/second.toml", "File too large")
    assert "ulimit -f" in result.stderr


def test_an_import_past_the_file_size_limit_is_reported_and_rolled_back(
    shared_dir: Path, tmp_path: Path
) -> None:
    home = shared_dir / "home"
    journal = _make_home(home, tmp_path)
    exported = run_sleepplan(home, "export", "--format", "json")
    document = json.loads(exported.stdout)
    (night,) = document["checkins"]
    document["checkins"] = [
        {**night, "night": f"2025-{month:02d}-{day:02d}"}
        for month in range(1, 4)
        for day in range(1, 29)
    ]
    nights = tmp_path / "nights.json"
    nights.write_text(json.dumps(document))
    before = _snapshot(home)
    # room for SQLite's 32 KiB -shm, not for the -wal of 84 nights
    result = run_sleepplan(home, "import", str(nights), file_size_limit=40_000)
    _assert_fault(result, home, before, journal, "File too large")
    assert "ulimit -f" in result.stderr


def test_a_size_limit_too_small_for_sqlite_is_no_damage(shared_dir: Path, tmp_path: Path) -> None:
    home = shared_dir / "home"
    journal = _make_home(home, tmp_path)
    checkin = tmp_path / "next.toml"
    checkin.write_text(NEXT_CHECKIN)
    before = _snapshot(home)
    result = run_sleepplan(home, "checkin", "--from", str(checkin), file_size_limit=4096)
    _assert_fault(result, home, before, journal, "File too large", sqlite_companions=True)


def test_a_lock_held_past_the_busy_timeout_says_so_and_changes_nothing(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = _make_home(home, tmp_path)
    checkin = tmp_path / "next.toml"
    checkin.write_text(NEXT_CHECKIN)
    other_copy = sqlite3.connect(journal, isolation_level=None)
    other_copy.execute("BEGIN IMMEDIATE")  # another copy, in the middle of a save
    monkeypatch.setattr("sleepplan.store.journal.BUSY_TIMEOUT_MS", 100)
    capsys.readouterr()
    before = _snapshot(home)
    code = cli.main(["--home", str(home), "checkin", "--from", str(checkin)])
    message = capsys.readouterr().err.strip()
    after = _snapshot(home)
    other_copy.execute("ROLLBACK")
    other_copy.close()
    assert code == 1, message
    assert len(message.splitlines()) == 1, message
    assert str(journal) in message
    assert "busy" in message and "close the other copy" in message
    assert "bug" not in message and "damaged" not in message
    assert after == before
    with Journal(journal) as opened:
        assert [stored.night for stored in opened.history("example")] == ["2026-11-22"]


def test_a_bit_flipped_journal_is_told_in_a_few_lines_with_a_report(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = home / "journal.sqlite3"
    home.mkdir()
    with Journal(journal) as opened:
        for day in range(1, 29):
            opened.save("example", {"night": f"2026-02-{day:02d}", "pad": "x" * 3000}, "t")
        opened.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(journal.read_bytes())
    flips = random.Random(18)
    for _ in range(400):  # cosmic rays: single bits flipped all over the file
        offset = flips.randrange(4096, len(data))
        data[offset] ^= 1 << flips.randrange(8)
    journal.write_bytes(bytes(data))
    capsys.readouterr()
    code = cli.main(["--home", str(home), "history"])
    message = capsys.readouterr().err.strip()
    assert code == 2, message
    assert len(message.splitlines()) <= 5, message
    assert "integrity check" in message
    (aside,) = home.glob("journal.sqlite3.damaged-*")
    assert aside.read_bytes() == bytes(data)  # every byte kept
    assert str(aside) in message
    (report,) = (home / "logs").glob("journal-damaged-*.txt")
    assert str(report) in message
    details = report.read_text()
    assert "quick_check" in details and ".recover" in details and str(aside) in details
    assert len(details.splitlines()) > len(message.splitlines())


SAVE_PROFILE = """
import datetime as dt
import sys
from pathlib import Path
from sleepplan.core import editing
from sleepplan.store.profiles import load_profile, save_profile
path = Path(sys.argv[1])
loaded = load_profile(path)
longer = editing.rename(editing.set_times(loaded.profile, bedtime=dt.time(22, 10)), "example-2")
save_profile(path, longer, loaded.fingerprint)  # a little longer than the file it replaces
"""


@pytest.mark.parametrize("fails", ["backup", "profile"])
def test_a_save_that_fails_keeps_the_profile_and_a_good_backup(
    shared_dir: Path, tmp_path: Path, fails: str
) -> None:
    home = shared_dir / "home"
    _make_home(home, tmp_path)
    profile = home / "profiles" / "example.toml"
    backup = home / "profiles" / "example.toml.bak"
    backup.write_bytes(b"# the version before\n")
    profile.write_text(profile_toml(load_profile(profile).profile))  # as a save writes it
    original = profile.read_bytes()
    before = _snapshot(home)
    # too small for any copy, or room for the backup (the old version) but not the new one
    limit = 16 if fails == "backup" else len(original)
    saved = subprocess.run(
        [sys.executable, "-c", SAVE_PROFILE, str(profile)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size(limit),
        check=False,
    )
    assert saved.returncode == 1 and "File too large" in saved.stderr, saved.stderr
    assert str(profile) in saved.stderr.splitlines()[-1]  # the error names the profile
    after = _snapshot(home)
    after.pop("profiles/.example.toml.lock")  # the save's (empty) lock file
    assert profile.read_bytes() == original
    if fails == "backup":
        assert after == before  # the old backup stays; no temp file is left
    else:
        assert backup.read_bytes() == original  # the backup is whole: the version saved over
        assert set(after) == set(before)  # no temp file is left


@pytest.mark.parametrize(
    "bug",
    [
        sqlite3.OperationalError("no such table: checkins"),  # SQLite's error, not the disk's
        FileNotFoundError(2, "No such file or directory", "/gone"),
        RuntimeError("a plain bug"),
    ],
    ids=["sqlite-error", "missing-file", "runtime-error"],
)
def test_a_bug_is_still_reported_as_a_bug_with_its_details(
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    bug: Exception,
) -> None:
    _make_home(home, tmp_path)

    def broken(*_: object, **__: object) -> None:
        raise bug

    monkeypatch.setattr(Journal, "history", broken)
    capsys.readouterr()
    assert cli.main(["--home", str(home), "history"]) == 1
    message = capsys.readouterr().err
    assert "This is a bug, not your input" in message
    (report,) = (home / "logs").glob("sleepplan-error-*.log")
    assert str(report) in message and "Traceback" in report.read_text()
