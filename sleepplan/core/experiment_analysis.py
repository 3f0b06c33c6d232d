"""An experiment's analysis, once its plan is complete (design §8).

Each block's B − A difference in the primary score; their mean with a t and a bootstrap 95%
interval; a randomisation-test p-value (sign flips of the block differences); and the posterior
probability (normal prior, sd 50 points) that the effect exceeds the minimal important
difference. Kept apart from the plan's records, which every start loads with the profile.

A tracker measure as the primary outcome (``rem_min``, ``deep_min``, ``latency_min``,
``waso_min``) is read from the tracker's night of each scheduled night, in minutes (the prior's
sd is then 50 minutes); for latency and WASO fewer minutes is better, so the probability is
that B − A lies below minus the minimal important difference.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sleepplan.core.experiments import FEWER_IS_BETTER, OBJECTIVE_PRIMARIES, ExperimentPlan
from sleepplan.core.objective import ObjectiveNight
from sleepplan.core.stats import mean, normal_cdf, one_sample_interval

PRIOR_SD = 50.0
"""A weak prior: effects of ±100 score points are not ruled out."""
BOOTSTRAP_RESAMPLES = 4000
EXACT_FLIPS_UP_TO = 16


@dataclass(frozen=True, slots=True)
class Analysis:
    """The results of a completed experiment."""

    block_diffs: tuple[tuple[int, float, float, float], ...]
    """(block, mean A, mean B, B − A) for every block with both arms scored."""
    mean_diff: float | None
    t_ci95: tuple[float, float] | None
    bootstrap_ci95: tuple[float, float] | None
    randomisation_p: float | None
    p_exceeds_mid: float | None
    """The probability the effect is at least the minimal important difference the better way
    (B − A above it; below minus it where fewer minutes is better)."""
    blinding: tuple[int, int] | None
    """(right guesses, guesses) on blinded nights."""


def analyse(
    plan: ExperimentPlan,
    records: Mapping[dt.date, Mapping[str, Any]],
    objective: Mapping[dt.date, ObjectiveNight] | None = None,
) -> Analysis:
    """Paired block differences and their statistics (B − A on the primary score).

    ``plan`` is the full plan, its sealed schedule and seed read back: a registration alone
    has neither. A night counts when it has a check-in (its record); with a tracker measure as
    the primary, its value comes from ``objective`` (the tracker's night of each night key,
    ``chosen_nights``), and a night the tracker did not measure counts for neither arm.
    """
    if plan.seed is None:
        raise ValueError(f"experiment {plan.id}: analysing needs its sealed schedule and seed")
    seed = plan.seed
    by_block: dict[int, dict[str, list[float]]] = {}
    right = guessed = 0
    for item in plan.schedule:
        record = records.get(item.night)
        if record is None or item.block is None:
            continue
        score = _primary_value(plan, record, (objective or {}).get(item.night))
        if score is not None:
            by_block.setdefault(item.block, {"A": [], "B": []})[item.arm].append(float(score))
        guess = record.get("guess")
        if plan.blinded and guess in ("A", "B"):
            guessed += 1
            right += guess == item.arm
    diffs = []
    for block in sorted(by_block):
        arms = by_block[block]
        if arms["A"] and arms["B"]:
            a, b = mean(arms["A"]), mean(arms["B"])
            diffs.append((block, a, b, b - a))
    blinding = (right, guessed) if plan.blinded and guessed else None
    values = [d for *_, d in diffs]
    if len(values) < 2:
        return Analysis(
            tuple(diffs), mean(values) if values else None, None, None, None, None, blinding
        )
    centre, low, high = one_sample_interval(values)
    return Analysis(
        block_diffs=tuple(diffs),
        mean_diff=centre,
        t_ci95=(low, high),
        bootstrap_ci95=_bootstrap(values, seed),
        randomisation_p=_randomisation_p(values, seed),
        p_exceeds_mid=(
            _posterior_exceeds([-value for value in values], plan.mid)
            if plan.primary in FEWER_IS_BETTER
            else _posterior_exceeds(values, plan.mid)
        ),
        blinding=blinding,
    )


def _primary_value(
    plan: ExperimentPlan, record: Mapping[str, Any], tracked: ObjectiveNight | None
) -> float | None:
    """A night's primary outcome: its check-in score, or the tracker's minutes."""
    if plan.primary not in OBJECTIVE_PRIMARIES:
        score: float | None = (record.get("scores") or {}).get(plan.primary)
        return score
    if tracked is None or tracked.nap:
        return None
    minutes: float | None = getattr(tracked, plan.primary)
    return minutes


def _bootstrap(values: list[float], seed: int) -> tuple[float, float]:
    rng = random.Random(seed + 1)
    means = sorted(mean([rng.choice(values) for _ in values]) for _ in range(BOOTSTRAP_RESAMPLES))
    return means[int(0.025 * len(means))], means[int(0.975 * len(means)) - 1]


def _randomisation_p(values: list[float], seed: int) -> float:
    """Two-sided p: how often flipping the block order gives a mean at least as extreme."""
    observed = abs(mean(values)) - 1e-12
    if len(values) <= EXACT_FLIPS_UP_TO:
        flips = list(itertools.product((1, -1), repeat=len(values)))
    else:
        rng = random.Random(seed + 2)
        flips = [tuple(rng.choice((1, -1)) for _ in values) for _ in range(20_000)]
    extreme = sum(
        1
        for signs in flips
        if abs(mean([s * v for s, v in zip(signs, values, strict=True)])) >= observed
    )
    return extreme / len(flips)


def _posterior_exceeds(values: list[float], mid: float) -> float:
    """P(effect > mid) with a normal prior N(0, PRIOR_SD²) and a normal likelihood."""
    centre = mean(values)
    sd = math.sqrt(sum((v - centre) ** 2 for v in values) / (len(values) - 1))
    se2 = max(sd**2 / len(values), 1e-9)
    variance = 1 / (1 / PRIOR_SD**2 + 1 / se2)
    posterior_mean = variance * centre / se2
    return 1 - normal_cdf(mid, posterior_mean, math.sqrt(variance))
