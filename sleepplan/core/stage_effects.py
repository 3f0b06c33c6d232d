"""Stage effects: each compound judged on the stage it targets, as the tracker measured it.

Design §15: deep minutes for slow-wave compounds, REM minutes for REM compounds, latency for
sleep-onset compounds and WASO for maintenance, in minutes, nights with vs without, with the
same 95% interval, verdict rules, minimum nights, confounder filter and chronic rules as
``insights``. The doses come from the check-in of the same night key; a tracked night without a
check-in has unknown doses and is left out, and a check-in without a tracked night (or without
the stage measured, such as an unstaged night) counts for neither side.

For latency and WASO fewer minutes is better, so a difference whose interval lies below zero
"likely helps". The share of sleep (REM and deep minutes as a percentage of the minutes asleep)
is shown beside the minutes: a compound that lengthens the whole night adds stage minutes
without changing the night's make-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sleepplan.core.catalog import Catalog, Compound
from sleepplan.core.experiments import FEWER_IS_BETTER, OBJECTIVE_PRIMARIES
from sleepplan.core.insights import (
    Course,
    Night,
    _compare,
    chronic_hint,
    compound_sides,
    nightly_hint,
)
from sleepplan.core.objective import ObjectiveNight
from sleepplan.core.stats import mean
from sleepplan.core.vocabulary import Stage

MEASURE_OF_STAGE = {
    Stage.SLEEP_ONSET: "latency_min",
    Stage.SLOW_WAVE: "deep_min",
    Stage.REM: "rem_min",
    Stage.MAINTENANCE: "waso_min",
}
"""The tracker's measure a compound's stage is judged on (an ``ObjectiveNight`` field)."""
MEASURES = OBJECTIVE_PRIMARIES
"""Every measure, the same as an experiment's tracker outcomes."""
LOWER_IS_BETTER = FEWER_IS_BETTER
"""Measures where fewer minutes is the better night."""
STAGE_MEASURES = frozenset({"rem_min", "deep_min"})
"""Measures that are part of the sleep, so also shown as a share of the minutes asleep."""
MEASURE_WORDS = {
    "rem_min": "REM",
    "deep_min": "deep sleep",
    "latency_min": "time to fall asleep",
    "waso_min": "time awake in the night",
}
"""Each measure in words, the same in the CLI and in History."""
TRACKER_CAVEAT = (
    "A verdict on stage minutes is about your tracker's estimate, which agrees only moderately "
    "with a sleep lab: in one lab study, a ring and two watches recognised 50–80% of the deep "
    "sleep the lab scored (Sensors 2024, doi:10.3390/s24206532)."
)
"""One line shown under the objective effects (CLI and History); the README says more."""


@dataclass(frozen=True, slots=True)
class StageEffect:
    """A compound's apparent effect on the tracker's measure of the stage it targets."""

    compound: str
    stage: str
    """The targeted stage (a ``Stage`` value: ``rem``, ``slow_wave``, ...)."""
    measure: str
    """``rem_min``, ``deep_min``, ``latency_min`` or ``waso_min``."""
    method: str
    """``nightly`` (with vs without) or ``before_after`` (chronic compounds)."""
    nights_with: int
    """Tracked nights with it that have the measure."""
    nights_without: int
    diff_min: float | None
    """Mean minutes with it minus without it."""
    ci95: tuple[float, float] | None
    share_diff_pct: float | None
    """REM and deep only: the difference in their share of the minutes asleep, in points."""
    verdict: str
    """As in ``insights``: ``not_enough_nights``, ``needs_comparison``, ``no_clear_effect``,
    ``likely_helps`` or ``likely_hurts`` (for latency and WASO, fewer minutes helps)."""
    hint: str | None = None
    """What would answer it, in plain words, when the verdict is still open."""


def measures_of(compound: Compound | None) -> list[tuple[Stage, str]]:
    """The stages a compound is judged on, with their measures, its primary first."""
    stages = compound.stages if compound is not None else (Stage.MAINTENANCE,)
    return list(dict.fromkeys((stage, MEASURE_OF_STAGE[stage]) for stage in stages))


def _share(night: ObjectiveNight, measure: str) -> float | None:
    value: float | None = getattr(night, measure)
    if value is None or not night.asleep_min:
        return None
    return 100 * value / night.asleep_min


