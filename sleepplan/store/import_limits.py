"""How much one import may hold: caps on check-ins, bytes and nesting (design §9).

A file over a cap is refused before it fills memory, with the place where it went over.
"""

from __future__ import annotations

from sleepplan.core.errors import InputError

MAX_IMPORT_NIGHTS = 20_000
"""The most check-ins one import takes: 55 years of nights, five times the ten years sleepplan
is measured with. Checked as a CSV is read (and before any JSON or TOML check-in is), so a
million-row file is refused at once instead of filling memory; a longer journal imports in
parts."""
MAX_IMPORT_BYTES = 40 * 1024 * 1024
"""An export of ``MAX_IMPORT_NIGHTS`` nights in JSON, the largest format, is about 26 MiB with
every question answered and doses taken (1.3 KiB a night); this leaves 2 KiB a night."""
MAX_IMPORT_CONTAINERS = 32 * MAX_IMPORT_NIGHTS
"""The most ``{`` and ``[`` a JSON or TOML import may hold. A check-in of ours opens about ten
objects and lists (two more per dose); this refuses, before parsing, files of millions of tiny
empty ones, which take 25 bytes of memory for each byte of the file."""


def too_many_nights(source: str, place: str) -> InputError:
    """The refusal of a file with more than ``MAX_IMPORT_NIGHTS`` check-ins, at ``place``."""
    return InputError.single(
        source,
        place,
        f"more than {MAX_IMPORT_NIGHTS:,} check-ins, the most one import takes (about "
        f"{MAX_IMPORT_NIGHTS / 365.25:.0f} years of nights); nothing was imported: import the "
        "file in parts",
    )
