"""Faults of the machine: a refused permission, a full disk, a size limit, an I/O error, a lock.

None of them is the user's input (exit 2) or a bug (a crash report), and none is damage: a
journal SQLite cannot open because a file is read-only is healthy, and must never be moved
aside. Each becomes a ``MachineFault``, shown as one short message naming the path, the OS error
and what to do (exit 1).

SQLite reports its own result codes, not the OS error behind them, so for a journal the cause is
found by looking (without changing a byte): which file may not be opened for writing, whether
the disk is full, whether a file-size limit is set. ``sqlite3`` is never imported here, so a
command that never opens the journal does not load it.
"""

from __future__ import annotations

import errno
import os
import resource
import shlex
from pathlib import Path

from sleepplan.core.visible import visible, visible_lines

FAULT_ERRNOS = frozenset(
    {errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO}
)
"""OS errors that are the machine's doing, not sleepplan's and not the user's input."""

# SQLite's primary result codes (the low byte of an extended code such as SQLITE_IOERR_WRITE)
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26
_SQLITE_FAULTS = frozenset(
    {SQLITE_PERM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN}
)
_NEARLY_FULL_BYTES = 1024 * 1024
"""Free space below which an unexplained SQLite write error is taken for a full disk."""


class MachineFault(Exception):
    """The machine refused a read or write; not the user's input, not a bug, not damage.

    Attributes:
        path: The file or folder the machine refused.
        problem: What went wrong, with the OS error (``No space left on device``).
        advice: What the user can do about it.
    """

    def __init__(self, path: str, problem: str, advice: str) -> None:
        self.path = path
        self.problem = problem
        self.advice = advice
        super().__init__(self.render())

    def render(self) -> str:
        """One short message, safe to show: the path, the OS error and what to do."""
        return visible_lines(f"{visible(self.path)}: {self.problem}. {self.advice}.")


class JournalBusy(MachineFault):
    """Another program held the journal locked for longer than sleepplan waits."""


def from_os_error(error: OSError, path: str | Path | None = None) -> MachineFault | None:
    """The fault an ``OSError`` is, or ``None`` when it is none of the machine's faults.

    ``path`` names the file when the error does not (a failed ``write`` names none).
    """
    number = error.errno
    if number not in FAULT_ERRNOS:
        return None
    where = str(error.filename if error.filename is not None else path or "sleepplan")
    reason = error.strerror or os.strerror(number)
    return MachineFault(where, f"{reason} ({errno.errorcode[number]})", _advice(number, where))


def _advice(number: int, where: str) -> str:
    quoted = shlex.quote(where)
    folder = shlex.quote(os.path.dirname(where) or ".")
    if number in (errno.EACCES, errno.EPERM):
        return (
            "Check who owns it and its folder, and their permissions "
            f"(`ls -ld {quoted} {folder}`): they must let you read and write"
        )
    if number == errno.EROFS:
        return "Its file system is mounted read-only: remount it writable, or use another --home"
    if number == errno.ENOSPC:
        return "The disk is full: free some space and try again"
    if number == errno.EDQUOT:
        return "Your disk quota is used up: free some space and try again"
    if number == errno.EFBIG:
        limit = _file_size_limit()
        shown = f" is {limit} bytes" if limit is not None else ""
        return f"A file would pass the file-size limit (`ulimit -f`){shown}: raise it and try again"
    return (
        "The disk reported a read or write error: check the disk (`dmesg`) and copy your "
        "sleepplan folder somewhere safe before trying again"
    )


def _file_size_limit() -> int | None:
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else soft


def sqlite_code(error: BaseException) -> int | None:
    """SQLite's primary result code of a ``sqlite3`` error, ``None`` for any other error."""
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_busy(error: BaseException) -> bool:
    """Whether SQLite gave up waiting for a lock another connection holds."""
    return sqlite_code(error) in (SQLITE_BUSY, SQLITE_LOCKED)


def is_damage(error: BaseException) -> bool:
    """Whether SQLite found the file damaged or not a database at all."""
    return sqlite_code(error) in (SQLITE_CORRUPT, SQLITE_NOTADB)


def busy(path: Path, waited_ms: int | None = None) -> JournalBusy:
    """The fault of a journal locked for longer than sleepplan waited (``waited_ms``)."""
    waited = f"more than {waited_ms} ms" if waited_ms is not None else "longer than it waits"
    return JournalBusy(
        str(path),
        f"the journal is busy: another program held its lock for {waited}",
        "Another copy of sleepplan is probably using it: close the other copy (or let it "
        "finish) and try again; nothing was changed",
    )


