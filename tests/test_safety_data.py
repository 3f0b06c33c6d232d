"""The bundled interaction data: valid, sourced, both ways round, never "safe", monotone."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from sleepplan.core.catalog import Catalog
from sleepplan.core.interactions import MED_PREFIX, InteractionData, resolve_medications
from sleepplan.core.safety import RACETAM_RULE, Intake, SafetyContext, SafetyWarning, check
from sleepplan.store.bundled import bundled_catalog, bundled_interactions

DATA: InteractionData = bundled_interactions()
CATALOG: Catalog = bundled_catalog()
SAFE_WORDING = re.compile(r"\bsafe(ly|ty)?\b", re.IGNORECASE)
ALLOWED_SAFE = ("not a finding that the combination is safe", "not been shown to be safe")


def _check(items: list[str]) -> list[SafetyWarning]:
    compounds = [i for i in items if not i.startswith(MED_PREFIX)]
    meds = [i.removeprefix(MED_PREFIX) for i in items if i.startswith(MED_PREFIX)]
    context = SafetyContext(DATA, resolve_medications(meds, DATA))
    return check([Intake(CATALOG.get(c)) for c in compounds], context)


def test_data_covers_the_required_areas() -> None:
    classes = {cls.id for cls in DATA.medication_classes}
    for needed in (
        "ssri",
        "snri",
        "maoi",
        "triptan",
        "opioid",
        "benzodiazepine",
        "z_drug",
        "alcohol",
        "gabapentinoid",
        "sedating_antihistamine",
        "cholinesterase_inhibitor",
        "cyp1a2_inhibitor",
        "anticoagulant",
        "quinolone_antibiotic",
        "tetracycline_antibiotic",
        "bisphosphonate",
        "thyroid_hormone",
        "antihypertensive",
        "antidiabetic",
        "levodopa",
        "other_serotonergic_antidepressant",
        "sedating_antipsychotic",
    ):
        assert needed in classes, needed
    assert DATA.rules and DATA.stacks and DATA.low_risk and DATA.label_error


def test_every_rule_has_a_locatable_source() -> None:
    source_lists = [entry.sources for entry in DATA.rules]
    source_lists += [entry.sources for entry in DATA.stacks]
    source_lists += [entry.sources for entry in DATA.low_risk]
    source_lists += [entry.sources for entry in DATA.medication_classes]
    source_lists += [entry.sources for entry in DATA.label_error]
    for sources in source_lists:
        assert sources
        assert all(s.url or s.pmid or s.doi for s in sources)


def test_every_rule_fires_both_ways_round() -> None:
    for rule in DATA.rules:
        if rule.id == RACETAM_RULE:
            continue
        for x in rule.a:
            for y in rule.b:
                if x == y or (x.startswith(MED_PREFIX) and y.startswith(MED_PREFIX)):
                    continue
                for items in ([x, y], [y, x]):
                    found = _check(items)
                    assert any(
                        w.severity is rule.severity and set(w.compounds) == {x, y} for w in found
                    ), (rule.id, items)


def test_stacks_escalate() -> None:
    for stack in DATA.stacks:
        if stack.danger_at is None or stack.mechanisms:
            continue  # caution only, or members that are no items: see the dopaminergic test
        required = [m for m in stack.members if m in stack.danger_requires]
        others = [m for m in stack.members if m not in required]
        members = (required[:1] + others)[: stack.danger_at]
        if len(members) < stack.danger_at:
            continue
        below = _check(members[: stack.caution_at])
        full = _check(members)
        assert any(w.compounds == tuple(sorted(members[: stack.caution_at])) for w in below), (
            stack.id
        )
        assert any(
            w.severity.value == "danger" and len(w.compounds) >= stack.danger_at for w in full
        ), stack.id


def test_dopaminergic_compounds_stacked_in_the_evening_are_a_caution() -> None:
    stack = next(stack for stack in DATA.stacks if stack.id == "dopaminergic-evening")
    assert stack.members == ("mechanism:dopaminergic",) and stack.danger_at is None
    dopaminergic = sorted(c.id for c in CATALOG if c.mechanism.value == "dopaminergic")
    assert {"l-tyrosine", "phenylpiracetam", "rhodiola"} <= set(dopaminergic)
    found = [w for w in _check(dopaminergic) if w.message.endswith(stack.message)]
    assert [(w.severity.value, w.compounds) for w in found] == [("caution", tuple(dopaminergic))]
    assert found[0].sources
    # L-theanine is said to raise dopamine (a secondary mechanism): not a stimulant stack
    pair = _check(["l-tyrosine", "l-theanine"])
    assert not [w for w in pair if w.message.endswith(stack.message)]
    day = [Intake(CATALOG.get("l-tyrosine")), Intake(CATALOG.get("rhodiola"), daytime=True)]
    context = SafetyContext(DATA, resolve_medications([], DATA))
    assert not [w for w in check(day, context) if w.message.endswith(stack.message)]


def test_low_risk_pairs_raise_no_interaction_of_their_own() -> None:
    for pair in DATA.low_risk:
        found = _check([pair.a, pair.b])
        own = [w for w in found if set(w.compounds) == {pair.a, pair.b}]
        assert not [w for w in own if w.severity.value in ("danger", "caution")], pair


def test_no_message_calls_anything_safe() -> None:
    texts = [r.message for r in DATA.rules] + [s.message for s in DATA.stacks]
    texts += [p.note for p in DATA.low_risk]
    for text in texts:
        for match in SAFE_WORDING.finditer(text):
            window = text[max(0, match.start() - 40) : match.end() + 5].lower()
            assert any(phrase in window for phrase in ALLOWED_SAFE) or "not" in window, text


def test_drug_names_map_to_classes() -> None:
    meds = resolve_medications(["sertraline", "fluvoxamine", "warfarin", "zolpidem"], DATA)
    assert "ssri" in meds.named["sertraline"]
    assert {"ssri", "cyp1a2_inhibitor"} <= set(meds.named["fluvoxamine"])
    assert "anticoagulant" in meds.named["warfarin"]
    assert "z_drug" in meds.named["zolpidem"]
    meds = resolve_medications(["trazodone", "quetiapine"], DATA)
    assert meds.named["trazodone"] == ("other_serotonergic_antidepressant",)
    assert meds.named["quetiapine"] == ("sedating_antipsychotic",)
    assert resolve_medications(["unobtainol"], DATA).unknown == ("unobtainol",)


ITEMS = sorted([c.id for c in CATALOG] + [MED_PREFIX + c.id for c in DATA.medication_classes])


@settings(max_examples=200, deadline=None)
@given(
    base=st.lists(st.sampled_from(ITEMS), max_size=6, unique=True),
    extra=st.sampled_from([c.id for c in CATALOG]),
)
def test_adding_a_compound_never_removes_a_danger(base: list[str], extra: str) -> None:
    def dangers(items: list[str]) -> set[tuple[str, ...]]:
        return {
            tuple(sorted(set(w.compounds) & set(base)))
            for w in _check(items)
            if w.severity.value == "danger"
        }

    before = dangers(base)
    after = dangers([*base, extra] if extra not in base else base)
    for danger in before:
        assert any(set(danger) <= set(other) for other in after), (base, extra, danger)


def test_three_herbal_sedatives_are_a_caution_not_a_danger() -> None:
    found = _check(["melatonin", "valerian", "chamomile"])
    stack = [w for w in found if len(w.compounds) == 3]
    assert stack and all(w.severity.value == "caution" for w in stack)
    assert any(
        w.severity.value == "danger" for w in _check(["melatonin", "valerian", "med:alcohol"])
    )


def test_a_sedating_antipsychotic_counts_as_a_drug_in_the_cns_depressant_stack() -> None:
    found = _check(["valerian", "chamomile", "med:sedating_antipsychotic"])
    stack = [w for w in found if len(w.compounds) == 3]
    assert stack and all(w.severity.value == "danger" for w in stack)


def test_l_tryptophan_with_trazodone_class_is_a_serotonergic_caution() -> None:
    found = _check(["l-tryptophan", "med:other_serotonergic_antidepressant"])
    assert any(
        w.severity.value == "caution"
        and w.compounds == ("l-tryptophan", "med:other_serotonergic_antidepressant")
        for w in found
    )
