"""The day before a night as ``sleepplan day`` shows it, in text or JSON: one value for both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sleepplan.core.cutoffs import Cutoff
from sleepplan.core.day import DayDose
from sleepplan.core.safety import SafetyWarning


@dataclass(frozen=True)
class DayBefore:
    """A night's day: its doses with their levels at bedtime, the cutoffs and the warnings."""

    night: dt.date
    zone: str
    profile_name: str
    morning: dt.datetime
    bedtime: dt.datetime
    doses: Sequence[DayDose]
    ids: Sequence[int | None]
    """Each dose's logged entry id, ``None`` for the profile's ``[[day]]`` items."""
    cutoffs: Sequence[Cutoff]
    warnings: list[SafetyWarning]
