"""Profiles on disk: find, read, validate and save them without ever losing the old one."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import itertools
import json
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sleepplan.core.catalog import Catalog
from sleepplan.core.errors import InputError
from sleepplan.core.profile import Profile, parse_profile, profile_to_data
from sleepplan.core.validation import dump
from sleepplan.store import cache, paths
from sleepplan.store.bundled import (
    FIRST_RUN_EXAMPLE,
    bundled_catalog,
    data_digest,
    example_profiles,
)
from sleepplan.store.files import (
    atomic_write,
    decode_user_bytes,
    fsync_dir,
    read_user_bytes,
    read_user_file,
)

MAX_PROFILE_BYTES = 1024 * 1024
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a profile file held when it was read: saving checks it has not changed since."""

    size: int
    sha256: str

    @classmethod
    def of(cls, data: bytes) -> Fingerprint:
        """The fingerprint of a file's bytes."""
        return cls(len(data), hashlib.sha256(data).hexdigest())


@dataclass(frozen=True, slots=True)
class LoadedProfile:
    """A profile read from a file, with the catalog its doses refer to (bundled + custom)."""

    path: Path
    profile: Profile
    catalog: Catalog
    fingerprint: Fingerprint | None = None
    """The file's content when it was read (``None`` for a profile not read from disk)."""


class ProfileChanged(InputError):
    """The file changed on disk since it was loaded (another copy, an editor): not saved."""


class ProfileTooLarge(InputError):
    """Saving would make the profile larger than sleepplan reads back: not saved."""


def ensure_home(home: Path) -> None:
    """Create the home (0700) and, on first use, copy in the example profile (0600).

    A home or ``profiles/`` folder another user owns or can write to is refused before
    anything in it is read or written (``paths.UntrustedPath``).
    """
    folder = paths.profiles_dir(home)
    paths.check_trusted_folder(home)
    first_use = not folder.exists()
    paths.make_private_dir(folder)
    paths.check_trusted_folder(folder)
    if first_use and not any(folder.glob("*.toml")):
        text = example_profiles()[FIRST_RUN_EXAMPLE]
        paths.write_new_private_file(folder / f"{FIRST_RUN_EXAMPLE}.toml", text.encode("utf-8"))


def list_profiles(home: Path) -> list[Path]:
    """The home's profile files, by name."""
    folder = paths.profiles_dir(home)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.toml"))


def check_name(name: str, source: str = "--profile") -> str:
    """A profile name safe to use as a file name in the profiles folder (``source`` gave it)."""
    if not _SAFE_NAME.match(name) or name.endswith(".toml"):
        raise InputError.single(
            source,
            "",
            f"{name!r} is not a profile name (letters, digits, '-', '_', '.'; no '/')",
        )
    return name


def profile_path(home: Path, name_or_path: str | None) -> Path:
    """The file a ``--profile`` value refers to.

    A value with a slash or ending in ``.toml`` is a path; otherwise it names a profile in the
    home. With no value: the only profile, else the most recently saved one. A file in the
    home that another user owns or can write to is refused (``paths.UntrustedPath``); a path
    elsewhere is the user's own choice (a shared profile, say) and is not checked.
    """
    folder = paths.profiles_dir(home)
    if name_or_path:
        if "/" in name_or_path or name_or_path.endswith(".toml"):
            path = Path(name_or_path).expanduser()
        else:
            path = folder / f"{check_name(name_or_path)}.toml"
    else:
        found = list_profiles(home)
        if not found:
            raise InputError.single(
                str(folder), "", "no profiles here; create one with `sleepplan profile new NAME`"
            )
        path = max(found, key=lambda path: (path.stat().st_mtime, path.name))
    if paths.is_inside(path.parent, home):
        paths.check_trusted_file(path)
    return path


def create_profile(home: Path, name: str, template: str) -> Path:
    """Create profile ``name`` from a template's text (renamed inside); never overwrites."""
    target = paths.profiles_dir(home) / f"{check_name(name)}.toml"
    if target.exists():
        raise InputError.single(str(target), "", "a profile with this name exists already")
    lines = template.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith("name = "):
            lines[index] = f"name = {json.dumps(name)}\n"
            break
    paths.make_private_dir(target.parent)
    try:
        paths.write_new_private_file(target, "".join(lines).encode("utf-8"))
    except FileExistsError:
        raise InputError.single(
            str(target), "", "a profile with this name exists already"
        ) from None
    return target


