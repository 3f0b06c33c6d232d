"""Randomised, optionally blinded self-experiments (design §8).

A plan is written before the first night: baseline nights, then blocks in which the two arms
(A and B: two doses, or none and a dose) follow each other in a random order drawn from a
stored seed, with washout nights between arms when the compound's half-life calls for them. Its
SHA-256 is recorded with it, so any later change shows. Results stay hidden until the plan is
complete. Analysis: each block's B − A difference in the primary score; their mean with a t and
a bootstrap 95% interval; a randomisation-test p-value (sign flips of the block differences);
and the posterior probability (normal prior, sd 50 points) that the effect exceeds the minimal
important difference.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal

from sleepplan.core.catalog import Catalog
from sleepplan.core.stats import mean, normal_cdf, one_sample_interval
from sleepplan.core.validation import Bounds, dump, file_record, validate

Arm = Literal["baseline", "washout", "A", "B"]
Domain = Literal["onset", "maintenance", "next_morning", "morning"]
PRIOR_SD = 50.0
"""A weak prior: effects of ±100 score points are not ruled out."""
BOOTSTRAP_RESAMPLES = 4000
EXACT_FLIPS_UP_TO = 16
CLEAR_HALF_LIVES = 5
"""After five half-lives about 3% of a dose is left."""


@file_record
class ScheduledNight:
    """One night of the plan."""

    night: dt.date
    """The evening it begins."""
    arm: Arm
    """What the night is for."""
    block: int | None = None
    """Which block (A/B nights only)."""
    envelope: int | None = None
    """Blinded plans: the numbered envelope to take."""


@file_record
class ExperimentPlan:
    """A pre-registered experiment, stored in the profile's ``[[experiments]]``."""

    id: Annotated[str, Bounds(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
    """Stable id."""
    compound: str
    """Catalog id of the compound tested."""
    dose_a_mg: Annotated[float, Bounds(ge=0, le=100_000)]
    """Arm A (0 = none)."""
    dose_b_mg: Annotated[float, Bounds(gt=0, le=100_000)]
    """Arm B."""
    primary: Domain
    """The score the verdict is about."""
    mid: Annotated[float, Bounds(gt=0, le=100)]
    """Minimal important difference, in score points."""
    hypothesis: str = ""
    """What the user expects, in their words."""
    baseline_nights: Annotated[int, Bounds(ge=0, le=60)]
    blocks: Annotated[int, Bounds(ge=2, le=52)]
    block_nights: Annotated[int, Bounds(ge=1, le=14)]
    """Nights per arm within a block."""
    washout_nights: Annotated[int, Bounds(ge=0, le=14)]
    """Nights without the compound whenever the arm changes."""
    blinded: bool
    seed: int
    created_at: dt.datetime
    schedule: tuple[ScheduledNight, ...]
    sha256: str = ""
    """The hash of everything above, recorded before the first night."""

    def digest(self) -> str:
        """The SHA-256 of the plan's content (everything but the hash itself)."""
        content = dump(self, exclude={"sha256"})
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def intact(self) -> bool:
        """Whether the plan is unchanged since it was registered."""
        return self.sha256 == self.digest()

    @property
    def first_night(self) -> dt.date:
        """The first night of the plan."""
        return self.schedule[0].night

    @property
    def last_night(self) -> dt.date:
        """The last night of the plan."""
        return self.schedule[-1].night

    def tonight(self, night: dt.date) -> ScheduledNight | None:
        """What the plan says for a night, if it is one of its nights."""
        return next((item for item in self.schedule if item.night == night), None)

    def dose_of(self, arm: Arm) -> float:
        """The amount for an arm (0 for baseline and washout nights)."""
        return {"A": self.dose_a_mg, "B": self.dose_b_mg}.get(arm, 0.0)

    def envelope_key(self) -> list[tuple[int, str, float]]:
        """Blinded plans: each envelope's arm and dose, to prepare and seal."""
        return [
            (item.envelope, item.arm, self.dose_of(item.arm))
            for item in self.schedule
            if item.envelope is not None
        ]


def washout_for(catalog: Catalog, compound_id: str) -> tuple[int, str]:
    """Nights needed between arms for a compound to clear, and why."""
    compound = catalog.get(compound_id)
    if compound.half_life_h is None:
        return 1, "no sourced half-life, so one washout night to be careful"
    hours = CLEAR_HALF_LIVES * compound.half_life_h[1]
    nights = max(0, math.ceil(hours / 24) - 1)
    return nights, f"{CLEAR_HALF_LIVES} half-lives of up to {compound.half_life_h[1]:g} h"


def make_plan(
    *,
    catalog: Catalog,
    compound: str,
    dose_a_mg: float,
    dose_b_mg: float,
    primary: Domain,
    mid: float,
    start: dt.date,
    created_at: dt.datetime,
    seed: int,
    hypothesis: str = "",
    baseline_nights: int = 7,
    blocks: int = 4,
    block_nights: int = 2,
    blinded: bool = False,
) -> ExperimentPlan:
    """Write the schedule from the seed and register the plan with its hash."""
    washout, _ = washout_for(catalog, compound)
    rng = random.Random(seed)
    nights: list[tuple[Arm, int | None]] = [("baseline", None)] * baseline_nights
    previous: Arm | None = None
    for block in range(1, blocks + 1):
        order: tuple[Arm, Arm] = ("A", "B") if rng.random() < 0.5 else ("B", "A")
        for arm in order:
            if previous is not None and arm != previous:
                nights += [("washout", None)] * washout
            nights += [(arm, block)] * block_nights
            previous = arm
    schedule = []
    envelope = itertools.count(1)
    for offset, (arm, block_number) in enumerate(nights):
        number = next(envelope) if blinded and arm in ("A", "B") else None
        schedule.append(
            ScheduledNight(
                night=start + dt.timedelta(days=offset),
                arm=arm,
                block=block_number,
                envelope=number,
            )
        )
    fields = {
        "id": f"{compound}-{start.isoformat()}",
        "compound": compound,
        "dose_a_mg": dose_a_mg,
        "dose_b_mg": dose_b_mg,
        "primary": primary,
        "mid": mid,
        "hypothesis": hypothesis,
        "baseline_nights": baseline_nights,
        "blocks": blocks,
        "block_nights": block_nights,
        "washout_nights": washout,
        "blinded": blinded,
        "seed": seed,
        "created_at": created_at.replace(microsecond=0),
        "schedule": tuple(schedule),
    }
    plan = validate(ExperimentPlan, fields, "the experiment")
    return replace(plan, sha256=plan.digest())


@dataclass(frozen=True, slots=True)
class Progress:
    """Where an experiment stands, without revealing results."""

    nights_total: int
    nights_recorded: int
    complete: bool
    nights_to_go: int


def progress(plan: ExperimentPlan, recorded: Mapping[dt.date, Any], today: dt.date) -> Progress:
    """How far along the plan is; complete once its last night is over."""
    total = len(plan.schedule)
    done = sum(1 for item in plan.schedule if item.night in recorded)
    complete = today > plan.last_night
    to_go = max(0, (plan.last_night - today).days + 1) if not complete else 0
    return Progress(total, done, complete, to_go)


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
    blinding: tuple[int, int] | None
    """(right guesses, guesses) on blinded nights."""


def analyse(plan: ExperimentPlan, records: Mapping[dt.date, Mapping[str, Any]]) -> Analysis:
    """Paired block differences and their statistics (B − A on the primary score)."""
    by_block: dict[int, dict[str, list[float]]] = {}
    right = guessed = 0
    for item in plan.schedule:
        record = records.get(item.night)
        if record is None or item.block is None:
            continue
        score = (record.get("scores") or {}).get(plan.primary)
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
        bootstrap_ci95=_bootstrap(values, plan.seed),
        randomisation_p=_randomisation_p(values, plan.seed),
        p_exceeds_mid=_posterior_exceeds(values, plan.mid),
        blinding=blinding,
    )


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