def from_sqlite_error(
    error: BaseException, path: Path, waited_ms: int | None = None
) -> MachineFault | None:
    """The fault a ``sqlite3`` error on the journal at ``path`` is, or ``None`` if none.

    Damage (SQLITE_CORRUPT, SQLITE_NOTADB) and SQLite's own errors (a bug) are not faults. A
    lock held past the ``waited_ms`` SQLite waited is ``JournalBusy``. Behind the rest, the OS
    error is looked for.
    """
    if is_busy(error):
        return busy(path, waited_ms)
    code = sqlite_code(error)
    if code not in _SQLITE_FAULTS:
        return None
    cause = _refused_access(path)
    if code in (SQLITE_FULL, SQLITE_IOERR) and cause is None:
        cause = _space_or_size(path, code)
    if cause is None:  # not found: say what SQLite said
        name = getattr(error, "sqlite_errorname", "SQLITE_ERROR")
        return MachineFault(
            str(path),
            f"SQLite could not use it ({error}, {name})",
            "Check that the file and its folder are yours and writable and that the disk is "
            "healthy, then try again; the journal was left as it was",
        )
    fault = from_os_error(cause, path)
    assert fault is not None  # every cause found is one of FAULT_ERRNOS
    return fault


def check_writable(path: Path) -> None:
    """Raise the fault of a journal SQLite could not write, before SQLite touches anything.

    SQLite opens a file it may not write read-only and fails only at the first write, when it
    has made its ``-wal`` and ``-shm`` files (which a reader leaves behind).

    Raises:
        MachineFault: naming the file (or folder) refused and the OS error.
    """
    cause = _refused_access(path)
    if cause is not None:
        fault = from_os_error(cause, path)
        assert fault is not None  # every cause found is one of FAULT_ERRNOS
        raise fault


def _refused_access(path: Path) -> OSError | None:
    """The error the OS gives for writing the journal, its ``-wal``/``-shm`` or its folder.

    Each existing file is opened for writing and closed again, which changes nothing.
    """
    folder = path.parent
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    for candidate in (path, *companions):
        try:
            os.close(os.open(candidate, os.O_RDWR | os.O_NONBLOCK))
        except FileNotFoundError:
            continue
        except OSError as error:
            if error.errno in FAULT_ERRNOS:
                return error
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return None
    if read_only:
        return OSError(errno.EROFS, os.strerror(errno.EROFS), str(folder))
    missing = not all(companion.exists() for companion in companions)
    if missing and not os.access(folder, os.W_OK | os.X_OK):  # SQLite makes them here
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))
    return None


def _space_or_size(path: Path, code: int) -> OSError:
    """The likely OS error behind a failed write: a full disk, a file-size limit, or I/O."""
    try:
        info = os.statvfs(path.parent)
        nearly_full = info.f_bavail * info.f_frsize < _NEARLY_FULL_BYTES
    except OSError:
        nearly_full = False
    if nearly_full:
        number = errno.ENOSPC
    elif _file_size_limit() is not None:
        number = errno.EFBIG  # SQLite reports a write cut short by the limit as SQLITE_FULL
    else:
        number = errno.ENOSPC if code == SQLITE_FULL else errno.EIO
    return OSError(number, os.strerror(number), str(path))


def fault_of(error: BaseException, journal: Path) -> MachineFault | None:
    """The machine fault behind any error a command raised, or ``None`` (then it is a bug).

    A ``sqlite3`` error can only be about ``journal``, the one database sleepplan keeps.
    """
    if isinstance(error, MachineFault):
        return error
    if isinstance(error, OSError):
        return from_os_error(error)
    return from_sqlite_error(error, journal)


def write_report(folder: Path, name: str, text: str) -> str:
    """Write a report file (0600) in ``folder``, else the temp folder; returns where it went."""
    import tempfile

    from sleepplan.store import paths  # paths never imports this module: no ring

    for place in (folder, Path(tempfile.gettempdir())):
        try:
            paths.make_private_dir(place)
            target = place / name
            paths.write_new_private_file(target, text.encode("utf-8"))
            return str(target)
        except OSError:
            continue
    return "(could not write a report)"
