"""Reading a user's file safely: a size cap, UTF-8, and errors that name the file."""

from __future__ import annotations

import os
from pathlib import Path

from sleepplan.core.errors import InputError, from_decode_error
from sleepplan.store import paths

MAX_USER_FILE_BYTES = 1024 * 1024


def read_user_bytes(path: Path, max_bytes: int = MAX_USER_FILE_BYTES) -> bytes:
    """A user file's bytes, at most ``max_bytes + 1`` of them; unreadable is ``InputError``."""
    source = str(path)
    try:
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError.single(source, "", "no such file") from None
    except IsADirectoryError:
        raise InputError.single(source, "", "is a folder, not a file") from None
    except PermissionError:
        raise InputError.single(source, "", "cannot be read (permission denied)") from None


def read_user_file(path: Path, max_bytes: int = MAX_USER_FILE_BYTES) -> str:
    """A user file's text; missing, unreadable, huge or non-UTF-8 files are ``InputError``."""
    return decode_user_bytes(read_user_bytes(path, max_bytes), str(path), max_bytes)


def decode_user_bytes(data: bytes, source: str, max_bytes: int = MAX_USER_FILE_BYTES) -> str:
    """A user file's bytes as text: over the size cap or not UTF-8 is an ``InputError``."""
    if len(data) > max_bytes:
        raise InputError.single(source, "", f"is larger than {max_bytes // 1024} KiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise from_decode_error(source, data, error) from None


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old file or the new one.

    A temp file in the same folder (created 0600) is written and fsynced, renamed over the
    target with ``os.replace``, and the folder is fsynced so the rename itself is durable. A
    write that fails (a full disk, a file-size limit) removes the temp file and leaves ``path``
    as it was; the ``OSError`` names ``path``.
    """
    folder = path.parent
    paths.make_private_dir(folder)
    import tempfile  # only writing needs it; reading a plan loads none of it

    with paths.naming(path):
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    """Make a folder's entries (a rename, a new file) durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
