"""Sleep-tracker exports read into objective nights (design §15), one module per source.

Each source module has:

- ``SOURCE``: its name (one of ``core.objective.SOURCES``);
- ``sniff(head: bytes) -> bool``: whether a file whose first bytes are ``head`` (up to
  ``HEAD_BYTES``) is this source's export — decided from the content, never the file name;
- ``read(path: Path, zone: str, progress: Progress | None, priority: Sequence[str])
  -> Iterator[ObjectiveNight | Skipped]``: every night and nap the file holds (``zone`` is the
  profile's, for the night-of rule and for sources that write local times without an offset),
  and every record left out with its reason. ``priority`` lists device or app names, most
  trusted first, for a file that holds several recorders of one night (Apple Health): one
  recorder per night is kept, never a sum; the others are skipped with the reason.
  A file that is not what it claims, is truncated or hostile raises ``InputError`` naming the
  file and the place; a refusal of the machine is an ``OSError`` (the caller reports it).
  Files are streamed, never read whole.

``detect`` picks the source of a file, ``read_export`` reads it. What the source modules
share (``Progress``, ``csv_rows``) is in ``common``, so they never import this package back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType

from sleepplan.core.errors import InputError
from sleepplan.core.objective import ObjectiveNight, Skipped
from sleepplan.store.trackers.common import HEAD_BYTES as HEAD_BYTES
from sleepplan.store.trackers.common import Progress as Progress


def source_modules() -> list[ModuleType]:
    """Every source's module, imported only when a tracker file is read."""
    from sleepplan.store.trackers import (
        apple_health,
        fitbit,
        garmin,
        oura,
        sleep_as_android,
        whoop,
        withings,
    )

    return [apple_health, fitbit, oura, garmin, withings, sleep_as_android, whoop]


def detect(path: Path, source: str | None = None) -> ModuleType:
    """The module that reads ``path``.

    The one named by ``source``, else the one whose ``sniff`` recognises the file's first bytes.
    An unknown source or an unrecognised file is an ``InputError`` naming the file.
    """
    modules = source_modules()
    if source is not None:
        for module in modules:
            if source == module.SOURCE:
                return module
        known = ", ".join(module.SOURCE for module in modules)
        raise InputError.single("--source", "", f"unknown source {source!r} (sources: {known})")
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    for module in modules:
        if module.sniff(head):
            return module
    raise InputError.single(
        str(path),
        "",
        "is not an export sleepplan can read (Apple Health, Fitbit, Oura, Garmin, Withings, "
        "Sleep as Android, WHOOP); if it is one, name it with --source",
    )


def read_export(
    path: Path,
    zone: str,
    source: str | None = None,
    progress: Progress | None = None,
    priority: Sequence[str] = (),
) -> Iterator[ObjectiveNight | Skipped]:
    """Every night and skipped record of a tracker export (see the module docstring)."""
    module = detect(path, source)
    reader: Callable[..., Iterator[ObjectiveNight | Skipped]] = module.read
    yield from reader(path, zone, progress, priority)
