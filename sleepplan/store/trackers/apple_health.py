"""Apple Health: the sleep records of ``export.xml``, or of ``export.zip`` without extracting it.

An export of a few years is gigabytes, almost none of it sleep, so the file is never parsed
element by element. Its prolog (everything before ``<HealthData``) goes through expat with
handlers that refuse any entity declaration and any external DTD — nothing is ever expanded —
and the rest is scanned as bytes for ``HKCategoryTypeIdentifierSleepAnalysis``: only the start
tags of those ``Record`` elements are parsed (their attributes by a strict pattern, their
references limited to XML's five predefined entities and character references). A file that
does not end with ``</HealthData>`` is truncated and refused. What is kept per sleep record is a
few numbers in arrays, so memory stays small however large the file. That scan, and the limits
that bound it, are ``apple_health_scan``; this module opens the file or the zip around it.

A zip is recognised by its first member's name (``apple_health_export/…``, in the first local
header, which ``sniff`` sees); ``read`` then opens its central directory and streams
``apple_health_export/export.xml`` from it. Members with an absolute path or ``..`` are refused
(nothing is extracted, but such a zip is not Apple's), and so is a zip bomb: a member declaring
more than ``MAX_UNCOMPRESSED_BYTES`` or a compression ratio above ``MAX_RATIO``; the bytes
decompressed are counted against the declared size as they come.

The records found become nights and naps in ``apple_health_nights`` (one recorder a night,
never a sum), and are kept meanwhile as a few numbers each (``apple_health_records``).
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from sleepplan.core.objective import ObjectiveNight, Skipped
from sleepplan.store.trackers.apple_health_nights import nights
from sleepplan.store.trackers.apple_health_records import SOURCE as SOURCE
from sleepplan.store.trackers.apple_health_records import SleepRecords
from sleepplan.store.trackers.apple_health_scan import Scan, Where
from sleepplan.store.trackers.common import Progress

EXPORT_MEMBER = "apple_health_export/export.xml"
"""Where Apple's ``export.zip`` holds the export."""
MAX_UNCOMPRESSED_BYTES = 8 * 1024**3
"""A decade of Watch data is a few GiB; a member declaring more is a zip bomb."""
MAX_RATIO = 200
"""Apple's XML compresses about 20:1; a member claiming more than this is a zip bomb."""
RATIO_FLOOR_BYTES = 16 * 1024 * 1024
"""Below this, a high ratio is harmless (a small file of blanks) and not checked."""
MAX_RECORDS_PER_NIGHT = 5000
"""A Watch writes under a hundred records a night; more is not a night (and would be slow)."""

ZIP_MAGIC = b"PK\x03\x04"


def sniff(head: bytes) -> bool:
    """Whether ``head`` begins an Apple Health ``export.xml`` or ``export.zip``.

    A zip is told by its first member's name, in the first local header; whether it holds
    ``export.xml`` is only known from its central directory, at the end, which ``read`` opens.
    """
    if head.startswith(ZIP_MAGIC):
        return b"apple_health_export/" in head
    return b"<HealthData" in head or b"<!DOCTYPE HealthData" in head


def read(
    path: Path, zone: str, progress: Progress | None = None, priority: Sequence[str] = ()
) -> Iterator[ObjectiveNight | Skipped]:
    """Every night and nap of an Apple Health export, and every record left out (see above)."""
    records, skipped = _sleep_records(path, progress)
    yield from skipped
    yield from nights(records, zone, priority, MAX_RECORDS_PER_NIGHT)


def _sleep_records(path: Path, progress: Progress | None) -> tuple[SleepRecords, list[Skipped]]:
    """The sleep records of an export.xml, or of the export.xml inside an export.zip."""
    with path.open("rb") as handle:
        if handle.read(len(ZIP_MAGIC)) != ZIP_MAGIC:
            handle.seek(0)
            total = os.fstat(handle.fileno()).st_size
            scan = Scan(Where(str(path)), total, progress, reopen=lambda: path.open("rb"))
            return scan.run(handle)
    where = Where(str(path))
    try:
        with zipfile.ZipFile(path) as archive:
            info = _export_member(archive, where)
            where = Where(str(path), info.filename)
            scan = Scan(
                where, info.file_size, progress, reopen=lambda: archive.open(info), declared=True
            )
            with archive.open(info) as member:
                return scan.run(member)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError) as error:
        where.refuse(
            None,
            f"cannot be read as a zip ({error}); it may be truncated: export it again",
        )


def _export_member(archive: zipfile.ZipFile, where: Where) -> zipfile.ZipInfo:
    """The zip's ``export.xml``, once every member's name and the export's sizes are sane."""
    found: zipfile.ZipInfo | None = None
    for info in archive.infolist():
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or re.match(r"[A-Za-z]:", name):
            where.refuse(
                None,
                f"the zip has a member named {name!r}, outside its own folder: "
                "not an Apple Health export (refused, nothing read)",
            )
        if name == EXPORT_MEMBER or (found is None and parts[-1] == "export.xml"):
            found = info
    if found is None:
        where.refuse(None, f"the zip holds no {EXPORT_MEMBER}: not an Apple Health export")
    size, packed = found.file_size, found.compress_size
    too_dense = size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(packed, 1)
    if size > MAX_UNCOMPRESSED_BYTES or too_dense:
        Where(where.source, found.filename).refuse(
            None,
            f"declares {size:,} bytes from {packed:,} compressed: a zip bomb, refused "
            f"(limits: {MAX_UNCOMPRESSED_BYTES // 1024**3} GiB, {MAX_RATIO}:1)",
        )
    return found
