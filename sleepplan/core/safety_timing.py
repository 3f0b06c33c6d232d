"""Safety rules in time: cycling budgets over past nights, and the kinetics of a placed dose.

Kinetics: how much of a sedating dose is left at wake, and a peak outside the stage window the
dose targets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sleepplan.core.catalog import Compound
from sleepplan.core.interactions import Severity
from sleepplan.core.safety_context import Intake, SafetyContext, field_sources
from sleepplan.core.warning import SafetyWarning

RESIDUAL_AT_WAKE_LIMIT = 0.25
"""Design §5: a sedating dose at or above this fraction of its peak at wake may leave grogginess."""


@dataclass(frozen=True, slots=True)
class CyclingLookback:
    """The past nights cycling budgets can look at: which compounds, from which night on."""

    compounds: frozenset[str]
    since: dt.date


def cycling_lookback(
    compounds: Iterable[Compound], night: dt.date, slack_days: int = 0
) -> CyclingLookback | None:
    """The past nights the cycling budgets of ``compounds`` on ``night`` look at.

    ``None`` when none of them has a budget: then the journal need not be read at all.
    ``slack_days`` reaches further back, for a caller whose night may still move (the app's
    "tonight" moves back a day when wake is edited in the small hours).
    """
    budgets = [(c.id, c.cycling.per_days) for c in compounds if c.cycling is not None]
    if not budgets:
        return None
    longest = max(days for _, days in budgets)
    since = night - dt.timedelta(days=longest - 1 + slack_days)
    return CyclingLookback(frozenset(compound_id for compound_id, _ in budgets), since)


def timing_warnings(intake: Intake, context: SafetyContext) -> list[SafetyWarning]:
    """A cycling budget overrun, a large residual at wake, a peak outside its stage window."""
    compound = intake.compound
    found = []
    if compound.cycling is not None and context.night is not None:
        window_start = context.night - dt.timedelta(days=compound.cycling.per_days - 1)
        nights = {
            night
            for night in context.past_nights.get(compound.id, ())
            if window_start <= night <= context.night
        } | {context.night}
        if len(nights) > compound.cycling.max_nights:
            found.append(
                SafetyWarning(
                    Severity.CAUTION,
                    "cycling_budget",
                    (compound.id,),
                    f"{compound.name} tonight would make {len(nights)} nights in "
                    f"{compound.cycling.per_days} days; the sources advise at most "
                    f"{compound.cycling.max_nights} (tolerance and dependence).",
                    field_sources(compound, "cycling"),
                )
            )
    dose = intake.dose
    if dose is None:
        return found
    if (
        compound.sedating
        and dose.residual_at_wake is not None
        and dose.residual_at_wake >= RESIDUAL_AT_WAKE_LIMIT
    ):
        if dose.residual_is_lower_bound:
            left = (
                f"{compound.name} will have at least {dose.residual_at_wake:.0%} left at wake "
                "(a lower bound from its half-life alone: how fast it is absorbed is unknown, "
                "and slower absorption leaves more)"
            )
        else:
            left = (
                f"{compound.name} is predicted to be at {dose.residual_at_wake:.0%} of its peak "
                "when you wake"
            )
        found.append(
            SafetyWarning(
                Severity.CAUTION,
                "residual_at_wake",
                (compound.id,),
                f"{left}: expect next-morning grogginess; do not drive until you are sure "
                "you are alert.",
                field_sources(compound, "half_life_h"),
            )
        )
    if dose.peak_in_window is False and dose.peak_at is not None:
        found.append(
            SafetyWarning(
                Severity.INFO,
                "missed_stage_window",
                (compound.id,),
                f"{compound.name} peaks at {dose.peak_at:%H:%M}, outside the "
                f"{dose.stage.label.lower()} window it targets.",
                field_sources(compound, "tmax_h"),
            )
        )
    return found
