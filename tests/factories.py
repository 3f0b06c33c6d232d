"""Small builders for domain objects, so tests don't depend on the bundled data's numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sleepplan.core.catalog import Catalog, Compound
from sleepplan.core.planner import NightSettings
from sleepplan.core.profile import Dose, Routine
from sleepplan.core.validation import validate

SOURCE = {
    "title": "A test source",
    "url": "https://example.org/test",
    "supports": ["dose_mg", "tmax_h", "half_life_h", "evidence", "mechanism", "timing"],
}


def compound(id: str, **fields: Any) -> Compound:
    data: dict[str, Any] = {
        "id": id,
        "name": id.replace("-", " ").title(),
        "mechanism": "gabaergic",
        "dose_mg": {"min": 1, "typical": 2, "max": 4},
        "tmax_h": [1.0, 1.0],
        "half_life_h": [2.0, 2.0],
        "timing": {"anchor": "bedtime", "minutes": 60},
        "evidence": "weak",
        "sources": [SOURCE],
    }
    data.update(fields)
    return validate(Compound, data, "test")


def catalog(*compounds: Compound) -> Catalog:
    return Catalog(compounds)


def routine(*doses: tuple[str, float] | tuple[str, float, int], name: str = "test") -> Routine:
    items = [
        Dose(compound=d[0], amount_mg=d[1], minutes=d[2] if len(d) > 2 else None) for d in doses
    ]
    return Routine(name=name, doses=tuple(items))


def settings(
    night: dt.date = dt.date(2026, 11, 23),
    bedtime: dt.time = dt.time(23, 0),
    wake: dt.time = dt.time(7, 0),
    dinner: dt.time = dt.time(19, 0),
    zone: str = "Europe/Berlin",
) -> NightSettings:
    return NightSettings(night, bedtime, wake, dinner, zone)
