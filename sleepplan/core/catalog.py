"""The compound catalog: what each compound is, how it is dosed and timed, and the sources."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import field
from enum import StrEnum
from typing import Annotated, Any, Literal

from sleepplan.core.errors import InputError
from sleepplan.core.tomldoc import parse_toml
from sleepplan.core.validation import Bounds, file_record, validate
from sleepplan.core.vocabulary import DEFAULT_TARGETS, Mechanism, Stage

CompoundId = Annotated[str, Bounds(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
PositiveMg = Annotated[float, Bounds(gt=0, le=100_000)]
Hours = Annotated[float, Bounds(gt=0, le=1000)]

# Fields a source can back; a number in an entry must be backed by at least one source.
SOURCED_FIELDS = (
    "dose_mg",
    "upper_limit_mg",
    "tmax_h",
    "half_life_h",
    "timing",
    "evidence",
    "cycling",
    "mechanism",
    "cautions",
    "habit_forming",
    "wake_promoting",
    "onset",
    "targets",
    "secondary_mechanisms",
    "units",
    "half_life_when",
    "elimination_mg_per_h",
    "disrupts_sleep_from_mg",
)

# Who a compound's half-life can differ for (design §16): profile flags, and a CYP1A2 inhibitor
# among the medications.
PERSON_CONDITIONS = ("smoker", "oral_contraceptives", "pregnant", "cyp1a2_inhibitor")
UnitName = Annotated[str, Bounds(pattern=r"^[a-z][a-z_]{0,30}$")]


class Anchor(StrEnum):
    """What a dose's timing is measured from."""

    BEDTIME = "bedtime"
    AFTER_BEDTIME = "after_bedtime"
    DINNER = "dinner"
    WAKE = "wake"
    """A daytime compound: minutes after the morning's wake time."""


class Evidence(StrEnum):
    """Strength of the evidence that a compound helps sleep."""

    STRONG = "strong"
    MODERATE = "moderate"
    WEAK = "weak"
    INSUFFICIENT = "insufficient"


@file_record
class DoseRange:
    """Usual oral amounts in mg, as studied or labelled."""

    min: PositiveMg
    """Lowest amount studied or labelled."""
    typical: PositiveMg
    """The amount a new dose starts at."""
    max: PositiveMg
    """Highest amount studied or labelled; above it is a warning."""

    def __post_init__(self) -> None:
        if not self.min <= self.typical <= self.max:
            raise ValueError("needs min <= typical <= max")


@file_record
class Timing:
    """When to take a dose, as the catalog recommends.

    ``minutes`` is a magnitude whose direction the anchor gives: before bedtime, after lights-out
    (wake-back-to-bed), or after dinner.
    """

    anchor: Anchor
    """What the minutes count from."""
    minutes: Annotated[int, Bounds(ge=0, le=12 * 60)]
    """How far from the anchor."""

    @property
    def offset_min(self) -> int:
        """Signed minutes from the anchor's clock time (negative = before)."""
        return -self.minutes if self.anchor is Anchor.BEDTIME else self.minutes


@file_record
class Cycling:
    """A tolerance budget: at most ``max_nights`` in any ``per_days`` days."""

    max_nights: Annotated[int, Bounds(ge=0, le=365)]
    """Nights allowed in the window."""
    per_days: Annotated[int, Bounds(ge=1, le=365)]
    """Length of the window in days."""


@file_record
class HalfLifeWhen:
    """A half-life that applies to some people instead of the usual one."""

    condition: Literal["smoker", "oral_contraceptives", "pregnant", "cyp1a2_inhibitor"]
    """Who it applies to (``PERSON_CONDITIONS``)."""
    half_life_h: tuple[Hours, Hours]
    """Elimination half-life in hours for them, [low, high]."""

    def __post_init__(self) -> None:
        _range(self.half_life_h)


@file_record
class Source:
    """A citation: a title and at least one of PMID, DOI or URL."""

    title: Annotated[str, Bounds(min_length=3)]
    """Title of the page, article or label."""
    url: str | None = None
    """Where it was read."""
    pmid: Annotated[str, Bounds(pattern=r"^\d{1,9}$")] | None = None
    """PubMed identifier."""
    doi: Annotated[str, Bounds(pattern=r"^10\.\S+/\S+$")] | None = None
    """Digital object identifier."""
    supports: tuple[str, ...] = ()
    """The entry's fields this source backs."""

    def __post_init__(self) -> None:
        if not (self.url or self.pmid or self.doi):
            raise ValueError("a source needs a url, pmid or doi")
        unknown = [name for name in self.supports if name not in SOURCED_FIELDS]
        if unknown:
            raise ValueError(f"supports names unknown fields: {', '.join(unknown)}")

    @property
    def citation(self) -> str:
        """One-line citation for display."""
        ref = (
            f"PMID {self.pmid}" if self.pmid else f"doi:{self.doi}" if self.doi else self.url or ""
        )
        return f"{self.title} ({ref})"


