"""Randomised, optionally blinded self-experiments (design §8).

A plan is written before the first night: baseline nights, then blocks in which the two arms
(A and B: two doses, or none and a dose) follow each other in a random order drawn from a
seed, with washout nights between arms when the compound's half-life calls for them. Its
SHA-256 is recorded with it, so any later change shows. Results stay hidden until the plan is
complete; ``experiment_analysis`` then analyses it.

The profile keeps only the *registration* (everything but the seed and the schedule, plus the
hash of the full plan): the user opens that file to edit their routines, and a schedule there
would break the blind the first time they looked. The full plan is sealed outside it
(``store.sealed``). Profiles written before that still carry the schedule and keep working.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal

from sleepplan.core import timing
from sleepplan.core.catalog import Catalog
from sleepplan.core.errors import InputError
from sleepplan.core.validation import Bounds, dump, file_record, validate

Arm = Literal["baseline", "washout", "A", "B"]
Domain = Literal[
    "onset",
    "maintenance",
    "next_morning",
    "morning",
    "rem_min",
    "deep_min",
    "latency_min",
    "waso_min",
]
"""A primary outcome: a check-in score (0–100 points), or a tracker measure in minutes."""
OBJECTIVE_PRIMARIES = ("rem_min", "deep_min", "latency_min", "waso_min")
"""Primary outcomes read from the tracker's night (design §15), in minutes."""
FEWER_IS_BETTER = frozenset({"latency_min", "waso_min"})
"""Tracker measures where fewer minutes is the better night."""
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
    """The score (or tracker measure) the verdict is about."""
    mid: Annotated[float, Bounds(gt=0, le=100)]
    """Minimal important difference, in score points (minutes for a tracker measure)."""
    hypothesis: str = ""
    """What the user expects, in their words."""
    baseline_nights: Annotated[int, Bounds(ge=0, le=60)]
    blocks: Annotated[int, Bounds(ge=2, le=52)]
    block_nights: Annotated[int, Bounds(ge=1, le=14)]
    """Nights per arm within a block."""
    washout_nights: Annotated[int, Bounds(ge=0, le=14)]
    """Nights without the compound whenever the arm changes."""
    blinded: bool
    start: dt.date | None = None
    """The first night (profiles written before the schedule was sealed leave it out)."""
    seed: int | None = None
    """The full plan only: the seed the schedule was drawn from (never in a new profile)."""
    created_at: dt.datetime
    schedule: tuple[ScheduledNight, ...] = ()
    """The full plan only: every night and its arm (never in a new profile)."""
    sha256: str = ""
    """The hash of the full plan, recorded before the first night."""

    def digest(self) -> str:
        """The SHA-256 of the plan's content (everything but the hash and the start).

        The start is left out because the schedule already holds it (and profiles written
        before the start was recorded must keep their hash).
        """
        content = dump(self, exclude={"sha256", "start"})
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def intact(self) -> bool:
        """Whether the full plan is unchanged since it was registered."""
        return self.has_schedule and self.sha256 == self.digest()

    @property
    def has_schedule(self) -> bool:
        """Whether this is the full plan (sealed, or an older profile's), not a registration."""
        return bool(self.schedule)

    def registration(self) -> ExperimentPlan:
        """What the profile keeps: the plan without its seed and schedule, with its start."""
        return replace(self, start=self.first_night, seed=None, schedule=())

    @property
    def first_night(self) -> dt.date:
        """The first night of the plan."""
        if self.schedule:
            return self.schedule[0].night
        if self.start is None:
            raise ValueError(f"experiment {self.id} has neither a start nor a schedule")
        return self.start

    @property
    def last_night(self) -> dt.date:
        """The last night of the full plan."""
        if not self.schedule:
            raise ValueError(f"experiment {self.id}: only the full plan knows its last night")
        return self.schedule[-1].night

    def span(self) -> tuple[dt.date, dt.date]:
        """The plan's first and last nights; a registration gives the latest it could end.

        The number of washout runs depends on the drawn order, so a registration counts one
        between every two arms: a run is never longer than that.
        """
        if self.schedule:
            return self.first_night, self.last_night
        arms = 2 * self.blocks
        longest = self.baseline_nights + arms * self.block_nights + (arms - 1) * self.washout_nights
        return self.first_night, self.first_night + dt.timedelta(days=longest - 1)

    def may_include(self, night: dt.date) -> bool:
        """Whether a night can be one of the plan's (without reading its sealed schedule)."""
        first, last = self.span()
        return first <= night <= last

    def tonight(self, night: dt.date) -> ScheduledNight | None:
        """What the full plan says for a night, if it is one of its nights."""
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
        "start": start,
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


MID_LIMIT = 50.0
"""The largest minimal important difference a new experiment may register, in score points."""
MID_MINUTES = (1.0, 60.0)
"""The smallest and largest minimal important difference on a tracker measure, in minutes.

Trackers report stages in minutes at best, so less than a minute is below what they can tell
apart; an hour is most of a typical night's deep sleep and about half its
REM, so a larger difference is no longer a minimal one."""


