"""Warnings about a plan: what the catalog and the kinetics alone can tell (design §6).

Interaction rules between compounds and with medications arrive with the safety issue; until
then every plan says plainly that they are not checked. Nothing here ever says "safe".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from sleepplan.core.catalog import Anchor
from sleepplan.core.planner import Plan, PlannedDose

RESIDUAL_AT_WAKE_LIMIT = 0.25
"""Design §5: a sedating dose at or above this fraction of its peak at wake may leave grogginess."""
MAX_COMPOUNDS = 5


class Severity(StrEnum):
    """How much a warning matters, most serious first."""

    DANGER = "danger"
    CAUTION = "caution"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Sort key: danger first."""
        return list(Severity).index(self)


@dataclass(frozen=True, slots=True)
class SafetyWarning:
    """A warning with a stable code, the compounds involved, a plain message and sources."""

    severity: Severity
    code: str
    compounds: tuple[str, ...]
    message: str
    sources: tuple[str, ...] = ()


NOT_YET_CHECKED = (
    "Interactions between compounds and with medications are not checked by this version of "
    "sleepplan. Ask a pharmacist or doctor before combining anything."
)


def plan_warnings(plan: Plan) -> list[SafetyWarning]:
    """Every catalog- and kinetics-based warning for a plan, danger first."""
    found: list[SafetyWarning] = []
    for dose in plan.doses:
        found.extend(_dose_warnings(dose))
    found.extend(_stack_warnings(plan.doses))
    return sorted(found, key=lambda item: (item.severity.rank, item.code, item.compounds))


def _sources(dose: PlannedDose, field: str) -> tuple[str, ...]:
    return tuple(source.citation for source in dose.compound.sources if field in source.supports)


def _dose_warnings(dose: PlannedDose) -> list[SafetyWarning]:
    compound = dose.compound
    found = []
    if compound.dose_mg is not None and dose.amount_mg > compound.dose_mg.max:
        found.append(
            SafetyWarning(
                Severity.CAUTION,
                "above_max_dose",
                (compound.id,),
                f"{compound.name}: {_mg(dose.amount_mg)} is above the highest amount the "
                f"sources describe ({_mg(compound.dose_mg.max)}).",
                _sources(dose, "dose_mg"),
            )
        )
    evening = compound.timing.anchor is not Anchor.DINNER or dose.minutes_from_bedtime > -360
    if compound.wake_promoting and evening:
        found.append(
            SafetyWarning(
                Severity.CAUTION,
                "wake_promoting",
                (compound.id,),
                f"{compound.name} is wake-promoting; taken in the evening it can keep you "
                "awake. It belongs in the morning, if at all.",
                _sources(dose, "wake_promoting"),
            )
        )
    if (
        compound.sedating
        and dose.residual_at_wake is not None
        and dose.residual_at_wake >= RESIDUAL_AT_WAKE_LIMIT
    ):
        found.append(
            SafetyWarning(
                Severity.CAUTION,
                "residual_at_wake",
                (compound.id,),
                f"{compound.name} is predicted to be at {dose.residual_at_wake:.0%} of its peak "
                "when you wake: expect next-morning grogginess; do not drive until you are sure "
                "you are alert.",
                _sources(dose, "half_life_h"),
            )
        )
    if dose.peak_in_window is False:
        found.append(
            SafetyWarning(
                Severity.INFO,
                "missed_stage_window",
                (compound.id,),
                f"{compound.name} peaks at {dose.peak_at:%H:%M}, outside the "
                f"{dose.stage.label.lower()} window it targets.",
                _sources(dose, "tmax_h"),
            )
        )
    return found


def _stack_warnings(doses: tuple[PlannedDose, ...]) -> list[SafetyWarning]:
    found = []
    ids = sorted({dose.compound.id for dose in doses})
    if len(ids) > MAX_COMPOUNDS:
        found.append(
            SafetyWarning(
                Severity.CAUTION,
                "too_many_compounds",
                tuple(ids),
                f"{len(ids)} compounds in one routine: more than {MAX_COMPOUNDS} makes "
                "interactions and side effects hard to attribute. Consider dropping some.",
            )
        )
    by_mechanism: dict[str, set[str]] = defaultdict(set)
    for dose in doses:
        by_mechanism[dose.compound.mechanism.value].add(dose.compound.id)
    for mechanism, members in sorted(by_mechanism.items()):
        if len(members) > 1 and mechanism != "other":
            found.append(
                SafetyWarning(
                    Severity.INFO,
                    "duplicate_mechanism",
                    tuple(sorted(members)),
                    f"{len(members)} {mechanism} compounds: they act the same way, so their "
                    "effects add up rather than complement each other.",
                )
            )
    return found


def _mg(amount: float) -> str:
    return f"{amount:g} mg"
