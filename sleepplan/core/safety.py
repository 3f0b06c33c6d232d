"""Safety warnings (design §6): where every family of rules is gathered for a plan or a check.

The families live beside this module: ``safety_interactions`` (what is taken together: rules,
stacks, medications, the routine's shape), ``safety_amounts`` (doses and upper limits),
``safety_timing`` (cycling and kinetics), and the day's rules in ``day``. Rules are data-driven
(``interactions.toml`` and the catalog) and every warning carries the sources it rests on.
Nothing here ever says "safe": a combination the sources say nothing about is reported as
exactly that.
"""

from __future__ import annotations

from collections.abc import Iterable

from sleepplan.core.day import day_warnings
from sleepplan.core.interactions import Severity
from sleepplan.core.planner import Plan
from sleepplan.core.safety_amounts import amount_warnings
from sleepplan.core.safety_context import Intake, SafetyContext
from sleepplan.core.safety_interactions import (
    MAX_COMPOUNDS,
    RACETAM_RULE,
    interaction_warnings,
    low_risk_notes,
    medication_gaps,
    stacking_warnings,
)
from sleepplan.core.safety_timing import (
    RESIDUAL_AT_WAKE_LIMIT,
    CyclingLookback,
    cycling_lookback,
    timing_warnings,
)
from sleepplan.core.warning import SafetyWarning

SCOPE = (
    "sleepplan checks only the interactions its sources record; a combination it says nothing "
    "about has not been shown to be safe. Ask a pharmacist or doctor."
)
NOTHING_RECORDED = (
    "sleepplan's sources record no interaction for this set. That is not a finding that the "
    "combination is safe: ask a pharmacist or doctor."
)

INTERACTION_CODES = ("interaction", "medication_interaction")
"""Codes of the warnings an interaction rule or stack of the sources gives."""

__all__ = [
    "INTERACTION_CODES",
    "MAX_COMPOUNDS",
    "RACETAM_RULE",
    "RESIDUAL_AT_WAKE_LIMIT",
    "CyclingLookback",
    "Intake",
    "NOTHING_RECORDED",
    "SCOPE",
    "SafetyContext",
    "SafetyWarning",
    "Severity",
    "check",
    "cycling_lookback",
    "low_risk_notes",
    "plan_warnings",
    "records_interaction",
]


def records_interaction(warnings: Iterable[SafetyWarning]) -> bool:
    """Whether the sources record an interaction among these warnings.

    When they record none, a view says so in ``NOTHING_RECORDED`` words (never "safe").
    """
    return any(warning.code in INTERACTION_CODES for warning in warnings)


def plan_warnings(plan: Plan, context: SafetyContext) -> list[SafetyWarning]:
    """Every warning for a plan, danger first."""
    intakes = [Intake(dose.compound, dose.amount_mg, dose) for dose in plan.doses]
    intakes += [
        Intake(dose.compound, dose.amount_mg, daytime=True)
        for dose in plan.day
        if dose.present_at_bedtime
    ]
    if context.night is None:
        context = SafetyContext(
            context.data, context.medications, plan.settings.night, context.past_nights
        )
    found = check(intakes, context) + day_warnings(plan.day, plan.bedtime, plan.person)
    return sorted(found, key=lambda w: (w.severity.rank, w.code, w.compounds))


def check(intakes: Iterable[Intake], context: SafetyContext) -> list[SafetyWarning]:
    """Every warning for a set of compounds (with the user's medications), danger first."""
    items = list(intakes)
    found: list[SafetyWarning] = []
    found += interaction_warnings(items, context)
    found += medication_gaps(context.medications)
    found += stacking_warnings(items, context)
    found += amount_warnings(items, context)
    for intake in items:
        found += timing_warnings(intake, context)
    unique = {(w.code, w.compounds, w.message): w for w in found}
    return sorted(unique.values(), key=lambda w: (w.severity.rank, w.code, w.compounds))