def stage_effects(
    checkins: Iterable[Night],
    objective: Mapping[dt.date, ObjectiveNight],
    catalog: Catalog,
    exclude_confounded: bool = False,
) -> list[StageEffect]:
    """Every compound taken on a check-in night, judged on its stages' tracker measures.

    ``checkins`` are the journal's nights as insights reads them (``Night.from_record``);
    ``objective`` is one main-sleep tracker night per night key (``chosen_nights``). Empty when
    no check-in night left in has a tracked night: there is nothing to compare.
    """
    every = sorted(checkins, key=lambda n: n.night)
    kept_at = [i for i, n in enumerate(every) if not (exclude_confounded and n.confounded)]
    kept = [every[i] for i in kept_at]
    tracked: list[ObjectiveNight | None] = [
        None if (o := objective.get(n.night)) is None or o.nap else o for n in kept
    ]
    if all(night is None for night in tracked):
        return []
    compounds = sorted({c for n in kept for c in n.taken})
    effects = []
    for compound_id in compounds:
        compound = catalog.get(compound_id) if compound_id in catalog else None
        # judged as insights judges it: a chronic course read from every check-in
        side, method, minimum, course = compound_sides(compound_id, catalog, every, kept_at)
        for stage, measure in measures_of(compound):
            effects.append(
                _effect(compound_id, stage, measure, method, minimum, side, tracked, course)
            )
    return effects


def _effect(
    compound_id: str,
    stage: Stage,
    measure: str,
    method: str,
    minimum: int,
    side: Sequence[bool | None],
    tracked: Sequence[ObjectiveNight | None],
    course: Course | None,
) -> StageEffect:
    """One compound on one measure: the comparison, the verdict the right way round, a hint."""
    with_nights = [o for o, w in zip(tracked, side, strict=True) if w and o is not None]
    without_nights = [o for o, w in zip(tracked, side, strict=True) if w is False and o is not None]
    with_ = [v for o in with_nights if (v := getattr(o, measure)) is not None]
    without = [v for o in without_nights if (v := getattr(o, measure)) is not None]
    diff, ci, verdict = _compare(with_, without, minimum)
    if measure in LOWER_IS_BETTER:  # more minutes awake or to fall asleep is the worse night
        verdict = {"likely_helps": "likely_hurts", "likely_hurts": "likely_helps"}.get(
            verdict, verdict
        )
    share = None
    if diff is not None and measure in STAGE_MEASURES:
        shares_with = [s for o in with_nights if (s := _share(o, measure)) is not None]
        shares_without = [s for o in without_nights if (s := _share(o, measure)) is not None]
        if shares_with and shares_without:
            share = mean(shares_with) - mean(shares_without)
    hint = None
    if verdict == "not_enough_nights" and course is not None:
        hint = chronic_hint(course, len(with_), len(without))
        verdict = "not_enough_nights" if without else "needs_comparison"
    elif verdict == "not_enough_nights":
        hint = nightly_hint(len(with_), len(without), "tracked ")
    return StageEffect(
        compound_id,
        stage.value,
        measure,
        method,
        len(with_),
        len(without),
        diff,
        ci,
        share,
        verdict,
        hint,
    )


def _whole(value: float) -> str:
    """Whole minutes, never "-0"."""
    text = f"{value:.0f}"
    return "0" if text == "-0" else text


def effect_sentence(effect: StageEffect, name: str) -> str:
    """One line: "Galantamine: REM +12 min (95% CI 3 to 21) on 14 nights with vs 15 without".

    ``name`` is shown as given: the caller makes it safe for where it is shown.
    """
    what = f"{name}: {MEASURE_WORDS[effect.measure]}"
    counts = f"on {effect.nights_with} nights with vs {effect.nights_without} without"
    if effect.diff_min is None or effect.ci95 is None:
        return f"{what}, {counts}"
    sign = "+" if _whole(effect.diff_min) != "0" and effect.diff_min > 0 else ""
    text = (
        f"{what} {sign}{_whole(effect.diff_min)} min "
        f"(95% CI {_whole(effect.ci95[0])} to {_whole(effect.ci95[1])}) {counts}"
    )
    if effect.share_diff_pct is not None:
        text += f"; share of sleep {effect.share_diff_pct:+.1f} points"
    return text
