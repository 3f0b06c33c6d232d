"""Apple Health's sleep records made into nights and naps, one recorder each (design §4, §15).

Each recorder's records (``sourceName``: the Watch, the iPhone, AutoSleep…) are joined into
blocks where they follow within ``BLOCK_GAP``; a block that is a nap by
``core.objective.looks_like_nap`` (under 4 h, starting 06:00–20:00 in the profile's zone) is a
nap, every other block belongs to its night and a recorder's blocks of one night make one
night. Where several recorders recorded a night (or overlapping naps), one is kept, never a
sum: the first of ``priority`` that recorded it (an entry names a recorder as ``Jane's Apple
Watch`` or ``apple-health:Jane's Apple Watch``, in any case), else one with stages (a Watch)
over one without, else the longest; the others are skipped with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sleepplan.core import timing
from sleepplan.core.objective import (
    Epoch,
    ObjectiveNight,
    Skipped,
    looks_like_nap,
    night_of,
    summarise,
)
from sleepplan.store.trackers.apple_health_records import (
    ASLEEP_CODES,
    IN_BED,
    SOURCE,
    STAGED_CODES,
    STAGES,
    SleepRecords,
)

BLOCK_GAP = dt.timedelta(minutes=60)
"""Records of one recorder further apart than this are separate blocks of sleep."""
MAX_BLOCK = dt.timedelta(hours=24)
"""A block longer than this runs without a break for more than a day: not a night."""


@dataclass(slots=True)
class _Sleep:
    """One recorder's records of one night (or one nap): indices into ``SleepRecords``."""

    recorder: str
    indices: list[int]
    night: dt.date
    nap: bool
    first: float
    last: float


def nights(
    records: SleepRecords, zone: str, priority: Sequence[str], max_records: int
) -> Iterator[ObjectiveNight | Skipped]:
    """One night per night and one per nap, a recorder each, the others skipped.

    A night (or nap) of more than ``max_records`` records is skipped: it is not a real one.
    """
    mains: dict[dt.date, list[_Sleep]] = {}
    naps: list[_Sleep] = []
    skipped: list[Skipped] = []
    for sleep in _blocks(records, zone, skipped):
        if sleep.nap:
            naps.append(sleep)
            continue
        held = mains.setdefault(sleep.night, [])
        same = [s for s in held if s.recorder == sleep.recorder]
        if same:  # a night broken by a long wake is still one night
            same[0].indices.extend(sleep.indices)
            same[0].first = min(same[0].first, sleep.first)
            same[0].last = max(same[0].last, sleep.last)
        else:
            held.append(sleep)
    yield from skipped
    groups = list(mains.values()) + _overlapping(naps)
    groups.sort(key=lambda group: min(s.first for s in group))
    for group in groups:
        kept = min(group, key=lambda sleep: _rank(sleep, records, priority))
        what = "nap" if kept.nap else "night"
        for other in group:
            if other is not kept:
                when = records.start(other.indices[0]).strftime("%Y-%m-%d %H:%M")
                yield Skipped(
                    record=f"{other.recorder}'s {what} from {when}",
                    reason=f"another recorder kept for this {what}: {kept.recorder}",
                )
        if len(kept.indices) > max_records:
            yield Skipped(
                record=f"{kept.recorder}'s {what} of {kept.night.isoformat()}",
                reason=f"more than {max_records} records in one {what}",
            )
            continue
        yield _night(kept, records)


def _blocks(records: SleepRecords, zone: str, skipped: list[Skipped]) -> Iterator[_Sleep]:
    """Each recorder's records joined into blocks of sleep, each with its night."""
    by_recorder: dict[int, list[int]] = {}
    for index, recorder in enumerate(records.recorder_of):
        by_recorder.setdefault(recorder, []).append(index)
    gap = BLOCK_GAP.total_seconds()
    for recorder, indices in by_recorder.items():
        indices.sort(key=records.starts.__getitem__)
        block: list[int] = []
        last = 0.0
        for index in [*indices, -1]:
            if block and (index < 0 or records.starts[index] > last + gap):
                sleep = _block(records, records.recorders[recorder], block, zone)
                if isinstance(sleep, Skipped):
                    skipped.append(sleep)
                else:
                    yield sleep
                block = []
            if index >= 0:
                last = max(last, records.ends[index]) if block else records.ends[index]
                block.append(index)


def _block(records: SleepRecords, recorder: str, block: list[int], zone: str) -> _Sleep | Skipped:
    first = records.starts[block[0]]
    last = max(records.ends[index] for index in block)
    start = records.start(block[0])
    if last - first > MAX_BLOCK.total_seconds():
        return Skipped(
            record=f"{recorder}'s records from {start.strftime('%Y-%m-%d %H:%M')}",
            reason="they run without a break for more than 24 hours: not a night",
        )
    end = records.end(max(block, key=records.ends.__getitem__))
    nap = looks_like_nap(start, end, zone)  # the one nap rule every source follows
    return _Sleep(recorder, block, night_of(start, zone), nap, first, last)


def _overlapping(naps: list[_Sleep]) -> list[list[_Sleep]]:
    """Naps grouped where they overlap in time: several recorders of one nap."""
    groups: list[list[_Sleep]] = []
    end = 0.0
    for nap in sorted(naps, key=lambda sleep: sleep.first):
        if groups and nap.first < end:
            groups[-1].append(nap)
            end = max(end, nap.last)
        else:
            groups.append([nap])
            end = nap.last
    return groups


def _rank(sleep: _Sleep, records: SleepRecords, priority: Sequence[str]) -> tuple[object, ...]:
    """How a recorder stands for a night, lowest first (see the module docstring)."""
    names = (sleep.recorder.casefold(), f"{SOURCE}:{sleep.recorder}".casefold())
    position = next(
        (i for i, entry in enumerate(priority) if entry.casefold() in names), len(priority)
    )
    stages = {records.stages[index] for index in sleep.indices}
    return (
        position,
        not stages & STAGED_CODES,
        not stages & ASLEEP_CODES,
        -(sleep.last - sleep.first),
        sleep.recorder,
    )


def _night(sleep: _Sleep, records: SleepRecords) -> ObjectiveNight:
    """The night (or nap) a recorder's records make, its numbers from ``summarise``."""
    indices = sorted(sleep.indices, key=records.starts.__getitem__)
    in_bed = [index for index in indices if records.stages[index] == IN_BED]
    epochs = []
    for index in indices:
        stage = STAGES[records.stages[index]]
        if stage is not None:
            epochs.append(Epoch(records.start(index), records.end(index), stage))
    got_in = records.start(in_bed[0]) if in_bed else None
    got_out = records.end(max(in_bed, key=records.ends.__getitem__)) if in_bed else None
    values = summarise(epochs, in_bed=got_in, out_of_bed=got_out)
    final_wake = values.get("final_wake")
    if got_out is not None and final_wake is not None and final_wake > got_out:
        got_out = final_wake  # an Awake record can run past the in-bed end
    values["in_bed"], values["out_of_bed"] = got_in, got_out
    first = timing.utc(records.start(indices[0])).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ObjectiveNight(
        night=sleep.night,
        source=SOURCE,
        record_id=f"{sleep.recorder}|{first}",
        device=sleep.recorder,
        nap=sleep.nap,
        **values,
    )
