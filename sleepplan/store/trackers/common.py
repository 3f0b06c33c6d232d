"""What every tracker source module shares: how much of a file ``sniff`` sees, progress, CSV rows.

Apart from the package's ``__init__`` (which picks a source and imports the source modules) so
that the source modules import this and never the package that imports them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from pathlib import Path

from sleepplan.core.errors import InputError

HEAD_BYTES = 64 * 1024
"""How much of a file ``sniff`` sees."""
Progress = Callable[[int, int], None]
"""Told (bytes read so far, bytes in all) as a large file is read."""
CSV_LINE_LIMIT = 8 * 1024 * 1024
"""The longest line a CSV export may have: a real one is far shorter, a hostile one stops here."""
YEARS_WRITTEN = (1970, 2200)
"""The years a tracker's time may fall in: outside them it was not a tracker that wrote it."""


def written_time(
    path: Path,
    place: str,
    text: str,
    writer: str,
    parse: Callable[[str], dt.datetime] = dt.datetime.fromisoformat,
) -> dt.datetime:
    """A time as the export wrote it (ISO 8601 unless ``parse`` says otherwise), as written.

    Text that does not parse, or a year no tracker writes, is an ``InputError`` naming the file
    and the place ("is not a time a watch wrote", with ``writer`` "a watch").
    """
    try:
        value = parse(text)
    except ValueError:
        raise InputError.single(str(path), place, f"is not a time: {text[:40]!r}") from None
    low, high = YEARS_WRITTEN
    if not low <= value.year <= high:
        raise InputError.single(str(path), place, f"is not a time {writer} wrote: {text[:40]!r}")
    return value


def csv_rows(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, list[str]]]:
    """Each row of a CSV export with the line it starts on, streamed.

    The text is UTF-8 (a byte-order mark is dropped). Bytes that are not UTF-8, a line longer
    than ``CSV_LINE_LIMIT`` or a row the ``csv`` module refuses is an ``InputError`` naming the
    file and the line.
    """
    total = path.stat().st_size
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        line = 0

        def lines() -> Iterator[str]:
            nonlocal line
            while True:
                try:
                    chunk = text.readline(CSV_LINE_LIMIT + 1)
                except UnicodeDecodeError:
                    # Text is decoded a block ahead: the bad byte is on this line or soon after.
                    place = f"near line {line + 1}"
                    raise InputError.single(str(path), place, "is not UTF-8 text") from None
                if not chunk:
                    return
                line += 1
                if len(chunk) > CSV_LINE_LIMIT:
                    raise InputError.single(str(path), f"line {line}", "is too long for an export")
                if progress is not None and line % 1024 == 0:
                    progress(raw.tell(), total)
                yield chunk

        reader = csv.reader(lines())
        while True:
            start = line + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                message = f"is not CSV ({error})"
                raise InputError.single(str(path), f"line {line}", message) from None
            yield start, row
        if progress is not None:
            progress(total, total)
