"""Safety rules for what is taken together: interaction rules, stacks, the routine's shape.

The sources' pair rules and stacks meet the user's medications too; the evening routine's shape
is too many compounds, several acting the same way, or one that keeps you awake.

Rules are data (``interactions.toml`` and the catalog); every warning cites the sources.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sleepplan.core.catalog import Compound, Source
from sleepplan.core.interactions import MED_PREFIX, Medications, Rule, Severity, Stack
from sleepplan.core.safety_context import Intake, SafetyContext, field_sources
from sleepplan.core.vocabulary import Mechanism
from sleepplan.core.warning import SafetyWarning

MAX_COMPOUNDS = 5
RACETAM_RULE = "racetam-without-choline"
"""The rule whose ``a`` side needs one of its ``b`` side present (absence, not presence)."""


def low_risk_notes(intakes: Iterable[Intake], context: SafetyContext) -> list[str]:
    """What the sources say about low-risk pairs present, attributed (never "safe")."""
    present = _present(list(intakes), context.medications)
    notes = []
    for pair in context.data.low_risk:
        if pair.a in present and pair.b in present:
            notes.append(f"{pair.note} ({_cite(pair.sources[0])})")
    return notes


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


def interaction_warnings(items: list[Intake], context: SafetyContext) -> list[SafetyWarning]:
    """What the sources' rules and stacks say about the compounds and medications present."""
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


def medication_gaps(medications: Medications) -> list[SafetyWarning]:
    """A caution for each medication sleepplan does not know (nothing was checked against it)."""
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


def stacking_warnings(items: list[Intake], context: SafetyContext) -> list[SafetyWarning]:
    """The evening routine's shape: too many compounds, the same mechanism, wake-promoting."""
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
                    field_sources(intake.compound, "wake_promoting"),
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