def _range(value: tuple[float, float]) -> tuple[float, float]:
    if value[0] > value[1]:
        raise ValueError("a range is [low, high]")
    return value


@file_record
class Compound:
    """A catalog entry (design §3); user compounds in a profile use the same fields."""

    id: CompoundId
    """Stable kebab-case identifier."""
    name: Annotated[str, Bounds(min_length=1, max_length=80)]
    """Display name."""
    aliases: tuple[str, ...] = ()
    """Other names users type."""
    mechanism: Mechanism
    """How it is thought to act (its main way)."""
    secondary_mechanisms: tuple[Mechanism, ...] = ()
    """Other ways sources say it acts, counted by the duplicate-mechanism rule."""
    targets: tuple[Stage, ...] | None = None
    """Stages it targets; when left out, the mechanism's default."""
    sedating: bool = False
    """Makes people drowsy: residual at wake earns a grogginess warning."""
    onset: Literal["acute", "chronic"] = "acute"
    """Acute works tonight; chronic takes weeks of daily use."""
    wake_promoting: bool = False
    """Keeps people awake; wrong in the evening."""
    habit_forming: bool = False
    """Tolerance, dependence or withdrawal reported."""
    evidence: Evidence = Evidence.INSUFFICIENT
    """Evidence that it helps sleep."""
    dose_mg: DoseRange | None = None
    """Usual amounts; left out when no source gives them."""
    upper_limit_mg: PositiveMg | None = None
    """Official tolerable upper intake level or label maximum, per day."""
    nutrient: str | None = None
    """The nutrient the amount counts toward (minerals), for upper limits across products."""
    elemental_fraction: Annotated[float, Bounds(gt=0, le=1)] | None = None
    """When amounts are of a salt form: the nutrient's share of it (absent: already elemental)."""
    tmax_h: tuple[Hours, Hours] | None = None
    """Hours from an oral dose to peak concentration, [low, high]."""
    half_life_h: tuple[Hours, Hours] | None = None
    """Elimination half-life in hours, [low, high]."""
    half_life_when: tuple[HalfLifeWhen, ...] = ()
    """Half-lives for some people (smokers, pregnancy…) in place of ``half_life_h``."""
    elimination_mg_per_h: tuple[PositiveMg, PositiveMg] | None = None
    """Zero-order elimination (alcohol): mg cleared per hour whatever the amount, [low, high]."""
    units: dict[UnitName, PositiveMg] = field(default_factory=dict)
    """Everyday units and their mg ("cup" of coffee, "uk_unit" of alcohol)."""
    disrupts_sleep_from_mg: PositiveMg | None = None
    """A day's amount from which sources report a disrupted night."""
    medication_class: str | None = None
    """The interaction rules' medication class it also counts as (alcohol: ``alcohol``)."""
    timing: Timing
    """When to take it."""
    cycling: Cycling | None = None
    """Tolerance budget, if sources recommend one."""
    cautions: tuple[str, ...] = ()
    """Plain cautions a user should read."""
    notes: str = ""
    """What a user should know, in a sentence or two: what it is for and what is missing."""
    research: str | None = None
    """The research trail: what was looked for and not found, why a number is left out, which
    copy of a text stands for which record. For maintainers: the app and the CLI text never
    show it (``catalog --json`` carries it, as it carries every field)."""
    sources: tuple[Source, ...] = ()
    """Citations covering the numbers."""

    def __post_init__(self) -> None:
        for name in ("tmax_h", "half_life_h"):
            value = getattr(self, name)
            if value is not None:
                _range(value)
        if self.targets is not None and not self.targets:
            raise ValueError("targets, when given, names at least one stage")
        if self.mechanism in self.secondary_mechanisms:
            raise ValueError("secondary_mechanisms repeats the main mechanism")
        if self.elimination_mg_per_h is not None:
            _range(self.elimination_mg_per_h)

    @property
    def mechanisms(self) -> tuple[Mechanism, ...]:
        """Its main mechanism, then the secondary ones."""
        return (self.mechanism, *self.secondary_mechanisms)

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The stages it targets, its own list or its mechanism's default."""
        return self.targets if self.targets is not None else DEFAULT_TARGETS[self.mechanism]

    @property
    def primary_stage(self) -> Stage:
        """The stage it is listed under in a plan."""
        return self.stages[0]

    @property
    def has_kinetics(self) -> bool:
        """Whether both tmax and half-life are known, so a curve can be drawn."""
        return self.tmax_h is not None and self.half_life_h is not None

    def citations_for(self, name: str) -> tuple[str, ...]:
        """Citations of the sources that back one of its fields."""
        return tuple(source.citation for source in self.sources if name in source.supports)

    def unsourced_fields(self) -> list[str]:
        """Fields with a value that no source claims to support."""
        covered = {name for source in self.sources for name in source.supports}
        present = [
            name
            for name in (
                "dose_mg",
                "upper_limit_mg",
                "tmax_h",
                "half_life_h",
                "cycling",
                "elimination_mg_per_h",
                "disrupts_sleep_from_mg",
            )
            if getattr(self, name) is not None
        ]
        present += [
            name
            for name in ("secondary_mechanisms", "units", "half_life_when")
            if getattr(self, name)
        ]
        present += ["evidence", "mechanism"]
        return [name for name in present if name not in covered]


