"""Randomised, optionally blinded self-experiments (design §8).

A plan is written before the first night: baseline nights, then blocks in which the two arms
(A and B: two doses, or none and a dose) follow each other in a random order drawn from a
stored seed, with washout nights between arms when the compound's half-life calls for them. Its
SHA-256 is recorded with it, so any later change shows. Results stay hidden until the plan is
complete; ``experiment_analysis`` then analyses it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal

from sleepplan.core import timing
from sleepplan.core.catalog import Catalog
from sleepplan.core.errors import InputError
from sleepplan.core.validation import Bounds, dump, file_record, validate

Arm = Literal["baseline", "washout", "A", "B"]
Domain = Literal["onset", "maintenance", "next_morning", "morning"]
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
    import random  # every start loads this module for the profile's records; only this draws

    washout, _ = washout_for(catalog, compound)
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
    }
    # The counts size the schedule: check them before building it.
    validate(ExperimentPlan, {**fields, "schedule": ()}, "the experiment")
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
    if (timing.LAST_NIGHT - start).days < len(nights) - 1:
        raise InputError.single(
            "the experiment",
            "start",
            f"its {len(nights)} nights from {start} run past {timing.LAST_NIGHT}, the last night "
            "sleepplan plans",
        )
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
    plan = validate(ExperimentPlan, {**fields, "schedule": tuple(schedule)}, "the experiment")
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
