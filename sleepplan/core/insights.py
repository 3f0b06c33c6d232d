"""What helps me: per compound, nights with vs without, with an honest interval (design §8).

An evening's doses are paired with the next morning's check-in by design: each journal record
holds both. A compound is judged on the domain its stage implies (onset for sleep-onset
compounds, maintenance for the rest), with the next morning always alongside. A verdict of
"likely helps" or "likely hurts" needs the 95% interval to exclude zero; fewer than three nights
either way is "not enough nights yet". Chronic compounds, which take weeks, are judged on the
nights before the first dose against those from two weeks after it.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sleepplan.core.catalog import Catalog
from sleepplan.core.stats import mean, welch_interval
from sleepplan.core.vocabulary import Stage

MIN_NIGHTS = 3
CHRONIC_LAG_DAYS = 14
"""Nights after starting a chronic compound before its effect is counted."""
DOMAIN_OF_STAGE = {
    Stage.SLEEP_ONSET: "onset",
    Stage.SLOW_WAVE: "maintenance",
    Stage.MAINTENANCE: "maintenance",
    Stage.REM: "maintenance",
}


@dataclass(frozen=True, slots=True)
class Night:
    """What insights need from one journal record."""

    night: dt.date
    scores: Mapping[str, float | None]
    taken: frozenset[str]
    confounded: bool

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Night:
        """A night from a journal record (the export shape)."""
        return cls(
            night=dt.date.fromisoformat(record["night"]),
            scores=record.get("scores") or {},
            taken=frozenset(dose["compound"] for dose in record.get("taken") or []),
            confounded=bool(record.get("confounders")),
        )


@dataclass(frozen=True, slots=True)
class Effect:
    """A compound's apparent effect on one domain score."""

    compound: str
    domain: str
    method: str
    """``nightly`` (with vs without) or ``before_after`` (chronic compounds)."""
    nights_with: int
    nights_without: int
    mean_diff: float | None
    ci95: tuple[float, float] | None
    verdict: str
    """``not_enough_nights``, ``no_clear_effect``, ``likely_helps`` or ``likely_hurts``."""
    next_morning_diff: float | None
    next_morning_ci95: tuple[float, float] | None


def _compare(
    with_: list[float], without: list[float]
) -> tuple[float | None, tuple[float, float] | None, str]:
    if len(with_) < MIN_NIGHTS or len(without) < MIN_NIGHTS:
        return None, None, "not_enough_nights"
    difference, low, high = welch_interval(with_, without)
    if low > 0:
        verdict = "likely_helps"
    elif high < 0:
        verdict = "likely_hurts"
    else:
        verdict = "no_clear_effect"
    return difference, (low, high), verdict


def _split(column: list[float | None], side: list[bool | None]) -> tuple[list[float], list[float]]:
    """Scores of the nights with (side True) and without (False); None counts for neither."""
    with_ = [s for s, w in zip(column, side, strict=True) if w and s is not None]
    without = [s for s, w in zip(column, side, strict=True) if w is False and s is not None]
    return with_, without


def compound_effects(
    nights: Iterable[Night], catalog: Catalog, exclude_confounded: bool = False
) -> list[Effect]:
    """Every compound ever taken, with its apparent effect, by name."""
    kept = [n for n in nights if not (exclude_confounded and n.confounded)]
    kept.sort(key=lambda n: n.night)
    dates = [n.night for n in kept]
    # each domain's scores, night by night: looked up once, not once per compound
    columns = {
        domain: [n.scores.get(domain) for n in kept]
        for domain in {*DOMAIN_OF_STAGE.values(), "next_morning"}
    }
    compounds = sorted({c for n in kept for c in n.taken})
    effects = []
    for compound_id in compounds:
        compound = catalog.get(compound_id) if compound_id in catalog else None
        stage = compound.primary_stage if compound else Stage.MAINTENANCE
        domain = DOMAIN_OF_STAGE[stage]
        side: list[bool | None]
        if compound is not None and compound.onset == "chronic":
            # in date order: the nights before starting, the settling-in ones, then "with"
            start = next(i for i, n in enumerate(kept) if compound_id in n.taken)
            settled = bisect_left(dates, dates[start] + dt.timedelta(days=CHRONIC_LAG_DAYS))
            side = [False] * start + [None] * (settled - start) + [True] * (len(kept) - settled)
            method = "before_after"
        else:
            side = [compound_id in n.taken for n in kept]
            method = "nightly"
        diff, ci, verdict = _compare(*_split(columns[domain], side))
        next_diff, next_ci, _ = _compare(*_split(columns["next_morning"], side))
        effects.append(
            Effect(
                compound_id,
                domain,
                method,
                side.count(True),
                side.count(False),
                diff,
                ci,
                verdict,
                next_diff,
                next_ci,
            )
        )
    return effects


def morning_trend(nights: Iterable[Night], window: int = 7) -> list[tuple[dt.date, float, float]]:
    """Each night's morning score with the average of the last ``window`` scored nights."""
    scored = sorted(
        ((n.night, s) for n in nights if (s := n.scores.get("morning")) is not None),
        key=lambda item: item[0],
    )
    trend = []
    for index, (night, score) in enumerate(scored):
        recent = [s for _, s in scored[max(0, index - window + 1) : index + 1]]
        trend.append((night, score, mean(recent)))
    return trend
