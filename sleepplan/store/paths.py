"""Where sleepplan keeps its files, created private to the user (it is health data)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sleepplan.core.errors import InputError

APP_NAME = "sleepplan"
HOME_ENV = "SLEEPPLAN_HOME"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def resolve_home(cli_home: str | None, environ: Mapping[str, str]) -> Path:
    """The home folder: ``--home``, else ``$SLEEPPLAN_HOME``, else the platform's data dir."""
    if cli_home:
        return Path(cli_home).expanduser()
    if environ.get(HOME_ENV):
        return Path(environ[HOME_ENV]).expanduser()
    import platformdirs  # only needed without a home named: its import costs a few ms

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def profiles_dir(home: Path) -> Path:
    """Folder of the home's profiles."""
    return home / "profiles"


def journal_path(home: Path) -> Path:
    """The journal database."""
    return home / "journal.sqlite3"


def cache_dir(home: Path) -> Path:
    """Derived data kept to start faster (safe to delete)."""
    return home / "cache"


def logs_dir(home: Path) -> Path:
    """Where internal-error details are written."""
    return home / "logs"


class UntrustedPath(InputError):
    """A folder or file of the home that another user owns or could write to: not used."""


def check_trusted_folder(folder: Path) -> None:
    """Refuse a folder another user owns or can write to, as ssh refuses such a ``~/.ssh``.

    Whoever can write to the home (or its ``profiles/``) can put a newer profile there, which
    would open by default. A folder root owns is trusted: root can change any file anyway.
    A folder that does not exist yet is fine: sleepplan creates it 0700.

    Raises:
        UntrustedPath: naming the folder and the ``chown``/``chmod`` that fixes it.
    """
    try:
        info = folder.stat()
    except FileNotFoundError:
        return
    _check_trusted(folder, info, "chmod 700", "could put a profile here that sleepplan would open")


def check_trusted_file(path: Path) -> None:
    """Refuse a file of the home that another user owns or can write to (a missing one is fine).

    A trusted folder stops anyone else adding files, but not a file put there before the
    folder was closed (its owner can still rewrite it), nor one a mode lets others change.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    _check_trusted(path, info, "chmod 600", "could change what sleepplan reads from it")


def trusted(info: os.stat_result) -> bool:
    """Whether a file or folder is the user's alone: theirs (or root's), writable by no one else."""
    return info.st_uid in (os.geteuid(), 0) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _check_trusted(path: Path, info: os.stat_result, chmod: str, risk: str) -> None:
    if trusted(info):
        return
    others_write = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    owned_by_another = info.st_uid not in (os.geteuid(), 0)
    import shlex  # only a refusal needs it

    quoted = shlex.quote(str(path))
    fixes = []
    if owned_by_another:
        who = f"is owned by another user ({_user_name(info.st_uid)})"
        fixes.append(f"sudo chown {shlex.quote(_user_name(os.geteuid()))} {quoted}")
    else:
        who = f"can be written by other users (mode {stat.S_IMODE(info.st_mode):04o})"
    if others_write:
        fixes.append(f"{chmod} {quoted}")
    raise UntrustedPath.single(
        str(path),
        "",
        f"not used: it {who}, who {risk}. Check what is in it, then run `{' && '.join(fixes)}`",
    )


def _user_name(uid: int) -> str:
    import pwd  # only a refusal needs a name

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` (after following links) is ``folder`` or somewhere under it."""
    return _resolved(path).is_relative_to(_resolved(folder))


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return Path(os.path.abspath(path))


def check_export_target(home: Path, target: Path, force: bool) -> None:
    """Refuse to write an export onto a file of the home, or onto any file without ``force``.

    The home is compared after following links, and an existing target also by its device
    and inode, so neither a symlink nor a hard link to the journal or a profile gets through.
    """
    source = str(target)
    if is_inside(target, home):
        raise InputError.single(
            source,
            "",
            f"is inside (or links into) sleepplan's home ({home}), where an export could "
            "replace your journal or a profile; write it somewhere else",
        )
    if not os.path.lexists(target):
        return
    identity = _identity_of(str(target))  # None for a dangling link: nothing of the home
    if identity is not None and identity in _home_file_identities(home):
        raise InputError.single(
            source,
            "",
            "is another name (a link) for a file in sleepplan's home; write the export "
            "somewhere else",
        )
    if not force:
        raise InputError.single(
            source, "", "exists already; pass --force to replace it, or choose another name"
        )


def _identity(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def _identity_of(path: str) -> tuple[int, int] | None:
    """Device and inode of what ``path`` leads to; ``None`` for a dangling link or a file gone."""
    try:
        return _identity(os.stat(path))
    except OSError:
        return None


def _home_file_identities(home: Path) -> set[tuple[int, int] | None]:
    """Device and inode of every file in the home, following its links (to dotfiles, say)."""
    found: set[tuple[int, int] | None] = set()
    walked: set[tuple[int, int] | None] = set()
    for folder, folders, names in os.walk(home, followlinks=True):
        walked.add(_identity_of(folder))
        # a linked folder met again (a loop) is not walked twice
        folders[:] = [name for name in folders if _identity_of(f"{folder}/{name}") not in walked]
        found.update(_identity_of(f"{folder}/{name}") for name in names)
    found.discard(None)
    return found


def make_private_dir(path: Path) -> None:
    """Create a folder (and parents) readable only by the user; leaves existing ones alone."""
    old = os.umask(0o077)
    try:
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    finally:
        os.umask(old)


def write_new_private_file(path: Path, data: bytes) -> None:
    """Create a file that must not exist yet, mode 0600 from the start.

    A write that fails (a full disk, a file-size limit) removes the file again, so no empty
    or partial file is left to be taken for a real one; the ``OSError`` names ``path``.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        with naming(path), os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)  # O_EXCL made it ours
        raise


@contextmanager
def naming(path: Path) -> Iterator[None]:
    """Make an ``OSError`` raised while writing ``path`` name it.

    A failed ``write`` or ``fsync`` names no file, and a temp file (``.NAME.….tmp`` beside
    it) means nothing to the user: ``path`` is what they know.
    """
    try:
        yield
    except OSError as error:
        named = error.filename
        temp = named is not None and Path(named).name.startswith(f".{path.name}.")
        if error.errno is None or (named is not None and not temp):
            raise
        raise OSError(error.errno, error.strerror, str(path)) from error
