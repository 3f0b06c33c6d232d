"""Amounts as users type them: ``0.5mg``, ``3 g``, ``300mcg``, ``300 µg`` (all to mg)."""

from __future__ import annotations

import re

_AMOUNT = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Zµμ]*)\s*$")
_TO_MG = {"": 1.0, "mg": 1.0, "g": 1000.0, "mcg": 0.001, "µg": 0.001, "μg": 0.001, "ug": 0.001}
MAX_MG = 100_000


def parse_amount(text: str) -> float:
    """Milligrams from an amount with an optional unit (mg when none); ``ValueError`` if bad."""
    match = _AMOUNT.match(text)
    if not match:
        raise ValueError(f"{text!r} is not an amount (examples: 0.5mg, 3g, 300mcg)")
    number, unit = float(match.group(1)), match.group(2).lower().replace("μ", "µ")
    if unit not in _TO_MG:
        raise ValueError(f"unknown unit {match.group(2)!r} in {text!r} (use mg, g, mcg or µg)")
    amount = number * _TO_MG[unit]
    if not 0 < amount <= MAX_MG:
        raise ValueError(f"{text!r} is not a plausible amount (more than 0, at most 100 g)")
    return amount
