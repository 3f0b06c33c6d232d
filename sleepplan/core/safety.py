"""Safety warnings (design §6): interactions, stacks, dose limits, cycling, kinetics.

Rules are data-driven (``interactions.toml`` and the catalog) and every warning carries the
sources it rests on. Nothing here ever says "safe": a combination the sources say nothing about
is reported as exactly that.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from sleepplan.core.catalog import Compound, Source
from sleepplan.core.day import day_warnings
from sleepplan.core.interactions import (
    MED_PREFIX,
    InteractionData,
    Medications,
    Rule,
    Severity,
    Stack,
)
from sleepplan.core.planner import Plan, PlannedDose
from sleepplan.core.vocabulary import Mechanism
from sleepplan.core.warning import SafetyWarning

RESIDUAL_AT_WAKE_LIMIT = 0.25
"""Design §5: a sedating dose at or above this fraction of its peak at wake may leave grogginess."""
MAX_COMPOUNDS = 5
RACETAM_RULE = "racetam-without-choline"
"""The rule whose ``a`` side needs one of its ``b`` side present (absence, not presence)."""

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
    "Intake",
    "NOTHING_RECORDED",
    "SCOPE",
    "SafetyContext",
    "SafetyWarning",
    "Severity",
    "check",
    "low_risk_notes",
    "plan_warnings",
    "records_interaction",
]


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
    found += _interaction_warnings(items, context)
    found += _medication_gaps(context.medications)
    found += _stacking_warnings(items, context)
    found += _amount_warnings(items, context)
    for intake in items:
        found += _timing_warnings(intake, context)
    unique = {(w.code, w.compounds, w.message): w for w in found}
    return sorted(unique.values(), key=lambda w: (w.severity.rank, w.code, w.compounds))


def low_risk_notes(intakes: Iterable[Intake], context: SafetyContext) -> list[str]:
    """What the sources say about low-risk pairs present, attributed (never "safe")."""
    present = _present(list(intakes), context.medications)
    notes = []
    for pair in context.data.low_risk:
        if pair.a in present and pair.b in present:
            notes.append(f"{pair.note} ({_cite(pair.sources[0])})")
    return notes


# -- interactions ------------------------------------------------------------------------------


def _present(items: list[Intake], medications: Medications) -> set[str]:
    # A compound that is also a medication class (alcohol) meets that class's rules too.
    as_class = {
        MED_PREFIX + intake.compound.medication_class
        for intake in items
        if intake.compound.medication_class
    }
    return (
        {intake.compound.id for intake in items}
        | as_class
        | {MED_PREFIX + cls for cls in medications.classes}
    )


def _label(item: str, items: list[Intake], context: SafetyContext) -> str:
    if item.startswith(MED_PREFIX):
        cls = item.removeprefix(MED_PREFIX)
        name = context.data.class_names()[cls]
        drugs = [drug for drug, classes in context.medications.named.items() if cls in classes]
        mine = [drug for drug in drugs if drug.casefold().replace(" ", "_") != cls]
        return f"{', '.join(mine)} ({name})" if mine else name
    return next(i.compound.name for i in items if i.compound.id == item)


def _cite(source: Source) -> str:
    return source.citation


def _code(involved: Iterable[str]) -> str:
    return (
        "medication_interaction"
        if any(item.startswith(MED_PREFIX) for item in involved)
        else "interaction"
    )


def _interaction_warnings(items: list[Intake], context: SafetyContext) -> list[SafetyWarning]:
    present = _present(items, context.medications)
    found = []
    for rule in context.data.rules:
        if rule.id == RACETAM_RULE:
            found += _racetam_warning(rule, items, present, context)
            continue
        pairs = {
            frozenset((x, y))
            for x in rule.a
            for y in rule.b
            if x != y and x in present and y in present
        }
        for pair in sorted(pairs, key=sorted):
            first, second = sorted(pair)
            found.append(
                SafetyWarning(
                    rule.severity,
                    _code(pair),
                    (first, second),
                    f"{_label(first, items, context)} with {_label(second, items, context)}: "
                    f"{rule.message}",
                    tuple(_cite(source) for source in rule.sources),
                )
            )
    for stack in context.data.stacks:
        found += _stack_warning(stack, items, present, context)
    return found


def _stack_warning(
    stack: Stack, items: list[Intake], present: set[str], context: SafetyContext
) -> list[SafetyWarning]:
    found = {member for member in stack.members if member in present}
    # ``mechanism:NAME`` members: the evening's compounds whose main mechanism it is
    found |= {
        intake.compound.id
        for intake in items
        if not intake.daytime and intake.compound.mechanism in stack.mechanisms
    }
    members = sorted(found)
    if len(members) < stack.caution_at:
        return []
    severe = not stack.danger_requires or any(m in stack.danger_requires for m in members)
    dangerous = stack.danger_at is not None and len(members) >= stack.danger_at and severe
    severity = Severity.DANGER if dangerous else Severity.CAUTION
    names = ", ".join(_label(member, items, context) for member in members)
    return [
        SafetyWarning(
            severity,
            _code(members),
            tuple(members),
            f"{len(members)} together ({names}): {stack.message}",
            tuple(_cite(source) for source in stack.sources),
        )
    ]


def _racetam_warning(
    rule: Rule, items: list[Intake], present: set[str], context: SafetyContext
) -> list[SafetyWarning]:
    racetams = sorted(item for item in rule.a if item in present)
    if not racetams or any(item in present for item in rule.b):
        return []
    names = ", ".join(_label(item, items, context) for item in racetams)
    return [
        SafetyWarning(
            rule.severity,
            "racetam_without_choline",
            tuple(racetams),
            f"{names} without a choline source: {rule.message}",
            tuple(_cite(source) for source in rule.sources),
        )
    ]


def _medication_gaps(medications: Medications) -> list[SafetyWarning]:
    return [
        SafetyWarning(
            Severity.CAUTION,
            "unknown_medication",
            (name,),
            f"Unknown medication {name!r}: sleepplan does not know it, so nothing was checked "
            "against it. Ask a pharmacist, or name its class (for example ssri).",
        )
        for name in medications.unknown
    ]


# -- stacking ----------------------------------------------------------------------------------


def _stacking_warnings(items: list[Intake], context: SafetyContext) -> list[SafetyWarning]:
    found = []
    evening = [intake for intake in items if not intake.daytime]
    ids = sorted({intake.compound.id for intake in evening})
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
    found += _duplicate_mechanism_warnings([intake.compound for intake in evening])
    for intake in evening:
        if intake.compound.wake_promoting:
            found.append(
                SafetyWarning(
                    Severity.CAUTION,
                    "wake_promoting",
                    (intake.compound.id,),
                    f"{intake.compound.name} is wake-promoting; taken in the evening it can "
                    "keep you awake. It does not belong in a sleep routine.",
                    _field_sources(intake.compound, "wake_promoting"),
                )
            )
    return found


def _duplicate_mechanism_warnings(compounds: list[Compound]) -> list[SafetyWarning]:
    """Compounds acting the same way (design §6), counting secondary mechanisms (§16).

    Two compounds whose main mechanism is the same "act the same way", as before secondary
    mechanisms existed. An overlap through a secondary mechanism is weaker: the compounds "may
    act the same way", and it is reported only when the mechanism is the main one of at least
    one of them. Two side hypotheses alone (magnesium and L-theanine, both said to aid GABA)
    are too thin a reason to tell anyone their effects add up.
    """
    unique = {compound.id: compound for compound in compounds}
    by_mechanism: dict[Mechanism, list[Compound]] = defaultdict(list)
    for compound in unique.values():
        for mechanism in compound.mechanisms:
            by_mechanism[mechanism].append(compound)
    same: dict[tuple[str, ...], list[tuple[Mechanism, list[Compound]]]] = defaultdict(list)
    for mechanism, members in by_mechanism.items():
        main = [compound for compound in members if compound.mechanism is mechanism]
        if len(members) > 1 and main and mechanism is not Mechanism.OTHER:
            key = tuple(sorted(compound.id for compound in members))
            same[key].append((mechanism, members))
    found = []
    for key, overlaps in sorted(same.items()):
        found.append(
            SafetyWarning(Severity.INFO, "duplicate_mechanism", key, _duplicate_message(overlaps))
        )
    return found


def _duplicate_message(overlaps: list[tuple[Mechanism, list[Compound]]]) -> str:
    """Today's words for a main-way overlap; "may act the same way" through a secondary one."""
    count = len(overlaps[0][1])
    if len(overlaps) == 1:
        mechanism, members = overlaps[0]
        main = [compound for compound in members if compound.mechanism is mechanism]
        side = [compound for compound in members if compound.mechanism is not mechanism]
        if not side:
            return (
                f"{count} {mechanism.value} compounds: they act the same way, so their effects "
                "add up rather than complement each other."
            )
        if len(main) > 1:
            return (
                f"{count} {mechanism.value} compounds: {_names(main)} act the same way, and "
                f"{_names(side)} may too (among other ways), so their effects may add up rather "
                "than complement each other."
            )
    clauses = []
    for mechanism, members in sorted(overlaps, key=lambda overlap: overlap[0].value):
        main = [compound for compound in members if compound.mechanism is mechanism]
        side = [compound for compound in members if compound.mechanism is not mechanism]
        clauses.append(
            f"{mechanism.value}: the main way for {_names(main)}, one of several for {_names(side)}"
        )
    return (
        f"{count} compounds may act the same way ({'; '.join(clauses)}), so their effects may "
        "add up rather than complement each other."
    )


