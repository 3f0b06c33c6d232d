"""Reading a user's file safely: a size cap, UTF-8, and errors that name the file."""

from __future__ import annotations

from pathlib import Path

from sleepplan.core.errors import InputError, from_decode_error

MAX_USER_FILE_BYTES = 1024 * 1024


def read_user_file(path: Path, max_bytes: int = MAX_USER_FILE_BYTES) -> str:
    """A user file's text; missing, unreadable, huge or non-UTF-8 files are ``InputError``."""
    source = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError.single(source, "", "no such file") from None
    except IsADirectoryError:
        raise InputError.single(source, "", "is a folder, not a file") from None
    except PermissionError:
        raise InputError.single(source, "", "cannot be read (permission denied)") from None
    return decode_user_bytes(data, source, max_bytes)


def decode_user_bytes(data: bytes, source: str, max_bytes: int = MAX_USER_FILE_BYTES) -> str:
    """A user file's bytes as text: over the size cap or not UTF-8 is an ``InputError``."""
    if len(data) > max_bytes:
        raise InputError.single(source, "", f"is larger than {max_bytes // 1024} KiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise from_decode_error(source, data, error) from None
