"""The interaction data: medication classes, pairwise rules, stacks, low-risk pairs (design §6).

Loaded from ``sleepplan/data/interactions.toml``; every rule carries its sources. An item in a
rule is a compound id or ``med:CLASS``; a stack may also hold ``mechanism:NAME``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from sleepplan.core.catalog import Catalog, Source
from sleepplan.core.errors import InputError
from sleepplan.core.tomldoc import parse_toml
from sleepplan.core.validation import Bounds, file_record, validate
from sleepplan.core.vocabulary import Mechanism

MED_PREFIX = "med:"
MECHANISM_PREFIX = "mechanism:"
"""A stack member standing for every compound of the evening routine whose main mechanism is the
one named (``mechanism:dopaminergic``). Daytime intakes never count for it: the rules it serves
are about what is taken near bed, like the duplicate-mechanism rule."""

MEDICATION_CLASSES = [
    "ssri",
    "snri",
    "maoi",
    "tricyclic",
    "triptan",
    "tramadol",
    "opioid",
    "benzodiazepine",
    "z_drug",
    "alcohol",
    "gabapentinoid",
    "sedating_antihistamine",
    "anticoagulant",
    "antiplatelet",
    "antihypertensive",
    "antidiabetic",
    "thyroid_hormone",
    "levodopa",
    "valproate",
    "lithium",
    "cholinesterase_inhibitor",
    "anticholinergic",
    "cyp1a2_inhibitor",
    "strong_cyp1a2_inhibitor",
    "cyp2d6_inhibitor",
    "hepatotoxic",
    "quinolone_antibiotic",
    "tetracycline_antibiotic",
    "bisphosphonate",
    "stimulant",
    "immunosuppressant",
    "other_serotonergic_antidepressant",
    "sedating_antipsychotic",
]
"""Design §6: the medication classes a user can name."""


class Severity(StrEnum):
    """How much a warning matters, most serious first."""

    DANGER = "danger"
    CAUTION = "caution"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Sort key: danger first."""
        return list(Severity).index(self)


Sources = Annotated[tuple[Source, ...], Bounds(min_length=1)]
Item = Annotated[str, Bounds(min_length=1, max_length=80)]


@file_record
class MedicationClass:
    """A class of medication and the drug names that belong to it."""

    id: str
    """One of design §6's class ids."""
    name: str
    """Readable name."""
    drugs: tuple[str, ...] = ()
    """Lower-case generic names (and words such as "wine" for alcohol)."""
    sources: Sources
    """A source naming the members."""

    def __post_init__(self) -> None:
        if self.id not in MEDICATION_CLASSES:
            raise ValueError(f"unknown medication class {self.id!r}")


@file_record
class Rule:
    """Fires when one item of ``a`` and one of ``b`` are both present."""

    id: str
    """Stable id."""
    severity: Severity
    """How serious the sources say it is."""
    a: tuple[Item, ...]
    """One side."""
    b: tuple[Item, ...]
    """The other side."""
    message: str
    """What might happen, in one sentence."""
    sources: Sources
    """Where it is said."""


@file_record
class Stack:
    """Several members together escalate: caution at ``caution_at``, danger at ``danger_at``."""

    id: str
    """Stable id."""
    members: tuple[Item, ...]
    """Compound ids, medication classes and ``mechanism:NAME`` (every evening compound whose main
    mechanism it is) in the stack."""
    caution_at: Annotated[int, Bounds(ge=2)]
    """Members present for a caution."""
    danger_at: Annotated[int, Bounds(ge=2)] | None = None
    """Members present for a danger; left out when the sources describe nothing worse than a
    caution, however many there are."""
    danger_requires: tuple[Item, ...] = ()
    """When given, the danger level also needs one of these members (else it stays caution)."""
    message: str
    """What might happen."""
    sources: Sources
    """Where it is said."""

    def __post_init__(self) -> None:
        if self.danger_at is not None and self.danger_at < self.caution_at:
            raise ValueError("danger_at must be at least caution_at")

    @property
    def mechanisms(self) -> frozenset[Mechanism]:
        """The mechanisms its ``mechanism:NAME`` members name."""
        return frozenset(
            Mechanism(item.removeprefix(MECHANISM_PREFIX))
            for item in self.members
            if item.startswith(MECHANISM_PREFIX)
        )


@file_record
class LowRisk:
    """A pair the sources describe as low-risk (recorded, so false alarms can be tested)."""

    a: Item
    """One side."""
    b: Item
    """The other side."""
    note: str
    """What the source says, attributed."""
    sources: Sources
    """Where it is said."""


