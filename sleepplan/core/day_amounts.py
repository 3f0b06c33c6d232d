"""Daytime amounts as users enter them: a number and a unit ("2 cups", "1.5 drinks", "200 mg").

A compound's everyday units (a cup of coffee, a standard drink) come from the catalog; metric
units always work. Every amount becomes milligrams, with the words the user sees for it.
"""

from __future__ import annotations

import math
import re

from sleepplan.core.catalog import Compound

_PLURAL = {"cups": "cup", "espressos": "espresso", "teas": "tea", "drinks": "drink"}


def unit_names(compound: Compound) -> list[str]:
    """The units an amount of this compound can be given in."""
    return ["mg", "g", *compound.units]


MAX_DAY_MG = 1_000_000
"""A day's single entry above 1 kg is a typing mistake (eight drinks of alcohol are 112 g)."""
_METRIC = {"mg": 1.0, "g": 1000.0, "mcg": 0.001, "µg": 0.001, "ug": 0.001}


_AMOUNT_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*([^\d\s.][^\d]*)?$")


def amount_in_mg(compound: Compound, amount: float, unit: str) -> tuple[float, str]:
    """Milligrams for an amount in a unit, and the conversion in words ("2 cups = 192 mg").

    ``ValueError`` for a unit the compound does not know, or an amount no one takes.
    """
    name = unit.strip().casefold().replace(" ", "_").replace("μ", "µ")
    name = _PLURAL.get(name, name)
    if name not in compound.units and name.endswith("s") and name[:-1] in compound.units:
        name = name[:-1]
    if name in compound.units:
        mg = amount * compound.units[name]
        plural = "s" if amount > 1 else ""
        words = f"{amount:g} {name.replace('_', ' ')}{plural} = {mg_text(mg)}"
    elif name in _METRIC:
        mg = amount * _METRIC[name]
        words = mg_text(mg)
    else:
        known = ", ".join(unit_names(compound))
        raise ValueError(f"{compound.name} has no unit {unit.strip()!r} (units: {known})")
    if not (math.isfinite(mg) and 0 < mg <= MAX_DAY_MG):
        raise ValueError(f"{amount:g} {unit.strip()} is not a plausible amount (at most 1 kg)")
    return mg, words


def parse_amount_text(compound: Compound, text: str) -> tuple[float, str]:
    """An amount as a user types it ("2 cups", "95 mg", "1.5 uk_unit"), in mg with its words."""
    match = _AMOUNT_TEXT.match(text)
    if not match:
        raise ValueError(f"{text!r} is not an amount (examples: 95 mg, 2 cups)")
    value = float(match.group(1))
    if value <= 0:
        raise ValueError(f"{text!r} is not an amount (more than 0)")
    return amount_in_mg(compound, value, (match.group(2) or "mg").strip())


def mg_text(amount: float) -> str:
    """An amount in milligrams as words: "300 mg", "1.5 g"."""
    return f"{amount / 1000:g} g" if amount >= 1000 else f"{amount:g} mg"
