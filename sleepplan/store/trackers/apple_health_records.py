"""Apple Health's sleep records as the reader keeps them: stage codes and a few numbers each.

An export of years holds thousands of sleep records; each is kept as its start, end, offsets,
a stage code and its recorder's index in arrays, so memory stays small however large the file.
"""

from __future__ import annotations

import datetime as dt
from array import array

from sleepplan.core.objective import Stage

SOURCE = "apple-health"
"""The source's name, as its nights record it (``source``) and the tracker priority names it."""
IN_BED = 0
STAGES: tuple[Stage | None, ...] = (None, "asleep", "light", "deep", "rem", "awake")
"""A stage code's stage (``IN_BED``, code 0, is an in-bed span, not an epoch)."""
VALUES = {
    "HKCategoryValueSleepAnalysisInBed": IN_BED,
    "HKCategoryValueSleepAnalysisAsleep": 1,
    "HKCategoryValueSleepAnalysisAsleepUnspecified": 1,
    "HKCategoryValueSleepAnalysisAsleepCore": 2,
    "HKCategoryValueSleepAnalysisAsleepDeep": 3,
    "HKCategoryValueSleepAnalysisAsleepREM": 4,
    "HKCategoryValueSleepAnalysisAwake": 5,
}
"""The stage code of each ``value`` a sleep record can have."""
STAGED_CODES = frozenset({2, 3, 4})
"""Codes only a recorder of stages (a Watch) writes."""
ASLEEP_CODES = frozenset({1, 2, 3, 4})


class SleepRecords:
    """The sleep records read, a few numbers each, so that memory stays small.

    Starts and ends in POSIX seconds, their offsets in minutes, a stage code and the
    recorder's index in ``recorders``.
    """

    def __init__(self) -> None:
        self.starts = array("d")
        self.ends = array("d")
        self.start_offsets = array("h")
        self.end_offsets = array("h")
        self.stages = array("b")
        self.recorder_of = array("i")
        self.recorders: list[str] = []
        self._recorder_index: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.starts)

    def add(self, start: Instant, end: Instant, stage: int, recorder: str) -> None:
        """Keep one record: when it starts and ends, its stage code, who recorded it."""
        index = self._recorder_index.get(recorder)
        if index is None:
            index = self._recorder_index[recorder] = len(self.recorders)
            self.recorders.append(recorder)
        self.starts.append(start[0])
        self.start_offsets.append(start[1])
        self.ends.append(end[0])
        self.end_offsets.append(end[1])
        self.stages.append(stage)
        self.recorder_of.append(index)

    def start(self, index: int) -> dt.datetime:
        """When record ``index`` starts, with the offset it was written with."""
        return instant_at(self.starts[index], self.start_offsets[index])

    def end(self, index: int) -> dt.datetime:
        """When record ``index`` ends, with the offset it was written with."""
        return instant_at(self.ends[index], self.end_offsets[index])


Instant = tuple[float, int]
"""An instant as POSIX seconds and the offset it was written with, in minutes."""


_OFFSETS: dict[int, dt.timezone] = {}


def instant_at(seconds: float, offset_minutes: int) -> dt.datetime:
    """POSIX ``seconds`` as a time at an offset of ``offset_minutes`` (one zone object each)."""
    offset = _OFFSETS.get(offset_minutes)
    if offset is None:
        offset = _OFFSETS[offset_minutes] = dt.timezone(dt.timedelta(minutes=offset_minutes))
    return dt.datetime.fromtimestamp(seconds, offset)