class Catalog:
    """Compounds by id, with lookup by id, name or alias.

    A catalog rebuilt from validated data (``Catalog.deferred``) builds each compound's record
    the first time it is asked for: a night's plan needs a handful of the catalog's compounds,
    so a start need not build them all (design §12).
    """

    def __init__(self, compounds: Iterable[Compound]) -> None:
        self._entries: dict[str, Compound | Mapping[str, Any]] = {}
        """By id, in catalog order: a built record, or validated data not built yet."""
        self._build: Callable[[Mapping[str, Any]], Compound] | None = None
        self._by_name: dict[str, str] = {}
        for compound in compounds:
            self._add(compound.id, compound.name, compound.aliases, compound)

    @classmethod
    def deferred(
        cls, entries: Iterable[Mapping[str, Any]], build: Callable[[Mapping[str, Any]], Compound]
    ) -> Catalog:
        """A catalog of validated entries, each built by ``build`` when first asked for."""
        catalog = cls(())
        catalog._build = build
        for entry in entries:
            catalog._add(entry["id"], entry["name"], entry.get("aliases") or (), entry)
        return catalog

    def _add(
        self,
        compound_id: str,
        name: str,
        aliases: Iterable[str],
        entry: Compound | Mapping[str, Any],
    ) -> None:
        """Hold a compound (built or not), findable by id, name and aliases."""
        if compound_id in self._entries:
            raise ValueError(f"duplicate compound id {compound_id!r}")
        self._entries[compound_id] = entry
        for known_as in (compound_id, name, *aliases):
            self._by_name.setdefault(_fold(known_as), compound_id)

    def __iter__(self) -> Iterator[Compound]:
        return (self.get(compound_id) for compound_id in list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, compound_id: object) -> bool:
        return compound_id in self._entries

    def get(self, compound_id: str) -> Compound:
        """The compound with this id (``KeyError`` if none)."""
        entry = self._entries[compound_id]
        if isinstance(entry, Compound):
            return entry
        assert self._build is not None  # only deferred catalogs hold data
        compound = self._entries[compound_id] = self._build(entry)
        return compound

    def with_cycling(self) -> list[Compound]:
        """The compounds that have a cycling budget, building none of the others."""
        return [
            self.get(compound_id)
            for compound_id, entry in list(self._entries.items())
            if (entry.cycling if isinstance(entry, Compound) else entry.get("cycling")) is not None
        ]

    def find(self, name: str) -> Compound | None:
        """The compound an id, name or alias refers to, ignoring case and spacing."""
        compound_id = self._by_name.get(_fold(name))
        return self.get(compound_id) if compound_id else None

    def suggest(self, name: str) -> str | None:
        """The closest known id, for 'did you mean' messages."""
        import difflib  # only a misspelt name needs it

        matches = difflib.get_close_matches(_fold(name), list(self._by_name), n=1, cutoff=0.6)
        return self._by_name[matches[0]] if matches else None

    def unknown_message(self, name: str) -> str:
        """A message for an unknown compound, with a suggestion when one is close."""
        hint = self.suggest(name)
        suffix = f" (did you mean {hint!r}?)" if hint else " (see `sleepplan catalog`)"
        return f"unknown compound {name!r}{suffix}"

    def extended(self, extra: Iterable[Compound]) -> Catalog:
        """A catalog with the user's own compounds added; an id clash is an error.

        Compounds not built yet stay unbuilt; without extra compounds it is this catalog.
        """
        added = list(extra)
        if not added:
            return self
        merged = Catalog(())
        merged._entries, merged._by_name = dict(self._entries), dict(self._by_name)
        merged._build = self._build
        for compound in added:
            merged._add(compound.id, compound.name, compound.aliases, compound)
        return merged


def _fold(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def parse_catalog(text: str, source: str) -> Catalog:
    """Parse a catalog TOML document (``[[compounds]]`` tables) into a ``Catalog``."""
    data = parse_toml(text, source)
    return catalog_from_data(data, source)


def catalog_from_data(data: Mapping[str, Any], source: str) -> Catalog:
    """Validate already-parsed catalog data."""
    extra = sorted(set(data) - {"compounds"})
    if extra:
        raise InputError.single(source, extra[0], "unknown key (expected only [[compounds]])")
    entries = data.get("compounds", [])
    if not isinstance(entries, list):
        raise InputError.single(source, "compounds", "must be an array of tables")
    compounds = [
        validate(Compound, entry, source, prefix=f"compounds[{index}]")
        for index, entry in enumerate(entries)
    ]
    try:
        return Catalog(compounds)
    except ValueError as error:
        raise InputError.single(source, "compounds", str(error)) from None
