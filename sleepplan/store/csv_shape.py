"""The CSV shape of the journal, for its export and its import alike.

The columns (answers, derived metrics and scores, a group per dose taken, the tracker's night)
and cells kept from spreadsheet formulas in a way that gives back the very text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sleepplan.core.checkin import COMPARISONS, TIME_KEYS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A CSV cell that starts with one of these is a formula to a spreadsheet (OWASP's list)."""
ANSWER_KEYS = (
    "night",
    *TIME_KEYS,
    "sol_min",
    "awakenings",
    "waso_min",
    "quality",
    *COMPARISONS,
    "kss",
    "effects",
    "confounders",
    "taken",
    "notes",
    "guess",
)


METRIC_KEYS = ("tib_min", "tst_min", "sol_min", "waso_min", "se_pct")
SCORE_KEYS = (
    "morning",
    "diary",
    "leeds",
    "alertness",
    "quality",
    "onset",
    "maintenance",
    "next_morning",
)


CSV_COLUMNS = [
    *ANSWER_KEYS,
    *(f"metrics.{key}" for key in METRIC_KEYS),
    *(f"scores.{key}" for key in SCORE_KEYS),
    "flags",
]
"""The columns of the CSV export, with ``taken`` standing for its dose columns."""


TRACKER_FIELDS = (
    "source", "device", "asleep_min", "latency_min", "waso_min", "awakenings", "light_min",
    "deep_min", "rem_min", "awake_min",
)  # fmt: skip
"""The tracker's night beside each check-in (``tracker.rem_min`` …), in exports of a journal
that has tracker nights: derived like the metrics, so an import reads past them (the JSON and
TOML exports carry the tracker's nights whole)."""
TRACKER_COLUMNS = tuple(f"tracker.{field}" for field in TRACKER_FIELDS)


DOSE_FIELDS = ("compound", "amount_mg", "at")
"""Each dose taken gets one column of each: ``taken_1_compound``, ``taken_1_amount_mg``, ..."""
DOSE_COLUMN = re.compile(r"taken_([1-9][0-9]{0,3})_(compound|amount_mg|at)")


LIST_SEPARATOR = ";"


def csv_columns(records: Iterable[dict[str, Any]], tracked: bool = False) -> list[str]:
    """The CSV header for these check-ins.

    ``taken`` becomes a group of columns per dose, and the ``tracker.*`` columns follow when the
    journal has tracker nights (``tracked``).
    """
    most = max((len(record.get("taken") or ()) for record in records), default=0)
    doses = [f"taken_{n}_{field}" for n in range(1, most + 1) for field in DOSE_FIELDS]
    at = CSV_COLUMNS.index("taken")
    tracker = list(TRACKER_COLUMNS) if tracked else []
    return [*CSV_COLUMNS[:at], *doses, *CSV_COLUMNS[at + 1 :], *tracker]


def neutralised(cell: str) -> str:
    """A CSV cell no spreadsheet runs as a formula; ``restored`` gives back the very text.

    A cell that starts with a formula character gets a ``'`` in front (OWASP's rule). So
    that the ``'`` can be told from one the text really starts with, a cell that starts with
    ``'`` followed by a formula character or another ``'`` gets one too.
    """
    if cell.startswith(FORMULA_STARTS) or (
        cell.startswith("'") and cell[1:].startswith((*FORMULA_STARTS, "'"))
    ):
        return "'" + cell
    return cell


def restored(cell: str) -> str:
    """The text ``neutralised`` was given: one leading ``'`` less where it added one."""
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_STARTS, "'")):
        return cell[1:]
    return cell
