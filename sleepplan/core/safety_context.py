"""What the safety rules read: the compounds being checked, and the context they are checked in.

Shared by every family of rules in ``safety_*``; ``safety`` gathers the families.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from sleepplan.core.catalog import Compound
from sleepplan.core.interactions import InteractionData, Medications
from sleepplan.core.planner import PlannedDose


@dataclass(frozen=True, slots=True)
class Intake:
    """A compound being checked: an amount (if known) and, in a plan, its placed dose."""

    compound: Compound
    amount_mg: float | None = None
    dose: PlannedDose | None = None
    daytime: bool = False
    """Taken during the day (design §16): it counts for interactions and daily amounts, not for
    the evening's stacking and timing rules."""


@dataclass(frozen=True)
class SafetyContext:
    """What the rules read besides the compounds: data, medications, the journal's nights."""

    data: InteractionData
    medications: Medications
    night: dt.date | None = None
    past_nights: Mapping[str, Collection[dt.date]] = field(default_factory=dict)
    """Nights each compound was taken (from the journal), for cycling budgets."""


def field_sources(compound: Compound, name: str) -> tuple[str, ...]:
    """The citations of a compound's sources that support its field ``name``."""
    return tuple(source.citation for source in compound.sources if name in source.supports)
