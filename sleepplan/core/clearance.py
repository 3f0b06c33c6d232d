"""How fast this person clears a compound (design §16): conditions that change a half-life.

Smoking speeds caffeine's clearance, pregnancy or a CYP1A2 inhibitor slows it; the catalog
gives each condition's factor with its sources, and a person without any clears as usual.
"""

from __future__ import annotations

from dataclasses import dataclass

from sleepplan.core.catalog import Compound
from sleepplan.core.kinetics import Curve


@dataclass(frozen=True, slots=True)
class Person:
    """What changes how fast this person clears a compound (design §16)."""

    smoker: bool = False
    oral_contraceptives: bool = False
    pregnant: bool = False
    cyp1a2_inhibitor: bool = False
    """A medication that strongly inhibits CYP1A2 (fluvoxamine)."""

    @property
    def conditions(self) -> tuple[str, ...]:
        """The conditions that apply, by their catalog names."""
        flags = {
            "smoker": self.smoker,
            "oral_contraceptives": self.oral_contraceptives,
            "pregnant": self.pregnant,
            "cyp1a2_inhibitor": self.cyp1a2_inhibitor,
        }
        return tuple(name for name, on in flags.items() if on)


NOBODY_SPECIAL = Person()
"""The usual person: no condition that changes a half-life."""
CONDITION_WORDS = {
    "smoker": "smoking",
    "oral_contraceptives": "oral contraceptives",
    "pregnant": "pregnancy",
    "cyp1a2_inhibitor": "a CYP1A2-inhibiting medication",
}


@dataclass(frozen=True, slots=True)
class HalfLife:
    """The half-life used for this person, and why it differs from the usual one."""

    range_h: tuple[float, float]
    because: str | None = None
    """The condition that changed it, in words ("oral contraceptives"); ``None``: the usual."""

    @property
    def middle_h(self) -> float:
        """The middle of the range, the value the kinetics use."""
        return sum(self.range_h) / 2


def personal_half_life(compound: Compound, person: Person) -> HalfLife | None:
    """The compound's half-life for this person; ``None`` without a sourced half-life.

    Where several conditions apply, the longest half-life among them is used when any lengthens
    it (it errs towards warning); a condition that only shortens it (smoking) applies alone.
    """
    if compound.half_life_h is None:
        return None
    usual = HalfLife(compound.half_life_h)
    applying = [
        HalfLife(item.half_life_h, CONDITION_WORDS[item.condition])
        for item in compound.half_life_when
        if item.condition in person.conditions
    ]
    if not applying:
        return usual
    longer = [item for item in applying if item.middle_h > usual.middle_h]
    if longer:
        return max(longer, key=lambda item: item.middle_h)
    return min(applying, key=lambda item: item.middle_h)


def curve_for(compound: Compound, half_life: HalfLife | None) -> Curve | None:
    """The compound's curve with this person's half-life, when its tmax is known too."""
    if compound.tmax_h is None or half_life is None:
        return None
    return Curve.from_ranges(compound.tmax_h, half_life.range_h)
