"""Objective nights: what a sleep tracker recorded, in one shape for every source (design §15).

Each importer under ``store/trackers/`` turns its export into ``ObjectiveNight`` records (and
``Skipped`` ones with a reason). Sources that record stage epochs hand them to ``summarise``,
which works out onset, final wake, latency, WASO, awakenings and stage minutes the same way for
every source; sources that give only totals fill the fields themselves. The night a record
belongs to follows design §4's night-of rule in the profile's zone (``night_of``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sleepplan.core import timing

Stage = Literal["light", "deep", "rem", "asleep", "awake", "unknown"]
"""An epoch's stage. ``asleep`` is sleep of no known stage (Apple's old ``Asleep``, Garmin's
unstaged nights); ``unknown`` is neither asleep nor awake (Fitbit's ``unknown`` level)."""
ASLEEP_STAGES: frozenset[str] = frozenset({"light", "deep", "rem", "asleep"})
PRECEDENCE: dict[str, int] = {
    "unknown": 0,
    "awake": 1,
    "asleep": 2,
    "light": 3,
    "deep": 4,
    "rem": 5,
}
"""Where epochs overlap (Sleep as Android's REM spans inside DEEP ones, an Apple ``Awake``
record over an ``Asleep`` one), the more specific stage wins."""
SOURCES = ("apple-health", "fitbit", "oura", "garmin", "withings", "sleep-as-android", "whoop")
"""Every source sleepplan reads, by the name used in the journal, the CLI and JSON."""
SOURCE_NAMES = {
    "apple-health": "Apple Health",
    "fitbit": "Fitbit",
    "oura": "Oura",
    "garmin": "Garmin",
    "withings": "Withings",
    "sleep-as-android": "Sleep as Android",
    "whoop": "WHOOP",
}
"""How each source is named to the user."""


@dataclass(frozen=True, slots=True)
class Epoch:
    """A span of one stage, between two aware instants."""

    start: dt.datetime
    end: dt.datetime
    stage: Stage

    @property
    def minutes(self) -> float:
        """Its length in real minutes."""
        return (timing.utc(self.end) - timing.utc(self.start)).total_seconds() / 60


@dataclass(frozen=True, slots=True)
class ObjectiveNight:
    """One night (or nap) as a tracker recorded it.

    Times are aware instants; ``None`` where the source does not say. Minutes are real minutes.
    """

    night: dt.date
    """The evening the night begins (design §4's night-of rule in the profile's zone)."""
    source: str
    """One of ``SOURCES``."""
    record_id: str
    """What identifies the record within its source (stable across re-exports), so importing
    the same file twice changes nothing and a corrected export replaces the earlier one."""
    device: str | None = None
    """The device or app that recorded it, as the export names it."""
    nap: bool = False
    in_bed: dt.datetime | None = None
    sleep_onset: dt.datetime | None = None
    final_wake: dt.datetime | None = None
    out_of_bed: dt.datetime | None = None
    asleep_min: float | None = None
    latency_min: float | None = None
    waso_min: float | None = None
    awakenings: int | None = None
    light_min: float | None = None
    deep_min: float | None = None
    rem_min: float | None = None
    awake_min: float | None = None
    epochs: tuple[Epoch, ...] = field(default=(), compare=False)
    """The stage epochs, where the source has them (for the hypnogram)."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record an importer did not turn into a night, and why (said to the user)."""

    record: str
    """Which record, in the file's own terms (a date, a line number)."""
    reason: str


def night_of(start: dt.datetime, zone: str) -> dt.date:
    """The night a record starting at ``start`` belongs to (design §4).

    Its local date in ``zone`` when it starts from 12:00, the day before when it starts earlier.
    """
    local = timing.in_zone(start, zone)
    return local.date() if local.hour >= 12 else local.date() - dt.timedelta(days=1)


NAP_LONGEST_H = 4
"""A daytime sleep shorter than this is a nap; a longer one is a (shifted) main sleep."""
DAYTIME = (dt.time(6, 0), dt.time(20, 0))
"""When a nap starts, on the local clock of the profile's zone."""


def looks_like_nap(start: dt.datetime, end: dt.datetime, zone: str) -> bool:
    """Whether a sleep from ``start`` to ``end`` is a nap, by its length and time of day.

    For sources that mark naps wrongly (WHOOP's ``Nap`` on a main block) or not at all
    (Withings): a nap lasts under ``NAP_LONGEST_H`` hours and starts in the ``DAYTIME``
    window, so a short night after a late bedtime (03:40 to 06:40) stays a night.
    """
    hours = timing.seconds_between(start, end) / 3600
    clock = timing.in_zone(start, zone).time()
    return 0 <= hours < NAP_LONGEST_H and DAYTIME[0] <= clock < DAYTIME[1]


def flatten(epochs: Iterable[Epoch]) -> list[Epoch]:
    """Overlapping epochs made into a sequence that does not overlap.

    Where two cover the same span, the more specific stage (``PRECEDENCE``) wins; touching spans
    of one stage merge.
    """
    # Each span's UTC ends once, and a sweep over the cuts with the spans in play: a night of
    # hundreds of epochs (Withings' minutes, Apple's stages) stays fast.
    spans = [(timing.utc(e.start), timing.utc(e.end), e) for e in epochs]
    ordered = sorted((span for span in spans if span[1] > span[0]), key=lambda span: span[0])
    if not ordered:
        return []
    cuts = sorted({span[0] for span in ordered} | {span[1] for span in ordered})
    offset = ordered[0][2].start.tzinfo  # shown in the records' own offset
    result: list[Epoch] = []
    active: list[tuple[dt.datetime, dt.datetime, Epoch]] = []
    waiting = iter(ordered)
    upcoming = next(waiting, None)
    last_right: dt.datetime | None = None
    for left, right in zip(cuts, cuts[1:], strict=False):
        while upcoming is not None and upcoming[0] <= left:
            active.append(upcoming)
            upcoming = next(waiting, None)
        active = [span for span in active if span[1] >= right]  # the ones covering the cut
        if not active:
            continue
        stage = max(active, key=lambda span: PRECEDENCE[span[2].stage])[2].stage
        start, end = left.astimezone(offset), right.astimezone(offset)
        if result and result[-1].stage == stage and last_right == left:
            result[-1] = replace(result[-1], end=end)
        else:
            result.append(Epoch(start, end, stage))
        last_right = right
    return result


def summarise(
    epochs: Sequence[Epoch],
    *,
    in_bed: dt.datetime | None = None,
    out_of_bed: dt.datetime | None = None,
) -> dict[str, Any]:
    """Onset, final wake and the minute counts of a night from its stage epochs.

    ``epochs`` may overlap (they are flattened first). Returns the fields of ``ObjectiveNight``
    it can work out: ``sleep_onset`` (the first asleep epoch), ``final_wake`` (the end of the
    last), ``asleep_min``, ``latency_min`` (from ``in_bed``, else the first epoch, to onset),
    ``waso_min`` and ``awakenings`` (awake runs between onset and final wake), ``awake_min``
    (every awake minute), and ``light_min``/``deep_min``/``rem_min`` — ``None`` when no epoch has
    a stage (an unstaged night), so a missing stage is never read as zero minutes.
    """
    flat = flatten(epochs)
    asleep = [e for e in flat if e.stage in ASLEEP_STAGES]
    if not asleep:
        return {"asleep_min": 0.0 if flat else None, "epochs": tuple(flat)}
    onset, final = asleep[0].start, asleep[-1].end
    start = in_bed or flat[0].start
    inside = [e for e in flat if timing.utc(e.start) >= timing.utc(onset)]
    inside = [e for e in inside if timing.utc(e.end) <= timing.utc(final)]
    awake_runs = [e for e in inside if e.stage == "awake"]
    staged = any(e.stage in ("light", "deep", "rem") for e in flat)

    def total(stage: str) -> float:
        return round(sum((e.minutes for e in flat if e.stage == stage), 0.0), 1)

    return {
        "sleep_onset": onset,
        "final_wake": final,
        "asleep_min": round(sum(e.minutes for e in asleep), 1),
        "latency_min": round(
            max(0.0, (timing.utc(onset) - timing.utc(start)).total_seconds() / 60), 1
        ),
        "waso_min": round(sum((e.minutes for e in awake_runs), 0.0), 1),
        "awakenings": len(awake_runs),
        "awake_min": total("awake"),
        "light_min": total("light") if staged else None,
        "deep_min": total("deep") if staged else None,
        "rem_min": total("rem") if staged else None,
        "in_bed": in_bed,
        "out_of_bed": out_of_bed,
        "epochs": tuple(flat),
    }


NIGHT_KEYS = (
    "night", "source", "device", "nap", "in_bed", "sleep_onset", "final_wake", "out_of_bed",
    "asleep_min", "latency_min", "waso_min", "awakenings", "light_min", "deep_min", "rem_min",
    "awake_min",
)  # fmt: skip
"""The keys of a night in ``tracker import --json`` and the exports, in this order."""


def night_json(night: ObjectiveNight) -> dict[str, Any]:
    """A night as JSON: dates ISO 8601, instants with their offset, numbers or null."""
    data: dict[str, Any] = {}
    for key in NIGHT_KEYS:
        value = getattr(night, key)
        data[key] = value.isoformat() if isinstance(value, dt.date) else value
    return data


def _rank(night: ObjectiveNight, priority: Sequence[str]) -> tuple[int, int]:
    """Where a night's recorder stands: its first entry in ``priority``, else ``SOURCES`` order."""
    device = f"{night.source}:{night.device or ''}".casefold()
    for position, entry in enumerate(priority):
        wanted = entry.casefold()
        if wanted == night.source or wanted == device:
            return (0, position)
    default = SOURCES.index(night.source) if night.source in SOURCES else len(SOURCES)
    return (1, default)


def chosen_nights(
    nights: Iterable[ObjectiveNight], priority: Sequence[str] = ()
) -> dict[dt.date, ObjectiveNight]:
    """The one main sleep (not a nap) to go by for each night, by the profile's priority.

    Where several sources (or devices) recorded a night, the first in ``priority`` — source
    names, or ``source:device`` for one recorder of a source — wins, else the first in
    ``SOURCES``; never a sum, since two trackers of one night measure the same sleep. Between
    two records that rank alike, the longer sleep wins (then the record id, so the choice is
    stable).
    """
    chosen: dict[dt.date, ObjectiveNight] = {}
    for night in nights:
        if night.nap:
            continue
        held = chosen.get(night.night)
        if held is None or _better(night, held, priority):
            chosen[night.night] = night
    return dict(sorted(chosen.items()))


def _better(night: ObjectiveNight, held: ObjectiveNight, priority: Sequence[str]) -> bool:
    """Whether ``night`` is to be chosen over ``held`` for the same date."""

    def key(n: ObjectiveNight) -> tuple[tuple[int, int], float, str]:
        return (_rank(n, priority), -(n.asleep_min or 0.0), n.record_id)

    return key(night) < key(held)