def register(
    *,
    tonight: dt.date,
    others: Iterable[ExperimentPlan],
    places: Mapping[str, str] | None = None,
    source: str = "the experiment",
    **details: Any,
) -> ExperimentPlan:
    """Check a new experiment's registration, then write its plan (``make_plan``'s arguments).

    Refused, with one problem per field: a start before ``tonight``, a minimal important
    difference not above 0 or above ``MID_LIMIT`` (in minutes, outside ``MID_MINUTES`` for a
    tracker measure), and nights that overlap another experiment
    on the same compound (``others``: full plans where they could be read, else their
    registrations, whose latest possible end is used). ``places`` names each field the way
    the caller asked for it (``{"mid": "--mid"}``); nothing is written here either way.
    """
    names = places or {}
    start: dt.date = details["start"]
    mid: float = details["mid"]
    problems = []
    if start < tonight:
        problems.append(
            ("start", f"{start} is in the past: an experiment starts tonight ({tonight}) or later")
        )
    if details["primary"] in OBJECTIVE_PRIMARIES:
        low, high = MID_MINUTES
        if not low <= mid <= high:
            problems.append(
                (
                    "mid",
                    f"{mid:g} minutes: a minimal important difference on a tracker measure is "
                    f"at least {low:g} and at most {high:g} minutes",
                )
            )
    elif not 0 < mid <= MID_LIMIT:
        problems.append(
            (
                "mid",
                f"{mid:g} points: a minimal important difference is above 0 and at most "
                f"{MID_LIMIT:g} (a score runs from 0 to 100)",
            )
        )
    if problems:
        raise InputError(source, [(names.get(field, field), text) for field, text in problems])
    plan = make_plan(**details)
    first, last = plan.span()
    for other in others:
        other_first, other_last = other.span()
        if other.compound == plan.compound and first <= other_last and other_first <= last:
            raise InputError.single(
                source,
                names.get("start", "start"),
                f"its nights ({first} to {last}) overlap experiment {other.id} on the same "
                f"compound ({other_first} to {other_last}): start after {other_last}",
            )
    return plan


def night_instruction(plan: ExperimentPlan, night: dt.date) -> tuple[str, str] | None:
    """What the full plan says for a night, in words and in a table cell of 9 characters.

    ``("envelope 7", "env. 7")`` blinded, ``("none tonight — baseline", "none")`` on baseline
    and washout nights, ``("0.5 mg — arm B", "0.5 mg B")`` open; ``None`` off the plan. A
    blinded night never says its arm.
    """
    item = plan.tonight(night)
    if item is None:
        return None
    if item.arm in ("baseline", "washout"):
        return f"none tonight — {item.arm}", "none"
    if plan.blinded:
        return f"envelope {item.envelope}", f"env. {item.envelope}"
    amount = plan.dose_of(item.arm)
    if amount == 0:
        return f"none tonight — arm {item.arm}", f"none {item.arm}"
    return f"{amount:g} mg — arm {item.arm}", f"{amount:g} mg {item.arm}"


MID_HINTS: dict[str, str] = {
    "onset": (
        "On the onset score, 5 points is about falling asleep 4½ minutes sooner, 10 about 9 "
        "minutes, 15 about 13½ minutes (with your 'getting to sleep' rating unchanged)."
    ),
    "maintenance": (
        "On the maintenance score, 5 points is about 5 fewer minutes awake in the night, "
        "10 about 10, 15 about 15 (with your sleep-quality rating unchanged)."
    ),
    "next_morning": (
        "On the next-morning score, 5 points is a little over one step less sleepy on the "
        "1–9 sleepiness question, 10 about 2½ steps, 15 about 3½ steps."
    ),
    "morning": (
        "On the morning score, one step up the 1–5 quality question adds about 4 points and "
        "one step less sleepy about 2½: 5 points is a small change, 10 a clear one, 15 a large "
        "one."
    ),
    "rem_min": (
        "In minutes of REM, as your tracker estimates them (not score points): choose the "
        "smallest change you would care about, e.g. 10 minutes. Trackers agree only moderately "
        "with a sleep lab on stages."
    ),
    "deep_min": (
        "In minutes of deep sleep, as your tracker estimates them (not score points): choose "
        "the smallest change you would care about, e.g. 10 minutes. Trackers agree only "
        "moderately with a sleep lab on stages."
    ),
    "latency_min": (
        "In minutes to fall asleep, from your tracker (not score points); fewer is better: "
        "e.g. 5 minutes sooner."
    ),
    "waso_min": (
        "In minutes awake after first falling asleep, from your tracker (not score points); "
        "fewer is better: e.g. 10 minutes less awake."
    ),
}
"""What 5, 10 and 15 points mean on each score, from the check-in's scoring (design §7); for a
tracker measure, that its unit is minutes and which way is better.

Onset is the mean of a minutes-to-sleep part (100·(60 − SOL)/45) and a 0–100 rating, so a
minute sooner is 100/45/2 ≈ 1.1 points; a minute less awake moves the WASO and efficiency
parts of maintenance by about 1 point together; one sleepiness step is 100/8/3 ≈ 4.2
next-morning points, and 0.20·12.5 = 2.5 morning points; a quality step is 0.15·25 ≈ 4."""