@file_record
class LabelError:
    """A compound whose product labels are known to be unreliable."""

    compound: Item
    """Catalog id."""
    max_overage: Annotated[float, Bounds(gt=0, le=100)]
    """Highest content found above the label, as a fraction (4.78 = 478% more)."""
    note: str
    """What the study found."""
    sources: Sources
    """The study."""


Name = Annotated[str, Bounds(min_length=1, max_length=80)]


@file_record
class Brand:
    """Brand names of one generic that a medication class lists (``Zoloft`` -> sertraline)."""

    generic: Name
    """A drug name listed in ``medication_classes`` (any case)."""
    names: Annotated[tuple[Name, ...], Bounds(min_length=1)]
    """Brand names as printed on the label; matched in any case."""
    sources: Sources
    """A label or page pairing these names with the generic."""


@file_record
class InteractionData:
    """Everything ``interactions.toml`` holds."""

    medication_classes: tuple[MedicationClass, ...] = ()
    rules: tuple[Rule, ...] = ()
    stacks: tuple[Stack, ...] = ()
    low_risk: tuple[LowRisk, ...] = ()
    label_error: tuple[LabelError, ...] = ()
    brands: tuple[Brand, ...] = ()

    def class_names(self) -> dict[str, str]:
        """Readable names by class id (every design class, named or not)."""
        names = {cls: cls.replace("_", " ") for cls in MEDICATION_CLASSES}
        names.update({cls.id: cls.name for cls in self.medication_classes})
        return names

    def drug_index(self) -> dict[str, set[str]]:
        """Classes by every name a user may type, lower-cased: generics and brand names.

        A drug may be in several classes; a brand name has its generic's classes.
        """
        index: dict[str, set[str]] = {}
        for cls in self.medication_classes:
            for drug in cls.drugs:
                index.setdefault(drug.casefold(), set()).add(cls.id)
        for brand, generic in self.brand_generics().items():
            index[brand] = set(index.get(generic, set()))
        return index

    def brand_generics(self) -> dict[str, str]:
        """The generic each brand name stands for, both lower-cased (``zoloft`` -> sertraline)."""
        return {
            name.casefold(): brand.generic.casefold()
            for brand in self.brands
            for name in brand.names
        }

    def known_names(self) -> list[str]:
        """Every medication name a user may type, as written in the data, sorted: for completion.

        Generic drug names, brand names (``Zoloft``) and class ids (``ssri``).
        """
        names = {drug for cls in self.medication_classes for drug in cls.drugs}
        names |= {name for brand in self.brands for name in brand.names}
        return sorted(names | set(MEDICATION_CLASSES), key=str.casefold)

    def label_error_for(self, compound_id: str) -> LabelError | None:
        """The label-error finding for a compound, if any."""
        return next((item for item in self.label_error if item.compound == compound_id), None)


@dataclass(frozen=True, slots=True)
class Medications:
    """What a user's medication list resolves to."""

    classes: frozenset[str]
    """Medication classes present."""
    named: dict[str, tuple[str, ...]]
    """Each name the user gave and the classes it maps to."""
    unknown: tuple[str, ...]
    """Names sleepplan does not know."""
    resolved: dict[str, str] = field(default_factory=dict)
    """Each brand name the user gave and the generic it stands for (``Zoloft`` -> sertraline)."""


def resolve_medications(names: Iterable[str], data: InteractionData) -> Medications:
    """Map class ids, drug names and brand names to classes; collect the names nobody knows."""
    index = data.drug_index()
    generics = data.brand_generics()
    classes: set[str] = set()
    named: dict[str, tuple[str, ...]] = {}
    resolved: dict[str, str] = {}
    unknown: list[str] = []
    for raw in names:
        name = raw.strip()
        key = _class_key(name)
        found = {key} if key in MEDICATION_CLASSES else index.get(name.casefold(), set())
        if not found:
            unknown.append(name)
            continue
        classes |= found
        named[name] = tuple(sorted(found))
        if key not in MEDICATION_CLASSES and name.casefold() in generics:
            resolved[name] = generics[name.casefold()]
    return Medications(frozenset(classes), named, tuple(unknown), resolved)


def _class_key(name: str) -> str:
    """A typed name as a class id would be written: ``Z-drug`` -> z_drug."""
    return name.casefold().replace("-", "_").replace(" ", "_")


SHORT_CLASS_LABELS = {
    "ssri": "SSRI",
    "snri": "SNRI",
    "maoi": "MAOI",
    "cyp1a2_inhibitor": "CYP1A2 inhibitor",
    "strong_cyp1a2_inhibitor": "strong CYP1A2 inhibitor",
    "cyp2d6_inhibitor": "CYP2D6 inhibitor",
}
"""Class ids whose words are acronyms; any other id reads as its words (``z_drug`` -> z drug)."""