def read_profile_text(path: Path) -> str:
    """A profile file's text; size, encoding and existence problems become ``InputError``."""
    return read_user_file(path, MAX_PROFILE_BYTES)


def profile_from_bytes(data: bytes, source: str, catalog: Catalog | None = None) -> Profile:
    """Validate a profile file's bytes (every failure is an ``InputError`` naming ``source``)."""
    text = decode_user_bytes(data, source, MAX_PROFILE_BYTES)
    return parse_profile(text, source, catalog or bundled_catalog())[0]


def load_profile(path: Path, cache_dir: Path | None = None) -> LoadedProfile:
    """Read and validate a profile file against the shipped catalog, remembering what it held.

    With ``cache_dir``, a file whose exact bytes were validated before (with the same shipped
    data and sleepplan version) is rebuilt from the cache instead of validated again.
    """
    data = read_user_bytes(path, MAX_PROFILE_BYTES)
    catalog = bundled_catalog(cache_dir)
    stem = f"profile-{cache.digest(str(path.resolve()))[:12]}"
    key = cache.digest(data_digest(), data)
    cached = cache.load(cache_dir, stem, key, Profile)
    if isinstance(cached, Profile):
        return LoadedProfile(
            path, cached, catalog.extended(cached.custom_compounds), Fingerprint.of(data)
        )
    text = decode_user_bytes(data, str(path), MAX_PROFILE_BYTES)
    profile, full = parse_profile(text, str(path), catalog)
    cache.store(cache_dir, stem, key, dump(profile))
    return LoadedProfile(path, profile, full, Fingerprint.of(data))


def profile_toml(profile: Profile) -> str:
    """The profile as a TOML document."""
    header = (
        "# sleepplan profile — format version 1. Edit freely; "
        "`sleepplan profile validate FILE` checks it.\n"
    )
    import tomli_w  # only saving writes TOML

    return header + tomli_w.dumps(profile_to_data(profile))


def save_profile(
    path: Path,
    profile: Profile,
    expected: Fingerprint | None = None,
    catalog: Catalog | None = None,
) -> Fingerprint:
    """Write a profile atomically and durably, never over a change someone else made.

    ``expected`` is what the file held when it was loaded; ``None`` means the file must not
    exist yet (a new profile, "save as"). Under an exclusive lock the file on disk is compared
    with it, so two running copies never silently lose an update and a file an editor broke is
    never overwritten. The new text goes to a temp file in the same folder (0600), is fsynced,
    and replaces the profile with ``os.replace``; the previous version is kept as
    ``NAME.toml.bak`` and the folder is fsynced so the rename survives a power cut. Returns
    the new fingerprint.

    An existing file is edited in place (``profile_text``): its comments, blank lines and
    layout stay. ``catalog`` is the shipped catalog the read-back check validates against
    (pass ``bundled_catalog(cache_dir)``; without it the catalog is read without the cache).
    """
    whole = profile_toml(profile).encode("utf-8")
    if len(whole) > MAX_PROFILE_BYTES:
        raise ProfileTooLarge.single(str(path), "", _too_large(profile, len(whole)))
    folder = path.parent
    paths.make_private_dir(folder)
    with _locked(path):
        before = path.read_bytes() if path.exists() else None
        current = None if before is None else Fingerprint.of(before)
        if current != expected:
            why = (
                "it was changed on disk since it was opened (another copy of sleepplan or an "
                "editor)"
                if current is not None
                else "it was deleted or moved since it was opened"
            )
            if expected is None:
                why = "a profile with this name exists already"
            raise ProfileChanged.single(
                str(path), "", f"not saved: {why}. Reload it, or save under another name."
            )
        data = whole
        if before is not None:
            data = profile_text(before, profile, str(path), catalog) or whole
            if len(data) > MAX_PROFILE_BYTES:
                raise ProfileTooLarge.single(str(path), "", _too_large(profile, len(data)))
            # the backup first: whatever happens next, the old version survives somewhere
            atomic_write(path.with_name(path.name + ".bak"), before)
        atomic_write(path, data)
    return Fingerprint.of(data)