def _names(compounds: Iterable[Compound]) -> str:
    names = sorted(compound.name for compound in compounds)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


# -- amounts -----------------------------------------------------------------------------------


def _field_sources(compound: Compound, name: str) -> tuple[str, ...]:
    return tuple(source.citation for source in compound.sources if name in source.supports)


def _mg(amount: float) -> str:
    return f"{amount:g} mg"


def _amount_warnings(items: list[Intake], context: SafetyContext) -> list[SafetyWarning]:
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
                    _field_sources(compound, "dose_mg"),
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
    sources = tuple(s for i in members for s in _field_sources(i.compound, "upper_limit_mg"))
    limit = min(limits) if limits else None
    what = "the upper limit" if limit else "the highest amount the sources describe"
    if limit is None and label_errors:
        maxima = [i.compound.dose_mg.max for i in members if i.compound.dose_mg]
        limit = min(maxima) if maxima else None
        sources = tuple(s for i in members for s in _field_sources(i.compound, "dose_mg"))
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
                    sources + tuple(_cite(s) for s in finding.sources),
                )
            )
    return found


# -- time: cycling and kinetics ---------------------------------------------------------------


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


def _timing_warnings(intake: Intake, context: SafetyContext) -> list[SafetyWarning]:
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
                    _field_sources(compound, "cycling"),
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
                _field_sources(compound, "half_life_h"),
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
                _field_sources(compound, "tmax_h"),
            )
        )
    return found
