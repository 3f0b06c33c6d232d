"""Safety rules for amounts: doses above what the sources describe, nutrients above a limit.

One nutrient is summed across the products that hold it and compared with its upper limit,
allowing for labels the sources call unreliable.
"""

from __future__ import annotations

from collections import defaultdict

from sleepplan.core.interactions import Severity
from sleepplan.core.safety_context import Intake, SafetyContext, field_sources
from sleepplan.core.warning import SafetyWarning


def _mg(amount: float) -> str:
    return f"{amount:g} mg"


def amount_warnings(items: list[Intake], context: SafetyContext) -> list[SafetyWarning]:
    """Each dose above its maximum, and each nutrient's sum above its limit."""
    found = []
    groups: dict[str, list[Intake]] = defaultdict(list)
    for intake in items:
        compound = intake.compound
        if intake.amount_mg is None:
            continue
        if compound.dose_mg is not None and intake.amount_mg > compound.dose_mg.max:
            found.append(
                SafetyWarning(
                    Severity.CAUTION,
                    "above_max_dose",
                    (compound.id,),
                    f"{compound.name}: {_mg(intake.amount_mg)} is above the highest amount "
                    f"the sources describe ({_mg(compound.dose_mg.max)}).",
                    field_sources(compound, "dose_mg"),
                )
            )
        groups[compound.nutrient or compound.id].append(intake)
    for nutrient, members in sorted(groups.items()):
        found += _sum_warnings(nutrient, members, context)
    return found


def _sum_warnings(
    nutrient: str, members: list[Intake], context: SafetyContext
) -> list[SafetyWarning]:
    """One nutrient summed across products against its upper limit (and label error)."""
    total = sum(
        (intake.amount_mg or 0) * (intake.compound.elemental_fraction or 1.0) for intake in members
    )
    compounds = sorted({intake.compound.id for intake in members})
    limits = [i.compound.upper_limit_mg for i in members if i.compound.upper_limit_mg]
    label_errors = [e for c in compounds if (e := context.data.label_error_for(c)) is not None]
    sources = tuple(s for i in members for s in field_sources(i.compound, "upper_limit_mg"))
    limit = min(limits) if limits else None
    what = "the upper limit" if limit else "the highest amount the sources describe"
    if limit is None and label_errors:
        maxima = [i.compound.dose_mg.max for i in members if i.compound.dose_mg]
        limit = min(maxima) if maxima else None
        sources = tuple(s for i in members for s in field_sources(i.compound, "dose_mg"))
    if limit is None:
        return []
    names = " and ".join(sorted({intake.compound.name for intake in members}))
    if total > limit and (len(members) > 1 or limits):
        return [
            SafetyWarning(
                Severity.CAUTION,
                "above_upper_limit",
                tuple(compounds),
                f"{nutrient.replace('-', ' ').capitalize()} from {names} adds up to "
                f"{_mg(round(total, 3))}, above {what} ({_mg(limit)}).",
                sources,
            )
        ]
    found = []
    for finding in label_errors:
        worst = total * (1 + finding.max_overage)
        if worst > limit >= total:
            found.append(
                SafetyWarning(
                    Severity.INFO,
                    "above_upper_limit",
                    tuple(compounds),
                    f"{names}: labels are unreliable — {finding.note} Your {_mg(total)} could "
                    f"be up to {_mg(round(worst, 2))}, above {what} ({_mg(limit)}).",
                    sources + tuple(s.citation for s in finding.sources),
                )
            )
    return found