def short_class_label(class_id: str) -> str:
    """A class id as a few words for a one-line summary: ``ssri`` -> SSRI."""
    return SHORT_CLASS_LABELS.get(class_id, class_id.replace("_", " "))


def medications_summary(medications: Medications) -> str:
    """One line saying what was checked against and what was not.

    ``Medications: checked against sertraline (SSRI), Zoloft → sertraline (SSRI); not checked
    (unknown): foo``, or ``Medications: none entered``. Names are the user's own text: show the
    line through ``visible()`` (CLI) or ``plain()`` (app).
    """
    checked = []
    for name, classes in medications.named.items():
        labels = ", ".join(short_class_label(cls) for cls in classes)
        generic = medications.resolved.get(name)
        shown = f"{name} → {generic}" if generic else name
        checked.append(shown if [name] == list(classes) else f"{shown} ({labels})")
    parts = []
    if checked:
        parts.append("checked against " + ", ".join(checked))
    if medications.unknown:
        parts.append("not checked (unknown): " + ", ".join(medications.unknown))
    return "Medications: " + ("; ".join(parts) if parts else "none entered")


def parse_interactions(text: str, source: str, catalog: Catalog) -> InteractionData:
    """Parse and validate interaction data; every item must name a compound or a class."""
    return interactions_from_data(parse_toml(text, source), source, catalog)


def interactions_from_data(
    data: Mapping[str, Any], source: str, catalog: Catalog
) -> InteractionData:
    """Validate parsed interaction data against the catalog and the class list."""
    parsed = validate(InteractionData, data, source)
    problems = []
    item_lists = [(f"rules[{i}]", (*r.a, *r.b)) for i, r in enumerate(parsed.rules)]
    item_lists += [(f"stacks[{i}].members", st.members) for i, st in enumerate(parsed.stacks)]
    item_lists += [
        (f"stacks[{i}].danger_requires", st.danger_requires) for i, st in enumerate(parsed.stacks)
    ]
    item_lists += [(f"low_risk[{i}]", (p.a, p.b)) for i, p in enumerate(parsed.low_risk)]
    for place, items in item_lists:
        for item in items:
            if item.startswith(MECHANISM_PREFIX):
                problems += _mechanism_problems(place, item)
            elif not _known_item(item, catalog):
                problems.append((place, f"unknown item {item!r}"))
    for index, finding in enumerate(parsed.label_error):
        if finding.compound not in catalog:
            problems.append((f"label_error[{index}]", f"unknown compound {finding.compound!r}"))
    ids = [rule.id for rule in parsed.rules] + [stack.id for stack in parsed.stacks]
    for duplicate in sorted({item for item in ids if ids.count(item) > 1}):
        problems.append(("rules", f"duplicate id {duplicate!r}"))
    problems += _brand_problems(parsed)
    if problems:
        raise InputError(source, problems)
    return parsed


def _brand_problems(data: InteractionData) -> list[tuple[str, str]]:
    """A brand must name a listed generic, and no name may mean two things."""
    generics = {drug.casefold() for cls in data.medication_classes for drug in cls.drugs}
    problems = []
    seen: set[str] = set()
    for index, brand in enumerate(data.brands):
        place = f"brands[{index}]"
        if brand.generic.casefold() not in generics:
            problems.append(
                (f"{place}.generic", f"unknown generic {brand.generic!r} (no class lists it)")
            )
        for name in brand.names:
            key = name.casefold()
            if key in generics or _class_key(name) in MEDICATION_CLASSES:
                problems.append(
                    (f"{place}.names", f"{name!r} is a generic or a class, not a brand")
                )
            elif key in seen:
                problems.append((f"{place}.names", f"duplicate brand name {name!r}"))
            seen.add(key)
    return problems


def _known_item(item: str, catalog: Catalog) -> bool:
    if item.startswith(MED_PREFIX):
        return item.removeprefix(MED_PREFIX) in MEDICATION_CLASSES
    return item in catalog


def _mechanism_problems(place: str, item: str) -> list[tuple[str, str]]:
    """A ``mechanism:NAME`` item must be in a stack and name a mechanism of the vocabulary."""
    name = item.removeprefix(MECHANISM_PREFIX)
    known = [mechanism.value for mechanism in Mechanism]
    if not (place.startswith("stacks") and place.endswith(".members")):
        return [(place, f"{item!r}: a mechanism can stand only in a stack's members")]
    if name not in known:
        return [(place, f"unknown mechanism {name!r} in {item!r} (one of: {', '.join(known)})")]
    return []