def profile_text(
    before: bytes, profile: Profile, source: str, catalog: Catalog | None = None
) -> bytes | None:
    """The file ``before`` edited in place to hold ``profile``; ``None`` if that cannot be done.

    Only what changed is rewritten (``profile_edit``), so a hand-written file keeps its
    comments, blank lines, table style and numbers. The result is read back with the real
    loader: anything that would not read back as ``profile`` is ``None``, and the caller
    writes the whole file instead.
    """
    from sleepplan.store import profile_edit  # only saving over a file needs tomlkit

    shipped = catalog or bundled_catalog(None)  # as load_profile(path) asks: built once
    try:
        text = before.decode("utf-8")
        old = parse_profile(text, source, shipped)[0]
        edited = profile_edit.edit_document(text, profile_to_data(old), profile_to_data(profile))
        if parse_profile(edited, source, shipped)[0] != profile:
            return None
    except Exception:  # any surprise in an edit (a bug here included): write the file whole
        return None
    return edited.encode("utf-8")


def _too_large(profile: Profile, size: int) -> str:
    """Why a profile is not saved: its size, the cap, and its largest top-level parts."""
    import tomli_w

    parts = sorted(
        (
            (len(tomli_w.dumps({key: value}).encode("utf-8")), key)
            for key, value in profile_to_data(profile).items()
        ),
        reverse=True,
    )
    largest = ", ".join(f"{key}: {_kib(part)}" for part, key in parts[:3])
    return (
        f"not saved: it would be {_kib(size)}, more than the {_kib(MAX_PROFILE_BYTES)} a "
        f"profile can hold (largest parts: {largest}). Make it smaller and save again; the "
        "file on disk is unchanged"
    )


def _kib(size: int) -> str:
    return f"{size / 1024:,.0f} KiB"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock beside the profile, held across check-and-replace.

    The lock file is never a link followed (``O_NOFOLLOW``): a planted symlink would make
    sleepplan create or lock a file elsewhere.
    """
    lock_path = path.with_name(f".{path.name}.lock")
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(lock_path, flags, paths.PRIVATE_FILE)
    except OSError as error:
        if error.errno == errno.ELOOP or lock_path.is_symlink():
            raise _unusable_lock(lock_path) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO or a device planted under its name
        os.close(fd)
        raise _unusable_lock(lock_path)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _unusable_lock(lock_path: Path) -> InputError:
    import shlex  # only a refusal needs it

    return InputError.single(
        str(lock_path),
        "",
        "not saved: this lock file is a link or not a plain file, and sleepplan never "
        f"follows one. Remove it (`rm {shlex.quote(str(lock_path))}`) and save again",
    )


def delete_profile(home: Path, name: str, now: dt.datetime) -> Path:
    """Move a profile (and its backup) to the home's trash folder; returns where it went.

    Nothing in the trash is ever replaced: a name already taken (the same profile deleted
    twice in one second) gets a counter, ``NAME-STAMP-2.toml``.
    """
    source = paths.profiles_dir(home) / f"{check_name(name)}.toml"
    if not source.exists():
        raise InputError.single(str(source), "", "no such profile")
    trash = home / "trash"
    paths.make_private_dir(trash)
    backup = source.with_name(source.name + ".bak")
    has_backup = backup.exists()
    target, trashed_backup = _trash_names(
        trash, f"{name}-{now.strftime('%Y%m%dT%H%M%S')}", has_backup
    )
    try:
        os.replace(source, target)
    except BaseException:
        target.unlink(missing_ok=True)  # the empty reservations, not profiles
        if has_backup:
            trashed_backup.unlink(missing_ok=True)
        raise
    if has_backup:
        try:
            os.replace(backup, trashed_backup)
        except BaseException:
            trashed_backup.unlink(missing_ok=True)  # the backup stays beside where it was
            raise
    fsync_dir(source.parent)
    fsync_dir(trash)
    return target


def _trash_names(trash: Path, stem: str, with_backup: bool) -> tuple[Path, Path]:
    """Free names in the trash for a profile and its backup, reserved as empty files.

    Each name is claimed with ``O_EXCL`` (which also never follows a link), so the moves that
    follow replace only these reservations, never an earlier deleted profile.
    """
    for count in itertools.count(1):
        base = stem if count == 1 else f"{stem}-{count}"
        target = trash / f"{base}.toml"
        backup = trash / f"{base}.toml.bak"
        if not _reserve(target):
            continue
        if not with_backup or _reserve(backup):
            return target, backup
        target.unlink()
    raise AssertionError("unreachable")  # itertools.count never ends


def _reserve(path: Path) -> bool:
    """Create ``path`` empty (0600) if no file or link has that name; whether it did."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        os.close(os.open(path, flags, paths.PRIVATE_FILE))
    except FileExistsError:
        return False
    return True
